"""A fast SHACL validator for the package graph: the shapes checked in Python over indexes of
the data graph, which pyoxigraph has read.

pySHACL takes about 4 s for the sample's 7,800 triples (it builds rdflib terms and re-evaluates
each constraint for each focus node through rdflib's store); pyrudof's native engine about
0.7 s. This engine lets pyoxigraph (Rust) read the graph into a store and write it back as
N-Triples, which are split into plain strings: each term in N-Triples syntax, indexed by
predicate, then subject (and, for an inverse path or class membership, by object). The shapes
(:mod:`opendata.validate.shapes`) are then checked on those strings: a few dictionary look-ups
and string tests per focus node and constraint. Only SHACL-AF SPARQL targets (``sh:select``)
are asked of pyoxigraph's SPARQL engine, in the same store. Terms are read back from the store
on purpose: a focus node a SPARQL target selects is written exactly like the same node in the
index, and literals are compared as the store keeps them (pyoxigraph writes a valid
``"01"^^xsd:integer`` as ``"1"``).

It implements exactly the SHACL Core features our shapes use, plus SHACL-AF SPARQL targets, and
refuses a shapes graph that uses anything else (:class:`~opendata.errors.UnsupportedShape`), so
it can never pass a graph by ignoring a constraint. pySHACL stays the referee: ``opendata
validate --engine pyshacl`` runs it, and the tests check that both give the same results on good
and broken graphs.

Supported: targets ``sh:targetClass`` (SHACL instances: ``rdf:type/rdfs:subClassOf*``) and
``sh:target`` [``sh:SPARQLTarget``]; node constraints ``sh:class``, ``sh:property``, ``sh:or``,
``sh:message``; property paths (an IRI or ``sh:inversePath``); ``sh:minCount``,
``sh:maxCount`` (distinct values), ``sh:datatype`` (with the lexical form checked for the
XSD numbers, dates, years and booleans, as SHACL asks: ``"abc"^^xsd:decimal`` violates it),
``sh:class``, ``sh:nodeKind sh:IRI``,
``sh:pattern`` (on the IRI or the lexical form), ``sh:in`` and ``sh:hasValue`` (the same RDF
term), ``sh:minLength``, ``sh:uniqueLang``, ``sh:or`` and ``sh:node`` on values.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from opendata.errors import UnsupportedShape
from opendata.validate.shapes import (
    COMPONENT,
    RDF,
    RDF_TYPE,
    SUBCLASS,
    XSD_STRING,
    Constraint,
    Shape,
    compile_shapes,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = [
    "Shape",
    "Violation",
    "compile_shapes",
    "shapes_key",
    "validate_ntriples",
    "validate_store",
]

TYPE = f"<{RDF_TYPE}>"
SUBCLASS_OF = f"<{SUBCLASS}>"
LANG_STRING = RDF + "langString"
DIR_LANG_STRING = RDF + "dirLangString"
_NONE: list[str] = []  # the value nodes of a focus node without any (never changed)

XSD = XSD_STRING[: -len("string")]
_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_DATE = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})" + _TZ)
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?|24:00:00(?:\.0+)?"
#: The lexical space of the XSD datatypes the engine checks (after collapsing white space); a
#: literal of another datatype is checked by its datatype IRI alone.
_LEXICAL = {
    XSD + "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "gYear": re.compile(r"-?(?:[1-9][0-9]{4,}|[0-9]{4})" + _TZ),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "dateTime": re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T(?:" + _TIME + ")" + _TZ),
}


def _well_formed(datatype: str, text: str) -> bool:
    """Whether ``text`` is in the lexical space of an XSD datatype the engine checks."""
    text = text.strip(" \t\n\r")
    if datatype == XSD + "date":
        match = _DATE.fullmatch(text)
        if match is None:
            return False
        year, month, day = (int(g) for g in match.groups())
        if not 1 <= month <= 12 or year == 0:
            return False
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
        return 1 <= day <= days
    return _LEXICAL[datatype].fullmatch(text) is not None


@dataclass(frozen=True)
class Violation:
    """One validation result: focus node, path, constraint component, message."""

    focus: str
    component: str
    path: str | None
    message: str
    value: str | None = None


#: A violation as found, with terms in N-Triples syntax: focus, component, path, message, value.
Found = tuple[str, str, str | None, str, str | None]


# -- terms in N-Triples syntax (as pyoxigraph writes them) ------------------------------------

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _CHARS[match.group(3)]


def _literal(term: str) -> tuple[str, str, str]:
    """A literal's lexical form (unescaped), datatype IRI and language tag ("" if none)."""
    last = term[-1]
    if last == '"':
        end, datatype, lang = len(term) - 1, XSD_STRING, ""
    elif last == ">":
        end = term.rindex('"^^<')
        datatype, lang = term[end + 4 : -1], ""
    else:
        end = term.rindex('"@')
        lang = term[end + 2 :]
        datatype = DIR_LANG_STRING if "--" in lang else LANG_STRING
    text = term[1:end]
    if "\\" in text:
        text = _ESCAPE.sub(_unescape, text)
    return text, datatype, lang


