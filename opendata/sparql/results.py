"""SPARQL results as text: a table for people, CSV, TSV, JSON and XML for programs, RDF for graphs.

A query's outcome is first collected into a :class:`Results` (at most ``limit`` solutions,
remembering whether there were more), then written in one of the formats. The SPARQL results
formats (JSON, XML, CSV, TSV: W3C *SPARQL 1.1 Query Results* recommendations) are written here
rather than by pyoxigraph because pyoxigraph can only serialise a whole, uncapped result
iterator, and the endpoint must cap its answers. Graphs (CONSTRUCT, DESCRIBE) are serialised
by pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from opendata.vocab.namespace import CONTEXT

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: media type → format name, for solutions (SELECT, ASK) and for graphs (CONSTRUCT, DESCRIBE)
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "table",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "text/plain",
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Results:
    """The outcome of one query: solutions, a boolean, or triples."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False  # more solutions (or triples) than the limit


def collect(
    outcome: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    limit: int | None = None,
    keep_going: object = None,
) -> Results:
    """Read a pyoxigraph outcome, up to ``limit`` solutions or triples.

    ``keep_going`` (a callable) is asked before each solution; when it returns False the
    reading stops (the endpoint's per-query timeout).
    """
    check = keep_going if callable(keep_going) else None
    if isinstance(outcome, ox.QueryBoolean):
        return Results("ask", boolean=bool(outcome))
    if isinstance(outcome, ox.QuerySolutions):
        result = Results("select", [v.value for v in outcome.variables])
        width = len(result.variables)
        for solution in outcome:
            if limit is not None and len(result.rows) >= limit:
                result.truncated = True
                break
            result.rows.append([solution[i] for i in range(width)])
            if check is not None and not check():
                break
        return result
    result = Results("graph")
    for triple in outcome:
        if limit is not None and len(result.triples) >= limit:
            result.truncated = True
            break
        result.triples.append(triple)
        if check is not None and not check():
            break
    return result


# -- terms ---------------------------------------------------------------------------------------


def plain(term: Term | None) -> str:
    """A term as people read it: an IRI compacted with the usual prefixes, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in CONTEXT.items():
            if term.value.startswith(namespace) and term.value != namespace:
                return f"{prefix}:{term.value[len(namespace) :]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# -- formats -------------------------------------------------------------------------------------


def to_table(result: Results) -> str:
    """A plain-text table (CJK characters count as two columns)."""
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    if result.kind == "graph":
        header = ["subject", "predicate", "object"]
        cells = [[plain(t.subject), plain(t.predicate), plain(t.object)] for t in result.triples]
    else:
        header = result.variables
        cells = [[plain(term) for term in row] for row in result.rows]
    widths = [max([_width(h), *(_width(r[i]) for r in cells)]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    count = len(cells)
    noun = "triple" if result.kind == "graph" else "row"
    lines.append(
        f"({count} {noun}{'s' if count != 1 else ''}{', truncated' if result.truncated else ''})"
    )
    return "\n".join(lines) + "\n"


def to_json(result: Results) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return (
        json.dumps(
            {"head": {"vars": result.variables}, "results": {"bindings": bindings}},
            ensure_ascii=False,
        )
        + "\n"
    )


def to_xml(result: Results) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables))
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for variable, term in zip(result.variables, row, strict=True):
                if term is not None:
                    out.append(f"<binding name={quoteattr(variable)}>{_xml_term(term)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def to_csv(result: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if t is None else t.value if not isinstance(t, ox.Triple) else str(t) for t in row]
        )
    return buffer.getvalue()


def to_tsv(result: Results) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return "\n".join(lines) + "\n"


def graph_text(triples: list[ox.Triple], fmt: ox.RdfFormat) -> str:
    """Triples in an RDF format (Turtle with the usual prefixes)."""
    prefixes = CONTEXT if fmt == ox.RdfFormat.TURTLE else None
    if prefixes:
        return ox.serialize(triples, format=fmt, prefixes=prefixes).decode("utf-8")
    return ox.serialize(triples, format=fmt).decode("utf-8")


WRITERS = {"table": to_table, "json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


def render(result: Results, fmt: str) -> str:
    """The result in ``fmt``: table, csv, tsv, json or xml; turtle or jsonld for graphs.

    Graph results (CONSTRUCT, DESCRIBE) in ``json`` are JSON-LD and in ``csv``/``table`` are
    one subject, predicate, object per row. Solutions have no ``turtle`` form: that raises
    :class:`ValueError`.
    """
    if result.kind == "graph":
        if fmt in ("turtle", "ttl"):
            return graph_text(result.triples, ox.RdfFormat.TURTLE)
        if fmt in ("json", "jsonld"):
            return graph_text(result.triples, ox.RdfFormat.JSON_LD)
        if fmt == "nt":
            return graph_text(result.triples, ox.RdfFormat.N_TRIPLES)
        if fmt == "csv":
            rows: list[list[Term | None]] = [
                [t.subject, t.predicate, t.object] for t in result.triples
            ]
            return to_csv(Results("select", ["subject", "predicate", "object"], rows))
        return to_table(result)
    if fmt not in WRITERS:
        raise ValueError(
            f"{fmt} is for graphs (CONSTRUCT or DESCRIBE queries); "
            "solutions are written as table, csv, tsv, json or xml"
        )
    return WRITERS[fmt](result)
