"""The conversion commands of ``opendata``: ``convert`` and ``catalog``.

Exit codes are the CLI's (see :mod:`opendata.cli.main`). ``catalog`` needs only the catalogue
writer; ``convert`` imports the batch runner when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from opendata.batch.corpus import write_catalog
from opendata.batch.pool import TIMEOUT
from opendata.cli.main import EXIT_FINDINGS, location
from opendata.errors import OpendataError, shown
from opendata.read.bounds import MAX_PAGES

if TYPE_CHECKING:
    from opendata.batch.convert import ConvertResult
    from opendata.batch.run import Plan


def _print_convert(result: ConvertResult, verbose: bool) -> None:
    what = " + ".join(shown(i) for i in result.inputs)
    if result.error is not None:
        click.echo(f"error: {result.error}", err=True)
        return
    if result.written is not None and not result.counts:  # skipped: not read at all
        click.echo(f"{what}\n  -> {result.written.path} [{result.written.status}]")
        return
    c = result.counts
    status = result.written.status if result.written else "not written (--strict)"
    path = result.written.path if result.written else "-"
    click.echo(f"{what}\n  -> {path} [{status}]")
    click.echo(
        f"  {c['tables']} tables, {c['rows']} rows, {c['amounts']} amounts, "
        f"{c['projects']} projects, {c['indicators']} indicators, {c['units']} units"
    )
    errors = [f for f in result.findings if f.severity == "error"]
    click.echo(
        f"  reader findings: {len(errors)} errors, {len(result.findings) - len(errors)} other"
    )
    for f in result.findings:
        if f.severity == "error" or verbose:
            loc = location(f.source.file, f.source.line, f.source.page)
            click.echo(f"  {f.severity}: {loc}: [{f.code}] {f.message}")


def _convert(
    the_plan: Plan,
    jobs: int | None,
    scheduler: str | None,
    verbose: bool,
    progress: bool | None,
    base: str | None,
    timeout: float,
) -> int:
    """Run the plan, print each result and the catalogue; the worst exit code."""
    from opendata.batch.progress import Progress
    from opendata.batch.run import run

    if scheduler is not None:
        from opendata.batch.cluster import run_on_dask

        results = run_on_dask(the_plan, scheduler)
    else:
        results = run(the_plan, jobs=jobs, timeout=timeout)
    show = progress if progress is not None else sys.stderr.isatty()
    worst = 0
    try:
        with Progress(the_plan.count + len(the_plan.errors), show) as bar:
            for result in results:
                with bar.printing():
                    _print_convert(result, verbose)
                bar.update(result)
                if result.error is not None:
                    worst = max(worst, result.error.exit_code)
                elif result.errors:
                    worst = max(worst, EXIT_FINDINGS)
        if the_plan.leftovers:
            click.echo(
                f"cleaned up after an interrupted run: {', '.join(the_plan.leftovers)}", err=True
            )
        if the_plan.batch and the_plan.count:
            catalog = write_catalog(the_plan.options.out_dir, base, the_plan.digest_of)
            click.echo(
                f"catalogue: {catalog.path} ({catalog.packages} packages) [{catalog.status}]"
            )
    except OpendataError as exc:  # the run as a whole: the folder is locked, no scheduler …
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    return worst


@click.command("convert")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write packages into; each goes to OUTPUT/<package-name>/.",
)
@click.option("--as-one", is_flag=True, help="Treat all INPUTS as parts of one disclosure.")
@click.option("--name", help="Package name to use instead of the derived one.")
@click.option(
    "--created",
    help="ISO timestamp for 'created' (default: now, or kept when the package is unchanged).",
)
@click.option("--strict", is_flag=True, help="Write nothing for a document with reader errors.")
@click.option(
    "--base",
    envvar="OPENDATA_BASE",
    help="Base of the URIs the graph mints "
    "(default https://w3id.org/opendata-cn/; also OPENDATA_BASE).",
)
@click.option("-v", "--verbose", is_flag=True, help="List every reader finding, not only errors.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes (default: the number of CPUs).",
)
@click.option(
    "--batch/--no-batch",
    default=None,
    help="Group tables and narrative parts, skip unchanged documents and write "
    "OUTPUT/catalog/ (default: on when an input is a folder or a glob pattern).",
)
@click.option("--force", is_flag=True, help="Convert unchanged documents too (with --batch).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress line on stderr (default: when stderr is a terminal).",
)
@click.option(
    "--dask",
    "--scheduler",
    "scheduler",
    metavar="ADDRESS",
    help="Run the documents as tasks on a Dask cluster (tcp://host:8786); "
    "OUTPUT must be storage that every worker shares.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=0),
    default=MAX_PAGES,
    show_default=True,
    help="Read at most this many pages of a PDF; the pages after them are reported as not "
    "read (0: no limit).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a document that takes longer than this in a worker process and report it; "
    "the others go on (0: no limit; a single document, or -j 1 with no limit, runs in this "
    "process without one).",
)
def convert_command(
    inputs: tuple[Path, ...],
    out_dir: Path,
    as_one: bool,
    name: str | None,
    created: str | None,
    strict: bool,
    base: str | None,
    verbose: bool,
    jobs: int | None,
    batch: bool | None,
    force: bool,
    progress: bool | None,
    scheduler: str | None,
    max_pages: int,
    timeout: float,
) -> None:
    """Read disclosures (PDF or text) and write one data package per disclosure.

    INPUTS are files, folders (every *.pdf and *.txt below them) or quoted glob patterns.
    """
    from opendata.batch.run import Options, plan

    options = Options(
        out_dir, name=name, created=created, strict=strict, base=base, max_pages=max_pages
    )
    with plan(list(inputs), options, as_one=as_one, batch=batch, force=force) as the_plan:
        worst = _convert(the_plan, jobs, scheduler, verbose, progress, base, timeout)
    if worst:
        sys.exit(worst)


@click.command("catalog")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--base",
    envvar="OPENDATA_BASE",
    help="Base of the URIs (as given to convert; also OPENDATA_BASE).",
)
def catalog_command(out_dir: Path, base: str | None) -> None:
    """Write OUT_DIR/catalog/ (DCAT catalogue and index package) from the packages in OUT_DIR."""
    catalog = write_catalog(out_dir, base)
    click.echo(f"catalogue: {catalog.path} ({catalog.packages} packages) [{catalog.status}]")