def _datatype(term: str) -> str | None:
    """DATATYPE(term): None for an IRI or a blank node."""
    if term[0] != '"':
        return None
    last = term[-1]
    if last == '"':
        return XSD_STRING
    if last == ">":
        return term[term.rindex('"^^<') + 4 : -1]
    return DIR_LANG_STRING if "--" in term[term.rindex('"@') :] else LANG_STRING


def _string(term: str) -> str:
    """STR(term) of an IRI or a literal."""
    return term[1:-1] if term[0] == "<" else _literal(term)[0]


def _language(term: str) -> str:
    """LANG(term): the language tag without a direction, "" if none."""
    if term[0] != '"' or term[-1] in '">':
        return ""
    return term[term.rindex('"@') + 2 :].split("--", 1)[0].lower()


def _sparql(term: str) -> str:
    """A term in N-Triples syntax written as violations always wrote it (SPARQL syntax, an
    explicit ^^xsd:string, only \\ " newline and carriage return escaped)."""
    if term[0] != '"':
        return term
    text, datatype, lang = _literal(term)
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = text.replace("\r", "\\r")
    if lang:
        return f'"{text}"@{lang.split("--", 1)[0]}'
    return f'"{text}"^^<{datatype}>'


# -- the checks -------------------------------------------------------------------------------


def _value_test(constraint: Constraint, graph: _Graph) -> Callable[[str], bool]:
    """A test that is true for a value node violating a value constraint."""
    name, arg = constraint.name, constraint.arg
    if name == "datatype":
        if arg in (XSD_STRING, LANG_STRING, DIR_LANG_STRING):
            return lambda v: _datatype(v) != arg
        suffix = f'"^^<{arg}>'  # only a literal of that datatype ends so: an IRI has no "
        if arg in _LEXICAL or arg == XSD + "date":
            return lambda v: not v.endswith(suffix) or not _well_formed(arg, _literal(v)[0])
        return lambda v: not v.endswith(suffix)
    if name == "class":
        members = graph.instances(arg)
        return lambda v: v not in members
    if name == "nodeKind":
        return lambda v: v[0] != "<"
    if name == "pattern":
        search = arg.search
        return lambda v: v[0] == "_" or search(_string(v)) is None
    if name == "in":
        return lambda v: v not in arg
    if name == "minLength":
        return lambda v: v[0] == "_" or len(_string(v)) < arg
    raise UnsupportedShape(f"sh:{name} is not implemented")


def _shared_language(values: list[str]) -> bool:
    seen = set()
    for v in values:
        lang = _language(v)
        if lang:
            if lang in seen:
                return True
            seen.add(lang)
    return False


class _Graph:
    """The data graph's triples as strings in N-Triples syntax, indexed for the checks."""

    def __init__(self, store: ox.Store, predicates: frozenset[str]) -> None:
        import pyoxigraph as ox

        self.store = store
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
        lines = data.decode().split(" .\n")  # a newline in a literal is written \n
        lines.pop()
        self.triples = len(lines)
        index: dict[str, dict[str, list[str]]] = {p: {} for p in predicates}
        get = index.get
        for line in lines:
            s, p, o = line.split(" ", 2)
            by_subject = get(p)
            if by_subject is not None:
                values = by_subject.get(s)
                if values is None:
                    by_subject[s] = [o]
                else:
                    values.append(o)
        self.index = index
        self._inverse: dict[str, dict[str, list[str]]] = {}
        self._instances: dict[str, set[str]] = {}

    def by_object(self, predicate: str) -> dict[str, list[str]]:
        """object -> subjects of the predicate's triples."""
        inverse = self._inverse.get(predicate)
        if inverse is None:
            inverse = self._inverse[predicate] = {}
            for s, objects in self.index[predicate].items():
                for o in objects:
                    inverse.setdefault(o, []).append(s)
        return inverse

    def values(self, shape: Shape, focus: Iterable[str]) -> list[tuple[str, list[str]]]:
        """Each focus node with its value nodes for a property shape (distinct: the store
        holds each triple once)."""
        predicate = shape.predicate or ""
        get = (self.by_object(predicate) if shape.inverse else self.index[predicate]).get
        return [(f, get(f, _NONE)) for f in focus]

    def instances(self, cls: str) -> set[str]:
        """The SHACL instances of a class: its rdf:type/rdfs:subClassOf* members."""
        members = self._instances.get(cls)
        if members is None:
            classes, todo = {cls}, [cls]
            subclasses = self.by_object(SUBCLASS_OF)
            while todo:
                for sub in subclasses.get(todo.pop(), ()):
                    if sub not in classes:
                        classes.add(sub)
                        todo.append(sub)
            typed = self.by_object(TYPE)
            members = self._instances[cls] = {s for c in classes for s in typed.get(c, ())}
        return members

    def selected(self, query: str) -> set[str]:
        """The nodes a SPARQL target selects (its ?this)."""
        rows = self.store.query(query)
        if "this" not in [v.value for v in rows.variables]:
            raise UnsupportedShape("a SPARQL target that does not select ?this")
        return {str(row["this"]) for row in rows if row["this"] is not None}


