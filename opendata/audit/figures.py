"""Where each subject of the narrative is printed in the tables: the figures a statement may be
compared with.

A subject (``three_public``, ``personnel``, ``class:一般公共服务支出``, ``income`` …, see
:func:`opendata.audit.statements.subject_patterns`) has one or more candidate figures: a total
row, a labelled row, a “三公” item, an economic code or a functional class. Each figure carries
its value, printed unit, where it is printed (in Chinese, for the message) and its cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from opendata.audit.across import BASIC, EXPENDITURE, FISCAL, SUMMARY
from opendata.audit.core import column_index, norm, tables_of
from opendata.audit.row_lookup import label_column, three_public_rows
from opendata.model import CellRef, Document, Row, Table

Figure = tuple[Decimal, str, str, tuple[CellRef, ...]]  # value, unit, where (zh), cells


def _first_row(
    doc: Document,
    kinds: tuple[str, ...],
    column: str,
    wanted: Callable[[Row], bool],
    where: Callable[[Table, Row], str],
) -> Figure | None:
    """The first printed cell of ``column`` in a row ``wanted`` picks, in tables of ``kinds``."""
    for index, table in tables_of(doc, *kinds):
        j = column_index(table, column)
        if j is None:
            continue
        for i, row in enumerate(table.rows):
            if wanted(row) and row.cells[j].value is not None:
                return (
                    row.cells[j].value,
                    table.unit or "",
                    where(table, row),
                    (CellRef(index, i, column),),
                )
    return None


def _total_cell(doc: Document, kinds: tuple[str, ...], column: str) -> Figure | None:
    return _first_row(
        doc,
        kinds,
        column,
        lambda row: row.role == "total" and not row.code,
        lambda table, _: f"《{table.title}》合计行",
    )


def _labelled(doc: Document, kinds: tuple[str, ...], column: str, pattern: str) -> Figure | None:
    for index, table in tables_of(doc, *kinds):
        j = column_index(table, column)
        if j is None:
            continue
        lab = label_column(table, j)
        for i, row in enumerate(table.rows):
            label = norm(row.cells[lab].text if lab is not None else row.label)
            if re.search(pattern, label) and row.cells[j].value is not None:
                return (
                    row.cells[j].value,
                    table.unit or "",
                    f"《{table.title}》“{label}”",
                    (CellRef(index, i, column),),
                )
    return None


def _three_public(doc: Document, key: str) -> Figure | None:
    final = doc.kind == "决算"
    for index, table in tables_of(doc, "three_public", "final_three_public"):
        name = "total" if key == "three_public" else key
        if key == "three_public" and column_index(table, "subtotal") is not None:
            name = "subtotal"  # 合计 also holds 会议费 and 培训费 there
        if table.kind == "final_three_public":
            name = f"{name}_final" if final else f"{name}_budget"
        j = column_index(table, name)
        if j is not None:
            for i, row in enumerate(table.rows):
                if row.cells[j].value is not None:
                    return (
                        row.cells[j].value,
                        table.unit or "",
                        f"《{table.title}》{table.columns[j].concept or table.columns[j].header}",
                        (CellRef(index, i, name),),
                    )
        rows = three_public_rows(table)
        wanted = "subtotal" if key == "three_public" and "subtotal" in rows else key
        if key == "three_public" and "subtotal" not in rows:
            wanted = "total"
        t = column_index(table, "total")
        if wanted in rows and t is not None:
            i = rows[wanted]
            cell = table.rows[i].cells[t].value
            if key == "three_public" and "subtotal" in rows and "total" in rows:
                cell = table.rows[rows["total"]].cells[t].value
                i = rows["total"]
            if cell is not None:
                return (
                    cell,
                    table.unit or "",
                    f"《{table.title}》“{norm(table.rows[i].label)}”",
                    (CellRef(index, i, "total"),),
                )
    return None


def _economic(doc: Document, code: str) -> Figure | None:
    return _first_row(
        doc,
        (*BASIC, "fiscal_basic"),
        "total",
        lambda row: row.code == code,
        lambda table, row: f"《{table.title}》{code} {row.label or ''}",
    )


def _class(doc: Document, name: str) -> Figure | None:
    return _first_row(
        doc,
        (*EXPENDITURE, "general_budget_expenditure"),
        "total",
        lambda row: row.code_level == "class" and norm(row.label) == name,
        lambda table, row: f"《{table.title}》{row.code} {name}",
    )


TP_SUBJECTS = (
    "three_public",
    "reception",
    "overseas",
    "vehicles",
    "vehicle_purchase",
    "vehicle_operation",
)


def candidates(doc: Document, subject: str) -> list[Figure]:
    """The table figures a subject may be compared with (any one agreeing is a pass)."""
    year_income = r"(本年|当年)收入(合计|小计)"
    year_spent = r"(本年|当年)支出(合计|小计)"
    found: list[Figure | None]
    if subject in TP_SUBJECTS:
        found = [_three_public(doc, subject)]
    elif subject == "training":
        found = [_three_public(doc, "training") or _economic(doc, "30216")]
    elif subject == "meetings":
        found = [_three_public(doc, "meetings") or _economic(doc, "30215")]
    elif subject == "running_costs":
        found = [
            _three_public(doc, "running_costs") or _total_cell(doc, ("running_costs",), "total")
        ]
    elif subject == "procurement":
        found = [_total_cell(doc, ("procurement",), "total")]
    elif subject == "fixed_assets":
        found = [_total_cell(doc, ("fixed_assets",), "value")]
    elif subject in ("personnel", "public"):
        label = "^人员经费(合计)?$" if subject == "personnel" else "^公用经费(合计)?$"
        found = [_total_cell(doc, BASIC, subject) or _labelled(doc, BASIC, "total", label)]
    elif subject in ("basic", "project"):
        found = [
            _total_cell(doc, EXPENDITURE, subject),
            _labelled(
                doc, SUMMARY, "purpose_amount", f"^{'基本' if subject == 'basic' else '项目'}支出$"
            ),
        ]
    elif subject.startswith("class:"):
        found = [_class(doc, subject[6:])]
    elif subject == "income":
        found = [
            _labelled(doc, SUMMARY, "income_amount", year_income),
            _labelled(doc, SUMMARY, "income_amount", r"^收入(总计|合计)$"),
        ]
    elif subject == "expenditure":
        found = [
            _labelled(doc, SUMMARY, "expenditure_amount", year_spent),
            _labelled(doc, SUMMARY, "expenditure_amount", r"^支出(总计|合计)$"),
            _labelled(doc, SUMMARY, "purpose_amount", year_spent),
            _total_cell(doc, EXPENDITURE, "total"),
        ]
    else:
        found = []
    return [f for f in found if f is not None]


def brought_forward(doc: Document) -> list[tuple[Decimal, str, str]]:
    """Balances brought forward printed in the summaries (for explaining a difference)."""
    result = []
    for _, table in tables_of(doc, *SUMMARY, *FISCAL):
        lab = column_index(table, "income_item")
        j = column_index(table, "income_amount")
        if lab is None or j is None:
            continue
        for row in table.rows:
            label = norm(row.cells[lab].text)
            if re.search(r"(上年|年初).*(结转|结余)", label) and row.cells[j].value:
                result.append((row.cells[j].value, table.unit or "", label))
    return result
