"""Validate a written data package: frictionless for the tables, SHACL for the graph.

Frictionless checks the descriptor, every CSV against its Table Schema (types, patterns,
enums, primary and foreign keys) and the declared bytes and hashes of every file. The graph is
checked against the shapes in ``schemas/shapes.ttl`` by :mod:`opendata.validate.shacl` (the
graph read by pyoxigraph, the shapes checked in Python over its indexes: about 80 times faster)
or, with
``engine="pyshacl"``, by pySHACL, the referee. The result is one :class:`ValidationReport`
with one :class:`~opendata.model.Finding` of kind ``"validation"`` per problem, each with its
location (resource and row, or graph node and path).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opendata.errors import InputError
from opendata.model import Finding, finding_record
from opendata.read.datapackage import DESCRIPTOR, read_descriptor
from opendata.resources import shapes_text
from opendata.validate.shacl import validate_store
from opendata.validate.tablecheck import check_package, problem

GRAPH = "rdf/graph.ttl"
GRAPH_NT = "rdf/graph.nt"
ENGINES = ("fast", "reference")


@dataclass
class ValidationReport:
    """The outcome of validating one package."""

    package: str
    valid: bool
    resources: int
    rows: int
    errors: list[Finding] = field(default_factory=list)
    triples: int = 0  # in the graph, when there is one
    shacl: bool | None = None  # the graph conforms to the shapes; None when there is no graph

    def record(self) -> dict[str, Any]:
        """The report as plain data for JSON, each error as its finding's record."""
        return {
            "package": self.package,
            "valid": self.valid,
            "resources": self.resources,
            "rows": self.rows,
            "errors": [finding_record(e) for e in self.errors],
            "triples": self.triples,
            "shacl": self.shacl,
        }


def validate_package(
    path: Path | str, *, shacl: bool = True, engine: str = "fast"
) -> ValidationReport:
    """Validate ``path`` (a package folder or its ``datapackage.json``).

    ``engine="fast"`` checks the tables with :mod:`opendata.validate.tablecheck` and the graph with
    :mod:`opendata.validate.shacl`; ``engine="reference"`` runs frictionless and pySHACL themselves.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
    path = Path(path)
    root, _ = read_descriptor(path)  # the shape every check relies on; files inside the package
    descriptor = path if path.is_file() else root / DESCRIPTOR
    if engine == "fast":
        try:
            fast = check_package(descriptor)
        except (OSError, ValueError, csv.Error) as exc:
            raise InputError(f"the package cannot be read: {exc}", path=descriptor) from None
        except RecursionError:
            raise InputError(
                "a schema of the package is nested too deeply", path=descriptor
            ) from None
        result = ValidationReport(
            str(descriptor.parent),
            fast.valid,
            fast.resources,
            fast.rows,
            fast.errors,
        )
    else:
        result = _frictionless(descriptor)
    graph = descriptor.parent / GRAPH
    if shacl and graph.is_file():
        conforms, triples, shacl_errors = validate_graph(
            graph, descriptor.parent, engine="fast" if engine == "fast" else "pyshacl"
        )
        result.shacl, result.triples = conforms, triples
        result.errors.extend(shacl_errors)
        result.valid = result.valid and conforms
    return result


def _frictionless(descriptor: Path) -> ValidationReport:
    from frictionless import validate  # imported here: it is slow to import

    report = validate(str(descriptor))
    errors = [problem(None, e.type, e.message) for e in report.errors]
    rows = 0
    for task in report.tasks:
        rows += task.stats.get("rows") or 0
        for error in task.errors:
            errors.append(
                problem(
                    task.name,
                    error.type,
                    error.message,
                    row=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                )
            )
    return ValidationReport(str(descriptor.parent), report.valid, len(report.tasks), rows, errors)


def _shapes(package: Path | None) -> str:
    local = package / "schemas" / "shapes.ttl" if package else None
    if local is not None and local.is_file():
        return local.read_text(encoding="utf-8")
    return shapes_text()


def validate_graph(
    graph_path: Path, package: Path | None = None, *, engine: str = "fast"
) -> tuple[bool, int, list[Finding]]:
    """Check a package graph (Turtle or N-Triples, by its suffix) against the package's shapes
    (else the toolkit's) with the fast engine or pySHACL."""
    if engine == "fast":
        return _validate_fast(graph_path, _shapes(package))
    if engine != "pyshacl":
        raise ValueError(f"unknown SHACL engine {engine!r}; expected one of {ENGINES}")
    return _validate_pyshacl(graph_path, package)


def _validate_fast(graph_path: Path, shapes: str) -> tuple[bool, int, list[Finding]]:
    import pyoxigraph as ox

    nt = graph_path.with_suffix(".nt")
    source, fmt = (nt, ox.RdfFormat.N_TRIPLES) if nt.is_file() else (graph_path, None)
    store = ox.Store()
    try:
        store.bulk_load(
            source.read_bytes(),
            fmt or (ox.RdfFormat.N_TRIPLES if source.suffix == ".nt" else ox.RdfFormat.TURTLE),
        )
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"the graph cannot be parsed: {exc}", path=source) from exc
    violations = validate_store(store, shapes)
    errors = [
        problem(GRAPH, f"shacl:{v.component}", f"{v.focus.strip('<>')}: {v.message}", field=v.path)
        for v in violations
    ]
    return not violations, len(store), errors


def _validate_pyshacl(graph_path: Path, package: Path | None) -> tuple[bool, int, list[Finding]]:
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    data = Graph()
    data.parse(graph_path, format="nt" if graph_path.suffix == ".nt" else "turtle")
    shapes = Graph()
    shapes.parse(data=_shapes(package), format="turtle")
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
            problem(
                GRAPH,
                f"shacl:{name}",
                f"{focus}: {message}",
                field=str(path) if path is not None else None,
            )
        )
    return bool(conforms), len(data), errors
