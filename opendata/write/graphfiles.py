"""The package graph written as files: Turtle, N-Triples and JSON-LD, deterministically.

The graph (:func:`opendata.write.rdf.package_graph`) is a set of plain triples; here they are sorted
and written. N-Triples come straight from the plain terms; pyoxigraph reads those lines back
and writes the Turtle (faster than rdflib's serialisers and than making its term objects one
by one from Python); JSON-LD is flattened, one node per line.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from opendata.vocab.namespace import CONTEXT
from opendata.write.triples import RDF, XSD, Plain, Triple, TripleSet


def _sorted_triples(graph: TripleSet) -> list[Triple]:
    return sorted(graph, key=lambda t: (t[0][0], t[1][0], t[2][0]))


@lru_cache(maxsize=65536)
def _compact(iri: str) -> str:
    for prefix, namespace in CONTEXT.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


_RDF_TYPE = RDF.type[1]
_XSD_STRING = XSD.string[1]


@lru_cache(maxsize=131072)
def _json_value(term: Plain) -> str:
    """An object term as the JSON text of its JSON-LD value (compact IRI, language, type)."""
    key_, text, language, datatype = term
    if key_.startswith("<"):
        value: object = {"@id": _compact(text)}
    elif language:
        value = {"@value": text, "@language": language}
    elif datatype is not None and datatype != _XSD_STRING:
        value = {"@value": text, "@type": _compact(datatype)}
    else:
        value = text
    return json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=65536)
def _json_key(iri: str) -> str:
    return json.dumps(_compact(iri), ensure_ascii=False)


def _jsonld(triples: list[tuple[tuple[str, str, str | None, str | None], ...]]) -> str:
    """Flattened JSON-LD: one node per subject and per line, compact IRIs through the context.

    Each term's JSON text is made once (and remembered across packages); a node's line is
    joined from them exactly as ``json.dumps`` would write the node."""
    nodes: dict[str, dict[str, list[str]]] = {}
    type_key = '"@type"'
    for s, p, o in triples:
        node = nodes.get(s[1])
        if node is None:
            node = nodes[s[1]] = {'"@id"': [_json_key(s[1])]}
        if p[1] == _RDF_TYPE:
            node.setdefault(type_key, []).append(_json_key(o[1]))
        else:
            node.setdefault(_json_key(p[1]), []).append(_json_value(o))
    lines = []
    for node in nodes.values():
        (subject,) = node.pop('"@id"')
        fields = [f'"@id": {subject}'] + [f"{k}: [{', '.join(v)}]" for k, v in node.items()]
        lines.append("{" + ", ".join(fields) + "}")
    graph = ",\n".join(lines)
    context = json.dumps(CONTEXT, ensure_ascii=False)
    return f'{{"@context": {context},\n"@graph": [\n{graph}\n]}}\n'


_NT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"'}
_NT_ESCAPES["\\"] = "\\\\"
_NT_SPECIAL = re.compile(r'[\x00-\x1f"\\\x7f]')


def _nt_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NT_ESCAPES.get(char) or f"\\u{ord(char):04X}"


@lru_cache(maxsize=131072)
def _nt(term: Plain) -> str:
    """A term in N-Triples, as pyoxigraph writes it (escapes, no ^^xsd:string)."""
    key_, text, language, datatype = term
    if key_.startswith("<"):
        return key_
    quoted = f'"{_NT_SPECIAL.sub(_nt_escape, text)}"'
    if language:
        return f"{quoted}@{language}"
    if datatype and datatype != _XSD_STRING:
        return f"{quoted}^^<{datatype}>"
    return quoted


def serialise(graph: TripleSet) -> dict[str, str]:
    """The graph as Turtle, N-Triples and JSON-LD with a context, deterministically.

    Triples are sorted and written as N-Triples here (a line per triple from the plain terms);
    pyoxigraph reads those lines back and writes the Turtle, about 25 times faster than rdflib's
    serialisers, and faster than making its term objects one by one from Python; JSON-LD is
    flattened.
    """
    import pyoxigraph as ox

    triples = _sorted_triples(graph)
    nt = "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples)
    parsed = ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    turtle = ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=CONTEXT).decode("utf-8")
    prefixes = sorted(line for line in turtle.splitlines() if line.startswith("@prefix"))
    body = [line for line in turtle.splitlines() if not line.startswith("@prefix")]
    return {
        "rdf/graph.ttl": "\n".join([*prefixes, "", *body]) + "\n",
        "rdf/graph.nt": nt,
        "rdf/graph.jsonld": _jsonld(triples),
    }
