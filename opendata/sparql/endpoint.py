"""A read-only SPARQL 1.1 Protocol endpoint over the embedded store, and URI dereferencing.

``opendata serve`` runs it on the standard library's threading HTTP server
(:mod:`opendata.sparql.http`: connection, request and stall limits), with every query run in a
worker process (:mod:`opendata.sparql.workers`) after a check of its text
(:mod:`opendata.sparql.guard`):

- ``/sparql`` answers queries by GET (``?query=``) and POST (form ``query=``, or a body of type
  ``application/sparql-query``). A named query runs by ``?name=three-public&year=2023``.
  Solutions come as SPARQL JSON (default), XML, CSV or TSV and graphs as Turtle (default),
  JSON-LD or N-Triples, chosen by the ``Accept`` header (or ``format=json|xml|csv|tsv|turtle|
  jsonld|nt``).
- A query is refused before it runs (``400``) when it is over 64 KiB, nested deeper than 64,
  has over 1,000 operators, or calls ``SERVICE`` (the store would send requests to any
  address); an update gets ``403`` (the store is opened read-only too).
- Every query runs in one of ``--workers`` worker processes, each limited to ``--memory`` MiB;
  one running longer than ``--timeout`` seconds (or waiting that long for a worker) gets
  ``503``, and its worker is killed and replaced, so that its slot is free again. Answers are
  capped at ``--limit`` solutions or triples (header ``X-Opendata-Truncated: true`` when cut).
- At most ``--connections`` connections are served at once (more get ``503``); a client has
  ``--idle`` seconds to send its request; bodies are capped (``413``).
- Every answer carries CORS headers (``Access-Control-Allow-Origin: *``),
  ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy.
- ``/`` is a small HTML page with a query editor and the named queries.
- Any other path is a URI the graphs mint under the base (``--base``, as in ``convert``):
  ``GET /id/department/203-ba858886`` describes ``<BASE>id/department/203-ba858886`` (its
  triples as subject) as Turtle, JSON-LD, N-Triples or HTML by ``Accept``; 404 when the store
  says nothing about it.

docs/security.md lists every limit and why the server stays on the standard library.
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from opendata.errors import (
    HttpError,
    OpendataError,
    OutputError,
    QueryAborted,
    QueryError,
    QueryRefused,
    UnknownQueryError,
)
from opendata.sparql.guard import QueryLimits, check, is_update
from opendata.sparql.http import GuardedHandler, GuardedServer, HttpLimits
from opendata.sparql.pages import Page, describe_page, editor_page
from opendata.sparql.queries import named_query
from opendata.sparql.results import (
    GRAPH_TYPES,
    MEDIA_TYPES,
    SOLUTION_TYPES,
    Results,
    graph_text,
    render,
)
from opendata.sparql.workers import DescribeJob, QueryJob, WorkerPool
from opendata.vocab.uris import base_uri

__all__ = ["EndpointConfig", "accepted", "is_update", "make_server", "serve"]
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "html": "text/html",
}


@dataclass(frozen=True)
class EndpointConfig:
    store: Path
    host: str = "127.0.0.1"
    port: int = 8000
    base: str | None = None
    timeout: float = 30.0  # seconds per query
    limit: int = 10000  # solutions or triples per answer
    workers: int = 4  # worker processes: queries running at once
    verbose: bool = False  # log every request to stderr
    memory: int = 2048  # MiB of address space per worker process
    connections: int = 64  # connections served at once
    idle: float = 30.0  # seconds a client has to send its request
    query_limits: QueryLimits = field(default_factory=QueryLimits)

    @property
    def http_limits(self) -> HttpLimits:
        return HttpLimits(connections=self.connections, idle=self.idle)


def accepted(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered for */* or none)."""
    if not header:
        return offered[0]
    choices = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        choices.append((q, -position, media))
    for q, _, media in sorted(choices, reverse=True):
        if q <= 0:
            continue
        if media in offered:
            return media
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            match = next((o for o in offered if o.startswith(media[:-1])), None)
            if match:
                return match
    return None


class Endpoint:
    """The worker processes over the store, and the limits every request runs under."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.base = base_uri(config.base)
        self.pool = WorkerPool(
            config.store, config.workers, memory_mib=config.memory, quiet=not config.verbose
        )
        self.editor = editor_page(self.base, config.timeout, config.limit)

    def _run(self, job: QueryJob | DescribeJob) -> Results:
        try:
            return self.pool.run(job, self.config.timeout)
        except QueryAborted as exc:
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE, str(exc)) from None
        except (QueryError, UnknownQueryError) as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        except OpendataError as exc:
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc)) from None

    def run(
        self, text: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
    ) -> Results:
        """Check a query, then run it in a worker within the limits (raises HttpError)."""
        try:
            check(text, self.config.query_limits)
        except QueryRefused as exc:
            raise HttpError(exc.status, exc.message) from None
        return self._run(QueryJob(text, bindings, self.config.limit))

    def describe(self, uri: str) -> Results:
        """A resource's triples as subject (at most the answer limit)."""
        try:
            ox.NamedNode(uri)
        except ValueError:
            raise HttpError(HTTPStatus.BAD_REQUEST, "the path does not make a valid IRI") from None
        return self._run(DescribeJob(uri, self.config.limit))

    def close(self) -> None:
        self.pool.close()


