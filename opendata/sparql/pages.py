"""The endpoint's two HTML pages: the query editor (``/``) and a resource's description.

Each page comes with its Content-Security-Policy: no source is allowed but the page's own
inline script and style, named by their SHA-256 (``'sha256-…'``), and requests to this server
(``connect-src 'self'``, for the editor's queries). A description shows the graph's terms as
text; an IRI is a link only when it is ``http://`` or ``https://`` (a ``javascript:`` IRI in a
crafted graph stays text), and an IRI under the base links to this server.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass

import pyoxigraph as ox

from opendata.sparql.queries import named_queries
from opendata.sparql.results import plain

LINKED_SCHEMES = ("http://", "https://")
_DESCRIBE_STYLE = (
    "body{font-family:sans-serif;margin:2em}td{padding:2px 8px;vertical-align:top}"
    "tr:nth-child(even){background:#f4f4f4}"
)
_EDITOR_STYLE = (
    "body{font-family:sans-serif;margin:2em}textarea{width:100%;height:18em;"
    "font-family:monospace}table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid "
    "#ccc;padding:2px 6px}"
)


@dataclass(frozen=True)
class Page:
    html: str
    policy: str  # the Content-Security-Policy header for this page


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _policy(style: str, script: str | None = None) -> str:
    parts = ["default-src 'none'", f"style-src {_digest(style)}"]
    if script is not None:
        parts += [f"script-src {_digest(script)}", "connect-src 'self'"]
    parts += ["base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]
    return "; ".join(parts)


def link(base: str, uri: str) -> str | None:
    """Where a page may link for an IRI: this server for one under the base, the IRI itself
    when it is http(s), else nowhere (None)."""
    if uri.startswith(base):
        return "/" + uri[len(base) :]
    if uri.lower().startswith(LINKED_SCHEMES):
        return uri
    return None


def describe_page(base: str, uri: str, triples: list[ox.Triple]) -> Page:
    def cell(term: object) -> str:
        text = html.escape(plain(term))  # type: ignore[arg-type]
        if isinstance(term, ox.NamedNode):
            target = link(base, term.value)
            return f'<a href="{html.escape(target)}">{text}</a>' if target else text
        if isinstance(term, ox.Literal) and term.language:
            text += f" <small>@{html.escape(term.language)}</small>"
        return text

    rows = "\n".join(
        f"<tr><td>{cell(t.predicate)}</td><td>{cell(t.object)}</td></tr>"
        for t in sorted(triples, key=lambda t: (t.predicate.value, str(t.object)))
    )
    text = (
        '<!doctype html><html lang="zh"><meta charset="utf-8">'
        f"<title>{html.escape(uri)}</title><style>{_DESCRIBE_STYLE}</style>"
        f"<h1>{html.escape(uri)}</h1><table>{rows}</table>"
        '<p><a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a> · '
        '<a href="/">SPARQL</a></p></html>\n'
    )
    return Page(text, _policy(_DESCRIBE_STYLE))


_EDITOR_SCRIPT = """
const QUERIES = JSON.parse(document.getElementById("queries").textContent);
document.getElementById("named").onchange = e => {
  if (e.target.value) document.getElementById("query").value = QUERIES[e.target.value].text;
};
document.getElementById("run").onclick = async () => {
  const status = document.getElementById("status"), out = document.getElementById("out");
  status.textContent = "running…"; out.textContent = "";
  const response = await fetch("/sparql", {method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: new URLSearchParams({query: document.getElementById("query").value})});
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !type.includes("json")) {
    status.textContent = response.status + " " + response.statusText;
    const pre = document.createElement("pre"); pre.textContent = await response.text();
    out.appendChild(pre); return;
  }
  const data = await response.json();
  if ("boolean" in data) { status.textContent = String(data.boolean); return; }
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement("th");
    th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) { const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = b[v] ? b[v].value : ""; }
  status.textContent = data.results.bindings.length + " rows" +
    (response.headers.get("X-Opendata-Truncated") ? " (truncated)" : "");
  out.appendChild(table);
};
"""


def editor_page(base: str, timeout: float, limit: int) -> Page:
    """The query editor: a text area, the named queries, and a table of results.

    The named queries travel as JSON in a ``<script type="application/json">`` block (data, not
    code), so that the one script the policy allows is the same on every server."""
    queries = {q.name: {"title": q.title, "text": q.text} for q in named_queries().values()}
    options = "".join(
        f'<option value="{html.escape(n)}">{html.escape(q["title"])}</option>'
        for n, q in queries.items()
    )
    data = json.dumps(queries, ensure_ascii=False).replace("</", "<\\/")
    text = f"""<!doctype html>
<html lang="zh"><meta charset="utf-8"><title>opendata SPARQL</title>
<style>{_EDITOR_STYLE}</style>
<h1>opendata SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over every loaded disclosure (the union of all graphs).
Base of the URIs: <code>{html.escape(base)}</code>; time limit
{timeout:g} s; at most {limit} rows.</p>
<p><label>Named queries:
<select id="named"><option value="">—</option>{options}</select></label></p>
<textarea id="query">SELECT ?department ?name WHERE {{
  ?department a &lt;https://w3id.org/opendata-cn/vocab#Department&gt; ;
      &lt;http://www.w3.org/2004/02/skos/core#prefLabel&gt; ?name
}} LIMIT 20</textarea>
<p><button id="run">Run</button> <span id="status"></span></p>
<div id="out"></div>
<script type="application/json" id="queries">{data}</script>
<script>{_EDITOR_SCRIPT}</script></html>
"""
    return Page(text, _policy(_EDITOR_STYLE, _EDITOR_SCRIPT))
