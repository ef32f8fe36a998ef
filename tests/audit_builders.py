"""Tiny builders of typed documents for the audit-rule tests (no reader involved).

Amounts are given as printed strings (``"100.00"``), ``None`` for a blank cell. Every row and
table gets its own source line, so a check's location is always distinct.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import Cell, Column, Document, Row, Section, Source, Table

FILE = "audit-test.txt"
_lines = itertools.count(1)


def src() -> Source:
    """A fresh source line."""
    return Source(FILE, next(_lines))


def amount(printed: str | None) -> Cell:
    return Cell("") if printed is None else Cell(printed, Decimal(printed))


def column(kind: str, name: str) -> Column:
    """The column of a field of a table kind, as the reader would build it."""
    spec = KINDS_BY_KEY[kind].field(name)
    return Column(spec.name, spec.title, spec.kind, spec.concept)


def _cell(col: Column, printed: str | None) -> Cell:
    return amount(printed) if col.kind == "amount" else Cell(printed or "")


def _role(label: str | None) -> str:
    return "total" if label and label.replace(" ", "").endswith(("合计", "总计")) else "detail"


def coded_table(
    kind: str,
    rows: list[tuple[str | None, ...]],
    amounts: tuple[str, ...] = ("total",),
    *,
    unit: str | None = "万元",
    title: str | None = None,
    notes: tuple[str, ...] = (),
) -> Table:
    """A table by classification code. Each row is ``(code, name, *amounts)``; a row with an
    empty code is an uncoded total row (合计). Level and parent follow from the code's length
    (201 类, 20101 款, 2010101 项; 301 类, 30101 款)."""
    columns = [column(kind, "code"), column(kind, "name"), *(column(kind, n) for n in amounts)]
    table = Table(kind, title or KINDS_BY_KEY[kind].title, src(), columns, unit=unit)
    table.notes = list(notes)
    for code, name, *values in rows:
        cells = [Cell(code or ""), Cell(name or ""), *(amount(v) for v in values)]
        if code:
            level = {3: "class", 5: "category", 7: "item"}[len(code)]
            parent = code[:-2] if len(code) > 3 else None
            table.rows.append(
                Row(cells, src(), code=code, code_level=level, parent_code=parent, label=name)
            )
        else:
            table.rows.append(Row(cells, src(), role="total", label=name))
    return table


def labelled_table(
    kind: str,
    names: tuple[str, ...],
    rows: list[tuple[str | None, ...]],
    *,
    unit: str | None = "万元",
    title: str | None = None,
) -> Table:
    """A table of labelled rows (two-sided summaries, “三公” items as rows). A row's label is
    its first non-amount cell; a label ending in 合计/总计 makes it a total row."""
    columns = [column(kind, n) for n in names]
    table = Table(kind, title or KINDS_BY_KEY[kind].title, src(), columns, unit=unit)
    for values in rows:
        cells = [_cell(c, v) for c, v in zip(columns, values, strict=True)]
        label = next(
            (x.text for c, x in zip(columns, cells, strict=True) if c.kind != "amount"), None
        )
        table.rows.append(Row(cells, src(), role=_role(label), label=label))
    return table


SUMMARY_COLUMNS = ("income_item", "income_amount", "expenditure_item", "expenditure_amount")


def summary(rows: list[tuple[str | None, ...]], *, kind: str = "budget_summary") -> Table:
    """A two-sided summary: rows of ``(income item, amount, expenditure item, amount)``."""
    return labelled_table(kind, SUMMARY_COLUMNS, rows)


def section(text: str, heading: str = "部门预算情况说明") -> Section:
    """A narrative section; one source line per line of text."""
    return Section(heading, text, src(), [src() for _ in text.split("\n")])


def doc(
    *tables: Table,
    sections: tuple[Section, ...] | list[Section] = (),
    kind: str | None = "预算",
    year: int | None = 2023,
) -> Document:
    return Document(
        source_files=[FILE],
        sha256={},
        year=year,
        kind=kind,
        tables=list(tables),
        sections=list(sections),
    )


def text_doc(*texts: str, kind: str = "预算", year: int = 2023) -> Document:
    """A document with one section per text and no tables."""
    return doc(sections=[section(t) for t in texts], kind=kind, year=year)
