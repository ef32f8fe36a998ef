"""Rules within one table: hierarchy sums, a row's total against its parts, balances, “三公”.

Tables are found by their kind in the catalogue (:mod:`opendata.kinds.catalogue`), never
by a region's titles, so a Jiangsu 收支预算总表 and a Shanghai 财务收支预算总表 get the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from opendata.audit.core import column_index, compare, fmt, norm, skip, sum_tolerance, tables_of
from opendata.audit.row_lookup import label_column, three_public_rows
from opendata.audit.sums import check_sums
from opendata.model import CellRef, Document, Finding, Row, Table

CODED = (
    "income",
    "expenditure",
    "general_budget_expenditure",
    "general_budget_basic",
    "fiscal_basic",
    "fiscal_expenditure",
    "gov_fund_expenditure",
    "soe_capital_expenditure",
    "running_costs",
    "final_income",
    "final_expenditure",
    "final_general_budget_expenditure",
    "final_general_budget_basic",
    "final_gov_fund",
    "final_soe_capital",
)
SUMMARIES = ("budget_summary", "fiscal_summary", "final_summary", "final_fiscal_summary")
THREE_PUBLIC = ("three_public", "final_three_public")

#: A row's total and the columns that are its parts, by table kind.
ROW_PARTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "expenditure": [
        (
            "total",
            (
                "basic",
                "project",
                "operating",
                "remit_superior",
                "subsidy_affiliate",
                "reserve",
                "carry_forward",
            ),
        )
    ],
    "income": [
        (
            "subtotal",
            (
                "fiscal_appropriation",
                "special_account",
                "business",
                "operating",
                "superior_subsidy",
                "affiliate_remittance",
                "other",
            ),
        ),
        (
            "total",
            (
                "fiscal_appropriation",
                "special_account",
                "business",
                "operating",
                "superior_subsidy",
                "affiliate_remittance",
                "other",
                "carryover",
            ),
        ),
    ],
    "general_budget_basic": [("total", ("personnel", "public"))],
    "fiscal_basic": [("total", ("personnel", "public"))],
    "final_general_budget_basic": [("total", ("personnel", "public"))],
    "fiscal_summary": [("expenditure_total", ("general_budget", "gov_fund", "soe_capital"))],
    "final_fiscal_summary": [("expenditure_total", ("general_budget", "gov_fund", "soe_capital"))],
    "final_gov_fund": [("expenditure", ("basic", "project"))],
    "final_soe_capital": [("expenditure", ("basic", "project"))],
}
for _kind in (
    "general_budget_expenditure",
    "fiscal_expenditure",
    "gov_fund_expenditure",
    "soe_capital_expenditure",
    "final_general_budget_expenditure",
):
    ROW_PARTS[_kind] = [("total", ("basic", "project"))]
ROW_PARTS["final_expenditure"] = ROW_PARTS["expenditure"]
ROW_PARTS["final_income"] = ROW_PARTS["income"]


def _row_name(row: Row) -> str:
    return row.code or row.label or ""


def hierarchy(doc: Document) -> Iterator[Finding]:
    """合计 = Σ类, 类 = Σ款, 款 = Σ项 in every coded table and every amount column."""
    ran = False
    for index, table in tables_of(doc, *CODED):
        ran = True
        by_line = {(r.source.line, r.code or r.label or ""): i for i, r in enumerate(table.rows)}
        for s in check_sums(table):
            column = next(c for c in table.columns if c.name == s.column)
            i = by_line.get((s.line, s.parent))
            row = table.rows[i] if i is not None else None
            level = {"class": "类", "category": "款", "item": "项"}.get(
                row.code_level if row else None, ""
            )
            what = "合计" if row is not None and not row.code else f"{s.parent}"
            yield compare(
                "T-HIERARCHY",
                "error",
                s.printed,
                s.summed,
                s.tolerance,
                zh=f"《{table.title}》{what}的{column.concept or column.header}"
                f"为 {fmt(s.printed)}，其下级科目之和为 {fmt(s.summed)}",
                en=f"{table.title}: {column.name} of {what} is {fmt(s.printed)}, the sum of its "
                f"{s.parts} sub-items {level and '(' + level + ') '}is {fmt(s.summed)}",
                table=table.title,
                row=s.parent,
                column=column.concept or column.header,
                source=row.source if row else table.source,
                unit=table.unit or "",
                cells=(CellRef(index, i, s.column),) if i is not None else (),
            )
    if not ran:
        yield skip(
            "T-HIERARCHY",
            "文件中没有按科目编码列示的表",
            "no table with classification codes in this document",
        )


def row_parts(doc: Document) -> Iterator[Finding]:
    """A row's total equals the sum of its parts (合计 = 基本支出 + 项目支出, …)."""
    ran = False
    for index, table in enumerate(doc.tables):
        for total_name, part_names in ROW_PARTS.get(table.kind, []):
            t = column_index(table, total_name)
            parts = [j for name in part_names if (j := column_index(table, name)) is not None]
            if t is None or not parts:
                continue
            ran = True
            for i, row in enumerate(table.rows):
                total = row.cells[t].value
                values = [row.cells[j].value for j in parts if row.cells[j].value is not None]
                if total is None or not values:
                    continue
                names = "+".join(table.columns[j].concept or table.columns[j].name for j in parts)
                summed = sum(values, Decimal(0))
                yield compare(
                    "T-ROW-PARTS",
                    "error",
                    total,
                    summed,
                    sum_tolerance(total, values),
                    zh=f"《{table.title}》“{_row_name(row)}”行："
                    f"{table.columns[t].concept} {fmt(total)}，{names} 之和为 {fmt(summed)}",
                    en=f"{table.title}, row {_row_name(row)!r}: {total_name} is {fmt(total)}, "
                    f"the sum of its parts is {fmt(summed)}",
                    table=table.title,
                    row=_row_name(row),
                    column=table.columns[t].concept or total_name,
                    source=row.source,
                    unit=table.unit or "",
                    cells=(CellRef(index, i, total_name),),
                )
    if not ran:
        yield skip(
            "T-ROW-PARTS",
            "没有同时列示合计及其组成部分的表",
            "no table shows both a row total and its parts",
        )


