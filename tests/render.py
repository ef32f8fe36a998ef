"""Test support: render a small budget model back into the text layout of a real disclosure.

The layout is the one of ``samples/qinhuangdao-etdz-party-building-2023-budget.txt``: a title
paragraph and a table of contents, then each table as its title, the department / year / unit
preamble, tab-separated header rows, a ``栏次`` row and the data rows. A table longer than
``page_rows`` rows is split into pages, each repeating the preamble, the header and ``栏次``.
A row may wrap its label: the rest of the label follows as a row with only the label cell
filled and 序号 blank, on the next line or, when the row ends a page, right after the next
page's ``栏次`` row (as ``十五、资源勘探工业信息`` / ``等支出`` in the sample). Project
绩效目标表 follow under the narrative heading, with 一级/二级指标 merged (blank) below the first
row of their group.

Nothing here imports :mod:`opendata`: the renderer is an independent statement of the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# -- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountRow:
    """One data row: its label, its amounts (one per amount column) and its code, if any.

    ``wrap_at`` splits the label after that many characters: the head stays on the row, the
    tail is printed as a continuation row (only the label cell filled, 序号 blank).
    """

    label: str
    amounts: tuple[Decimal | None, ...]
    code: str | None = None
    wrap_at: int | None = None


@dataclass
class AmountTable:
    """A disclosure table: title, header rows (without 栏次), amount column names and rows."""

    kind: str  # the catalogue key the reader should give it
    title: str
    header: tuple[tuple[str, ...], ...]
    columns: tuple[str, ...]  # model field names of the amount columns, in printed order
    has_code: bool
    rows: list[AmountRow] = field(default_factory=list)
    label_column: str = "name"
    note: str | None = None

    @property
    def width(self) -> int:
        return (3 if self.has_code else 2) + len(self.columns)


@dataclass(frozen=True)
class IndicatorSpec:
    """One row of a 绩效目标表."""

    level1: str
    level2: str
    level3: str
    description: str
    value: str
    basis: str


@dataclass
class ProjectSpec:
    """A project 绩效目标表: name, goal text (printed in ``goal_column``) and indicators.

    ``title_break`` wraps the printed title (``3、…绩效目标表``) after that many characters;
    ``page_break`` ends a page after that many indicator rows (a blank line, then the indicator
    header again when ``repeat_header``; merged cells of a group running on stay blank).
    """

    name: str
    goal: str
    indicators: list[IndicatorSpec]
    goal_column: int = 1
    title_break: int | None = None
    page_break: int | None = None
    repeat_header: bool = False

    def title(self, number: int) -> str:
        return f"{number}、{self.name}绩效目标表"


# -- tables as the sample prints them --------------------------------------------------------

EXPENDITURE_COLUMNS = (
    "total",
    "basic",
    "project",
    "operating",
    "remit_superior",
    "subsidy_affiliate",
)
BASIC_COLUMNS = ("total", "personnel", "public")
THREE_PUBLIC_COLUMNS = ("total", "general_budget", "gov_fund", "soe_capital")
FUNCTIONAL_COLUMNS = ("total", "basic", "project")

#: The rows of the 三公 table, as printed in the sample (the labels are fixed by the form).
THREE_PUBLIC_LABELS = (
    "合计",
    "“三公”经费小计",
    "一、因公出国（境）费",
    "其中：教学科研人员因公出国（境）费",
    "其他因公出国（境）费",
    "二、公务用车购置及运维费",
    "其中：公务用车购置费",
    "公务用车运行维护费",
    "三、公务接待费",
)


def expenditure_table(rows: list[AmountRow]) -> AmountTable:
    """部门预算支出总表: functional codes; 合计, 基本支出, 项目支出 and three more amounts."""
    return AmountTable(
        "expenditure",
        "部门预算支出总表",
        (
            (
                "序号",
                "功能分类科目",
                "",
                "合计",
                "基本支出",
                "项目支出",
                "经营支出",
                "上解上级 支出",
                "对附属单位补助支出",
            ),
            ("", "科目 编码", "科目名称", "", "", "", "", "", ""),
        ),
        EXPENDITURE_COLUMNS,
        True,
        rows,
    )


def basic_table(rows: list[AmountRow]) -> AmountTable:
    """部门预算一般公共预算财政拨款基本支出表: economic codes; 合计, 人员经费, 公用经费."""
    return AmountTable(
        "general_budget_basic",
        "部门预算一般公共预算财政拨款基本支出表",
        (
            ("序号", "支出部门经济分类科目", "", "一般公共预算基本支出", "", ""),
            ("", "科目编码", "科目名称", "合计", "人员经费", "公用经费"),
        ),
        BASIC_COLUMNS,
        True,
        rows,
    )


def three_public_table(rows: list[AmountRow]) -> AmountTable:
    """部门预算财政拨款“三公”经费支出表: an item label and four amounts by source of funds."""
    return AmountTable(
        "three_public",
        "部门预算财政拨款“三公”经费支出表",
        (
            ("序号", "项 目", "资 金 性 质", "", "", ""),
            (
                "",
                "",
                "合计",
                "一般公共预算财政拨款",
                "政府性基金预算拨款",
                "国有资本经营预算财政拨款",
            ),
        ),
        THREE_PUBLIC_COLUMNS,
        False,
        rows,
        label_column="item",
    )


def gov_fund_table(rows: list[AmountRow] | None = None) -> AmountTable:
    """部门预算政府基金预算财政拨款支出表; empty with its note unless rows are given."""
    return AmountTable(
        "gov_fund_expenditure",
        "部门预算政府基金预算财政拨款支出表",
        (
            ("序号", "功能分类科目", "", "合计", "基本支出", "项目支出"),
            ("", "科目编码", "科目名称", "", "", ""),
        ),
        FUNCTIONAL_COLUMNS,
        True,
        rows or [],
        note=None if rows else "注：无政府基金预算财政拨款预算，空表列示。",
    )


# -- rendering -----------------------------------------------------------------------------


def format_amount(value: Decimal | None, thousands: bool = False) -> str:
    """An amount as printed: blank for None, else fixed point (``1,234.50`` with thousands)."""
    if value is None:
        return ""
    return format(value, ",f" if thousands else "f")


@dataclass(frozen=True)
class _Context:
    department_code: str
    department: str
    year: int
    unit: str
    year_on_next_line: bool
    department_break: int | None
    thousands: bool
    form_feeds: bool


def _preamble(ctx: _Context) -> list[str]:
    lines: list[str] = []
    cut = ctx.department_break
    if cut is not None and 0 < cut < len(ctx.department):
        lines += [f"{ctx.department_code} {ctx.department[:cut]}", ctx.department[cut:], ""]
    else:
        lines += [f"{ctx.department_code} {ctx.department}", ""]
    if ctx.year_on_next_line:
        lines += ["预算年度：", str(ctx.year), ""]
    else:
        lines += [f"预算年度：{ctx.year}", ""]
    lines += [f"单位：{ctx.unit}", ""]
    return lines


def _new_page(line: str, ctx: _Context) -> str:
    return ("\f" if ctx.form_feeds else "") + line


def _row_cells(
    table: AmountTable, seq: str, code: str, label: str, amounts: Sequence[str]
) -> list[str]:
    cells = [seq]
    if table.has_code:
        cells.append(code)
    cells.append(label)
    cells.extend(amounts)
    return cells


def _continuation(table: AmountTable, tail: str) -> str:
    return "\t".join(_row_cells(table, "", "", tail, [""] * len(table.columns)))


def render_table(table: AmountTable, ctx: _Context, page_rows: int) -> list[str]:
    """The lines of one table, split into pages of ``page_rows`` rows."""
    if page_rows < 1:
        raise ValueError("page_rows must be at least 1")
    out = [_new_page(table.title, ctx), ""]
    rows = table.rows
    pages = [rows[i : i + page_rows] for i in range(0, len(rows), page_rows)] or [[]]
    pending: str | None = None  # a label tail carried over a page break
    seq = 0
    for number, page in enumerate(pages):
        preamble = _preamble(ctx)
        if number:
            out.append("")
            preamble[0] = _new_page(preamble[0], ctx)
        out += preamble
        out += ["\t".join(h) for h in table.header]
        out.append("\t".join(["栏次", *(str(j) for j in range(1, table.width))]))
        if pending is not None:
            out.append(_continuation(table, pending))
            pending = None
        for k, row in enumerate(page):
            seq += 1
            head, tail = row.label, None
            if row.wrap_at is not None and 0 < row.wrap_at < len(row.label):
                head, tail = row.label[: row.wrap_at], row.label[row.wrap_at :]
            amounts = [format_amount(v, ctx.thousands) for v in row.amounts]
            if len(amounts) != len(table.columns):
                raise ValueError(f"row {row.label!r} has {len(amounts)} amounts")
            out.append("\t".join(_row_cells(table, str(seq), row.code or "", head, amounts)))
            if tail is not None:
                if k == len(page) - 1 and number < len(pages) - 1:
                    pending = tail
                else:
                    out.append(_continuation(table, tail))
    if table.note:
        out += ["", table.note]
    out.append("")
    return out


def render_project(number: int, project: ProjectSpec) -> list[str]:
    """One 绩效目标表: title, 绩效目标 row, the indicator header and rows (merged cells blank)."""
    goal = [""] * 5
    goal[max(0, min(project.goal_column, 5) - 1)] = project.goal
    title = project.title(number)
    cut = project.title_break
    out = [title] if cut is None or not 0 < cut < len(title) else [title[:cut], title[cut:]]
    out += ["", "\t".join(["绩效目标", *goal])]
    header = "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据"
    out.append(header)
    previous: IndicatorSpec | None = None
    for position, ind in enumerate(project.indicators):
        if position and position == project.page_break:
            out += ["", header] if project.repeat_header else [""]
        new_level1 = previous is None or ind.level1 != previous.level1
        new_level2 = new_level1 or previous is None or ind.level2 != previous.level2
        cells = [
            ind.level1 if new_level1 else "",
            ind.level2 if new_level2 else "",
            ind.level3,
            ind.description,
            ind.value,
            ind.basis,
        ]
        out.append("\t".join(cells))
        previous = ind
    out.append("")
    return out


def render_document(
    department_code: str,
    department: str,
    year: int,
    tables: Sequence[AmountTable],
    projects: Sequence[ProjectSpec] = (),
    page_rows: int = 18,
    *,
    unit: str = "万元",
    year_on_next_line: bool = False,
    department_break: int | None = None,
    thousands: bool = False,
    form_feeds: bool = False,
) -> str:
    """A whole disclosure as text: title block, contents, the tables, narrative and projects.

    ``department_break`` wraps the department name after that many characters onto a second
    preamble line; ``year_on_next_line`` prints ``预算年度：`` and the year on two lines;
    ``thousands`` prints amounts with thousands separators; ``form_feeds`` starts every page
    (title page, contents, each table page, the narrative) with a form feed.
    """
    ctx = _Context(
        department_code,
        department,
        year,
        unit,
        year_on_next_line,
        department_break,
        thousands,
        form_feeds,
    )
    out = ["", f"**{year} 年{department}", "部门预算信息公开**", ""]
    out += [_new_page(f"{year} 年部门预算信息公开目录", ctx), "", "部门预算公开表", ""]
    page = 3
    for table in tables:
        out.append(f"{table.title}.....\t{page}")
        page += max(1, -(-len(table.rows) // page_rows))
    out += ["", "部门预算信息公开情况说明", ""]
    out += [f"一、部门职责及机构设置情况.....\t{page}", "--------------------\t----", ""]
    out += [f"五、预算绩效信息.....\t{page + 1}", ""]
    for table in tables:
        out += render_table(table, ctx, page_rows)
    out += [
        _new_page(f"{department} {year} 年部门预算信息公开情况说明", ctx),
        "",
        "五、预算绩效信息",
        "",
        "第三部分 预算项目绩效目标",
        "",
    ]
    if not projects:
        out += ["本部门无预算项目绩效目标。", ""]
    for number, project in enumerate(projects, start=1):
        out += render_project(number, project)
    return "\n".join(out) + "\n"
