"""Validate a written data package: frictionless for the tables, pySHACL for the graph.

Frictionless checks the descriptor, every CSV against its Table Schema (types, patterns,
enums, primary and foreign keys) and the declared bytes and hashes of every file. pySHACL
checks ``rdf/graph.ttl`` against the shapes in ``schemas/shapes.ttl``. The result is one
:class:`ValidationReport` with one :class:`ValidationError` per problem, each with its location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from opendata.errors import InputError

GRAPH = "rdf/graph.ttl"


@dataclass(frozen=True)
class ValidationError:
    """One problem found, with where it is (resource and row, or graph node and path)."""

    resource: str | None
    type: str
    message: str
    row: int | None = None
    field: str | None = None


@dataclass
class ValidationReport:
    """The outcome of validating one package."""

    package: str
    valid: bool
    resources: int
    rows: int
    errors: list[ValidationError] = field(default_factory=list)
    triples: int = 0  # in the graph, when there is one
    shacl: bool | None = None  # the graph conforms to the shapes; None when there is no graph


def validate_package(path: Path | str, *, shacl: bool = True) -> ValidationReport:
    """Validate ``path`` (a package folder or its ``datapackage.json``)."""
    from frictionless import validate  # imported here: it is slow to import

    path = Path(path)
    descriptor = path / "datapackage.json" if path.is_dir() else path
    if not descriptor.is_file():
        raise InputError("no datapackage.json here; expected a package folder", path=path)
    report = validate(str(descriptor))
    errors = [ValidationError(None, e.type, e.message) for e in report.errors]
    rows = 0
    for task in report.tasks:
        rows += task.stats.get("rows") or 0
        for error in task.errors:
            errors.append(
                ValidationError(
                    task.name,
                    error.type,
                    error.message,
                    getattr(error, "row_number", None),
                    getattr(error, "field_name", None),
                )
            )
    result = ValidationReport(str(descriptor.parent), report.valid, len(report.tasks), rows, errors)
    graph = descriptor.parent / GRAPH
    if shacl and graph.is_file():
        conforms, triples, shacl_errors = validate_graph(graph, descriptor.parent)
        result.shacl, result.triples = conforms, triples
        result.errors.extend(shacl_errors)
        result.valid = result.valid and conforms
    return result


def validate_graph(
    graph_path: Path, package: Path | None = None
) -> tuple[bool, int, list[ValidationError]]:
    """Run pySHACL on a package graph with the package's shapes (else the toolkit's)."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    from opendata.schemas import shapes_text

    data = Graph()
    data.parse(graph_path, format="turtle")
    shapes = Graph()
    local = package / "schemas" / "shapes.ttl" if package else None
    if local is not None and local.is_file():
        shapes.parse(local, format="turtle")
    else:
        shapes.parse(data=shapes_text(), format="turtle")
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", inplace=True, advanced=True
    )
    errors = []
    for result in sorted(results.subjects(SH.resultSeverity, None), key=str):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        component = results.value(result, SH.sourceConstraintComponent)
        message = results.value(result, SH.resultMessage)
        name = str(component).rsplit("#", 1)[-1] if component is not None else "shacl"
        errors.append(
            ValidationError(
                GRAPH,
                f"shacl:{name}",
                f"{focus}: {message}",
                field=str(path) if path is not None else None,
            )
        )
    return bool(conforms), len(data), errors