def _economic_total(table: Table, prefix: str, j: int) -> Decimal | None:
    row = next((r for r in table.rows if r.code == prefix), None)
    return None if row is None else row.cells[j].value


def personnel_public(doc: Document) -> Iterator[Finding]:
    """人员经费 = 301 + 303 and 公用经费 = 302 + 310 in a basic-expenditure table.

    The personnel and running-cost figures are read from the 人员经费 / 公用经费 columns of
    the 合计 row, or from rows labelled 人员经费合计 / 公用经费合计 (决算 layout).
    """
    ran = False
    kinds = ("general_budget_basic", "fiscal_basic", "final_general_budget_basic")
    for index, table in tables_of(doc, *kinds):
        t = column_index(table, "total")
        if t is None:
            continue
        total = next(
            (
                i
                for i, r in enumerate(table.rows)
                if r.role == "total" and not r.code and not re.search(r"人员|公用", norm(r.label))
            ),
            None,
        )
        for column, codes, zh in (
            ("personnel", ("301", "303"), "人员经费"),
            ("public", ("302", "310"), "公用经费"),
        ):
            j = column_index(table, column)
            where, cell = total, column
            printed = (
                table.rows[total].cells[j].value if j is not None and total is not None else None
            )
            if printed is None:
                labelled = next(
                    (
                        i
                        for i, r in enumerate(table.rows)
                        if not r.code
                        and norm(r.label).startswith(zh)
                        and r.cells[t].value is not None
                    ),
                    None,
                )
                if labelled is None:
                    continue
                where, cell, printed = labelled, "total", table.rows[labelled].cells[t].value
            values = [v for c in codes if (v := _economic_total(table, c, t)) is not None]
            if printed is None or not values or where is None:
                continue
            ran = True
            summed = sum(values, Decimal(0))
            yield compare(
                "T-PERSONNEL-PUBLIC",
                "error",
                printed,
                summed,
                sum_tolerance(printed, values),
                zh=f"《{table.title}》{zh}合计 {fmt(printed)}，"
                f"{' + '.join(codes)} 类合计为 {fmt(summed)}",
                en=f"{table.title}: {column} total is {fmt(printed)}, classes "
                f"{' + '.join(codes)} sum to {fmt(summed)}",
                table=table.title,
                row=table.rows[where].label or "合计",
                column=zh,
                source=table.rows[where].source,
                unit=table.unit or "",
                cells=(CellRef(index, where, cell),),
            )
    if not ran:
        yield skip(
            "T-PERSONNEL-PUBLIC",
            "基本支出表未列示人员经费/公用经费合计及 301/302/303/310 类",
            "no basic-expenditure table shows personnel/running totals and classes 301-310",
        )


