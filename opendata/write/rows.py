"""The rows of a package's CSV resources, built from a :class:`~opendata.model.Document`.

The rows of each disclosure table, the long ``facts`` layer (one row per printed amount), the
audit's checks, the projects with their indicators, the department targets, the glossary, the
narrative sections and the reader's findings; and the CSV text of rows under a schema.
Every value is a string, as written to CSV.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from opendata.audit import AuditReport
from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import (
    NOT_APPLICABLE,
    UNIT_TO_YUAN,
    Column,
    Document,
    Row,
    Table,
    finding_record,
)
from opendata.read.cells import classify_label
from opendata.write.schemas import Schema


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def table_rows(table: Table) -> list[dict[str, str]]:
    """The rows of a disclosure table's own resource: codes with their level and parent."""
    kind = KINDS_BY_KEY.get(table.kind)
    has_code = kind is not None and kind.has_code
    has_amount = any(c.kind == "amount" for c in table.columns)
    rows = []
    for number, row in enumerate(table.rows, start=1):
        out = {
            "row": str(number),
            "line": str(row.source.line),
            "page": "" if row.source.page is None else str(row.source.page),
            "role": row.role,
        }
        if has_code:
            out["code_level"] = row.code_level or ""
            out["parent_code"] = row.parent_code or ""
            out["code"] = row.code or ""
        for column, cell in zip(table.columns, row.cells, strict=True):
            if column.kind in ("amount", "quantity"):
                out[column.name] = (
                    NOT_APPLICABLE if cell.not_applicable else decimal_text(cell.value)
                )
            elif column.kind != "code":
                out[column.name] = cell.text
        if has_amount:
            out["unit"] = table.unit or ""
        rows.append(out)
    return rows


UNIT_FIELD = {
    "name": "unit",
    "type": "string",
    "title": "金额单位",
    "description": "Unit of the amounts as printed.",
    "constraints": {"enum": ["元", "万元", "亿元"]},
}


def unknown_field(column: Column) -> dict[str, Any]:
    """The schema field of a column the catalogue does not know: a number when it holds
    amounts (judged by its cells), else text."""
    if column.kind == "amount":
        return {
            "name": column.name,
            "type": "number",
            "title": column.header,
            "description": "Amount column not in the catalogue for this table kind, in the "
            "unit of the row's `unit` column. Blank: nothing printed (not zero); '-': not "
            "applicable.",
        }
    return {
        "name": column.name,
        "type": "string",
        "title": column.header,
        "description": "Column not in the catalogue for this table kind.",
    }


def _row_label(table: Table, row: Row, label_field: str | None) -> str:
    """A fact's label: the row's label cells of the fact's own block joined by '/'
    (``一般公共预算资金/小计``; a two-sided table's other block left out), else the row's label."""
    kind = KINDS_BY_KEY.get(table.kind)
    if kind is None:
        return row.label or ""
    others = {f.label_field for f in kind.fields if f.label_field and f.label_field != label_field}
    parts = [
        cell.text
        for column, cell in zip(table.columns, row.cells, strict=True)
        if column.kind == "label" and cell.text and column.name not in others
    ]
    if parts:
        return "/".join(parts)
    return "" if label_field else row.label or ""


