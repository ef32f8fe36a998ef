"""Validate a written data package with frictionless and return the findings as data.

Frictionless checks the descriptor, every CSV against its Table Schema (types, patterns,
enums, primary and foreign keys) and the declared bytes and hashes. The result is a
:class:`ValidationReport` with one :class:`ValidationError` per problem, each with its location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from opendata.errors import InputError


@dataclass(frozen=True)
class ValidationError:
    """One problem frictionless found, with where it is."""

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


def validate_package(path: Path | str) -> ValidationReport:
    """Validate ``path`` (a package folder or its ``datapackage.json``) with frictionless."""
    from frictionless import validate  # imported here: it is slow to import

    path = Path(path)
    descriptor = path / "datapackage.json" if path.is_dir() else path
    if not descriptor.is_file():
        raise InputError("no datapackage.json here; expected a package folder", path=path)
    report = validate(str(descriptor))
    errors = [
        ValidationError(None, e.type, e.message) for e in report.errors
    ]  # descriptor-level errors
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
    return ValidationReport(str(descriptor.parent), report.valid, len(report.tasks), rows, errors)
