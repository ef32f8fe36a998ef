"""A read-only SPARQL 1.1 Protocol endpoint over the embedded store, and URI dereferencing.

``opendata serve`` runs it on the standard library's threading HTTP server:

- ``/sparql`` answers queries by GET (``?query=``) and POST (form ``query=``, or a body of type
  ``application/sparql-query``). A named query runs by ``?name=three-public&year=2023``.
  Solutions come as SPARQL JSON (default), XML, CSV or TSV and graphs as Turtle (default),
  JSON-LD or N-Triples, chosen by the ``Accept`` header (or ``format=json|xml|csv|tsv|turtle|
  jsonld|nt``). Updates are refused with ``403 Forbidden``; the store is opened read-only too.
- Every query has a time limit (``--timeout``, 503 when exceeded) and answers are capped at
  ``--limit`` solutions or triples (header ``X-Opendata-Truncated: true`` when cut).
  pyoxigraph cannot cancel a query, so one that times out is abandoned: its thread finishes
  on its own and, until then, holds one of the ``--workers`` query slots.
- Every answer carries CORS headers (``Access-Control-Allow-Origin: *``).
- ``/`` is a small HTML page with a query editor and the named queries.
- Any other path is a URI the graphs mint under the base (``--base``, as in ``convert``):
  ``GET /id/department/203-ba858886`` describes ``<BASE>id/department/203-ba858886`` (its
  triples as subject) as Turtle, JSON-LD, N-Triples or HTML by ``Accept``; 404 when the store
  says nothing about it.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from opendata.errors import HttpError, OpendataError, OutputError, QueryError, UnknownQueryError
from opendata.sparql.queries import named_queries, named_query
from opendata.sparql.results import (
    GRAPH_TYPES,
    MEDIA_TYPES,
    SOLUTION_TYPES,
    Results,
    collect,
    graph_text,
    plain,
    render,
)
from opendata.sparql.store import Store
from opendata.vocab.uris import base_uri

UPDATE = re.compile(
    r"^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
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
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Opendata-Truncated",
}


@dataclass(frozen=True)
class EndpointConfig:
    store: Path
    host: str = "127.0.0.1"
    port: int = 8000
    base: str | None = None
    timeout: float = 30.0  # seconds per query
    limit: int = 10000  # solutions or triples per answer
    workers: int = 4  # queries running at once
    verbose: bool = False  # log every request to stderr


def _strip_comments(text: str) -> str:
    return re.sub(r"(?m)^\s*#.*$", "", text)


def is_update(text: str) -> bool:
    """Whether a request text is a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …)."""
    return bool(UPDATE.match(_strip_comments(text)))


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
    """The store (read-only) and the query slots shared by the request threads."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.base = base_uri(config.base)
        self.store = Store(config.store, read_only=True)
        self.slots = threading.BoundedSemaphore(config.workers)

    def run(
        self, text: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
    ) -> Results:
        """Run a query within the time limit and the result limit (raises HttpError)."""
        if is_update(text):
            raise HttpError(
                HTTPStatus.FORBIDDEN,
                "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …) "
                "is refused; use 'opendata load' to change the store",
            )
        deadline = time.monotonic() + self.config.timeout
        if not self.slots.acquire(timeout=self.config.timeout):
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE, "every query slot is busy; try again")
        box: dict[str, object] = {}

        def work() -> None:
            try:
                outcome = self.store.query(text, bindings)
                box["result"] = collect(
                    outcome, self.config.limit, lambda: time.monotonic() < deadline
                )
            except BaseException as exc:  # handed to the request thread
                box["error"] = exc
            finally:
                self.slots.release()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive() or (time.monotonic() > deadline and "result" not in box):
            raise HttpError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the query ran longer than the time limit of {self.config.timeout:g} s",
            )
        error = box.get("error")
        if isinstance(error, QueryError | UnknownQueryError):
            raise HttpError(HTTPStatus.BAD_REQUEST, str(error))
        if isinstance(error, OpendataError):
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
        if isinstance(error, BaseException):
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {error}")
        result = box["result"]
        assert isinstance(result, Results)
        if time.monotonic() > deadline:
            raise HttpError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the query ran longer than the time limit of {self.config.timeout:g} s",
            )
        return result

    def local(self, uri: str) -> str:
        """A URI under the base as a link on this server."""
        return "/" + uri[len(self.base) :] if uri.startswith(self.base) else uri


