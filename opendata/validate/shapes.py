"""The shapes graph compiled for the fast SHACL engine (:mod:`opendata.validate.shacl`).

The shapes (Turtle) are loaded into a pyoxigraph store of their own and each node shape becomes
a :class:`Shape`: its targets, its constraints with their arguments made ready for the checks
(counts as integers, terms in N-Triples syntax, patterns as Python regular expressions that
match exactly what pyoxigraph's SPARQL ``REGEX`` matches) and the message each violation will
carry. A shapes graph that uses anything the engine does not implement is refused here, with
:class:`~opendata.errors.UnsupportedShape`, before any data is looked at: a constraint is never
ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from opendata.errors import UnsupportedShape

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

#: Predicates of a shape this engine understands; anything else in the sh: namespace is refused.
KNOWN = {
    "targetClass",
    "target",
    "property",
    "path",
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "pattern",
    "in",
    "hasValue",
    "minLength",
    "uniqueLang",
    "or",
    "node",
    "message",
    "declare",
    "prefixes",
    "select",
    "prefix",
    "namespace",
    "inversePath",
}

#: The constraint components, by the name of their parameter.
COMPONENT = {
    "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent",
    "datatype": "DatatypeConstraintComponent",
    "class": "ClassConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent",
    "pattern": "PatternConstraintComponent",
    "in": "InConstraintComponent",
    "hasValue": "HasValueConstraintComponent",
    "minLength": "MinLengthConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent",
    "or": "OrConstraintComponent",
    "node": "NodeConstraintComponent",
}


@dataclass(frozen=True)
class Constraint:
    """One constraint of a shape: its parameter's name, the argument ready for the check (an
    int, a term in N-Triples syntax, an IRI, a frozenset of terms, a compiled regex, a list of
    shapes or a shape) and the message of its violations."""

    name: str
    arg: Any
    message: str


@dataclass
class Shape:
    """A node or property shape, compiled from the shapes graph."""

    node: Any
    predicate: str | None = None  # the path's IRI in N-Triples syntax (property shapes)
    inverse: bool = False  # the path is sh:inversePath of that IRI
    path_iri: str | None = None  # the path as reported: the IRI, or ^ and the IRI
    classes: list[str] = field(default_factory=list)  # sh:targetClass, N-Triples syntax
    selects: list[str] = field(default_factory=list)  # SPARQL targets, prefixes included
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    message: str | None = None

    @property
    def targets(self) -> list[str]:
        return self.classes + self.selects


def _term(t: object) -> str:
    """A pyoxigraph term in SPARQL syntax: a violation's focus node and value are written so."""
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return f"<{t.value}>"
    if isinstance(t, ox.Literal):
        text = t.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        text = text.replace("\r", "\\r")
        if t.language:
            return f'"{text}"@{t.language}'
        return f'"{text}"^^<{t.datatype.value}>'
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    raise UnsupportedShape(f"unexpected term {t!r}")


def _short(value: object) -> str:
    text = getattr(value, "value", str(value))
    return text.rsplit("#", 1)[-1] if isinstance(text, str) else str(text)


def _integer(value: Any, name: str) -> int:
    try:
        return int(value.value)
    except (AttributeError, ValueError):
        raise UnsupportedShape(f"sh:{name} {value} is not an integer") from None


