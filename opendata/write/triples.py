"""RDF terms and triples as plain strings, and the set of triples a package graph is built in.

A term is a tuple (N-Triples sort key, lexical form or IRI, language, datatype IRI): building
the graph from these rather than from rdflib terms halved its time, and the sort key orders the
files :mod:`opendata.write.graphfiles` writes. Namespaces (``CNB``, ``DCAT``, …) give plain IRIs;
:class:`TripleSet` holds the graph and converts it to rdflib where one is wanted.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV, QB, RDF, RDFS, SKOS, XSD

from opendata.vocab.namespace import CNB as _CNB
from opendata.vocab.namespace import CONTEXT

#: a term as plain strings: (N-Triples sort key, lexical form or IRI, language, datatype IRI).
#: The graph is built from these, not from rdflib terms, whose construction and hashing were
#: half of the build (0.6 s of 1.1 s for 40 synthetic disclosures).
Plain = tuple[str, str, str | None, str | None]


@lru_cache(maxsize=262144)
def iri(text: str) -> Plain:
    return f"<{text}>", text, None, None


_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')


def literal(text: str, language: str | None = None, datatype: str | None = None) -> Plain:
    """A literal; its sort key is rdflib's N3 form (rdflib writes the rare escaped ones)."""
    if _NEEDS_ESCAPE.search(text):
        return plain(Literal(text, lang=language, datatype=datatype))
    if language:
        return f'"{text}"@{language}', text, language, None
    if datatype:
        return f'"{text}"^^<{datatype}>', text, None, datatype
    return f'"{text}"', text, None, None


class Terms:
    """A namespace whose terms, once looked up, are plain attributes holding plain IRIs:
    rdflib's closed namespaces check every lookup (a misspelt term still fails here)."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Plain:
        term = iri(str(getattr(self._namespace, name)))
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> Plain:
        return iri(str(self._namespace[name]))  # type: ignore[index]

    def __str__(self) -> str:
        return str(self._namespace)


XSD_DECIMAL, XSD_INTEGER, XSD_GYEAR, XSD_DATE, XSD_BOOLEAN = (
    str(XSD[name]) for name in ("decimal", "integer", "gYear", "date", "boolean")
)
CNB = Terms(_CNB)
DCAT, DCTERMS, ORG, PROV, QB, RDF, RDFS, SKOS = (
    Terms(n) for n in (DCAT, DCTERMS, ORG, PROV, QB, RDF, RDFS, SKOS)
)
XSD = Terms(XSD)


Triple = tuple[Plain, Plain, Plain]


class TripleSet:
    """The package graph while it is built: a set of plain triples with an (s, p) index.

    rdflib's in-memory store spent most of the build adding triples (0.55 s of 0.95 s for the
    sample); the builder needs only add, membership and objects-of, so a set and a dict do.
    :meth:`to_rdflib` gives an rdflib Graph where one is wanted.
    """

    def __init__(self) -> None:
        self._triples: set[Triple] = set()
        self._objects: dict[tuple[Plain, Plain], list[Plain]] = {}

    def add(self, triple: Triple) -> None:
        if triple not in self._triples:
            self._triples.add(triple)
            self._objects.setdefault((triple[0], triple[1]), []).append(triple[2])

    def __contains__(self, pattern: tuple[Plain, Plain, Plain | None]) -> bool:
        s, p, o = pattern
        if o is None:
            return (s, p) in self._objects
        return (s, p, o) in self._triples

    def objects(self, s: Plain, p: Plain) -> list[Plain]:
        return list(self._objects.get((s, p), []))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def to_rdflib(self) -> Graph:
        graph = Graph(bind_namespaces="none")
        for prefix, uri in CONTEXT.items():
            graph.bind(prefix, uri)
        for triple in self._triples:
            graph.add(tuple(_rdflib(t) for t in triple))  # type: ignore[arg-type]
        return graph


def _rdflib(term: Plain) -> URIRef | Literal:
    key_, text, language, datatype = term
    if key_.startswith("<"):
        return URIRef(text)
    return Literal(text, lang=language, datatype=URIRef(datatype) if datatype else None)


def term(value: object) -> Plain:
    """A plain term: plain terms pass; a ``str`` is a plain literal; rdflib terms convert."""
    kind = type(value)
    if kind is tuple:
        return value  # type: ignore[return-value]
    if kind is str:
        return literal(value)  # type: ignore[arg-type]
    if isinstance(value, URIRef):
        return iri(str(value))
    if isinstance(value, Literal):
        return plain(value)
    if kind is bool:
        return literal("true" if value else "false", datatype=XSD_BOOLEAN)
    if kind is int:
        return literal(str(value), datatype=XSD_INTEGER)
    return plain(Literal(value))


def integer(value: int) -> Plain:
    return literal(str(int(value)), datatype=XSD_INTEGER)


def zh_text(text: str) -> Plain:
    return literal(text, "zh")


def decimal(value: Decimal | str) -> Plain:
    """An xsd:decimal with a decimal point (Turtle writes it so; N-Triples and JSON-LD agree)."""
    text = format(Decimal(value), "f")
    return literal(text if "." in text else text + ".0", datatype=XSD_DECIMAL)


@lru_cache(maxsize=131072)
def plain(term: URIRef | Literal) -> Plain:
    """A term as plain strings: (N-Triples sort key, lexical form, language, datatype IRI)."""
    if isinstance(term, URIRef):
        text = str(term)
        return f"<{text}>", text, None, None
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return term.n3(), str(term), term.language, datatype
    raise TypeError(f"unexpected RDF term {term!r}: the package graph has no blank nodes")
