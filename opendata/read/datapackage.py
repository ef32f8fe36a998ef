"""Read a written data package back into the typed model.

The audit (and anything else that reads the model) can then run on a package alone, without
the source files it was converted from. What comes back is what the package keeps: document
metadata, the tables (kind, title, unit, notes, rows with roles, codes, labels and cells, each
row with its source line and page), the narrative sections with the line of every text
line, and the reader's findings. Amount cells come back with their normalised text
(``1240.26``), blank and ``-`` as written; projects, indicators and units are not rebuilt,
because nothing downstream needs them from a package yet.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from opendata.errors import InputError
from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import (
    Cell,
    Column,
    Document,
    Row,
    Section,
    Source,
    Table,
    finding_from_record,
)

_BOOKKEEPING = {"row", "line", "page", "role", "code_level", "parent_code", "unit"}
_CODE_PARTS = {"code_class", "code_category", "code_item"}


DESCRIPTOR = "datapackage.json"


def resource_path(root: Path, relative: object, *, what: str = "resource path") -> Path:
    """``relative`` (a path from a descriptor) as a file INSIDE the package at ``root``.

    An absolute path, or one that leaves the package through ``..`` or a symbolic link, is
    refused (:class:`InputError`): a package only ever names its own files.
    """
    if not isinstance(relative, str) or not relative:
        raise InputError(f"a {what} in {DESCRIPTOR} is not a file name: {relative!r}", path=root)
    if "\0" in relative:
        raise InputError(f"{what} {relative!r} is not a file name", path=root)
    target = (root / relative).resolve()
    if Path(relative).is_absolute() or root.resolve() not in target.parents:
        raise InputError(f"{what} {relative!r} leaves the package", path=root)
    return target


def read_descriptor(package: str | Path) -> tuple[Path, dict[str, Any]]:
    """The folder and the descriptor of the package at ``package`` (its folder or its
    ``datapackage.json``), checked for the shape every reader relies on.

    The descriptor must be a JSON object with a ``name`` and a list of ``resources`` (if any),
    each an object with a ``name`` and a ``path`` inside the package (and a ``schema``, if it
    names a file, inside it too). Anything else is an :class:`InputError` (exit code 3)
    naming the file and what was expected; ``validate``, ``audit``, ``load`` and ``publish`` all
    start here.
    """
    path = Path(package)
    descriptor = path / DESCRIPTOR if path.is_dir() else path
    root = descriptor.parent
    if not descriptor.is_file():
        raise InputError(
            f"no {DESCRIPTOR} here: not a data package; expected a package folder", path=path
        )
    try:
        text = descriptor.read_bytes().decode("utf-8-sig")
        meta = json.loads(text)
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text; expected a JSON descriptor", path=descriptor) from None
    except RecursionError:
        raise InputError(
            "is nested too deeply to be a package descriptor", path=descriptor
        ) from None
    except ValueError as exc:
        raise InputError(
            f"is not JSON ({exc}); expected a package descriptor", path=descriptor
        ) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", path=descriptor) from None
    if not isinstance(meta, dict):
        raise InputError(
            f"is a JSON {type(meta).__name__}; expected an object (a package descriptor)",
            path=descriptor,
        )
    if not isinstance(meta.get("name"), str) or not meta["name"]:
        raise InputError('has no package name; expected a "name" string', path=descriptor)
    resources = meta.get("resources", [])
    if not isinstance(resources, list):
        raise InputError('has "resources" that are not a list of files', path=descriptor)
    for number, resource in enumerate(resources, 1):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise InputError(f"resource {number} is not an object with a name", path=descriptor)
        resource_path(root, resource.get("path"), what=f"path of resource {resource['name']!r}")
        schema = resource.get("schema")
        if schema is not None and not isinstance(schema, (str, dict)):
            raise InputError(
                f"the schema of resource {resource['name']!r} is neither a file nor an object",
                path=descriptor,
            )
        if isinstance(schema, str):
            resource_path(root, schema, what=f"schema of resource {resource['name']!r}")
    return root, meta


def read_json(root: Path, relative: str) -> Any:
    """A JSON file of the package (a Table Schema), or an :class:`InputError` saying why not."""
    path = resource_path(root, relative)
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{relative} is missing", path=root) from None
    except OSError as exc:
        raise InputError(f"{relative} cannot be read: {exc.strerror}", path=root) from None
    except RecursionError:
        raise InputError(f"{relative} is nested too deeply", path=root) from None
    except ValueError as exc:  # UnicodeDecodeError too
        raise InputError(f"{relative} is not JSON text: {exc}", path=root) from None


def read_rows(root: Path, relative: str) -> list[dict[str, str]]:
    """A CSV table of the package as dicts, or an :class:`InputError` naming the file."""
    path = resource_path(root, relative)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputError(f"{relative} is missing; the package lists it", path=root) from None
    except OSError as exc:
        raise InputError(f"{relative} cannot be read: {exc.strerror}", path=root) from None
    except UnicodeDecodeError:
        raise InputError(f"{relative} is not UTF-8; expected a CSV table", path=root) from None
    except csv.Error as exc:
        raise InputError(f"{relative} is not a readable CSV table ({exc})", path=root) from None


def _value(text: str) -> Decimal | None:
    if not text or text == "-":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _column_kind(table_kind: str, field: dict[str, Any]) -> str:
    kind = KINDS_BY_KEY.get(table_kind)
    spec = next((f for f in kind.fields if f.name == field["name"]), None) if kind else None
    if spec is not None:
        return spec.kind
    return "amount" if field.get("type") == "number" else "text"


def _guess_printed(
    name: str, column_kind: str, headers: dict[str, str], rows: list[dict[str, str]]
) -> bool:
    """For packages that do not list their printed columns: was this column printed?"""
    if name in _BOOKKEEPING or name in _CODE_PARTS or column_kind == "code_part":
        return False
    if column_kind == "code":
        return not rows or any(r.get("code") for r in rows)
    return column_kind == "label" or name in headers or any(r.get(name) for r in rows)


def _table(
    root: Path, resource: dict[str, Any], headers: dict[str, str], labels: dict[str, str]
) -> Table:
    schema_ref = resource.get("schema")
    schema = read_json(root, schema_ref) if isinstance(schema_ref, str) else schema_ref
    schema = schema or {"fields": []}
    rows = read_rows(root, resource["path"])
    kind = resource["table_kind"]
    source_file = resource.get("source", {}).get("file", resource["path"])
    columns: list[Column] = []
    listed = {c["name"]: c["header"] for c in resource.get("printed_columns", [])}
    fields = {f["name"]: f for f in schema["fields"]}
    ordered = [fields[n] for n in listed if n in fields] if listed else schema["fields"]
    for field in ordered:
        name = field["name"]
        column_kind = _column_kind(kind, field)
        if listed:  # the package lists the columns as printed
            if name not in listed:
                continue
            headers = {**headers, name: listed[name]}
        elif not _guess_printed(name, column_kind, headers, rows):
            continue
        columns.append(
            Column(
                name,
                headers.get(name, field.get("title", name)),
                column_kind,
                field.get("opendata:concept") if column_kind == "amount" else None,
            )
        )
    table = Table(
        kind=kind,
        title=resource.get("title", resource["name"]),
        source=Source(source_file, int(resource.get("source", {}).get("line", 1))),
        columns=columns,
        unit=resource.get("unit") or None,
        notes=list(resource.get("notes", [])),
        as_of=resource.get("as_of"),
        number=resource.get("number"),
    )
    for raw in rows:
        cells = []
        for column in columns:
            text = raw.get(column.name, "") or ""
            value = _value(text) if column.kind in ("amount", "quantity") else None
            cells.append(Cell(text, value))
        named = [raw.get(c.name, "") for c in columns if c.kind == "label"]
        texts = [raw.get(c.name, "") for c in columns if c.kind == "text"]
        texts = [x for x in texts if x and not x.isdigit()]
        table.rows.append(
            Row(
                cells=cells,
                source=Source(source_file, int(raw["line"]), _int(raw.get("page"))),
                role=raw.get("role") or "detail",
                code=raw.get("code") or None,
                code_level=raw.get("code_level") or None,
                parent_code=raw.get("parent_code") or None,
                label=next((x for x in named if x), None)
                or labels.get(raw["row"])
                or next(iter(texts), None),
            )
        )
    if table.rows:
        table.source = Source(source_file, table.source.line, table.rows[0].source.page)
    return table


def _sections(root: Path, relative: str, default_file: str) -> list[Section]:
    sections = []
    for raw in read_rows(root, relative):
        file = raw.get("file") or default_file
        lines = [int(x) for x in raw.get("text_lines", "").split()]
        pages = [_int(x) for x in raw.get("text_pages", "").split()] or [None] * len(lines)
        sections.append(
            Section(
                raw["heading"],
                raw["text"],
                Source(file, int(raw["line"]), _int(raw.get("page"))),
                [Source(file, n, p) for n, p in zip(lines, pages, strict=False)],
            )
        )
    return sections


def load_document(package: str | Path) -> Document:
    """The model of a package written by :func:`opendata.write.package.write_package`."""
    root, meta = read_descriptor(package)
    descriptor = root / DESCRIPTOR
    try:
        return _document(root, descriptor, meta)
    except (KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        # a descriptor or a table of another shape than opendata writes
        raise InputError(
            f"the package is not as opendata writes it ({type(exc).__name__}: {exc})", path=root
        ) from None


def _document(root: Path, descriptor: Path, meta: dict[str, Any]) -> Document:
    sources = meta.get("sources", [])
    file = sources[0]["path"] if sources else descriptor.name
    doc = Document(
        source_files=[s.get("path", "") for s in sources],
        sha256={s.get("path", ""): s.get("sha256", "") for s in sources},
        title=meta.get("title"),
        department_code=meta.get("department_code"),
        department=meta.get("department"),
        year=meta.get("year"),
        kind=meta.get("kind"),
        level=meta.get("level"),
    )
    resources = meta.get("resources", [])
    by_name = {r["name"]: r for r in resources}
    headers: dict[str, dict[str, str]] = {}
    labels: dict[str, dict[str, str]] = {}  # the reader's row labels, kept in facts.csv
    if "facts" in by_name:
        for fact in read_rows(root, by_name["facts"]["path"]):
            headers.setdefault(fact["resource"], {})[fact["column"]] = fact["header"]
            labels.setdefault(fact["resource"], {}).setdefault(fact["row"], fact["label"])
    for resource in resources:
        if "table_kind" in resource:
            doc.tables.append(
                _table(
                    root,
                    resource,
                    headers.get(resource["name"], {}),
                    labels.get(resource["name"], {}),
                )
            )
    if "sections" in by_name:
        doc.sections = _sections(root, by_name["sections"]["path"], file)
    if "reader_findings" in by_name:
        doc.findings = [
            finding_from_record("reader", raw, file=file)
            for raw in read_rows(root, by_name["reader_findings"]["path"])
        ]
    return doc