# -- two-sided summary tables --------------------------------------------------------------------

_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_SIDES = {
    "income": (r"(本年|当年)收入(合计|小计)", r"^(收入)?总计$|^收入合计$", r"结转|结余|事业基金"),
    "expenditure": (
        r"(本年|当年)支出(合计|小计)",
        r"^(支出)?总计$|^支出合计$",
        r"结转|结余|结余分配",
    ),
}


def _side(table: Table, j: int) -> str:
    name = table.columns[j].name
    return "income" if name.startswith("income") else "expenditure"


def summary_balance(doc: Document) -> Iterator[Finding]:
    """收支总表: items sum to 本年合计; 本年合计 + 结转 = 总计; 收入总计 = 支出总计."""
    ran = False
    for index, table in tables_of(doc, *SUMMARIES):
        grand: dict[str, tuple[int, Decimal]] = {}
        for j, column in enumerate(table.columns):
            if column.kind != "amount" or column.name in ("purpose_amount",):
                continue
            lab = label_column(table, j)
            if lab is None:
                continue
            year_re, grand_re, carry_re = _SIDES[_side(table, j)]
            labels = [norm(r.cells[lab].text) for r in table.rows]
            year = next((i for i, x in enumerate(labels) if re.search(year_re, x)), None)
            total = next((i for i, x in enumerate(labels) if re.search(grand_re, x)), None)
            name = column.concept or column.header
            anchor = year if year is not None else total  # no 本年合计 row: items make 总计
            if anchor is not None and (y := table.rows[anchor].cells[j].value) is not None:
                items = [
                    (i, v)
                    for i, r in enumerate(table.rows[:anchor])
                    if _NUMBERED.match(re.sub(r"\s+", "", r.cells[lab].text))
                    and (v := r.cells[j].value) is not None
                ]
                if items:
                    ran = True
                    values = [v for _, v in items]
                    summed = sum(values, Decimal(0))
                    yield compare(
                        "T-SUMMARY-BALANCE",
                        "error",
                        y,
                        summed,
                        sum_tolerance(y, values),
                        zh=f"《{table.title}》{labels[anchor]}（{name}）{fmt(y)}，"
                        f"各项之和为 {fmt(summed)}",
                        en=f"{table.title}: {labels[anchor]} ({column.name}) is {fmt(y)}, its "
                        f"{len(items)} items sum to {fmt(summed)}",
                        table=table.title,
                        row=labels[anchor],
                        column=name,
                        source=table.rows[anchor].source,
                        unit=table.unit or "",
                        cells=(CellRef(index, anchor, column.name),),
                    )
                if year is not None and total is not None and total > year:
                    g = table.rows[total].cells[j].value
                    carry = [
                        v
                        for r in table.rows[year + 1 : total]
                        if re.search(carry_re, norm(r.cells[lab].text))
                        and not _NUMBERED.match(re.sub(r"\s+", "", r.cells[lab].text))
                        and (v := r.cells[j].value) is not None
                    ]
                    if g is not None:
                        ran = True
                        summed = y + sum(carry, Decimal(0))
                        yield compare(
                            "T-SUMMARY-BALANCE",
                            "error",
                            g,
                            summed,
                            sum_tolerance(g, [y, *carry]),
                            zh=f"《{table.title}》{labels[total]}（{name}）{fmt(g)}，"
                            f"{labels[year]}加结转结余为 {fmt(summed)}",
                            en=f"{table.title}: {labels[total]} ({column.name}) is {fmt(g)}, "
                            f"{labels[year]} plus balances carried is {fmt(summed)}",
                            table=table.title,
                            row=labels[total],
                            column=name,
                            source=table.rows[total].source,
                            unit=table.unit or "",
                            cells=(CellRef(index, total, column.name),),
                        )
            if total is not None and table.rows[total].cells[j].value is not None:
                grand.setdefault(_side(table, j), (total, table.rows[total].cells[j].value))
        if "income" in grand and "expenditure" in grand:
            ran = True
            (_, income), (e_row, spent) = grand["income"], grand["expenditure"]
            yield compare(
                "T-SUMMARY-BALANCE",
                "error",
                income,
                spent,
                Decimal(0),
                zh=f"《{table.title}》收入总计 {fmt(income)}，支出总计 {fmt(spent)}",
                en=f"{table.title}: income grand total {fmt(income)}, expenditure grand total "
                f"{fmt(spent)}",
                table=table.title,
                row="总计",
                column="收入/支出",
                source=table.rows[e_row].source,
                unit=table.unit or "",
            )
    if not ran:
        yield skip(
            "T-SUMMARY-BALANCE",
            "没有列示金额的收支总表",
            "no income-and-expenditure summary with amounts",
        )


