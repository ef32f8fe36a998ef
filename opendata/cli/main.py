"""The ``opendata`` command: a thin layer that parses arguments, calls the library, prints.

Exit codes (also in the README):

====  =====================================================================
0     success
1     done, but problems were found (reader errors, an invalid package, or audit errors)
2     usage error (bad options or arguments)
3     an input cannot be read as a disclosure (empty, binary, no tables …)
4     an input is of a kind not supported yet (e.g. PDF)
5     an output could not be written (or the embedded store cannot be opened or read)
6     a remote service failed: the CKAN portal could not be reached (after retries)
      or refused a request (bad token, no rights, invalid data), an external triple store
      refused a graph or could not be reached, or the Dask scheduler (``--dask``) cannot be
      reached (or Dask is not installed)
7     a document hit an unexpected error (a bug) or its worker process died
====  =====================================================================

``load``, ``query``, ``serve`` and ``push`` (SPARQL) use the same codes: a query that is not
valid SPARQL, an unknown named query or a bad ``--param`` is a usage error (2), a package that
cannot be read is bad input (3), and a store that cannot be opened or an external store that
refuses or cannot be reached is an output error (5).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from opendata.audit import AuditReport, audit_package
from opendata.batch.convert import ConvertResult
from opendata.batch.corpus import write_catalog
from opendata.batch.progress import Progress
from opendata.batch.run import Options, Plan, plan, run
from opendata.cli.sparql import load_command, push_command, query_command, serve_command
from opendata.errors import OpendataError, shown
from opendata.model import finding_record
from opendata.publish.datasets import PublishResult, publish
from opendata.read.document import document_lines
from opendata.resources import VERSION
from opendata.validate.report import ValidationReport, validate_package
from opendata.vocab.page import write_vocab
from opendata.write.schemas import write_schemas

EXIT_FINDINGS = 1


def _location(file: str, line: int, page: int | None) -> str:
    return f"{file}:{line}" + (f" (page {page})" if page is not None else "")


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
            loc = _location(f.source.file, f.source.line, f.source.page)
            click.echo(f"  {f.severity}: {loc}: [{f.code}] {f.message}")


@click.group()
@click.version_option(VERSION, prog_name="opendata")
def cli() -> None:
    """Turn Chinese budget disclosures (部门预算/决算) into open, linked, validated data."""


def _convert(
    the_plan: Plan,
    jobs: int | None,
    scheduler: str | None,
    verbose: bool,
    progress: bool | None,
    base: str | None,
) -> int:
    """Run the plan, print each result and the catalogue; the worst exit code."""
    if scheduler is not None:
        from opendata.batch.cluster import run_on_dask

        results = run_on_dask(the_plan, scheduler)
    else:
        results = run(the_plan, jobs=jobs)
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


@cli.command("convert")
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
) -> None:
    """Read disclosures (PDF or text) and write one data package per disclosure.

    INPUTS are files, folders (every *.pdf and *.txt below them) or quoted glob patterns.
    """
    options = Options(out_dir, name=name, created=created, strict=strict, base=base)
    with plan(list(inputs), options, as_one=as_one, batch=batch, force=force) as the_plan:
        worst = _convert(the_plan, jobs, scheduler, verbose, progress, base)
    if worst:
        sys.exit(worst)


@cli.command("catalog")
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


def _print_report(report: ValidationReport) -> None:
    verdict = "valid" if report.valid else "INVALID"
    graph = ""
    if report.shacl is not None:
        graph = (
            f", graph {report.triples} triples {'conforms' if report.shacl else 'NONCONFORMANT'}"
        )
    click.echo(
        f"{report.package}: {verdict} ({report.resources} resources, {report.rows} rows{graph}, "
        f"{len(report.errors)} errors)"
    )
    for e in report.errors:
        where = e.resource or "package"
        if e.row_number is not None:
            where += f" row {e.row_number}"
        if e.field_name:
            where += f" field {e.field_name}"
        click.echo(f"  {where}: [{e.code}] {e.message}")


@cli.command("validate")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL validation of the graph.")
@click.option(
    "--engine",
    type=click.Choice(["fast", "reference"]),
    default="fast",
    show_default=True,
    help="fast: tables by frictionless's rules compiled once, SHACL compiled to SPARQL; "
    "reference: frictionless and pySHACL themselves (slower; the referee).",
)
def validate_command(
    packages: tuple[Path, ...], as_json: bool, no_shacl: bool, engine: str
) -> None:
    """Validate packages: tables with frictionless, the graph with SHACL; report the audit."""
    reports = [validate_package(p, shacl=not no_shacl, engine=engine) for p in packages]
    audits = [audit_package(p) for p in packages]
    if as_json:
        records = [
            {**r.record(), "audit": a.counts()} for r, a in zip(reports, audits, strict=True)
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for report, audit in zip(reports, audits, strict=True):
            _print_report(report)
            click.echo(f"  audit: {_counts(audit)} (details: opendata audit {report.package})")
    if not all(r.valid for r in reports):
        sys.exit(EXIT_FINDINGS)


def _counts(report: AuditReport) -> str:
    c = report.counts()
    errors = f"{c['FAIL']} error" + ("" if c["FAIL"] == 1 else "s")
    warnings = f"{c['WARN']} warning" + ("" if c["WARN"] == 1 else "s")
    return f"{errors}, {warnings}, {c['SKIP']} skipped, {c['PASS']} passed"


def _print_audit(package: Path, report: AuditReport, show_all: bool, lang: str) -> None:
    click.echo(f"{package}: {_counts(report)}")
    for check in report.checks:
        if check.status == "PASS" and not show_all:
            continue
        where = ""
        if check.source is not None and check.source.line > 0:
            where = _location(check.source.file, check.source.line, check.source.page)
        values = ""
        if check.expected is not None or check.actual is not None:
            values = (
                f" expected {check.expected if check.expected is not None else '-'}, "
                f"actual {check.actual if check.actual is not None else '-'}"
            )
            if check.difference is not None:
                values += f", difference {check.difference}"
            values += f" {check.unit}".rstrip()
            values += ";"
        message = check.message if lang == "en" else check.message_zh
        click.echo(
            f"  {check.status:<4} {check.code:<18} {where}{';' if where else ''}{values} {message}"
        )


@cli.command("audit")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON array.")
@click.option("--all", "show_all", is_flag=True, help="Also list the checks that passed.")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the messages in the table.",
)
def audit_command(packages: tuple[Path, ...], as_json: bool, show_all: bool, lang: str) -> None:
    """Check that a package's numbers and words agree (sums, tables, narrative, codes)."""
    reports = [(p, audit_package(p)) for p in packages]
    if as_json:
        records = [
            {"package": str(p), **finding_record(c)}
            for p, report in reports
            for c in report.checks
            if show_all or c.finding
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for package, report in reports:
            _print_audit(package, report, show_all, lang)
    if any(report.errors for _, report in reports):
        sys.exit(EXIT_FINDINGS)


@cli.command("lines")
@click.argument("path", type=click.Path(path_type=Path))
def lines_command(path: Path) -> None:
    """Print the numbered lines the reader sees in a file (the lines findings refer to)."""
    for line in document_lines(path):
        page = f"{line.page:>4} " if line.page is not None else ""
        click.echo(f"{page}{line.number:>5}  {line.text}")


@cli.command("vocab")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="vocab",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write into.",
)
def vocab_command(out_dir: Path) -> None:
    """Write the vocabulary page (README.md) and the code lists (codelists.ttl) of vocab/."""
    for path in write_vocab(out_dir):
        click.echo(str(path))


