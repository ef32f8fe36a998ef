"""The table kinds of budget (预算) and final-account (决算) disclosures.

Titles and headers differ by region and year; each kind lists the variants seen so far
(Hebei 2023 text, Shanghai 2023/2024 PDF, Jiangsu 2019 PDF). Order matters where titles
overlap: the more specific title comes first (财政拨款收支总表 before 收支总表).
"""

from __future__ import annotations

from opendata.kinds.spec import (
    FieldSpec,
    TableKind,
    amount,
    code,
    code_parts,
    label,
    name,
    quantity,
    seq,
    text,
)

_GB = r"一般公共预算(财政)?(拨款)?(资金)?"
_GF = r"(政府性?)?基金(预算)?(财政)?(拨款)?"
_SOE = r"国有资本经营(预算)?(财政)?(拨款)?"
_YEAR = r"((本|当)年)?"

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


def _functional() -> tuple[FieldSpec, ...]:
    return (seq(), code("functional"), *code_parts(), name())


def _economic() -> tuple[FieldSpec, ...]:
    return (seq(), code("economic"), *code_parts(), name())


def _two_sided(*extra: FieldSpec) -> tuple[FieldSpec, ...]:
    return (
        seq(),
        label("income_item", "收入项目", "Income item.", f"{_YEAR}(财政拨款)?收入/项目(名称)?"),
        amount(
            "income_amount",
            "收入金额",
            "Income amount.",
            f"{_YEAR}(财政拨款)?收入/(金额|预算数|决算数)",
            concept="收入",
            label_of="income_item",
        ),
        label(
            "expenditure_item",
            "支出项目",
            "Expenditure item.",
            f"{_YEAR}(财政拨款)?支出/项目(名称)?",
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


def _by_fund(label_of: str | None = None) -> tuple[FieldSpec, ...]:
    return (
        amount(
            "general_budget",
            "一般公共预算财政拨款",
            "From general public budget appropriations.",
            _GB,
            label_of=label_of,
        ),
        amount(
            "gov_fund",
            "政府性基金预算财政拨款",
            "From government fund appropriations.",
            _GF,
            label_of=label_of,
        ),
        amount(
            "soe_capital",
            "国有资本经营预算财政拨款",
            "From state capital operations appropriations.",
            _SOE,
            label_of=label_of,
        ),
    )


_INCOME_SOURCES = (
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

_EXPENDITURE_USES = (
    amount("operating", "经营支出", "Operating expenditure.", "(事业单位)?经营支出"),
    amount(
        "remit_superior", "上缴上级支出", "Remittances to the superior body.", "上[缴解]上级支出"
    ),
    amount("subsidy_affiliate", "对附属单位补助支出", "Subsidies to affiliates."),
    amount("reserve", "单位预留机动经费", "Reserve for contingencies."),
    amount("carry_forward", "结转下年资金", "Carried forward to the next year.", "结转下年(资金)?"),
)

_FINAL = r"决算"

BUDGET_KINDS: tuple[TableKind, ...] = (
    TableKind(
        "fiscal_summary",
        "财政拨款收支总表",
        "Summary of fiscal appropriation income and expenditure",
        (r"^(?!.*决算).*财政拨款收支(预算)?总表",),
        _two_sided(
            amount(
                "expenditure_total",
                "支出合计",
                "Expenditure, total.",
                f"{_YEAR}(财政拨款)?支出/合计",
                concept="支出合计",
                label_of="expenditure_item",
            ),
            *_by_fund("expenditure_item"),
        ),
    ),
    TableKind(
        "budget_summary",
        "部门预算收支总表",
        "Summary of income and expenditure",
        (r"^(?!.*决算).*收支(预算)?总表",),
        _two_sided(
            amount(
                "expenditure_amount",
                "支出预算数",
                "Expenditure, budgeted amount.",
                f"{_YEAR}支出/(预算数|金额)",
                "功能分类/金额",
                concept="支出",
                label_of="expenditure_item",
            ),
        ),
    ),
    TableKind(
        "income",
        "部门预算收入总表",
        "Income by functional classification",
        (r"^(?!.*决算).*收入(预算)?总表",),
        (*_functional(), TOTAL, *_INCOME_SOURCES),
        code_scheme="functional",
    ),
    TableKind(
        "income_sources",
        "收入预算总表（按来源）",
        "Income by source of funds",
        (r"^(?!.*决算).*收入(预算)?总表",),
        (
            label("source", "项目名称", "Source of funds (group).", "项目名称"),
            label("source_item", "项目名称（细项）", "Source of funds (item).", ""),
            amount(
                "amount",
                "金额",
                "Amount.",
                "金额",
                "预算数",
                concept="收入",
                label_of="source_item",
            ),
        ),
    ),
    TableKind(
        "expenditure",
        "部门预算支出总表",
        "Expenditure by functional classification",
        (r"^(?!.*决算).*支出(预算)?总表",),
        (*_functional(), TOTAL, BASIC, PROJECT, *_EXPENDITURE_USES),
        code_scheme="functional",
    ),
    TableKind(
        "general_budget_basic",
        "一般公共预算财政拨款基本支出表",
        "General public budget appropriations: basic expenditure by economic classification",
        (r"^(?!.*决算).*一般公共预算(财政拨款)?基本支出.*表",),
        (
            *_economic(),
            TOTAL,
            amount("personnel", "人员经费", "Personnel costs.", "人员经费", "人员支出"),
            amount("public", "公用经费", "Running (public-use) costs.", "公用经费", "公用支出"),
        ),
        code_scheme="economic",
    ),
    TableKind(
        "general_budget_expenditure",
        "一般公共预算财政拨款支出表",
        "General public budget appropriations: expenditure by functional classification",
        (r"^(?!.*决算).*一般公共预算(财政拨款)?支出(功能分类)?(预算)?表",),
        (*_functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "fiscal_basic",
        "财政拨款基本支出表",
        "Fiscal appropriations: basic expenditure by economic classification",
        (r"^(?!.*(决算|一般公共预算)).*财政拨款基本支出(预算)?表",),
        (
            *_economic(),
            TOTAL,
            amount("personnel", "人员经费", "Personnel costs.", "人员经费", "人员支出"),
            amount("public", "公用经费", "Running (public-use) costs.", "公用经费", "公用支出"),
        ),
        code_scheme="economic",
    ),
    TableKind(
        "fiscal_expenditure",
        "财政拨款支出表",
        "Fiscal appropriations: expenditure by functional classification",
        (r"^(?!.*(决算|一般公共预算|基金|国有资本)).*财政拨款支出(预算)?表",),
        (*_functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "gov_fund_expenditure",
        "政府性基金预算财政拨款支出表",
        "Government fund appropriations: expenditure by functional classification",
        (r"^(?!.*决算).*政府性?基金(预算)?(财政拨款)?支出(功能分类)?(预算)?表",),
        (*_functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "soe_capital_expenditure",
        "国有资本经营预算财政拨款支出表",
        "State capital operations appropriations: expenditure by functional classification",
        (r"^(?!.*决算).*国有资本经营预算(财政拨款)?支出(功能分类)?(预算)?表",),
        (*_functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "running_costs",
        "一般公共预算机关运行经费支出表",
        "General public budget: running costs of government bodies (机关运行经费)",
        (r"^(?!.*决算).*机关运行经费(支出)?(预算)?表",),
        (
            *_economic(),
            amount(
                "total", "机关运行经费支出", "Running costs.", "机关运行经费(支出)?", "合计", "金额"
            ),
        ),
        code_scheme="economic",
    ),
    TableKind(
        "three_public",
        "财政拨款“三公”经费支出表",
        "“Three public” expenses (overseas travel, official vehicles, official reception)",
        (r"^(?!.*决算).*三公.{0,3}经费.*表",),
        (
            seq(),
            label("item", "项目", "Item (when the items are printed as rows).", "项目"),
            amount("total", "合计", "Total.", "合计", r"(资金性质/)?合计"),
            amount(
                "subtotal",
                "“三公”经费小计",
                "“Three public” expenses, subtotal.",
                r"“?三公”?经费/小计",
                r"“?三公”?经费小计",
            ),
            *_by_fund(),
            amount(
                "overseas",
                "因公出国（境）费",
                "Official overseas travel.",
                r"因公出国[（(]境[)）](费)?",
            ),
            amount(
                "vehicles",
                "公务用车购置及运行费",
                "Official vehicles, purchase and running.",
                r"公务用车购置及运[行维]+(护)?费(/小计)?",
            ),
            amount(
                "vehicle_purchase",
                "公务用车购置费",
                "Official vehicle purchase.",
                r"(公务用车)?购置费",
            ),
            amount(
                "vehicle_operation",
                "公务用车运行维护费",
                "Official vehicle running costs.",
                r"(公务用车)?运行(维护)?费",
            ),
            amount("reception", "公务接待费", "Official reception."),
            amount("meetings", "会议费", "Meetings."),
            amount("training", "培训费", "Training."),
            amount(
                "running_costs",
                "机关运行经费",
                "Running costs of government bodies.",
                r".*机关运行经费.*",
            ),
        ),
    ),
    TableKind(
        "procurement",
        "部门政府采购预算",
        "Government procurement budget",
        (r"^(?!.*决算).*政府采购(支出)?(预算|情况)表?$",),
        (
            label(
                "project_name",
                "项目名称",
                "Source project.",
                "政府采购项目来源/项目名称",
                "项目名称",
                "专项名称",
            ),
            amount("project_budget", "预算资金", "Budget of the source project.", "预算资金"),
            text(
                "category", "采购品目大类", "Procurement category (货物/工程/服务).", "采购品目大类"
            ),
            text(
                "economic_code", "经济科目", "Economic classification of the spending.", "经济科目"
            ),
            text("item_name", "采购物品名称", "Item procured.", "采购(物品|品目)名称"),
            text(
                "catalogue_code",
                "政府采购目录序号",
                "Code in the government procurement catalogue (政府采购品目分类目录).",
                "政府采购目录序号",
                "(采购)?品目(编码|代码)",
            ),
            text(
                "method",
                "采购组织形式",
                "How the procurement is organised.",
                "采购组织形式?",
                "组织形式",
            ),
            text("measure_unit", "计量单位", "Unit of measure as printed."),
            quantity("quantity", "数量", "Quantity."),
            amount("unit_price", "单价", "Unit price."),
            amount(
                "total",
                "政府采购金额合计",
                "Procurement amount, total.",
                "政府采购金额.*/合计",
                "合计",
                "总计",
                "金额",
            ),
            *_by_fund(),
            amount("special_account", "财政专户核拨", "From fiscal special accounts."),
            amount("unit_funds", "单位资金", "From the unit's own funds."),
            amount("fiscal_carryover", "财政拨款结转", "From carried-over appropriations."),
            amount("nonfiscal_carryover", "非财政拨款结转结余", "From other carried-over funds."),
            amount(
                "sme_reserved",
                "预留中小微企业份额",
                "Share reserved for small and medium enterprises.",
                r"(\d{4}年)?预留中小微?企业份额",
            ),
        ),
        header_rows=2,
    ),
    TableKind(
        "fixed_assets",
        "部门固定资产占用情况表",
        "Fixed assets held",
        (r"固定资产(占用)?情况表",),
        (
            label("item", "项目", "Asset class.", "项目"),
            quantity("quantity", "数量", "Number of items; '-' means not applicable."),
            amount(
                "value",
                "价值",
                "Book value; '-' means not applicable.",
                r"价值.*",
                concept="资产价值",
            ),
        ),
        header_rows=1,
    ),
    TableKind(
        "org_units",
        "部门机构设置情况",
        "Organisation units of the department",
        (r"^(部门)?机构设置情况(表)?$",),
        (
            label("name", "单位名称", "Unit name.", "单位名称"),
            text(
                "nature",
                "单位性质",
                "Nature of the unit (行政 administrative, 事业 public institution, …).",
            ),
            text("rank", "单位规格", "Administrative rank."),
            text("funding", "经费保障形式", "How the unit is funded."),
        ),
        header_rows=1,
        has_preamble=False,
    ),
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
        (r"财政拨款收入支出决算总表",),
        _two_sided(
            amount(
                "expenditure_total",
                "支出合计",
                "Expenditure, total.",
                "支出/合计",
                concept="支出合计",
                label_of="expenditure_item",
            ),
            *_by_fund("expenditure_item"),
        ),
        phase="决算",
    ),
    TableKind(
        "final_summary",
        "收入支出决算总表",
        "Final account: summary of income and expenditure",
        (r"收入支出决算总表",),
        _two_sided(
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
        (*_functional(), TOTAL, *_INCOME_SOURCES),
        code_scheme="functional",
        phase="决算",
    ),
    TableKind(
        "final_expenditure",
        "支出决算表",
        "Final account: expenditure by functional classification",
        (r"^(?!.*(财政拨款|一般公共预算)).*支出决算表",),
        (*_functional(), TOTAL, BASIC, PROJECT, *_EXPENDITURE_USES),
        code_scheme="functional",
        phase="决算",
    ),
    TableKind(
        "final_general_budget_basic",
        "一般公共预算财政拨款基本支出决算表",
        "Final account: general public budget basic expenditure by economic classification",
        (r"一般公共预算(财政拨款)?基本支出决算表",),
        (
            *_economic(),
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
        (*_functional(), TOTAL, BASIC, PROJECT),
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
                *_functional(),
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
                r"政府性?基金预算财政拨款收入支出决算表",
            ),
            (
                "final_soe_capital",
                "国有资本经营预算财政拨款收入支出决算表",
                "Final account: state capital operations appropriations, income and expenditure",
                r"国有资本经营预算财政拨款收入支出决算表",
            ),
        )
    ),
)

KINDS: tuple[TableKind, ...] = FINAL_KINDS + BUDGET_KINDS
KINDS_BY_KEY = {k.key: k for k in KINDS}
