"""Arithmetic of one table: does each parent row equal the sum of its children?

Used by the corpus accuracy check (``benchmarks/corpus_accuracy.py``). The parent of a
code row is given by its code prefix (类 201 → 款 20131 → 项 2013101); the 合计 row is the
parent of the 类 rows. Amounts printed rounded (万元 with two decimals) may differ from the
sum of their rounded parts by up to half a unit of the last place per part, so the tolerance
grows with the number of parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opendata.model import Row, Table


@dataclass(frozen=True)
class SumCheck:
    """One parent cell compared with the sum of its children's cells in the same column."""

    table: str
    column: str
    parent: str  # code or label of the parent row
    line: int
    printed: Decimal
    summed: Decimal
    parts: int
    tolerance: Decimal

    @property
    def ok(self) -> bool:
        return abs(self.printed - self.summed) <= self.tolerance


def _places(values: list[Decimal]) -> int:
    return max(
        (-v.as_tuple().exponent for v in values if isinstance(v.as_tuple().exponent, int)),
        default=0,
    )


def _children(table: Table) -> dict[int, list[Row]]:
    """Children of each parent row, by row index: 合计 → 类 rows, 类 → 款, 款 → 项."""
    index = {row.code: k for k, row in enumerate(table.rows) if row.code}
    children: dict[int, list[Row]] = {}
    totals = [k for k, row in enumerate(table.rows) if row.role == "total" and not row.code]
    for row in table.rows:
        if row.code is None:
            continue
        if row.parent_code is not None and row.parent_code in index:
            children.setdefault(index[row.parent_code], []).append(row)
        elif row.code_level == "class" and len(totals) == 1:
            children.setdefault(totals[0], []).append(row)
    return children


def check_sums(table: Table) -> list[SumCheck]:
    """Every parent/children sum of a coded table, one per amount column with a printed parent."""
    checks = []
    amount_columns = [j for j, c in enumerate(table.columns) if c.kind == "amount"]
    for parent_index, kids in _children(table).items():
        parent = table.rows[parent_index]
        for j in amount_columns:
            printed = parent.cells[j].value
            values = [kid.cells[j].value for kid in kids if kid.cells[j].value is not None]
            if printed is None or not values:
                continue
            step = Decimal(1).scaleb(-_places([printed, *values]))
            checks.append(
                SumCheck(
                    table.title,
                    table.columns[j].name,
                    parent.code or parent.label or "",
                    parent.source.line,
                    printed,
                    sum(values, Decimal(0)),
                    len(values),
                    step / 2 * len(values),
                )
            )
    return checks
