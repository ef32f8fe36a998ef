"""Fast validation of a package's tables against their Table Schemas, with frictionless's rules.

``frictionless.validate`` spends most of its 0.8-1.6 s per package on metadata machinery that
is the same for every package of a run (the sample: 20 CSVs, 1,200 rows). This checker keeps
frictionless's own parts where the rules live and compiles them once per process: the package
descriptor is checked by ``Package.metadata_validate``, each distinct Table Schema by
``Schema.metadata_validate`` once, and every cell is cast and checked by the field's own
frictionless cell reader (types, missing values, required, minimum, pattern, enum). What
frictionless does row by row around them is done here: the header against the field names,
row widths, blank rows, unique fields, the primary key, foreign keys, and each file's bytes and
SHA-256. Errors carry frictionless's error types. ``opendata validate --engine reference``
runs frictionless itself, and the tests check that both agree on good and broken packages.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from opendata.model import Finding


def problem(
    resource: str | None,
    kind: str,
    message: str,
    *,
    row: int | None = None,
    field: str | None = None,
) -> Finding:
    """One problem found in a package, with where it is: a :class:`~opendata.model.Finding` of
    kind ``"validation"`` whose code is frictionless's (or SHACL's) error type."""
    return Finding(
        kind="validation",
        code=kind,
        message=message,
        severity="error",
        resource=resource,
        row_number=row,
        field_name=field,
    )


@dataclass
class TableReport:
    valid: bool
    resources: int
    rows: int
    errors: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class _Compiled:
    names: tuple[str, ...]
    readers: tuple[Any, ...]
    unique: tuple[int, ...]
    primary_key: tuple[int, ...]
    foreign_keys: tuple[tuple[tuple[int, ...], str, tuple[str, ...]], ...]
    errors: tuple[str, ...]


def _memoised(reader: Any) -> Any:
    """A cell reader that remembers its answers: a field's reading depends on the cell's text
    alone, and units, roles, codes, years and blanks repeat in every package. Values are
    immutable (str, Decimal, int, date); notes are only read. Bounded: cleared when full."""
    answers: dict[str, Any] = {}

    def read(cell: str) -> Any:
        answer = answers.get(cell)
        if answer is None:
            if len(answers) >= 4096:
                answers.clear()
            answer = answers[cell] = reader(cell)
        return answer

    return read


@lru_cache(maxsize=256)
def _compile(schema_text: str) -> _Compiled:
    """A Table Schema's field readers and keys, built once per distinct schema."""
    from frictionless import Schema

    descriptor = json.loads(schema_text)
    errors = tuple(str(e.get("message", e)) for e in Schema.metadata_validate(descriptor))
    schema = Schema.from_descriptor(descriptor)
    names = tuple(f.name for f in schema.fields)
    readers = tuple(
        f.create_cell_reader() if f.type == "object" else _memoised(f.create_cell_reader())
        for f in schema.fields
    )
    unique = tuple(
        i for i, f in enumerate(schema.fields) if (f.constraints or {}).get("unique") is True
    )
    primary_key = tuple(names.index(n) for n in descriptor.get("primaryKey", []) if n in names)
    foreign = []
    for key in descriptor.get("foreignKeys", []):
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        ref = key["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        foreign.append((tuple(names.index(n) for n in fields), ref["resource"], tuple(ref_fields)))
    return _Compiled(names, readers, unique, primary_key, tuple(foreign), errors)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def check_package(descriptor_path: Path) -> TableReport:
    """Validate a package (descriptor, files, tables) by frictionless's rules."""
    from frictionless import Package

    root = descriptor_path.parent
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    errors = [
        problem(None, getattr(e, "type", "package-error"), str(getattr(e, "message", e)))
        for e in Package.metadata_validate(descriptor)
    ]
    resources = descriptor.get("resources", [])
    tables: dict[str, tuple[tuple[str, ...], list[list[Any]]]] = {}
    pending_keys: list[tuple[str, _Compiled, list[list[Any]], list[int]]] = []
    total_rows = 0
    for resource in resources:
        name = resource.get("name")
        path = root / resource.get("path", "")
        try:
            data = path.read_bytes()
        except OSError as exc:
            errors.append(problem(name, "scheme-error", f"cannot read {path}: {exc}"))
            continue
        if "bytes" in resource and resource["bytes"] != len(data):
            errors.append(
                problem(
                    name,
                    "byte-count",
                    f'The data source does not match the expected byte count: "{resource["bytes"]}"'
                    f' is expected, but "{len(data)}" is actual',
                )
            )
        declared = str(resource.get("hash", ""))
        if declared:
            algorithm, _, digest = declared.rpartition(":")
            actual = hashlib.new(algorithm or "md5", data).hexdigest()
            if actual != digest:
                errors.append(
                    problem(
                        name,
                        "hash-count",
                        f'The data source does not match the expected hash: "{digest}" is '
                        f'expected, but "{actual}" is actual',
                    )
                )
        if resource.get("profile") != "tabular-data-resource":
            continue
        schema_ref = resource.get("schema")
        schema_text = (
            (root / schema_ref).read_text(encoding="utf-8")
            if isinstance(schema_ref, str)
            else json.dumps(schema_ref)
        )
        compiled = _compile(schema_text)
        errors.extend(problem(name, "schema-error", m) for m in compiled.errors)
        rows = _rows(data)
        values, row_numbers = _check_table(name, compiled, rows, errors)
        total_rows += len(row_numbers)
        tables[name] = (compiled.names, values)
        if compiled.foreign_keys:
            pending_keys.append((name, compiled, values, row_numbers))
    for name, compiled, values, row_numbers in pending_keys:
        for fields, ref_resource, ref_fields in compiled.foreign_keys:
            ref_names, ref_values = tables.get(ref_resource, ((), []))
            ref_index = [ref_names.index(f) for f in ref_fields if f in ref_names]
            known = {tuple(v[i] for i in ref_index) for v in ref_values}
            for row, number in zip(values, row_numbers, strict=True):
                key = tuple(row[i] for i in fields)
                if all(k is None for k in key):
                    continue
                if key not in known:
                    errors.append(
                        problem(
                            name,
                            "foreign-key",
                            f"Row at position {number} violates the foreign key: for "
                            f'"{", ".join(compiled.names[i] for i in fields)}": values '
                            f'"{", ".join(str(k) for k in key)}" not found in the lookup table',
                            row=number,
                        )
                    )
    return TableReport(not errors, len(resources), total_rows, errors)


def _check_table(
    name: str, compiled: _Compiled, rows: list[list[str]], errors: list[Finding]
) -> tuple[list[list[Any]], list[int]]:
    if not rows:
        errors.append(problem(name, "source-error", "the file is empty"))
        return [], []
    header, body = rows[0], rows[1:]
    for i, expected in enumerate(compiled.names):
        label = header[i] if i < len(header) else None
        if label is None:
            errors.append(
                problem(name, "missing-label", f'missing label "{expected}"', field=expected)
            )
        elif label != expected:
            kind = "blank-label" if label == "" else "incorrect-label"
            errors.append(
                problem(name, kind, f'label "{label}" is not "{expected}"', field=expected)
            )
    for extra in header[len(compiled.names) :]:
        errors.append(problem(name, "extra-label", f'extra label "{extra}"', field=extra))
    values: list[list[Any]] = []
    numbers: list[int] = []
    seen_unique: dict[int, dict[Any, int]] = {i: {} for i in compiled.unique}
    seen_key: dict[tuple[Any, ...], int] = {}
    width = len(compiled.names)
    for offset, cells in enumerate(body):
        number = offset + 2  # frictionless counts the header as row 1
        if not any(cell != "" for cell in cells):
            errors.append(
                problem(name, "blank-row", f"Row at position {number} is blank", row=number)
            )
            if compiled.primary_key:  # frictionless checks the (null) key of a blank row too
                errors.append(
                    problem(
                        name,
                        "primary-key",
                        f"Row at position {number} violates the primary key",
                        row=number,
                    )
                )
            continue
        for extra in range(width, len(cells)):
            errors.append(
                problem(
                    name,
                    "extra-cell",
                    f"Row at position {number} has an extra value in field at position {extra + 1}",
                    row=number,
                )
            )
        row: list[Any] = []
        for i, reader in enumerate(compiled.readers):
            if i >= len(cells):
                errors.append(
                    problem(
                        name,
                        "missing-cell",
                        f"Row at position {number} has a missing cell in field "
                        f'"{compiled.names[i]}"',
                        row=number,
                        field=compiled.names[i],
                    )
                )
                _, notes = reader("")  # a missing cell is null: required still applies
                if notes and "type" not in notes:
                    errors.append(
                        problem(
                            name,
                            "constraint-error",
                            f'Row at position {number}: field "{compiled.names[i]}": '
                            f"{next(iter(notes.values()))}",
                            row=number,
                            field=compiled.names[i],
                        )
                    )
                row.append(None)
                continue
            value, notes = reader(cells[i])
            if notes:
                kind = "type-error" if "type" in notes else "constraint-error"
                note = notes.get("type") or next(iter(notes.values()))
                errors.append(
                    problem(
                        name,
                        kind,
                        f'Row at position {number}: field "{compiled.names[i]}": {note}',
                        row=number,
                        field=compiled.names[i],
                    )
                )
            row.append(value)
        for i, seen in seen_unique.items():
            if row[i] is None:
                continue
            if row[i] in seen:
                errors.append(
                    problem(
                        name,
                        "unique-error",
                        f'Row at position {number}: field "{compiled.names[i]}" is not unique '
                        f"(also in row {seen[row[i]]})",
                        row=number,
                        field=compiled.names[i],
                    )
                )
            else:
                seen[row[i]] = number
        if compiled.primary_key:
            key = tuple(row[i] for i in compiled.primary_key)
            if any(k is None for k in key) or key in seen_key:
                errors.append(
                    problem(
                        name,
                        "primary-key",
                        f"Row at position {number} violates the primary key",
                        row=number,
                    )
                )
            else:
                seen_key[key] = number
        values.append(row)
        numbers.append(number)
    return values, numbers