class Handler(BaseHTTPRequestHandler):
    server_version = "opendata-sparql"
    endpoint: Endpoint  # set on the subclass made by make_server

    # -- plumbing ----------------------------------------------------------------------------------
    def log_message(self, format: str, *args: object) -> None:
        if self.endpoint.config.verbose:
            super().log_message(format, *args)

    def send(
        self,
        status: HTTPStatus,
        body: str | bytes,
        media: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        for name, value in {**CORS, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def fail(self, error: HttpError) -> None:
        self.send(error.status, error.message + "\n", "text/plain")

    def do_OPTIONS(self) -> None:
        self.send(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def do_GET(self) -> None:
        try:
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            if url.path in ("/sparql", "/sparql/"):
                self.sparql(params)
            elif url.path in ("/", "/index.html"):
                self.send(HTTPStatus.OK, page(self.endpoint), "text/html")
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
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            if media == "application/x-www-form-urlencoded":
                params.update({k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()})
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
            self.send(HTTPStatus.OK, page(self.endpoint), "text/html")
            return
        else:
            raise HttpError(HTTPStatus.BAD_REQUEST, "no query: give query=… (or name=…)")
        result = self.endpoint.run(text, bindings)
        header = FORMATS.get(fmt, "") if fmt else self.headers.get("Accept")
        if fmt and fmt not in FORMATS:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown format {fmt!r}")
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
        triples = endpoint.store.describe(uri)
        if not triples:
            raise HttpError(HTTPStatus.NOT_FOUND, f"nothing is known about <{uri}>")
        offered = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]
        fmt = params.get("format")
        header = FORMATS.get(fmt or "", "") if fmt else self.headers.get("Accept")
        media = accepted(header, offered)
        if media is None:
            raise HttpError(HTTPStatus.NOT_ACCEPTABLE, "descriptions come as " + ", ".join(offered))
        if media == "text/html":
            self.send(HTTPStatus.OK, describe_page(endpoint, uri, triples), media)
        else:
            self.send(HTTPStatus.OK, graph_text(triples, GRAPH_TYPES[media]), media)


def describe_page(endpoint: Endpoint, uri: str, triples: list[ox.Triple]) -> str:
    def cell(term: object) -> str:
        if isinstance(term, ox.NamedNode):
            link = html.escape(endpoint.local(term.value))
            return f'<a href="{link}">{html.escape(plain(term))}</a>'
        text = html.escape(plain(term))  # type: ignore[arg-type]
        if isinstance(term, ox.Literal) and term.language:
            text += f" <small>@{html.escape(term.language)}</small>"
        return text

    rows = "\n".join(
        f"<tr><td>{cell(t.predicate)}</td><td>{cell(t.object)}</td></tr>"
        for t in sorted(triples, key=lambda t: (t.predicate.value, str(t.object)))
    )
    return (
        '<!doctype html><html lang="zh"><meta charset="utf-8">'
        f"<title>{html.escape(uri)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:2px 8px;vertical-align:top}"
        "tr:nth-child(even){background:#f4f4f4}</style>"
        f"<h1>{html.escape(uri)}</h1><table>{rows}</table>"
        '<p><a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a> · '
        '<a href="/">SPARQL</a></p></html>\n'
    )


def page(endpoint: Endpoint) -> str:
    """The query editor: a text area, the named queries, and a table of results."""
    queries = {q.name: {"title": q.title, "text": q.text} for q in named_queries().values()}
    options = "".join(
        f'<option value="{html.escape(n)}">{html.escape(q["title"])}</option>'
        for n, q in queries.items()
    )
    data = json.dumps(queries, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="zh"><meta charset="utf-8"><title>opendata SPARQL</title>
<style>body{{font-family:sans-serif;margin:2em}}textarea{{width:100%;height:18em;
font-family:monospace}}table{{border-collapse:collapse;margin-top:1em}}td,th{{border:1px solid
#ccc;padding:2px 6px}}</style>
<h1>opendata SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over every loaded disclosure (the union of all graphs).
Base of the URIs: <code>{html.escape(endpoint.base)}</code>; time limit
{endpoint.config.timeout:g} s; at most {endpoint.config.limit} rows.</p>
<p><label>Named queries:
<select id="named"><option value="">—</option>{options}</select></label></p>
<textarea id="query">SELECT ?department ?name WHERE {{
  ?department a &lt;https://w3id.org/opendata-cn/vocab#Department&gt; ;
      &lt;http://www.w3.org/2004/02/skos/core#prefLabel&gt; ?name
}} LIMIT 20</textarea>
<p><button id="run">Run</button> <span id="status"></span></p>
<div id="out"></div>
<script>
const QUERIES = {data};
document.getElementById("named").onchange = e => {{
  if (e.target.value) document.getElementById("query").value = QUERIES[e.target.value].text;
}};
document.getElementById("run").onclick = async () => {{
  const status = document.getElementById("status"), out = document.getElementById("out");
  status.textContent = "running…"; out.textContent = "";
  const response = await fetch("/sparql", {{method: "POST",
    headers: {{"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"}},
    body: new URLSearchParams({{query: document.getElementById("query").value}})}});
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !type.includes("json")) {{
    status.textContent = response.status + " " + response.statusText;
    const pre = document.createElement("pre"); pre.textContent = await response.text();
    out.appendChild(pre); return;
  }}
  const data = await response.json();
  if ("boolean" in data) {{ status.textContent = String(data.boolean); return; }}
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement("th");
    th.textContent = v; head.appendChild(th); }}
  for (const b of data.results.bindings) {{ const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = b[v] ? b[v].value : ""; }}
  status.textContent = data.results.bindings.length + " rows" +
    (response.headers.get("X-Opendata-Truncated") ? " (truncated)" : "");
  out.appendChild(table);
}};
</script></html>
"""


def make_server(config: EndpointConfig) -> ThreadingHTTPServer:
    """The HTTP server, bound to its address (port 0: a free port), not yet serving."""
    endpoint = Endpoint(config)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint})
    server = ThreadingHTTPServer((config.host, config.port), handler)
    server.daemon_threads = True
    return server


def serve(config: EndpointConfig, started: object = None) -> None:
    """Serve until interrupted; ``started`` (a callable) gets the URL once listening."""
    try:
        server = make_server(config)
    except OSError as exc:
        raise OutputError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
    host, port = server.server_address[:2]
    if callable(started):
        started(f"http://{host}:{port}/sparql")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
