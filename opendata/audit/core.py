"""The audit's data: rules and the report, and the helpers every rule uses.

A :class:`Rule` has an id, a group, a severity and a function that looks at a
:class:`~opendata.model.Document` and yields its checks: :class:`~opendata.model.Finding` of
kind ``"audit"`` with the rule's id as ``code``. A check is ``PASS``, ``FAIL``, ``WARN`` (a
failed warning-level rule) or ``SKIP`` (the rule could not run here, and says why). A check
carries where it looked (table, row, column, or file, line and sentence), the expected and
actual values in the printed unit, and a message in Chinese and English. Findings are data:
nothing here raises on a failed check.

Tolerances: amounts printed rounded (万元 with two decimals, rounded from 元) may differ from
the sum of their rounded parts; the audit allows one unit of the last printed place per
summed figure (0.01 万元 per cell for a 万元 table with two decimals), and half a unit when
one figure is compared with another printed at a different precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from opendata.model import UNIT_TO_YUAN, Document, Finding, Row, Source, Table

STATUSES = ("PASS", "FAIL", "WARN", "SKIP")


@dataclass(frozen=True)
class Rule:
    """A named audit rule."""

    id: str
    group: str  # table | cross | narrative | codes | completeness | text
    severity: str  # error | warning
    title_zh: str
    title_en: str
    run: Callable[[Document], Iterable[Finding]]


@dataclass
class AuditReport:
    """Every check of every rule on one document."""

    checks: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [c for c in self.checks if c.finding]

    @property
    def errors(self) -> list[Finding]:
        return [c for c in self.checks if c.status == "FAIL"]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for check in self.checks:
            result[check.status] += 1
        return result


# -- helpers the rules share --------------------------------------------------------------------


def places(*values: Decimal) -> int:
    """Decimal places of the most precise value."""
    return max((max(0, -int(v.as_tuple().exponent)) for v in values), default=0)


def step(*values: Decimal) -> Decimal:
    """One unit of the last printed place of the most precise value."""
    return Decimal(1).scaleb(-places(*values))


def sum_tolerance(total: Decimal, parts: list[Decimal]) -> Decimal:
    """Allowed difference between a printed total and the sum of its printed parts."""
    return step(total, *parts) * max(1, len(parts))


def equal_tolerance(a: Decimal, b: Decimal) -> Decimal:
    """Allowed difference between one figure printed twice (half a unit of the coarser place)."""
    coarse = min(places(a), places(b))
    return Decimal(1).scaleb(-coarse) / 2


def yuan_tolerance(a: Decimal, unit_a: str | None, b: Decimal, unit_b: str | None) -> Decimal:
    """Half a unit of the last printed place of the coarser of two figures, in 元."""
    steps = [
        step(v) * (UNIT_TO_YUAN.get(u or "") or Decimal(1)) for v, u in ((a, unit_a), (b, unit_b))
    ]
    return max(steps) / 2


def to_yuan(value: Decimal, unit: str | None) -> Decimal | None:
    multiplier = UNIT_TO_YUAN.get(unit or "")
    return None if multiplier is None else value * multiplier


def fmt(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize() if value == 0 else value, "f")


def norm(text: str | None) -> str:
    """A label without spaces, numbering (一、 1. （一）) or quotes, for matching."""
    text = re.sub(r"\s+", "", text or "")
    text = re.sub(r"^(其中[:：]?|[（(]?[一二三四五六七八九十\d]+[)）、.．]|\d+[.．、])+", "", text)
    return text.replace("“", "").replace("”", "").replace('"', "")


def amount_columns(table: Table) -> list[int]:
    return [j for j, c in enumerate(table.columns) if c.kind == "amount"]


def column_index(table: Table, *names: str) -> int | None:
    """The index of the first column with one of these names."""
    for name in names:
        for j, column in enumerate(table.columns):
            if column.name == name:
                return j
    return None


def value(row: Row, j: int | None) -> Decimal | None:
    return None if j is None else row.cells[j].value


def total_row(table: Table) -> int | None:
    """The index of the table's one uncoded total row (合计), if there is exactly one."""
    found = [i for i, r in enumerate(table.rows) if r.role == "total" and not r.code]
    return found[0] if len(found) == 1 else None


def where(table: Table, row: Row | None = None) -> Source:
    return row.source if row is not None else table.source


def skip(rule: str, zh: str, en: str) -> Finding:
    return Finding(kind="audit", code=rule, status="SKIP", message_zh=zh, message=en)


def compare(
    rule: str,
    severity: str,
    expected: Decimal,
    actual: Decimal,
    tolerance: Decimal,
    *,
    zh: str,
    en: str,
    **location: object,
) -> Finding:
    """A PASS or a FAIL/WARN (by severity) for ``actual`` against ``expected``."""
    ok = abs(actual - expected) <= tolerance
    status = "PASS" if ok else ("FAIL" if severity == "error" else "WARN")
    return Finding(
        kind="audit",
        code=rule,
        status=status,
        message_zh=zh,
        message=en,
        severity=severity,
        expected=expected,
        actual=actual,
        **location,  # type: ignore[arg-type]
    )


def tables_of(doc: Document, *kinds: str) -> Iterator[tuple[int, Table]]:
    for index, table in enumerate(doc.tables):
        if table.kind in kinds:
            yield index, table