def facts(doc: Document, names: dict[int, str]) -> list[dict[str, str]]:
    """One row per printed amount of every table (the long, normalised layer)."""
    result = []
    for index, table in enumerate(doc.tables):
        kind = KINDS_BY_KEY.get(table.kind)
        specs = {f.name: f for f in kind.fields} if kind else {}
        multiplier = UNIT_TO_YUAN.get(table.unit or "")
        for number, row in enumerate(table.rows, start=1):
            cells = dict(zip([c.name for c in table.columns], row.cells, strict=True))
            for column, cell in zip(table.columns, row.cells, strict=True):
                if column.kind != "amount" or cell.value is None:
                    continue
                spec = specs.get(column.name)
                label_field = spec.label_field if spec else None
                if label_field not in cells:  # the label column was not printed (or not read)
                    label_field = None
                label = _row_label(table, row, label_field)
                in_yuan = cell.value * multiplier if multiplier is not None else None
                result.append(
                    {
                        "fact": str(len(result) + 1),
                        "resource": names[index],
                        "table_kind": table.kind,
                        "table_title": table.title,
                        "row": str(number),
                        "line": str(row.source.line),
                        "page": "" if row.source.page is None else str(row.source.page),
                        "code": "" if label_field else row.code or "",
                        "code_scheme": (kind.code_scheme or "") if kind and row.code else "",
                        "code_level": "" if label_field else row.code_level or "",
                        "code_edition": str(doc.year)
                        if row.code and doc.year and not label_field
                        else "",
                        "label": label or "",
                        "role": classify_label(label) if label_field else row.role,
                        "column": column.name,
                        "concept": column.concept or "",
                        "header": column.header,
                        "printed": cell.text,
                        "amount": decimal_text(cell.value),
                        "unit": table.unit or "",
                        "amount_yuan": decimal_text(in_yuan),
                    }
                )
    return result


def audit_rows(report: AuditReport) -> list[dict[str, str]]:
    """The audit resource: one row per check."""
    return [
        {"check": str(n), **finding_record(c, csv=True)} for n, c in enumerate(report.checks, 1)
    ]


def derived_rows(doc: Document) -> dict[str, list[dict[str, str]]]:
    """The rows of the resources read from the text, by resource name: projects, indicators,
    department targets, glossary, sections and the reader's findings."""

    def where(source: Any) -> dict[str, str]:
        return {"line": str(source.line), "page": "" if source.page is None else str(source.page)}

    projects, indicators = [], []
    keys: set[str] = set()
    for index, project in enumerate(doc.projects, start=1):
        key = f"p{project.number if project.number is not None else index:02d}"
        if key in keys:  # the same printed number twice: keep the keys unique
            key = f"{key}-{index}"
        keys.add(key)
        projects.append(
            {
                "project": key,
                "number": str(project.number or ""),
                "name": project.name,
                "goal": project.goal or "",
                "annual_goal": project.annual_goal or "",
                "attributes": json.dumps(project.attributes, ensure_ascii=False)
                if project.attributes
                else "",
                "indicators": str(len(project.indicators)),
                **where(project.source),
            }
        )
        for position, ind in enumerate(project.indicators, start=1):
            t = ind.target
            indicators.append(
                {
                    "indicator": f"{key}-{position:02d}",
                    "project": key,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "description": ind.description or "",
                    "target": t.verbatim,
                    "target_kind": t.kind,
                    "comparator": t.comparator or "",
                    "target_value": decimal_text(t.value),
                    "target_upper": decimal_text(t.upper),
                    "target_unit": t.unit or "",
                    "target_date": t.date.isoformat() if t.date else "",
                    "target_text": t.qualitative or "",
                    "basis": ind.basis or "",
                    **where(ind.source),
                }
            )
    return {
        "projects": projects,
        "indicators": indicators,
        "department_targets": [
            {
                "target": str(n),
                "group": t.group,
                "goal": t.goal,
                "indicator": t.indicator or "",
                **where(t.source),
            }
            for n, t in enumerate(doc.overall_targets, start=1)
        ],
        "glossary": [
            {"term": g.term, "definition": g.definition, **where(g.source)} for g in doc.glossary
        ],
        "sections": [
            {
                "section": str(n),
                "heading": s.heading,
                "text": s.text,
                "file": s.source.file,
                **where(s.source),
                "text_lines": " ".join(str(x.line) for x in s.lines),
                "text_pages": " ".join("" if x.page is None else str(x.page) for x in s.lines)
                if any(x.page is not None for x in s.lines)
                else "",
            }
            for n, s in enumerate(doc.sections, start=1)
        ],
        "reader_findings": [
            {"finding": str(n), **finding_record(f, csv=True)}
            for n, f in enumerate(doc.findings, start=1)
        ],
    }


def csv_text(schema: Schema, rows: list[dict[str, str]]) -> str:
    names = [f["name"] for f in schema["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in names})
    return buffer.getvalue()
