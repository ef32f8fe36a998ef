"""The table kinds of budget (预算) disclosures: the tables a department publishes with its
budget for the coming year, and the description of its organisation units.

Order matters where titles overlap: the more specific title comes first (财政拨款收支总表 before
收支总表). :mod:`opendata.kinds.catalogue` puts these after the final-account kinds.
"""

from __future__ import annotations

from opendata.kinds.columns import (
    BASIC,
    EXPENDITURE_USES,
    INCOME_SOURCES,
    PROJECT,
    TOTAL,
    YEAR,
    by_fund,
    economic,
    functional,
    two_sided,
)
from opendata.kinds.spec import (
    TableKind,
    amount,
    label,
    quantity,
    seq,
    text,
)

BUDGET_KINDS: tuple[TableKind, ...] = (
    TableKind(
        "fiscal_summary",
        "财政拨款收支总表",
        "Summary of fiscal appropriation income and expenditure",
        (r"^(?!.*决算).*财政拨款收支(预算)?总?表",),
        two_sided(
            amount(
                "expenditure_total",
                "支出合计",
                "Expenditure, total.",
                f"{YEAR}(财政拨款)?支出/合计",
                concept="支出合计",
                label_of="expenditure_item",
            ),
            *by_fund("expenditure_item"),
        ),
    ),
    TableKind(
        "budget_summary",
        "部门预算收支总表",
        "Summary of income and expenditure",
        (r"^(?!.*决算).*收支(预算)?总?表",),
        two_sided(
            amount(
                "expenditure_amount",
                "支出预算数",
                "Expenditure, budgeted amount.",
                f"{YEAR}支出/(预算数|金额)",
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
        (r"^(?!.*决算).*收入(预算)?总?表",),
        (*functional(), TOTAL, *INCOME_SOURCES),
        code_scheme="functional",
    ),
    TableKind(
        "income_sources",
        "收入预算总表（按来源）",
        "Income by source of funds",
        (r"^(?!.*决算).*收入(预算)?总?表",),
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
        (
            r"^(?!.*(决算|一般公共预算|基金|国有资本|三公|基本支出|项目支出|财政拨款|机关运行)).*支出(预算)?总?表",
        ),
        (*functional(), TOTAL, BASIC, PROJECT, *EXPENDITURE_USES),
        code_scheme="functional",
    ),
    TableKind(
        "general_budget_basic",
        "一般公共预算财政拨款基本支出表",
        "General public budget appropriations: basic expenditure by economic classification",
        (r"^(?!.*决算).*一般公共预算(财政拨款)?基本支出.*表",),
        (
            *economic(),
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
        (*functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "fiscal_basic",
        "财政拨款基本支出表",
        "Fiscal appropriations: basic expenditure by economic classification",
        (r"^(?!.*(决算|一般公共预算)).*财政拨款基本支出(预算)?表",),
        (
            *economic(),
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
        (*functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "gov_fund_expenditure",
        "政府性基金预算财政拨款支出表",
        "Government fund appropriations: expenditure by functional classification",
        (r"^(?!.*决算).*政府性?基金(预算)?(财政拨款)?支出(功能分类)?(预算)?表",),
        (*functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "soe_capital_expenditure",
        "国有资本经营预算财政拨款支出表",
        "State capital operations appropriations: expenditure by functional classification",
        (r"^(?!.*决算).*国有资本经营预算(财政拨款)?支出(功能分类)?(预算)?表",),
        (*functional(), TOTAL, BASIC, PROJECT),
        code_scheme="functional",
    ),
    TableKind(
        "running_costs",
        "一般公共预算机关运行经费支出表",
        "General public budget: running costs of government bodies (机关运行经费)",
        (r"^(?!.*决算).*机关运行经费(支出)?(预算)?表",),
        (
            *economic(),
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
            *by_fund(),
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
            *by_fund(),
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
