"""The table kinds of final-account (决算) disclosures: the tables a department publishes with
the final account of the past year.

:mod:`opendata.kinds.catalogue` puts these before the budget kinds, whose titles they overlap
(财政拨款收入支出决算总表 before 财政拨款收支总表).
"""

from __future__ import annotations

from opendata.kinds.columns import (
    BASIC,
    EXPENDITURE_USES,
    INCOME_SOURCES,
    PROJECT,
    TOTAL,
    by_fund,
    economic,
    functional,
    two_sided,
)
from opendata.kinds.spec import (
    TableKind,
    amount,
)

_OPENING = amount(
    "opening_balance",
    "年初结转和结余",
    "Balance brought forward at the start of the year.",
    "年初结转和结余",
    "年初财政拨款结转和结余",
)
_CLOSING = amount(
    "closing_balance",
    "年末结转和结余",
    "Balance carried forward at the end of the year.",
    "年末结转和结余",
    "年末财政拨款结转和结余",
)

FINAL_KINDS: tuple[TableKind, ...] = (
    TableKind(
        "final_fiscal_summary",
        "财政拨款收入支出决算总表",
        "Final account: summary of fiscal appropriation income and expenditure",
        (r"^(?!.*(一般公共|基金|国有资本)).*财政拨款收入?支出?决算总?表",),
        two_sided(
            amount(
                "expenditure_total",
                "支出合计",
                "Expenditure, total.",
                "支出/合计",
                concept="支出合计",
                label_of="expenditure_item",
            ),
            *by_fund("expenditure_item"),
        ),
        phase="决算",
    ),
    TableKind(
        "final_summary",
        "收入支出决算总表",
        "Final account: summary of income and expenditure",
        (r"^(?!.*(一般公共|基金|国有资本)).*收入?支出?决算总?表",),
        two_sided(
            amount(
                "expenditure_amount",
                "支出决算数",
                "Expenditure, final amount.",
                "支出/决算数",
                concept="支出",
                label_of="expenditure_item",
            ),
        ),
        phase="决算",
    ),
    TableKind(
        "final_income",
        "收入决算表",
        "Final account: income by functional classification",
        (r"^(?!.*财政拨款).*收入决算表",),
        (*functional(), TOTAL, *INCOME_SOURCES),
        code_scheme="functional",
        phase="决算",
    ),
    TableKind(
        "final_expenditure",
        "支出决算表",
        "Final account: expenditure by functional classification",
        (r"^(?!.*(财政拨款|一般公共预算)).*支出决算表",),
        (*functional(), TOTAL, BASIC, PROJECT, *EXPENDITURE_USES),
        code_scheme="functional",
        phase="决算",
    ),
    TableKind(
        "final_general_budget_basic",
        "一般公共预算财政拨款基本支出决算表",
        "Final account: general public budget basic expenditure by economic classification",
        (r"一般公共预算(财政拨款)?基本支出决算表",),
        (
            *economic(),
            amount("total", "决算数", "Final amount.", "决算数", "合计"),
            amount("personnel", "人员经费", "Personnel costs."),
            amount("public", "公用经费", "Running (public-use) costs."),
        ),
        code_scheme="economic",
        phase="决算",
    ),
    TableKind(
        "final_general_budget_expenditure",
        "一般公共预算财政拨款支出决算表",
        "Final account: general public budget expenditure by functional classification",
        (r"一般公共预算(财政拨款)?支出决算表",),
        (*functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
        phase="决算",
    ),
    TableKind(
        "final_three_public",
        "财政拨款“三公”经费支出决算表",
        "Final account: “three public” expenses, budget and final amounts",
        (r"三公.{0,3}经费.*决算表",),
        tuple(
            amount(
                f"{key}_{phase}",
                f"{title}{cn}",
                f"{en}, {phase} amount.",
                f"{pattern}/{cn}",
                concept=f"{title}{cn}",
            )
            for key, title, en, pattern in (
                ("total", "合计", "Total", "合计"),
                (
                    "overseas",
                    "因公出国（境）费",
                    "Official overseas travel",
                    r"因公出国[（(]境[)）]费",
                ),
                (
                    "vehicles",
                    "公务用车购置及运行维护费",
                    "Official vehicles",
                    r"公务用车购置及运行维护费/小计",
                ),
                (
                    "vehicle_purchase",
                    "公务用车购置费",
                    "Official vehicle purchase",
                    "公务用车购置费",
                ),
                (
                    "vehicle_operation",
                    "公务用车运行维护费",
                    "Official vehicle running costs",
                    "公务用车运行维护费",
                ),
                ("reception", "公务接待费", "Official reception", "公务接待费"),
            )
            for phase, cn in (("budget", "预算数"), ("final", "决算数"))
        ),
        phase="决算",
    ),
    *(
        TableKind(
            key,
            title,
            en,
            (pattern,),
            (
                *functional(),
                _OPENING,
                amount("income", "本年收入", "Income of the year.", "本年收入"),
                amount(
                    "expenditure",
                    "本年支出合计",
                    "Expenditure of the year, total.",
                    "本年支出/合计",
                ),
                BASIC,
                PROJECT,
                _CLOSING,
            ),
            code_scheme="functional",
            phase="决算",
        )
        for key, title, en, pattern in (
            (
                "final_gov_fund",
                "政府性基金预算财政拨款收入支出决算表",
                "Final account: government fund appropriations, income and expenditure",
                r"政府性?基金预算(财政拨款)?(收入)?支出决算表",
            ),
            (
                "final_soe_capital",
                "国有资本经营预算财政拨款收入支出决算表",
                "Final account: state capital operations appropriations, income and expenditure",
                r"国有资本经营预算(财政拨款)?(收入)?支出决算表",
            ),
        )
    ),
)
