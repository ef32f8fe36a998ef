"""The table catalogue: which disclosure tables exist, how to know them, what their columns mean.

One entry per table *kind*. An entry names the ASCII resource name, the printed titles that
identify it (regular expressions over the title with spaces removed), the code scheme of its
科目编码 column, and its fields. Each field lists the header texts it accepts: a pattern with
a ``/`` is matched against the end of the column's header path (``收入/项目``), any other
pattern against the last header level alone. Adding a region's variant is adding a pattern.

The Table Schemas in ``schemas/`` are generated from this catalogue (``opendata schemas``)
so that a schema and the reader can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    """One column of a table kind."""

    name: str
    title: str  # canonical Chinese header
    description: str  # English
    kind: str  # "seq" | "code" | "label" | "amount" | "quantity" | "text"
    patterns: tuple[str, ...] = ()
    concept: str | None = None  # what an amount measures, for the facts table
    label_field: str | None = None  # the label column an amount belongs to (two-sided tables)

    def matches(self, path: str) -> bool:
        leaf = path.rsplit("/", 1)[-1]
        for pattern in self.patterns or (self.title,):
            target = path if "/" in pattern else leaf
            if "/" in pattern:
                if re.search(f"(^|/)(?:{pattern})$", target):
                    return True
            elif re.fullmatch(pattern, target):
                return True
        return False


@dataclass(frozen=True)
class TableKind:
    """A kind of disclosure table."""

    key: str  # resource and schema name
    title: str  # canonical Chinese title
    title_en: str
    titles: tuple[str, ...]  # regexes searched in the printed title (spaces removed)
    fields: tuple[FieldSpec, ...]
    code_scheme: str | None = None  # "functional" | "economic"
    header_rows: int | None = None  # fixed header height when no 栏次 row ends the header
    has_preamble: bool = True  # department / year / unit lines between title and header
    phase: str = "预算"
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def label_field(self) -> str | None:
        return next((f.name for f in self.fields if f.kind == "label"), None)


def _seq() -> FieldSpec:
    return FieldSpec("seq", "序号", "Row number as printed.", "seq", ("序号", "行次"))


def _code(scheme: str) -> FieldSpec:
    what = "functional (支出功能分类)" if scheme == "functional" else "economic (经济分类)"
    return FieldSpec(
        "code",
        "科目编码",
        f"Subject code of the {what} classification.",
        "code",
        ("科目编码", "编码"),
    )


def _name() -> FieldSpec:
    return FieldSpec("name", "科目名称", "Subject name as printed.", "label", ("科目名称", "名称"))


def _amount(
    name: str,
    title: str,
    en: str,
    *patterns: str,
    concept: str | None = None,
    label: str | None = None,
) -> FieldSpec:
    return FieldSpec(name, title, en, "amount", patterns or (title,), concept or title, label)


_TOTAL = _amount("total", "合计", "Total.", "合计", "总计")
_BASIC = _amount("basic", "基本支出", "Basic expenditure (personnel and running costs).")
_PROJECT = _amount("project", "项目支出", "Project expenditure.")

_FUNCTIONAL_EXPENDITURE_FIELDS = (_seq(), _code("functional"), _name(), _TOTAL, _BASIC, _PROJECT)

KINDS: tuple[TableKind, ...] = (
    TableKind(
        "fiscal_summary",
        "财政拨款收支总表",
        "Summary of fiscal appropriation income and expenditure",
        (r"财政拨款收支(预算)?总表",),
        (
            _seq(),
            FieldSpec("income_item", "收入项目", "Income item.", "label", ("收入/项目",)),
            _amount(
                "income_amount",
                "收入金额",
                "Income amount.",
                "收入/金额",
                "收入/预算数",
                concept="收入",
                label="income_item",
            ),
            FieldSpec("expenditure_item", "支出项目", "Expenditure item.", "label", ("支出/项目",)),
            _amount(
                "expenditure_total",
                "支出合计",
                "Expenditure, total.",
                "支出/合计",
                concept="支出合计",
                label="expenditure_item",
            ),
            _amount(
                "general_budget",
                "一般公共预算财政拨款",
                "Expenditure from general public budget appropriations.",
                "一般公共预算(财政)?拨款",
                label="expenditure_item",
            ),
            _amount(
                "gov_fund",
                "政府性基金预算财政拨款",
                "Expenditure from government fund appropriations.",
                "政府性?基金预算(财政)?拨款",
                label="expenditure_item",
            ),
            _amount(
                "soe_capital",
                "国有资本经营预算财政拨款",
                "Expenditure from state capital operations appropriations.",
                "国有资本经营预算(财政)?拨款",
                label="expenditure_item",
            ),
        ),
    ),
    TableKind(
        "budget_summary",
        "部门预算收支总表",
        "Summary of income and expenditure",
        (r"收支(预算)?总表", r"财务收支预算总表"),
        (
            _seq(),
            FieldSpec("income_item", "收入项目", "Income item.", "label", ("收入/项目",)),
            _amount(
                "income_amount",
                "收入预算数",
                "Income, budgeted amount.",
                "收入/预算数",
                "收入/金额",
                concept="收入",
                label="income_item",
            ),
            FieldSpec("expenditure_item", "支出项目", "Expenditure item.", "label", ("支出/项目",)),
            _amount(
                "expenditure_amount",
                "支出预算数",
                "Expenditure, budgeted amount.",
                "支出/预算数",
                "支出/金额",
                concept="支出",
                label="expenditure_item",
            ),
        ),
    ),
    TableKind(
        "income",
        "部门预算收入总表",
        "Income by functional classification",
        (r"收入(预算)?总表",),
        (
            _seq(),
            _code("functional"),
            _name(),
            _TOTAL,
            _amount("subtotal", "本年收入小计", "Income of the year, subtotal.", "小计"),
            _amount(
                "fiscal_appropriation",
                "财政拨款收入",
                "Fiscal appropriations.",
                "财政拨款收入",
                "财政拨款",
            ),
            _amount(
                "special_account",
                "财政专户收入",
                "Income from fiscal special accounts.",
                "财政专户(管理资金)?收入",
                "财政专户(管理资金|核拨)",
            ),
            _amount("business", "事业收入", "Income from public-service activities."),
            _amount(
                "operating",
                "经营收入",
                "Operating income of public institutions.",
                "(事业单位)?经营收入",
            ),
            _amount("superior_subsidy", "上级补助收入", "Subsidies from the superior body."),
            _amount("affiliate_remittance", "附属单位上缴收入", "Remittances from affiliates."),
            _amount("other", "其他收入", "Other income."),
            _amount(
                "carryover",
                "上年结转",
                "Carry-over from the previous year.",
                "上年结转(结余)?",
                "用事业基金弥补收支差额",
            ),
        ),
        code_scheme="functional",
    ),
    TableKind(
        "expenditure",
        "部门预算支出总表",
        "Expenditure by functional classification",
        (r"支出(预算)?总表",),
        (
            *_FUNCTIONAL_EXPENDITURE_FIELDS,
            _amount("operating", "经营支出", "Operating expenditure.", "(事业单位)?经营支出"),
            _amount(
                "remit_superior",
                "上缴上级支出",
                "Remittances to the superior body.",
                "上[缴解]上级支出",
            ),
            _amount("subsidy_affiliate", "对附属单位补助支出", "Subsidies to affiliates."),
        ),
        code_scheme="functional",
    ),
    TableKind(
        "general_budget_basic",
        "一般公共预算财政拨款基本支出表",
        "General public budget appropriations: basic expenditure by economic classification",
        (r"一般公共预算(财政拨款)?基本支出(预算)?表",),
        (
            _seq(),
            _code("economic"),
            _name(),
            _TOTAL,
            _amount("personnel", "人员经费", "Personnel costs.", "人员经费", "人员支出"),
            _amount("public", "公用经费", "Running (public-use) costs.", "公用经费", "公用支出"),
        ),
        code_scheme="economic",
    ),
    TableKind(
        "general_budget_expenditure",
        "一般公共预算财政拨款支出表",
        "General public budget appropriations: expenditure by functional classification",
        (r"一般公共预算(财政拨款)?支出(预算)?表",),
        _FUNCTIONAL_EXPENDITURE_FIELDS,
        code_scheme="functional",
    ),
    TableKind(
        "gov_fund_expenditure",
        "政府性基金预算财政拨款支出表",
        "Government fund appropriations: expenditure by functional classification",
        (r"政府性?基金预算(财政拨款)?支出(预算)?表",),
        _FUNCTIONAL_EXPENDITURE_FIELDS,
        code_scheme="functional",
    ),
    TableKind(
        "soe_capital_expenditure",
        "国有资本经营预算财政拨款支出表",
        "State capital operations appropriations: expenditure by functional classification",
        (r"国有资本经营预算(财政拨款)?支出(预算)?表",),
        _FUNCTIONAL_EXPENDITURE_FIELDS,
        code_scheme="functional",
    ),
    TableKind(
        "three_public",
        "财政拨款“三公”经费支出表",
        "“Three public” expenses (overseas travel, official vehicles, official reception)",
        (r"三公.{0,3}经费(支出)?(预算)?表",),
        (
            _seq(),
            FieldSpec("item", "项目", "Item.", "label", ("项目",)),
            _TOTAL,
            _amount(
                "general_budget",
                "一般公共预算财政拨款",
                "From general public budget appropriations.",
                "一般公共预算(财政)?拨款",
            ),
            _amount(
                "gov_fund",
                "政府性基金预算拨款",
                "From government fund appropriations.",
                "政府性?基金预算(财政)?拨款",
            ),
            _amount(
                "soe_capital",
                "国有资本经营预算财政拨款",
                "From state capital operations appropriations.",
                "国有资本经营预算(财政)?拨款",
            ),
        ),
    ),
    TableKind(
        "procurement",
        "部门政府采购预算",
        "Government procurement budget",
        (r"政府采购(预算|情况)表?$",),
        (
            FieldSpec(
                "project_name",
                "项目名称",
                "Source project.",
                "label",
                ("政府采购项目来源/项目名称", "项目名称"),
            ),
            _amount("project_budget", "预算资金", "Budget of the source project.", "预算资金"),
            FieldSpec(
                "item_name", "采购物品名称", "Item procured.", "text", ("采购(物品|品目)名称",)
            ),
            FieldSpec(
                "catalogue_code",
                "政府采购目录序号",
                "Code in the government procurement catalogue (政府采购品目分类目录).",
                "text",
                ("政府采购目录序号", "(采购)?品目(编码|代码)"),
            ),
            FieldSpec("measure_unit", "计量单位", "Unit of measure as printed.", "text"),
            FieldSpec("quantity", "数量", "Quantity.", "quantity"),
            _amount("unit_price", "单价", "Unit price."),
            _amount(
                "total",
                "政府采购金额合计",
                "Procurement amount, total.",
                "政府采购金额.*/合计",
                "合计",
            ),
            _amount(
                "general_budget",
                "一般公共预算拨款",
                "From general public budget appropriations.",
                "一般公共预算(财政)?拨款",
            ),
            _amount(
                "gov_fund",
                "基金预算拨款",
                "From government fund appropriations.",
                "(政府性)?基金预算(财政)?拨款",
            ),
            _amount(
                "soe_capital",
                "国有资本经营预算拨款",
                "From state capital operations appropriations.",
                "国有资本经营预算(财政)?拨款",
            ),
            _amount("special_account", "财政专户核拨", "From fiscal special accounts."),
            _amount("unit_funds", "单位资金", "From the unit's own funds."),
            _amount("fiscal_carryover", "财政拨款结转", "From carried-over appropriations."),
            _amount("nonfiscal_carryover", "非财政拨款结转结余", "From other carried-over funds."),
            _amount(
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
            FieldSpec("item", "项目", "Asset class.", "label", ("项目",)),
            FieldSpec("quantity", "数量", "Number of items; '-' means not applicable.", "quantity"),
            _amount(
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
            FieldSpec("name", "单位名称", "Unit name.", "label"),
            FieldSpec(
                "nature",
                "单位性质",
                "Nature of the unit (行政 administrative, 事业 public institution, …).",
                "text",
            ),
            FieldSpec("rank", "单位规格", "Administrative rank.", "text"),
            FieldSpec("funding", "经费保障形式", "How the unit is funded.", "text"),
        ),
        header_rows=1,
        has_preamble=False,
    ),
)

KINDS_BY_KEY = {k.key: k for k in KINDS}


def normalise_title(text: str) -> str:
    """A printed title with spaces and TOC dots removed, quotes unified."""
    text = re.sub(r"[\s\u3000]+", "", text)
    text = re.sub(r"[.…·]{2,}\d*$", "", text)
    return text.replace('"', "“").replace("＂", "“")


def find_kind(title: str) -> TableKind | None:
    """The table kind a printed title names, or None."""
    clean = normalise_title(title)
    for kind in KINDS:
        if any(re.search(p, clean) for p in kind.titles):
            return kind
    return None


def match_columns(kind: TableKind, paths: list[str]) -> list[FieldSpec | None]:
    """Map header paths onto the kind's fields, each field used at most once."""
    used: set[str] = set()
    result: list[FieldSpec | None] = []
    for path in paths:
        spec = next((f for f in kind.fields if f.name not in used and f.matches(path)), None)
        if spec is not None:
            used.add(spec.name)
        result.append(spec)
    return result
