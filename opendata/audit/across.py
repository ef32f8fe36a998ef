"""Rules across tables: the same figure printed in two tables must agree.

Pairs are named by table kind (budget and 决算 alike): the 收支总表's 本年收入合计 against the
收入总表's total, its 本年支出合计 and class rows against the 支出总表, the 财政拨款收支总表's
一般公共预算 column against the 一般公共预算财政拨款支出表, that table's 基本支出 against the
基本支出 table, and the same functional code in the income and expenditure tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from opendata.audit.core import (
    column_index,
    compare,
    equal_tolerance,
    fmt,
    norm,
    skip,
    tables_of,
    to_yuan,
    yuan_tolerance,
)
from opendata.model import CellRef, Document, Finding, Table

SUMMARY = ("budget_summary", "final_summary")
FISCAL = ("fiscal_summary", "final_fiscal_summary")
INCOME = ("income", "final_income")
EXPENDITURE = ("expenditure", "final_expenditure")
GENERAL = ("general_budget_expenditure", "final_general_budget_expenditure")
BASIC = ("general_budget_basic", "final_general_budget_basic")


def _first(doc: Document, kinds: tuple[str, ...]) -> tuple[int, Table] | None:
    return next(((i, t) for i, t in tables_of(doc, *kinds) if not t.empty), None)


def _labelled(table: Table, column: str, label_column: str, pattern: str) -> tuple[int, Decimal]:
    j, lab = column_index(table, column), column_index(table, label_column)
    if j is None or lab is None:
        return -1, Decimal(-1)
    for i, row in enumerate(table.rows):
        if re.search(pattern, norm(row.cells[lab].text)) and row.cells[j].value is not None:
            return i, row.cells[j].value  # type: ignore[return-value]
    return -1, Decimal(-1)


def _total(table: Table, column: str) -> tuple[int, Decimal] | None:
    j = column_index(table, column)
    if j is None:
        return None
    for i, row in enumerate(table.rows):
        if row.role == "total" and not row.code and row.cells[j].value is not None:
            return i, row.cells[j].value
    return None


def _pair(
    rule: str,
    a: tuple[int, Table, int, str, Decimal],
    b: tuple[int, Table, int, str, Decimal],
    what_zh: str,
    what_en: str,
    severity: str = "error",
    parts: int = 1,
) -> Finding:
    (ia, ta, ra, ca, va), (ib, tb, rb, cb, vb) = a, b
    if ta.unit != tb.unit:
        va2, vb2 = to_yuan(va, ta.unit), to_yuan(vb, tb.unit)
        if va2 is not None and vb2 is not None:
            tol = yuan_tolerance(va, ta.unit, vb, tb.unit)
            va, vb = va2, vb2
        else:
            tol = equal_tolerance(va, vb)
    else:
        tol = equal_tolerance(va, vb)
    tol *= parts  # a figure the table does not print but that sums several printed ones
    return compare(
        rule,
        severity,
        va,
        vb,
        tol,
        zh=f"{what_zh}：《{ta.title}》为 {fmt(va)}，《{tb.title}》为 {fmt(vb)}",
        en=f"{what_en}: {fmt(va)} in {ta.title}, {fmt(vb)} in {tb.title}",
        table=tb.title,
        row=tb.rows[rb].code or tb.rows[rb].label or "",
        column=next((c.concept or c.header for c in tb.columns if c.name == cb), cb),
        source=tb.rows[rb].source,
        unit=tb.unit if ta.unit == tb.unit else "元",
        cells=(CellRef(ia, ra, ca), CellRef(ib, rb, cb)),
    )


def summary_totals(doc: Document) -> Iterator[Finding]:
    """收支总表 本年收入合计 / 本年支出合计 against the 收入总表 and 支出总表 totals."""
    ran = False
    for summary_kinds, income_kinds, expenditure_kinds in ((SUMMARY, INCOME, EXPENDITURE),):
        found = _first(doc, summary_kinds)
        if found is None:
            continue
        si, summary = found
        income = _first(doc, income_kinds)
        if income is not None:
            ii, itable = income
            r, v = _labelled(summary, "income_amount", "income_item", r"(本年|当年)收入(合计|小计)")
            column = "subtotal" if column_index(itable, "subtotal") is not None else "total"
            t = _total(itable, column)
            carry = _total(itable, "carryover")
            if r >= 0 and t is not None:
                ran = True
                value = t[1] - (carry[1] if column == "total" and carry else Decimal(0))
                yield _pair(
                    "X-SUMMARY-TABLES",
                    (si, summary, r, "income_amount", v),
                    (ii, itable, t[0], column, value),
                    "本年收入合计",
                    "income of the year",
                )
        expenditure = _first(doc, expenditure_kinds)
        if expenditure is not None:
            ei, etable = expenditure
            r, v = _labelled(
                summary, "expenditure_amount", "expenditure_item", r"(本年|当年)支出(合计|小计)"
            )
            t = _total(etable, "total")
            if r >= 0 and t is not None:
                ran = True
                yield _pair(
                    "X-SUMMARY-TABLES",
                    (si, summary, r, "expenditure_amount", v),
                    (ei, etable, t[0], "total", t[1]),
                    "本年支出合计",
                    "expenditure of the year",
                )
            yield from _class_rows(si, summary, "expenditure_amount", ei, etable, "total")
            ran = ran or any(
                True for _ in _class_rows(si, summary, "expenditure_amount", ei, etable, "total")
            )
    if not ran:
        yield skip(
            "X-SUMMARY-TABLES",
            "收支总表与收入总表/支出总表未同时列示金额",
            "the summary and the income or expenditure table do not both hold amounts",
        )


def _class_rows(
    si: int, summary: Table, column: str, ti: int, table: Table, table_column: str
) -> Iterator[Finding]:
    """Functional classes printed by name in a summary against the class rows of a table."""
    lab = column_index(summary, "expenditure_item")
    j = column_index(summary, column)
    tj = column_index(table, table_column)
    if lab is None or j is None or tj is None:
        return
    classes = {
        norm(r.label): (i, r.cells[tj].value)
        for i, r in enumerate(table.rows)
        if r.code_level == "class" and r.cells[tj].value is not None
    }
    for i, row in enumerate(summary.rows):
        name = norm(row.cells[lab].text)
        value = row.cells[j].value
        if value is None or name not in classes:
            continue
        ci, cv = classes[name]
        yield _pair(
            "X-SUMMARY-TABLES",
            (si, summary, i, column, value),
            (ti, table, ci, table_column, cv),
            f"“{name}”",
            f"class {name!r}",
        )


def fiscal_general(doc: Document) -> Iterator[Finding]:
    """财政拨款收支总表's 一般公共预算 column against the 一般公共预算财政拨款支出表."""
    ran = False
    fiscal, general = _first(doc, FISCAL), _first(doc, GENERAL)
    if fiscal is not None and general is not None:
        fi, ftable = fiscal
        gi, gtable = general
        r, v = _labelled(
            ftable, "general_budget", "expenditure_item", r"(本年|当年)支出(合计|小计)"
        )
        t = _total(gtable, "total")
        if r >= 0 and t is not None:
            ran = True
            yield _pair(
                "X-FISCAL-GENERAL",
                (fi, ftable, r, "general_budget", v),
                (gi, gtable, t[0], "total", t[1]),
                "一般公共预算财政拨款支出合计",
                "general public budget expenditure",
            )
        for check in _class_rows(fi, ftable, "general_budget", gi, gtable, "total"):
            ran = True
            check.code = "X-FISCAL-GENERAL"
            yield check
    if not ran:
        yield skip(
            "X-FISCAL-GENERAL",
            "财政拨款收支总表与一般公共预算财政拨款支出表未同时列示金额",
            "the fiscal summary and the general-budget expenditure table do not both hold amounts",
        )