class _Run:
    """One validation of a data graph against compiled shapes."""

    def __init__(self, graph: _Graph) -> None:
        self.graph = graph

    def focus_nodes(self, shape: Shape) -> set[str]:
        focus: set[str] = set()
        for cls in shape.classes:
            focus |= self.graph.instances(cls)
        for query in shape.selects:
            focus |= self.graph.selected(query)
        return focus

    def validate(self, shape: Shape, focus: Iterable[str]) -> list[Found]:
        """Violations of a node shape on the given focus nodes."""
        focus = list(focus)
        out: list[Found] = []
        if not focus:
            return out
        for constraint in shape.constraints:
            out.extend(self.constraint(shape, constraint, [(f, [f]) for f in focus]))
        for prop in shape.properties:
            pairs = self.graph.values(prop, focus)
            for constraint in prop.constraints:
                out.extend(self.constraint(prop, constraint, pairs))
        return out

    def constraint(
        self, shape: Shape, constraint: Constraint, pairs: list[tuple[str, list[str]]]
    ) -> list[Found]:
        """Violations of one constraint, given each focus node's value nodes."""
        name, arg = constraint.name, constraint.arg
        component, path = COMPONENT[name], shape.path_iri
        message = shape.message or constraint.message
        if name == "minCount":
            return [(f, component, path, message, None) for f, vs in pairs if len(vs) < arg]
        if name == "maxCount":
            return [(f, component, path, message, None) for f, vs in pairs if len(vs) > arg]
        if name == "hasValue":
            return [(f, component, path, message, None) for f, vs in pairs if arg not in vs]
        if name == "uniqueLang":
            return [(f, component, path, message, None) for f, vs in pairs if _shared_language(vs)]
        if name in ("or", "node"):
            values = {v for _, vs in pairs for v in vs}
            if name == "or":
                failing = set(values)
                for alternative in arg:
                    failing &= self.failing(alternative, values)
            else:
                failing = self.failing(arg, values)
            return [(f, component, path, message, v) for f, vs in pairs for v in vs if v in failing]
        bad = _value_test(constraint, self.graph)
        return [(f, component, path, message, v) for f, vs in pairs for v in vs if bad(v)]

    def failing(self, shape: Shape, values: set[str]) -> set[str]:
        """The nodes among ``values`` (literals included) that do not conform to ``shape``."""
        if not values:
            return set()
        if shape.predicate is None:
            return {v[0] for v in self.validate(shape, values)}
        out: set[str] = set()
        pairs = self.graph.values(shape, values)
        for constraint in shape.constraints:
            out.update(v[0] for v in self.constraint(shape, constraint, pairs))
        return out


def _predicates(shapes: Iterable[Shape]) -> set[str]:
    out = set()
    for shape in shapes:
        if shape.predicate is not None:
            out.add(shape.predicate)
        out |= _predicates(shape.properties)
        for constraint in shape.constraints:
            nested = constraint.arg
            if isinstance(nested, Shape):
                out |= _predicates([nested])
            elif isinstance(nested, list):
                out |= _predicates(nested)
    return out


@lru_cache(maxsize=8)
def _indexed(shapes_text: str) -> frozenset[str]:
    """The predicates the shapes look up: their paths, rdf:type and rdfs:subClassOf."""
    return frozenset(_predicates(compile_shapes(shapes_text)) | {TYPE, SUBCLASS_OF})


def _validate(store: ox.Store, shapes_text: str) -> tuple[list[Violation], int]:
    shapes = compile_shapes(shapes_text)
    graph = _Graph(store, _indexed(shapes_text))
    run = _Run(graph)
    found: set[Found] = set()
    for shape in shapes:
        if shape.targets:
            found.update(run.validate(shape, run.focus_nodes(shape)))
    violations = [
        Violation(_sparql(f), c, p, m, _sparql(v) if v is not None else None)
        for f, c, p, m, v in found
    ]
    violations.sort(key=lambda v: (v.focus, v.component, v.path or "", v.value or "", v.message))
    return violations, graph.triples


def validate_store(store: ox.Store, shapes_text: str) -> list[Violation]:
    """Every violation of the shapes in a pyoxigraph store (default graph)."""
    return _validate(store, shapes_text)[0]


def validate_ntriples(data: bytes, shapes_text: str) -> tuple[bool, int, list[Violation]]:
    """Validate an N-Triples document: conforms, triples, violations."""
    import pyoxigraph as ox

    compile_shapes(shapes_text)  # refuse unsupported shapes before reading any data
    store = ox.Store()
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    violations, triples = _validate(store, shapes_text)
    return not violations, triples, violations


def shapes_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