def final_balance(doc: Document) -> Iterator[Finding]:
    """决算 fund tables, per row: 年初结转 + 本年收入 = 本年支出 + 年末结转."""
    ran = False
    for index, table in tables_of(doc, "final_gov_fund", "final_soe_capital"):
        cols = [column_index(table, n) for n in ("opening_balance", "income", "expenditure")]
        closing = column_index(table, "closing_balance")
        if None in cols or closing is None:
            continue
        o, inc, exp = cols
        for i, row in enumerate(table.rows):
            values = [row.cells[j].value for j in (o, inc, exp, closing)]  # type: ignore[index]
            if all(v is None for v in values):
                continue
            ran = True
            opening, income, spent, carried = (v or Decimal(0) for v in values)
            left, right = opening + income, spent + carried
            yield compare(
                "T-FINAL-BALANCE",
                "error",
                left,
                right,
                sum_tolerance(left, [opening, income, spent, carried]),
                zh=f"《{table.title}》“{_row_name(row)}”行：年初结转 + 本年收入 = {fmt(left)}，"
                f"本年支出 + 年末结转 = {fmt(right)}",
                en=f"{table.title}, row {_row_name(row)!r}: opening + income = {fmt(left)}, "
                f"expenditure + closing = {fmt(right)}",
                table=table.title,
                row=_row_name(row),
                column="年初结转/本年收入/本年支出/年末结转",
                source=row.source,
                unit=table.unit or "",
                cells=(CellRef(index, i, "closing_balance"),),
            )
    if not ran:
        yield skip(
            "T-FINAL-BALANCE",
            "没有列示年初、年末结转的决算表，或表中无数",
            "no final-account table with opening and closing balances holds amounts",
        )


# -- “三公” --------------------------------------------------------------------------------------