def basic_total(doc: Document) -> Iterator[Finding]:
    """The 基本支出 table's total against the 基本支出 column of the expenditure tables."""
    ran = False
    basic = _first(doc, BASIC)
    if basic is not None:
        bi, btable = basic
        b = basic_table_total(btable)
        for kinds in (GENERAL,):
            other = _first(doc, kinds)
            if other is None or b is None:
                continue
            oi, otable = other
            t = _total(otable, "basic")
            if t is None:
                continue
            ran = True
            yield _pair(
                "X-BASIC",
                (oi, otable, t[0], "basic", t[1]),
                (bi, btable, b[0], "total", b[1]),
                "一般公共预算基本支出",
                "general public budget basic expenditure",
                parts=b[2],
            )
    if not ran:
        yield skip(
            "X-BASIC",
            "基本支出表与一般公共预算支出表未同时列示基本支出",
            "no basic-expenditure table and general-budget table with a 基本支出 column together",
        )


def basic_table_total(table: Table) -> tuple[int, Decimal, int] | None:
    """A basic-expenditure table's total: its 合计 row, or 人员经费合计 + 公用经费合计."""
    j = column_index(table, "total")
    if j is None:
        return None
    totals = [
        (i, r)
        for i, r in enumerate(table.rows)
        if r.role == "total" and not r.code and r.cells[j].value is not None
    ]
    plain = [(i, r) for i, r in totals if not re.search(r"人员|公用", norm(r.label))]
    if plain:
        return plain[0][0], plain[0][1].cells[j].value, 1  # type: ignore[return-value]
    parts = [(i, r) for i, r in totals if re.search(r"人员经费|公用经费", norm(r.label))]
    if len(parts) == 2:
        return parts[0][0], sum((r.cells[j].value for _, r in parts), Decimal(0)), 2  # type: ignore[misc]
    return None


