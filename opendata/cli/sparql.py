"""The SPARQL commands of ``opendata``: ``load``, ``query``, ``serve`` and ``push``.

Each parses its arguments, calls one function of :mod:`opendata.sparql.store`,
:mod:`opendata.sparql.endpoint` or :mod:`opendata.sparql.push`, and prints the result;
:mod:`opendata.cli.main` lists them in the command group, which imports this module when one runs.
Exit codes are the CLI's (see :mod:`opendata.cli.main`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

STORE_OPTION = click.option(
    "--store",
    "store_dir",
    default="opendata-store",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder of the embedded store (pyoxigraph).",
)


@click.command("load")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--force", is_flag=True, help="Reload graphs even when their file is unchanged.")
def load_command(packages: tuple[Path, ...], store_dir: Path, force: bool) -> None:
    """Load packages' graphs into the embedded store, one named graph each (replaced on reload)."""
    from opendata.sparql.store import load

    worst = 0
    for result in load(packages, store_dir, force=force):
        if result.error is not None:
            click.echo(f"error: {result.error}", err=True)
            worst = max(worst, result.error.exit_code)
            continue
        click.echo(
            f"{result.source}\n  -> <{result.graph}> [{result.status}] "
            f"{result.triples} triples, {result.seconds:.2f} s"
        )
    if worst:
        sys.exit(worst)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param takes NAME=VALUE, not {value!r}")
        params[name] = text
    return params


@click.command("query")
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path),
    help="Read the SPARQL query from this file.",
)
@STORE_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle"]),
    default="table",
    show_default=True,
    help="Output: table, CSV/TSV/JSON/XML (SPARQL results), Turtle (CONSTRUCT/DESCRIBE).",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a named query's parameter (repeatable).",
)
@click.option("--limit", type=int, help="Print at most this many rows.")
def query_command(
    query: str | None,
    query_file: Path | None,
    store_dir: Path,
    fmt: str,
    list_queries: bool,
    params: tuple[str, ...],
    limit: int | None,
) -> None:
    """Run a SPARQL query (text, --file, or the NAME of a named query) on the embedded store.

    Queries see the union of every loaded graph as their default graph.
    """
    from opendata.sparql.queries import named_queries, named_query
    from opendata.sparql.results import render
    from opendata.sparql.store import query as run_query

    if list_queries:
        for q in named_queries().values():
            click.echo(f"{q.name}\n  {q.title}\n  {q.description}")
            for p in q.parameters:
                need = ", required" if p.required else ""
                click.echo(f"  --param {p.name}=… ({p.type}{need}): {p.description}")
        return
    if (query is None) == (query_file is None):
        raise click.UsageError("give a query (SPARQL text or a named query's NAME) or --file")
    bindings = {}
    if query_file is not None:
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.UsageError(f"cannot read {query_file}: {exc}") from exc
    elif query is not None and query in named_queries():
        named = named_query(query)
        text, bindings = named.text, named.bindings(_params(params))
    else:
        text = query or ""
    if params and not bindings:
        raise click.UsageError("--param is for named queries (opendata query --list)")
    result = run_query(store_dir, text, bindings, limit)
    try:
        click.echo(render(result, fmt), nl=False)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@click.command("serve")
@STORE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0: any free one).")
@click.option(
    "--base",
    envvar="OPENDATA_BASE",
    help="Base of the URIs served at http://HOST:PORT/<path after the base> "
    "(default https://w3id.org/opendata-cn/; also OPENDATA_BASE).",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run (its worker is then killed and replaced).",
)
@click.option(
    "--limit",
    default=10000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) per answer.",
)
@click.option(
    "--workers",
    default=4,
    show_default=True,
    type=click.IntRange(min=1, max=64),
    help="Worker processes: queries running at once.",
)
@click.option(
    "--memory",
    default=2048,
    show_default=True,
    type=click.IntRange(min=256),
    help="MiB of address space each worker process may use.",
)
@click.option(
    "--connections",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Connections served at once (more get 503).",
)
@click.option(
    "--idle",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client has to send its whole request.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def serve_command(
    store_dir: Path,
    host: str,
    port: int,
    base: str | None,
    timeout: float,
    limit: int,
    workers: int,
    memory: int,
    connections: int,
    idle: float,
    verbose: bool,
) -> None:
    """Serve the store read-only: SPARQL 1.1 Protocol at /sparql, a query page, and its URIs."""
    from opendata.sparql.endpoint import EndpointConfig, serve

    config = EndpointConfig(
        store_dir,
        host,
        port,
        base,
        timeout=timeout,
        limit=limit,
        workers=workers,
        verbose=verbose,
        memory=memory,
        connections=connections,
        idle=idle,
    )

    def started(url: str) -> None:
        click.echo(f"serving {store_dir} at {url} (Ctrl-C stops)")

    serve(config, started)


@click.command("push")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--store",
    "url",
    required=True,
    help="SPARQL 1.1 Graph Store Protocol endpoint, e.g. "
    "http://localhost:8890/sparql-graph-crud-auth (credentials: OPENDATA_STORE_USER and "
    "OPENDATA_STORE_PASSWORD in the environment).",
)
@click.option("--retries", default=4, show_default=True, help="Retries of a failed request.")
def push_command(packages: tuple[Path, ...], url: str, retries: int) -> None:
    """Send packages' graphs to an external triple store, one named graph each (replaced)."""
    from opendata.sparql.push import public_url, push

    worst = 0
    for result in push(packages, url, retries=retries):
        if result.error is not None:
            click.echo(f"error: {result.source}: {result.error}", err=True)
            worst = max(worst, result.error.exit_code)
            continue
        click.echo(
            f"{result.source}\n  -> <{result.graph}> at {public_url(url)} [{result.status}] "
            f"{result.bytes} bytes, {result.seconds:.2f} s"
        )
    if worst:
        sys.exit(worst)