def _tp_checks(
    index: int,
    table: Table,
    get: dict[str, tuple[Decimal, CellRef, Row]],
    suffix: str,
    column: str = "",
) -> Iterator[Finding]:
    def one(total: str, parts: tuple[str, ...], zh: str, en: str) -> Iterator[Finding]:
        if total not in get:
            return
        present = [p for p in parts if p in get]
        if not present:
            return
        printed, ref, row = get[total]
        values = [get[p][0] for p in present]
        summed = sum(values, Decimal(0))
        yield compare(
            "T-THREE-PUBLIC",
            "error",
            printed,
            summed,
            sum_tolerance(printed, values),
            zh=f"《{table.title}》{zh}{suffix}{column} {fmt(printed)}，其组成之和为 {fmt(summed)}",
            en=f"{table.title}: {en}{suffix and ' (' + suffix + ')'}"
            f"{column and ' (column ' + column.strip('（）列') + ')'} is {fmt(printed)}, "
            f"its parts sum to {fmt(summed)}",
            table=table.title,
            row=row.label or "",
            column=zh,
            source=row.source,
            unit=table.unit or "",
            cells=(ref,),
        )

    if "subtotal" in get:
        yield from one(
            "subtotal", ("overseas", "vehicles", "reception"), "“三公”经费小计", "subtotal"
        )
        yield from one("total", ("subtotal", "meetings", "training"), "合计", "total")
    else:
        yield from one(
            "total",
            ("overseas", "vehicles", "reception", "meetings", "training"),
            "“三公”经费合计",
            "total",
        )
    yield from one(
        "vehicles",
        ("vehicle_purchase", "vehicle_operation"),
        "公务用车购置及运行维护费",
        "official vehicles",
    )


def three_public(doc: Document) -> Iterator[Finding]:
    """“三公” = 出国 + 公车 + 接待 (+ 会议费, 培训费 where printed); 公车 = 购置 + 运行."""
    ran = False
    for index, table in tables_of(doc, *THREE_PUBLIC):
        if table.kind == "final_three_public":
            for phase, zh in (("budget", "预算数"), ("final", "决算数")):
                for i, row in enumerate(table.rows):
                    get = {}
                    for j, column in enumerate(table.columns):
                        if column.name.endswith("_" + phase) and row.cells[j].value is not None:
                            key = column.name[: -len(phase) - 1]
                            get[key] = (row.cells[j].value, CellRef(index, i, column.name), row)
                    if get:
                        ran = True
                        yield from _tp_checks(index, table, get, zh)
            continue
        if any(c.name in ("overseas", "reception") for c in table.columns):  # items as columns
            for i, row in enumerate(table.rows):
                get = {
                    c.name: (row.cells[j].value, CellRef(index, i, c.name), row)
                    for j, c in enumerate(table.columns)
                    if c.kind == "amount" and row.cells[j].value is not None
                }
                if len(get) > 1:
                    ran = True
                    yield from _tp_checks(index, table, get, "")
            continue
        rows = three_public_rows(table)  # items as rows
        for j, column in enumerate(table.columns):
            if column.kind != "amount":
                continue
            get = {
                key: (table.rows[i].cells[j].value, CellRef(index, i, column.name), table.rows[i])
                for key, i in rows.items()
                if table.rows[i].cells[j].value is not None
            }
            if "total" in get or "subtotal" in get:
                ran = True
                yield from _tp_checks(
                    index, table, get, "", f"（{column.concept or column.header}列）"
                )
    if not ran:
        yield skip(
            "T-THREE-PUBLIC",
            "没有列示金额的“三公”经费表",
            "no “three public” table with amounts",
        )


def negatives(doc: Document) -> Iterator[Finding]:
    """Amounts in the disclosure tables are not negative (a negative budget is a typo or a
    correction that needs a note)."""
    found = False
    for index, table in enumerate(doc.tables):
        for i, row in enumerate(table.rows):
            for j, column in enumerate(table.columns):
                value = row.cells[j].value
                if column.kind == "amount" and value is not None and value < 0:
                    found = True
                    yield Finding(
                        kind="audit",
                        code="T-NEGATIVE",
                        status="WARN",
                        message_zh=f"《{table.title}》“{_row_name(row)}”"
                        f"{column.concept or column.header} "
                        f"为负数 {fmt(value)}",
                        message=f"{table.title}, row {_row_name(row)!r}: negative amount "
                        f"{fmt(value)}",
                        severity="warning",
                        table=table.title,
                        row=_row_name(row),
                        column=column.concept or column.header,
                        source=row.source,
                        actual=value,
                        unit=table.unit or "",
                        cells=(CellRef(index, i, column.name),),
                    )
    if not found:
        yield Finding(
            kind="audit",
            code="T-NEGATIVE",
            status="PASS",
            message_zh="没有负数金额",
            message="no negative amount",
            severity="warning",
        )