def _codes(table: Table, column: str) -> dict[str, tuple[int, Decimal]]:
    j = column_index(table, column)
    if j is None:
        return {}
    return {
        r.code: (i, r.cells[j].value)
        for i, r in enumerate(table.rows)
        if r.code and r.cells[j].value is not None
    }


def code_mirror(doc: Document) -> Iterator[Finding]:
    """In a budget, each functional code's income equals its expenditure (收入总表 = 支出总表)."""
    if doc.kind == "决算":
        yield skip(
            "X-CODE-MIRROR",
            "决算中收入与支出按科目可以不等（结转结余），本规则只用于预算",
            "in a final account income and expenditure by code may differ (balances carried); "
            "budget only",
        )
        return
    income, expenditure = _first(doc, ("income",)), _first(doc, ("expenditure",))
    if income is None or expenditure is None:
        yield skip(
            "X-CODE-MIRROR",
            "收入总表或支出总表未按科目列示金额",
            "no income and expenditure tables by functional code",
        )
        return
    ii, itable = income
    ei, etable = expenditure
    icodes, ecodes = _codes(itable, "total"), _codes(etable, "total")
    if not icodes or not ecodes:
        yield skip(
            "X-CODE-MIRROR",
            "收入总表或支出总表没有科目金额",
            "the income or expenditure table has no amounts by code",
        )
        return
    for code in sorted(set(icodes) | set(ecodes)):
        if code in icodes and code in ecodes:
            yield _pair(
                "X-CODE-MIRROR",
                (ii, itable, icodes[code][0], "total", icodes[code][1]),
                (ei, etable, ecodes[code][0], "total", ecodes[code][1]),
                f"科目 {code}",
                f"code {code}",
            )
        else:
            table, (i, v) = (itable, icodes[code]) if code in icodes else (etable, ecodes[code])
            other = etable if code in icodes else itable
            yield Finding(
                kind="audit",
                code="X-CODE-MIRROR",
                status="FAIL",
                message_zh=f"科目 {code} 在《{table.title}》列示 {fmt(v)}，《{other.title}》中没有",
                message=f"code {code} has {fmt(v)} in {table.title} and is missing from "
                f"{other.title}",
                table=table.title,
                row=code,
                column="合计",
                source=table.rows[i].source,
                actual=v,
                unit=table.unit or "",
                cells=(CellRef(ii if table is itable else ei, i, "total"),),
            )


