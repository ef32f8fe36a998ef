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


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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
    schema = (
        json.loads((root / schema_ref).read_text(encoding="utf-8"))
        if isinstance(schema_ref, str)
        else schema_ref or {"fields": []}
    )
    rows = _rows(root / resource["path"])
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


def _sections(path: Path, default_file: str) -> list[Section]:
    sections = []
    for raw in _rows(path):
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
    root = Path(package)
    descriptor = root / "datapackage.json" if root.is_dir() else root
    root = descriptor.parent
    try:
        meta = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{descriptor}: not a readable data package ({exc})") from exc
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
        for fact in _rows(root / by_name["facts"]["path"]):
            headers.setdefault(fact["resource"], {})[fact["column"]] = fact["header"]
            labels.setdefault(fact["resource"], {}).setdefault(fact["row"], fact["label"])
    try:
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
            doc.sections = _sections(root / by_name["sections"]["path"], file)
        if "reader_findings" in by_name:
            doc.findings = [
                finding_from_record("reader", raw, file=file)
                for raw in _rows(root / by_name["reader_findings"]["path"])
            ]
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{root}: a resource of the package cannot be read ({exc})") from exc
    return doc