class _Shapes:
    """The shapes graph loaded into its own store, and the compiled shapes."""

    def __init__(self, text: str) -> None:
        import pyoxigraph as ox

        self.g = ox.Store()
        self.g.bulk_load(text.encode("utf-8"), ox.RdfFormat.TURTLE)
        self.ox = ox
        self._check_vocabulary()
        self.node_shapes: set[Any] = set()  # the nodes compiled as node shapes
        declared = self._node_shapes()
        self.shapes = [self.node_shape(s) for s in declared]
        self._check_structure(set(declared))

    def _check_vocabulary(self) -> None:
        for quad in self.g:
            p = quad.predicate.value
            if p.startswith(SH) and p[len(SH) :] not in KNOWN:
                raise UnsupportedShape(f"the shapes use sh:{p[len(SH) :]}, not implemented here")

    def _check_structure(self, declared: set[Any]) -> None:
        """Refuse shapes this engine would not check as SHACL does: a target on a node that is
        not a declared sh:NodeShape (SHACL checks any shape with a target; this engine only
        those), sh:property on a property shape, sh:path on a node shape."""
        for name in ("targetClass", "target"):
            for quad in self.g.quads_for_pattern(None, self.ox.NamedNode(SH + name), None):
                if quad.subject not in declared:
                    raise UnsupportedShape(f"sh:{name} on {quad.subject}, not a sh:NodeShape")
        for quad in self.g.quads_for_pattern(None, self.ox.NamedNode(SH + "property"), None):
            if quad.subject not in self.node_shapes:
                raise UnsupportedShape(f"sh:property on {quad.subject}, not a node shape")
        for node in self.node_shapes:
            if self.one(node, SH + "path") is not None:
                raise UnsupportedShape(f"sh:path on the node shape {node}")

    def _node_shapes(self) -> list[Any]:
        rows = self.g.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{SH}NodeShape> }} ORDER BY STR(?s)")
        return [r["s"] for r in rows]

    def objects(self, s: Any, p: str) -> list[Any]:
        return [q.object for q in self.g.quads_for_pattern(s, self.ox.NamedNode(p), None)]

    def one(self, s: Any, p: str) -> Any:
        values = self.objects(s, p)
        return values[0] if values else None

    def items(self, head: Any) -> list[Any]:
        out = []
        while not (isinstance(head, self.ox.NamedNode) and head.value == RDF_NIL):
            out.append(self.one(head, RDF_FIRST))
            head = self.one(head, RDF_REST)
            if head is None:
                raise UnsupportedShape("a malformed RDF list in the shapes")
        return out

    def path(self, shape: Shape, node: Any) -> None:
        if isinstance(node, self.ox.NamedNode):
            shape.predicate, shape.path_iri = f"<{node.value}>", node.value
            return
        inverse = self.one(node, SH + "inversePath")
        if isinstance(inverse, self.ox.NamedNode):
            shape.predicate, shape.inverse = f"<{inverse.value}>", True
            shape.path_iri = f"^{inverse.value}"
            return
        raise UnsupportedShape("only IRI and sh:inversePath paths are implemented")

    def _prefixes(self, node: Any) -> str:
        lines = []
        for owner in self.objects(node, SH + "prefixes"):
            for declaration in self.objects(owner, SH + "declare"):
                prefix = self.one(declaration, SH + "prefix")
                namespace = self.one(declaration, SH + "namespace")
                lines.append(f"PREFIX {prefix.value}: <{namespace.value}>")
        return "\n".join(lines)

    def node_shape(self, node: Any) -> Shape:
        self.node_shapes.add(node)
        shape = Shape(node)
        for cls in self.objects(node, SH + "targetClass"):
            shape.classes.append(str(cls))
        for target in self.objects(node, SH + "target"):
            select = self.one(target, SH + "select")
            if select is None:
                raise UnsupportedShape("only SPARQL targets (sh:select) are implemented")
            shape.selects.append(f"{self._prefixes(target)}\n{select.value}")
        self._constraints(node, shape)
        shape.properties = [self.property_shape(p) for p in self.objects(node, SH + "property")]
        message = self.one(node, SH + "message")
        shape.message = message.value if message is not None else None
        return shape

    def property_shape(self, node: Any) -> Shape:
        path_node = self.one(node, SH + "path")
        if path_node is None:
            raise UnsupportedShape("a property shape without sh:path")
        shape = Shape(node)
        self.path(shape, path_node)
        self._constraints(node, shape)
        message = self.one(node, SH + "message")
        shape.message = message.value if message is not None else None
        return shape

    def _constraints(self, node: Any, shape: Shape) -> None:
        add = shape.constraints.append
        for name in ("minCount", "maxCount"):
            for value in self.objects(node, SH + name):
                n = _integer(value, name)
                add(Constraint(name, n, f"{name} {n}"))
        for value in self.objects(node, SH + "datatype"):
            if not isinstance(value, self.ox.NamedNode):
                raise UnsupportedShape(f"sh:datatype {value} is not an IRI")
            add(Constraint("datatype", value.value, f"datatype {_short(value)}"))
        for value in self.objects(node, SH + "class"):
            add(Constraint("class", str(value), f"class {_short(value)}"))
        for value in self.objects(node, SH + "nodeKind"):
            if getattr(value, "value", None) != SH + "IRI":
                raise UnsupportedShape(f"sh:nodeKind {value} is not implemented (only sh:IRI)")
            add(Constraint("nodeKind", "IRI", f"nodeKind {_short(value)}"))
        for value in self.objects(node, SH + "pattern"):
            if not (isinstance(value, self.ox.Literal) and value.datatype.value == XSD_STRING):
                raise UnsupportedShape(f"sh:pattern {value} is not a string")
            add(Constraint("pattern", python_pattern(value.value), f"pattern {_short(value)}"))
        for value in self.objects(node, SH + "hasValue"):
            add(Constraint("hasValue", str(value), f"missing value {_term(value)}"))
        for value in self.objects(node, SH + "minLength"):
            n = _integer(value, "minLength")
            add(Constraint("minLength", n, f"minLength {_short(value)}"))
        for value in self.objects(node, SH + "uniqueLang"):
            if not (isinstance(value, self.ox.Literal) and value.datatype.value == XSD_BOOLEAN):
                raise UnsupportedShape(f"sh:uniqueLang {value} is not a boolean")
            if value.value in ("true", "1"):
                add(Constraint("uniqueLang", True, "two values share a language"))
        for head in self.objects(node, SH + "in"):
            members = self.items(head)
            add(Constraint("in", frozenset(map(str, members)), f"in {_short(members)}"))
        for head in self.objects(node, SH + "or"):
            alternatives = [self.alternative(a) for a in self.items(head)]
            add(Constraint("or", alternatives, "value does not conform to sh:or"))
        for ref in self.objects(node, SH + "node"):
            add(Constraint("node", self.node_shape(ref), "value does not conform to sh:node"))

    def alternative(self, node: Any) -> Shape:
        """A member of sh:or: a property shape (it has a path) or a node shape."""
        if self.one(node, SH + "path") is not None:
            return self.property_shape(node)
        return self.node_shape(node)