def code_subset(doc: Document) -> Iterator[Finding]:
    """A fund's spending on a code cannot exceed the department's total spending on it."""
    ran = False
    whole = _first(doc, EXPENDITURE)
    if whole is not None:
        wi, wtable = whole
        wcodes = _codes(wtable, "total")
        for kinds in (
            ()
            if not wcodes
            else (
                GENERAL,
                ("gov_fund_expenditure",),
                ("soe_capital_expenditure",),
                ("fiscal_expenditure",),
            )
        ):
            part = _first(doc, kinds)
            if part is None:
                continue
            pi, ptable = part
            for code, (i, v) in sorted(_codes(ptable, "total").items()):
                if code not in wcodes:
                    ran = True
                    yield Finding(
                        kind="audit",
                        code="X-CODE-SUBSET",
                        status="FAIL",
                        message_zh=f"科目 {code} 在《{ptable.title}》列示 {fmt(v)}，"
                        f"但《{wtable.title}》中没有该科目",
                        message=f"code {code} has {fmt(v)} in {ptable.title} but is missing from "
                        f"{wtable.title}",
                        table=ptable.title,
                        row=code,
                        column="合计",
                        source=ptable.rows[i].source,
                        actual=v,
                        unit=ptable.unit or "",
                        cells=(CellRef(pi, i, "total"),),
                    )
                    continue
                wrow, wv = wcodes[code]
                tol = equal_tolerance(v, wv)
                if ptable.unit != wtable.unit:
                    pv, wvy = to_yuan(v, ptable.unit), to_yuan(wv, wtable.unit)
                    if pv is None or wvy is None:
                        continue
                    tol = yuan_tolerance(v, ptable.unit, wv, wtable.unit)
                    v, wv = pv, wvy
                ran = True
                excess = max(Decimal(0), v - wv)
                yield compare(
                    "X-CODE-SUBSET",
                    "error",
                    Decimal(0),
                    excess,
                    tol,
                    zh=f"科目 {code}：《{ptable.title}》{fmt(v)} 不应超过《{wtable.title}》"
                    f"{fmt(wv)}",
                    en=f"code {code}: {fmt(v)} in {ptable.title} must not exceed {fmt(wv)} in "
                    f"{wtable.title}",
                    table=ptable.title,
                    row=code,
                    column="合计",
                    source=ptable.rows[i].source,
                    unit=ptable.unit or "",
                    cells=(CellRef(pi, i, "total"), CellRef(wi, wrow, "total")),
                )
    if not ran:
        yield skip(
            "X-CODE-SUBSET",
            "支出总表与分资金来源的支出表未同时按科目列示金额",
            "no expenditure table and fund table with amounts by code together",
        )


_FUNDS = (
    (
        "gov_fund",
        ("gov_fund_expenditure", "final_gov_fund"),
        "政府性基金预算财政拨款",
        "expenditure",
    ),
    (
        "soe_capital",
        ("soe_capital_expenditure", "final_soe_capital"),
        "国有资本经营预算财政拨款",
        "expenditure",
    ),
)


def fund_tables(doc: Document) -> Iterator[Finding]:
    """The fiscal summary's 政府性基金 / 国有资本经营 column against the fund's own table
    (a blank column with a filled table, or the reverse, is an error)."""
    ran = False
    fiscal = _first(doc, FISCAL)
    if fiscal is not None:
        fi, ftable = fiscal
        for column, kinds, zh, _ in _FUNDS:
            found = next(tables_of(doc, *kinds), None)
            if found is None or column_index(ftable, column) is None:
                continue
            ti, table = found
            r, v = _labelled(ftable, column, "expenditure_item", r"(本年|当年)支出(合计|小计)")
            name = "expenditure" if table.kind.startswith("final_") else "total"
            t = _total(table, name)
            stated = v if r >= 0 else None
            printed = t[1] if t else None
            ran = True
            if stated is None and printed is None:
                yield Finding(
                    kind="audit",
                    code="X-FUND-TABLES",
                    status="PASS",
                    message_zh=f"{zh}：收支总表与《{table.title}》均无数",
                    message=f"{zh}: neither the fiscal summary nor {table.title} holds an amount",
                    table=table.title,
                )
            elif stated is not None and t is not None:
                yield _pair(
                    "X-FUND-TABLES",
                    (fi, ftable, r, column, stated),
                    (ti, table, t[0], name, t[1]),
                    zh,
                    column,
                )
            else:
                has = ftable.title if stated is not None else table.title
                empty = table.title if stated is not None else ftable.title
                yield Finding(
                    kind="audit",
                    code="X-FUND-TABLES",
                    status="FAIL",
                    message_zh=f"{zh}：《{has}》列有 "
                    f"{fmt(stated if stated is not None else printed)}，"
                    f"《{empty}》却无数",
                    message=f"{zh}: {has} holds {fmt(stated if stated is not None else printed)} "
                    f"and "
                    f"{empty} holds nothing",
                    table=table.title,
                    actual=stated if stated is not None else printed,
                    unit=table.unit or "",
                )
    if not ran:
        yield skip(
            "X-FUND-TABLES",
            "没有财政拨款收支总表或基金、国有资本经营预算表",
            "no fiscal summary, or no government-fund or state-capital table",
        )
