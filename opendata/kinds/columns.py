"""Columns shared by several table kinds: the amount columns (合计, 基本支出, 项目支出), the
column groups of the functional and economic classifications, the two-sided summary tables, the
three funds (一般公共预算, 政府性基金, 国有资本经营) and the income sources and expenditure uses.

The regular expressions match header texts as they appear across regions and years.
"""

from __future__ import annotations

from opendata.kinds.spec import (
    FieldSpec,
    amount,
    code,
    code_parts,
    label,
    name,
    seq,
)

GB = r"一般公共预算(财政)?(拨款)?(资金)?"
GF = r"(政府性?)?基金(预算)?(财政)?(拨款)?"
SOE = r"国有资本经营(预算)?(财政)?(拨款)?"
YEAR = r"((本|当)年)?"

TOTAL = amount(
    "total",
    "合计",
    "Total.",
    "合计",
    "总计",
    "金额",
    r"本年(收入|支出)合计",
    r"(收入|支出)(预算|决算)/合计",
    "预算数",
    "决算数",
)
BASIC = amount("basic", "基本支出", "Basic expenditure (personnel and running costs).")
PROJECT = amount("project", "项目支出", "Project expenditure.")


def functional() -> tuple[FieldSpec, ...]:
    return (seq(), code("functional"), *code_parts(), name())


def economic() -> tuple[FieldSpec, ...]:
    return (seq(), code("economic"), *code_parts(), name())


def two_sided(*extra: FieldSpec) -> tuple[FieldSpec, ...]:
    return (
        seq(),
        label("income_item", "收入项目", "Income item.", f"{YEAR}(财政拨款)?收入/项目(名称)?"),
        amount(
            "income_amount",
            "收入金额",
            "Income amount.",
            f"{YEAR}(财政拨款)?收入/(金额|预算数|决算数)",
            concept="收入",
            label_of="income_item",
        ),
        label(
            "expenditure_item",
            "支出项目",
            "Expenditure item.",
            f"{YEAR}(财政拨款)?支出/项目(名称)?",
            "功能分类/(功能科目名称|项目(名称)?)",
        ),
        *extra,
        label(
            "purpose_item", "支出用途项目", "Expenditure by purpose: item.", "支出用途/项目(名称)?"
        ),
        amount(
            "purpose_amount",
            "支出用途金额",
            "Expenditure by purpose: amount.",
            "支出用途/金额",
            concept="支出用途",
            label_of="purpose_item",
        ),
    )


def by_fund(label_of: str | None = None) -> tuple[FieldSpec, ...]:
    return (
        amount(
            "general_budget",
            "一般公共预算财政拨款",
            "From general public budget appropriations.",
            GB,
            label_of=label_of,
        ),
        amount(
            "gov_fund",
            "政府性基金预算财政拨款",
            "From government fund appropriations.",
            GF,
            label_of=label_of,
        ),
        amount(
            "soe_capital",
            "国有资本经营预算财政拨款",
            "From state capital operations appropriations.",
            SOE,
            label_of=label_of,
        ),
    )


INCOME_SOURCES = (
    amount("subtotal", "本年收入小计", "Income of the year, subtotal.", "本年收入/小计"),
    amount("fiscal_appropriation", "财政拨款收入", "Fiscal appropriations.", "财政拨款(收入)?"),
    amount(
        "special_account",
        "财政专户收入",
        "Income from fiscal special accounts.",
        "财政专户(管理资金)?收入",
        "财政专户(管理资金|核拨)",
    ),
    amount("business", "事业收入", "Income from public-service activities."),
    amount(
        "operating", "经营收入", "Operating income of public institutions.", "(事业单位)?经营收入"
    ),
    amount("superior_subsidy", "上级补助收入", "Subsidies from the superior body."),
    amount("affiliate_remittance", "附属单位上缴收入", "Remittances from affiliates."),
    amount("other", "其他收入", "Other income."),
    amount(
        "carryover",
        "上年结转",
        "Carry-over from the previous year.",
        "上年结转(结余)?",
        "用事业基金弥补收支差额",
    ),
)

EXPENDITURE_USES = (
    amount("operating", "经营支出", "Operating expenditure.", "(事业单位)?经营支出"),
    amount(
        "remit_superior", "上缴上级支出", "Remittances to the superior body.", "上[缴解]上级支出"
    ),
    amount("subsidy_affiliate", "对附属单位补助支出", "Subsidies to affiliates."),
    amount("reserve", "单位预留机动经费", "Reserve for contingencies."),
    amount("carry_forward", "结转下年资金", "Carried forward to the next year.", "结转下年(资金)?"),
)
