"""Named SPARQL queries shipped with opendata: one ``.rq`` file each, in this folder.

Each file starts with a comment header::

    # title: Spending by functional 类 and 款 per department and year
    # description: what it returns (may continue on lines indented by two spaces)
    # param department iri: what the parameter does
    # param year gYear required: a parameter that must be given

A parameter is a variable of the query; a value given for it is bound before the query runs
(pyoxigraph substitutions), so an unbound parameter means "all". Types: ``iri``, ``gYear``,
``string``, ``integer``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from opendata.errors import UnknownQueryError

FOLDER = Path(__file__).resolve().parent
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = ("iri", "gYear", "string", "integer")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    required: bool = False

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term of a value given on the command line or in a request."""
        try:
            if self.type == "iri":
                return ox.NamedNode(value)
            if self.type == "gYear":
                if not re.fullmatch(r"\d{4}", value):
                    raise ValueError("expected a year of four digits")
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
            if self.type == "integer":
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        except ValueError as exc:
            raise UnknownQueryError(f"parameter {self.name}: {value!r}: {exc}") from exc
        return ox.Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    def bindings(self, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        by_name = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(by_name))
        if unknown:
            takes = ", ".join(by_name) or "none"
            raise UnknownQueryError(
                f"query {self.name} has no parameter {', '.join(unknown)} (it takes: {takes})"
            )
        missing = [p.name for p in self.parameters if p.required and p.name not in values]
        if missing:
            raise UnknownQueryError(
                f"query {self.name} needs a value for {', '.join(missing)} "
                f"(--param {missing[0]}=VALUE)"
            )
        return {name: by_name[name].term(value) for name, value in values.items()}


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    parameters = []
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].rstrip()
        param = re.fullmatch(r" param (\w+) (\w+)( required)?: (.*)", body)
        field = re.fullmatch(r" (title|description): (.*)", body)
        if param:
            if param.group(2) not in TYPES:
                raise ValueError(f"{path.name}: unknown parameter type {param.group(2)}")
            parameters.append(
                Parameter(param.group(1), param.group(2), param.group(4), bool(param.group(3)))
            )
            last = None
        elif field:
            last = field.group(1)
            fields[last] = field.group(2)
        elif last and body.startswith("   "):
            fields[last] += " " + body.strip()
    return NamedQuery(
        path.stem, fields["title"], fields.get("description", ""), tuple(parameters), text
    )


def named_queries() -> dict[str, NamedQuery]:
    """Every named query by name, in name order."""
    return {q.name: q for q in (_parse(p) for p in sorted(FOLDER.glob("*.rq")))}


def named_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise UnknownQueryError(
            f"no named query {name!r}; 'opendata query --list' lists them: {', '.join(queries)}"
        )
    return queries[name]