class Handler(GuardedHandler):
    endpoint: Endpoint  # set on the subclass made by make_server

    def send_page(self, page: Page) -> None:
        self.send(HTTPStatus.OK, page.html, "text/html", {"Content-Security-Policy": page.policy})

    def do_OPTIONS(self) -> None:
        self.server.received(self.connection)
        self.send(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def do_GET(self) -> None:
        self.server.received(self.connection)
        try:
            url = urlsplit(self.path)
            params = self.params(url.query)
            if url.path in ("/sparql", "/sparql/"):
                self.sparql(params)
            elif url.path in ("/", "/index.html"):
                self.send_page(self.endpoint.editor)
            else:
                self.dereference(url.path, params)
        except HttpError as error:
            self.fail(error)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        try:
            url = urlsplit(self.path)
            if url.path not in ("/sparql", "/sparql/"):
                raise HttpError(HTTPStatus.NOT_FOUND, "POST queries to /sparql")
            body = self.body().decode("utf-8", "replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = self.params(url.query)
            if media == "application/x-www-form-urlencoded":
                params.update(self.params(body))
            elif media == "application/sparql-query":
                params["query"] = body
            elif media == "application/sparql-update":
                params["update"] = body
            else:
                raise HttpError(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST a form (query=…) or a body of type application/sparql-query",
                )
            self.sparql(params)
        except HttpError as error:
            self.fail(error)

    def do_PUT(self) -> None:
        self.server.received(self.connection)
        self.fail(HttpError(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only"))

    do_DELETE = do_PATCH = do_PUT

    # -- SPARQL ------------------------------------------------------------------------------------
    def sparql(self, params: dict[str, str]) -> None:
        if "update" in params:
            raise HttpError(
                HTTPStatus.FORBIDDEN,
                "this endpoint is read-only: SPARQL Update is refused; "
                "use 'opendata load' to change the store",
            )
        fmt = params.pop("format", None)
        bindings = None
        if "name" in params:
            try:
                named = named_query(params.pop("name"))
                values = {k: v for k, v in params.items() if k != "query" and v}
                text, bindings = named.text, named.bindings(values)
            except UnknownQueryError as exc:
                raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from exc
        elif params.get("query"):
            text = params["query"]
        elif fmt is None and "html" in (self.headers.get("Accept") or ""):
            self.send_page(self.endpoint.editor)
            return
        else:
            raise HttpError(HTTPStatus.BAD_REQUEST, "no query: give query=… (or name=…)")
        if fmt and fmt not in FORMATS:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown format {fmt[:40]!r}")
        result = self.endpoint.run(text, bindings)
        header = FORMATS.get(fmt, "") if fmt else self.headers.get("Accept")
        extra = {"X-Opendata-Truncated": "true"} if result.truncated else {}
        if result.kind == "graph":
            media = accepted(header, list(GRAPH_TYPES))
            if media is None:
                raise HttpError(
                    HTTPStatus.NOT_ACCEPTABLE, "graphs come as " + ", ".join(GRAPH_TYPES)
                )
            self.send(HTTPStatus.OK, graph_text(result.triples, GRAPH_TYPES[media]), media, extra)
            return
        offered = [m for m in MEDIA_TYPES.values() if m != "text/plain"]
        offered += ["application/json", "application/xml", "text/plain"]
        media = accepted(header, offered)
        if media is None:
            raise HttpError(HTTPStatus.NOT_ACCEPTABLE, "results come as " + ", ".join(offered[:4]))
        self.send(
            HTTPStatus.OK,
            render(result, SOLUTION_TYPES[media]),
            MEDIA_TYPES[SOLUTION_TYPES[media]],
            extra,
        )

    # -- dereferencing -----------------------------------------------------------------------------
    def dereference(self, path: str, params: dict[str, str]) -> None:
        endpoint = self.endpoint
        uri = endpoint.base + path.lstrip("/")
        result = endpoint.describe(uri)
        if not result.triples:
            raise HttpError(HTTPStatus.NOT_FOUND, f"nothing is known about <{uri[:500]}>")
        offered = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]
        fmt = params.get("format")
        header = FORMATS.get(fmt or "", "") if fmt else self.headers.get("Accept")
        media = accepted(header, offered)
        if media is None:
            raise HttpError(HTTPStatus.NOT_ACCEPTABLE, "descriptions come as " + ", ".join(offered))
        extra = {"X-Opendata-Truncated": "true"} if result.truncated else {}
        if media == "text/html":
            page = describe_page(endpoint.base, uri, result.triples)
            self.send(
                HTTPStatus.OK, page.html, media, {**extra, "Content-Security-Policy": page.policy}
            )
        else:
            self.send(HTTPStatus.OK, graph_text(result.triples, GRAPH_TYPES[media]), media, extra)


class EndpointServer(GuardedServer):
    """The HTTP server and its endpoint (whose worker processes it stops when closed)."""

    endpoint: Endpoint

    def server_close(self) -> None:
        super().server_close()
        self.endpoint.close()


def make_server(config: EndpointConfig) -> EndpointServer:
    """The HTTP server, bound to its address (port 0: a free port), its workers started, not
    yet serving."""
    endpoint = Endpoint(config)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint, "verbose": config.verbose})
    try:
        server = EndpointServer((config.host, config.port), handler, config.http_limits)
    except BaseException:
        endpoint.close()
        raise
    server.endpoint = endpoint
    return server


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(config: EndpointConfig, started: object = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); ``started`` (a callable) gets the URL once
    listening. The worker processes are stopped with the server."""
    try:
        server = make_server(config)
    except OSError as exc:
        raise OutputError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
    host, port = server.server_address[:2]
    previous = signal.signal(signal.SIGTERM, _stop)
    if callable(started):
        started(f"http://{host}:{port}/sparql")
        sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