@cli.command("schemas")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="schemas",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write the schemas into.",
)
def schemas_command(out_dir: Path) -> None:
    """Write the Table Schemas of every table kind and derived resource."""
    for path in write_schemas(out_dir):
        click.echo(str(path))


def _print_publish(result: PublishResult, verbose: bool) -> None:
    failed = {package for package, _ in result.failures}
    for dataset in result.plans:
        click.echo(f"{dataset.package}\n  -> {dataset.url} [{dataset.action}]")
        if dataset.action == "update" and dataset.reason != "resources":
            click.echo(f"  dataset fields: {dataset.reason}")
        counts = {a: 0 for a in ("create", "update", "unchanged", "delete")}
        for step in dataset.steps:
            counts[step.action] += 1
            if step.action != "unchanged" or verbose or result.dry_run:
                reason = f" ({step.reason})" if step.reason and step.action != "create" else ""
                click.echo(f"  {step.action:<9} {step.name}{reason}")
        summary = ", ".join(f"{n} {a}" for a, n in counts.items())
        uploads = "to upload" if result.dry_run or dataset.package in failed else "uploaded"
        click.echo(f"  resources: {summary}; {dataset.uploads} {uploads}")
    for package, error in result.failures:
        where = "" if error.path else f"{package}: "
        click.echo(f"error: {where}{error}", err=True)
    done = "planned (dry run, nothing changed)" if result.dry_run else "done"
    click.echo(f"{done}: {sum(result.requests.values())} requests, {result.uploads} uploads")


def _portal_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http:// or https:// URL")
    return value


@cli.command("publish")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--portal",
    required=True,
    callback=_portal_url,
    help="The CKAN site, e.g. https://data.example.gov.cn",
)
@click.option("--organization", required=True, help="Name (or id) of the CKAN organization.")
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File holding the API token (default: the CKAN_API_TOKEN environment variable).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing on the portal.")
@click.option(
    "--retries",
    default=4,
    show_default=True,
    type=click.IntRange(0, 20),
    help="Retries after a connection error or a 5xx answer.",
)
@click.option(
    "--backoff",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 60),
    help="Seconds before the first retry; doubled for each next one.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list unchanged resources.")
def publish_command(
    packages: tuple[Path, ...],
    portal: str,
    organization: str,
    token_file: Path | None,
    dry_run: bool,
    retries: int,
    backoff: float,
    verbose: bool,
) -> None:
    """Create or update one CKAN dataset per package, uploading only changed files."""
    token = os.environ.get("CKAN_API_TOKEN") or None
    if token_file is not None:
        try:
            token = token_file.read_text("utf-8").strip() or None
        except (OSError, UnicodeDecodeError) as exc:
            raise click.UsageError(f"cannot read --token-file {token_file}: {exc}") from None
    if token is None and not dry_run:
        raise click.UsageError("no API token: set CKAN_API_TOKEN or give --token-file")
    result = publish(
        list(packages),
        portal,
        organization,
        token=token,
        dry_run=dry_run,
        retries=retries,
        backoff=backoff,
    )
    _print_publish(result, verbose)
    if result.failures:
        sys.exit(max(error.exit_code for _, error in result.failures))


for command in (load_command, query_command, serve_command, push_command):
    cli.add_command(command)


def main() -> None:
    """Entry point: run the CLI, turning opendata errors into messages and exit codes."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OpendataError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