@lru_cache(maxsize=8)
def compile_shapes(text: str) -> list[Shape]:
    """The compiled shapes of a shapes graph (cached per process by its text)."""
    return _Shapes(text).shapes


# -- patterns ---------------------------------------------------------------------------------

_META = "\\^$.|?*+()[]{}"
_ESCAPABLE = _META + "/-"
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def python_pattern(pattern: str) -> re.Pattern[str]:
    """A Python regex that matches (``search``) exactly the strings SPARQL ``REGEX`` without
    flags matches in pyoxigraph (Rust's regex syntax, XPath's ``$``: the very end).

    Only a plain subset is accepted: literal characters, escaped metacharacters, ``\\n \\r
    \\t``, ``.``, simple character classes and ranges, groups (``(...)``, ``(?:...)``),
    alternation, the quantifiers ``* + ? {m} {m,} {m,n}`` and the anchors ``^ $``. Anything else
    (classes like ``\\d`` or ``[[:alpha:]]``, look-arounds, flags, lazy or possessive
    quantifiers) is refused: the two engines could read it differently.
    """
    out: list[str] = []
    i, depth, quantifiable = 0, 0, False

    def refuse(why: str) -> UnsupportedShape:
        return UnsupportedShape(f"sh:pattern {pattern!r}: {why} is not implemented")

    def escape(j: int) -> str:
        if j + 1 >= len(pattern):
            raise refuse("a trailing backslash")
        c = pattern[j + 1]
        if c in _ESCAPABLE or c in "nrt":
            return "\\" + c
        raise refuse(f"the escape \\{c}")

    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(escape(i))
            i, quantifiable = i + 2, True
        elif c == "[":
            j = i + 1 + (pattern[i + 1 : i + 2] == "^")
            if pattern[j : j + 1] == "]":
                raise refuse("a class opening with ]")
            while j < len(pattern) and pattern[j] != "]":
                if pattern[j] == "\\":
                    escape(j)
                    j += 2
                elif pattern[j] == "[" or pattern[j : j + 2] in ("&&", "--", "~~"):
                    raise refuse("a nested class or class operation")
                else:
                    j += 1
            if j >= len(pattern):
                raise refuse("an unclosed class")
            out.append(pattern[i : j + 1])
            i, quantifiable = j + 1, True
        elif c == "(":
            if pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
                raise refuse("a group with flags or a look-around")
            step = 3 if pattern.startswith("(?:", i) else 1
            out.append(pattern[i : i + step])
            i, depth, quantifiable = i + step, depth + 1, False
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise refuse("an unbalanced )")
            out.append(c)
            i, quantifiable = i + 1, True
        elif c in "*+?{":
            match = _QUANTIFIER.match(pattern, i) if c == "{" else None
            if not quantifiable or (c == "{" and match is None):
                raise refuse(f"the quantifier at {i}")
            if match is not None:
                low, high = match.group(1), match.group(3)
                if high and int(high) < int(low):
                    raise refuse(f"the quantifier at {i}")
                out.append(match.group(0))
                i = match.end()
            else:
                out.append(c)
                i += 1
            quantifiable = False
        elif c == "}" or c == "]":
            raise refuse(f"an unmatched {c}")
        elif c in "^|":
            out.append(c)
            i, quantifiable = i + 1, False
        elif c == "$":
            out.append("\\Z")  # Python's $ also matches before a final newline
            i, quantifiable = i + 1, False
        else:  # a literal character, or "." (any but a newline in both)
            out.append(c)
            i, quantifiable = i + 1, True
    if depth:
        raise refuse("an unclosed (")
    return re.compile("".join(out))
