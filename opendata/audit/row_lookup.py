"""Rows and label columns the audit looks up in printed tables.

Shared by the table rules (:mod:`opendata.audit.within`) and the narrative's figures
(:mod:`opendata.audit.figures`): the column that labels a column's rows, and the rows of a
“三公” table that prints its items as rows.
"""

from __future__ import annotations

import re

from opendata.audit.core import column_index, norm
from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import Table

#: The “三公” items by the label of their row.
THREE_PUBLIC_ROWS = {
    "overseas": r"因公出国",
    "vehicles": r"公务用车购置及运",
    "vehicle_purchase": r"^(其中[:：])?公务用车购置费$|^购置费$",
    "vehicle_operation": r"^(其中[:：])?公务用车运行(维护)?费$|^运行(维护)?费$",
    "reception": r"公务接待",
    "subtotal": r"三公.{0,2}经费(小计|合计)?$",
    "meetings": r"^会议费$",
    "training": r"^培训费$",
}


def three_public_rows(table: Table) -> dict[str, int]:
    """The “三公” items printed as rows (a table with the items as rows, not as columns): the
    index of the first row of each item, and of the total row."""
    found: dict[str, int] = {}
    for i, row in enumerate(table.rows):
        label = norm(row.label)
        if row.role == "total" and "total" not in found:
            found["total"] = i
            continue
        for key, pattern in THREE_PUBLIC_ROWS.items():
            if key == "overseas" and row.role == "of_which":
                continue
            if key not in found and re.search(pattern, label):
                found[key] = i
                break
    return found


def label_column(table: Table, j: int) -> int | None:
    """The index of the column that holds the row labels for column ``j`` (a two-sided summary
    has one per side), from the table kind's catalogue entry; None when it names none."""
    kind = KINDS_BY_KEY.get(table.kind)
    spec = next((f for f in kind.fields if f.name == table.columns[j].name), None) if kind else None
    name = spec.label_field if spec and spec.label_field else None
    if name is None and kind is not None:
        name = kind.label_field
    return column_index(table, name) if name else None
