"""Round-trip properties: a random, arithmetically consistent budget is rendered into the
sample's text layout (:mod:`tests.render`), read back with :func:`opendata.read.document.read_document`
and written as a data package; every amount, blank, label, code, indicator and fact must come
back exactly, whatever the page size.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from opendata.model import Document, Row, Table
from opendata.read.document import read_document
from opendata.validate.report import validate_package
from opendata.write.package import write_package
from tests.render import (
    THREE_PUBLIC_LABELS,
    AmountRow,
    AmountTable,
    IndicatorSpec,
    ProjectSpec,
    basic_table,
    expenditure_table,
    gov_fund_table,
    render_document,
    three_public_table,
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- vocabulary ------------------------------------------------------------------------------

FUNCTIONAL_CLASSES = {
    "201": "一般公共服务支出",
    "205": "教育支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "221": "住房保障支出",
}
ECONOMIC_CLASSES = {
    "301": "工资福利支出",
    "302": "商品和服务支出",
    "303": "对个人和家庭的补助",
    "310": "资本性支出",
}
# Pieces of real subject names; joined at random they make plausible 款 / 项 names. No piece
# contains 合计 / 总计 / 小计 / 其中：, so every generated row is a detail row.
NAME_WORDS = (
    "党委办公厅（室）",
    "及相关机构事务",
    "行政运行",
    "一般行政管理事务",
    "专项业务",
    "事业运行",
    "统战事务",
    "宗教事务",
    "文化和旅游",
    "其他",
    "行政事业单位",
    "养老",
    "医疗",
    "离退休",
    "机关事业单位基本养老保险缴费",
    "公务员医疗补助",
    "住房公积金",
    "住房改革",
    "普通教育",
    "职业教育",
    "基本工资",
    "津贴补贴",
    "办公费",
    "印刷费",
    "维修(护)费",
    "培训费",
    "支出",
    "服务",
    "补助",
)
DEPARTMENTS = (
    "中共秦皇岛经济技术开发区工作委员会党建工作部",
    "秦皇岛市财政局",
    "秦皇岛经济技术开发区教育局",
    "河北省卫生健康委员会机关",
    "北戴河新区管理委员会社会事业局",
)
LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
TARGET_VALUES = (
    "≥800 卷",
    "≤34.92 万元",
    "=100%",
    "100%",
    "有效",
    "长期",
    ">10次",
    "≥90%",
    "≤6 月",
    "1 次/月/村",
    "3-5个",
    "2023年12月底前",
    "有效提升思想理论基础",
    "≤1.28 万元",
    "",
)
TEXT_CHARS = "党建干部档案数字化管理规范信息水平提升工作效率年度计划实际需要合同满意调查群众"
BASES = (
    "实际工作需要及合同",
    "年度工作计划",
    "满意度调查",
    "按照《河北省农村电影放映工程》文件要求",
)

UNITS = {"元": 1, "万元": 10000, "亿元": 10**8}

# -- strategies ------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**10).map(lambda fen: Decimal(fen).scaleb(-2))
maybe_amount = st.one_of(st.none(), amounts)
names = st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=4).map("".join)
texts = st.text(alphabet=TEXT_CHARS, min_size=1, max_size=30)


def add(values: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the printed values; None when every one is blank (a blank is not zero)."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0.00")) if present else None


def column_sums(children: list[tuple[Decimal | None, ...]]) -> tuple[Decimal | None, ...]:
    return tuple(add(column) for column in zip(*children, strict=True))


@st.composite
def leaf_amounts(draw: st.DrawFn, parts: int, rare: int = 0) -> tuple[Decimal | None, ...]:
    """Amounts of a leaf row: total first, then ``parts`` components (``rare`` mostly blank)."""
    components = [draw(maybe_amount) for _ in range(parts)]
    components += [draw(st.one_of(st.none(), st.none(), st.none(), amounts)) for _ in range(rare)]
    return (add(components), *components)


@st.composite
def coded_rows(
    draw: st.DrawFn, classes: dict[str, str], depth: int, parts: int, rare: int = 0
) -> list[AmountRow]:
    """合计, then 类 / 款 (/ 项) rows with unique codes; every parent is the sum of its children."""

    def wrap(label: str) -> int | None:
        if len(label) < 2 or not draw(st.booleans()):
            return None
        return draw(st.integers(1, len(label) - 1))

    def subtree(code: str, name: str, level: int) -> list[AmountRow]:
        if level == depth:
            return [AmountRow(name, draw(leaf_amounts(parts, rare)), code, wrap(name))]
        suffixes = draw(st.lists(st.integers(1, 99), min_size=1, max_size=3, unique=True))
        rows: list[AmountRow] = []
        children: list[tuple[Decimal | None, ...]] = []
        for suffix in sorted(suffixes):
            child = subtree(f"{code}{suffix:02d}", draw(names), level + 1)
            children.append(child[0].amounts)
            rows += child
        head = AmountRow(name, column_sums(children), code, wrap(name))
        return [head, *rows]

    chosen = draw(st.lists(st.sampled_from(sorted(classes)), min_size=1, max_size=4, unique=True))
    body: list[AmountRow] = []
    tops: list[tuple[Decimal | None, ...]] = []
    for code in sorted(chosen):
        rows = subtree(code, classes[code], 1)
        tops.append(rows[0].amounts)
        body += rows
    return [AmountRow("合计", column_sums(tops), None, wrap("合计")), *body]


@st.composite
def three_public_rows(draw: st.DrawFn) -> list[AmountRow]:
    """The fixed 三公 rows; 合计 = 小计 = 一 + 二 + 三, each group the sum of its 其中 rows."""
    leaves = {i: draw(leaf_amounts(3)) for i in (3, 4, 6, 7, 8)}
    one = column_sums([leaves[3], leaves[4]])
    two = column_sums([leaves[6], leaves[7]])
    subtotal = column_sums([one, two, leaves[8]])
    values = [subtotal, subtotal, one, leaves[3], leaves[4], two, leaves[6], leaves[7], leaves[8]]
    rows = []
    for label, row in zip(THREE_PUBLIC_LABELS, values, strict=True):
        cut = draw(st.one_of(st.none(), st.integers(1, len(label) - 1)))
        rows.append(AmountRow(label, row, None, cut))
    return rows


@st.composite
def projects(draw: st.DrawFn) -> ProjectSpec:
    indicators = []
    for level1 in LEVEL2:
        for level2 in draw(st.lists(st.sampled_from(LEVEL2[level1]), min_size=1, max_size=2)):
            for _ in range(draw(st.integers(1, 2))):
                indicators.append(
                    IndicatorSpec(
                        level1,
                        level2,
                        draw(texts),
                        draw(st.one_of(st.just(""), texts)),
                        draw(st.sampled_from(TARGET_VALUES)),
                        draw(st.one_of(st.just(""), st.sampled_from(BASES))),
                    )
                )
    name = draw(st.sampled_from(("2021 年追加", "", "大组工网"))) + draw(names) + "经费"
    goal = "1." + draw(texts) + "。 2." + draw(texts) + "。"
    # a title wrapped onto a second line of at most 20 characters, never next to a space
    title = ProjectSpec(name, goal, []).title(1)  # projects are numbered 1..3: one digit
    cuts = [
        c for c in range(max(2, len(title) - 20), len(title)) if " " not in title[c - 1 : c + 1]
    ]
    cut = draw(st.one_of(st.none(), st.sampled_from(cuts)))
    page_break = draw(st.one_of(st.none(), st.integers(1, len(indicators))))
    return ProjectSpec(
        name, goal, indicators, draw(st.integers(1, 5)), cut, page_break, draw(st.booleans())
    )


@dataclass
class Case:
    department_code: str
    department: str
    year: int
    tables: list[AmountTable]
    projects: list[ProjectSpec]
    page_rows: int
    options: dict[str, object]

    def render(self) -> str:
        return render_document(
            self.department_code,
            self.department,
            self.year,
            self.tables,
            self.projects,
            page_rows=self.page_rows,
            **self.options,  # type: ignore[arg-type]
        )


@st.composite
def cases(draw: st.DrawFn, with_projects: bool = True, wraps: bool = True) -> Case:
    tables = [
        expenditure_table(draw(coded_rows(FUNCTIONAL_CLASSES, 3, 2, rare=3))),
        basic_table(draw(coded_rows(ECONOMIC_CLASSES, 2, 2))),
        three_public_table(draw(three_public_rows())),
    ]
    if draw(st.booleans()):
        tables.append(gov_fund_table())
    if not wraps:
        tables = [replace(t, rows=[replace(r, wrap_at=None) for r in t.rows]) for t in tables]
    department = draw(st.sampled_from(DEPARTMENTS))
    options = {
        "year_on_next_line": draw(st.booleans()),
        "department_break": draw(st.one_of(st.none(), st.integers(4, len(department) - 1))),
        "thousands": draw(st.booleans()),
        "form_feeds": draw(st.booleans()),
        "unit": draw(st.sampled_from(("万元", "元", "亿元"))),
    }
    return Case(
        draw(st.sampled_from(("203", "001", "305001", "1020304"))),
        department,
        draw(st.integers(2015, 2030)),
        tables,
        draw(st.lists(projects(), max_size=3)) if with_projects else [],
        draw(st.integers(1, 30)),
        options,
    )


# -- helpers -----------------------------------------------------------------------------------


def read_back(case: Case) -> Document:
    with tempfile.TemporaryDirectory(prefix="opendata-roundtrip-") as folder:
        path = Path(folder) / "disclosure.txt"
        path.write_text(case.render(), encoding="utf-8")
        return read_document(path)


def expected_role(table: AmountTable, index: int) -> str:
    if table.kind != "three_public":
        return "total" if index == 0 else "detail"
    label = THREE_PUBLIC_LABELS[index]
    if label == "合计":
        return "total"
    if label.endswith("小计"):
        return "subtotal"
    return "of_which" if index in (3, 4, 6, 7) else "detail"


def assert_consistent(table: Table) -> None:
    """The arithmetic of the read table: total = Σ components on every row, 合计 = Σ 类,
    类 = Σ 款, 款 = Σ 项 (blank cells count as nothing, never as a printed zero)."""
    names = [c.name for c in table.columns]
    amount = [j for j, c in enumerate(table.columns) if c.kind == "amount"]
    total, parts = names.index("total"), [j for j in amount if names[j] != "total"]

    def values(rows: list[Row], j: int) -> Decimal | None:
        return add(r.cells[j].value for r in rows)

    for row in table.rows:
        assert row.cells[total].value == add(row.cells[j].value for j in parts), row.label
    if table.kind == "three_public":
        return
    for row in table.rows:
        if row.role == "total":
            children = [r for r in table.rows if r.code_level == "class"]
        else:
            children = [r for r in table.rows if r.parent_code == row.code]
        if children:
            for j in amount:
                assert row.cells[j].value == values(children, j), (row.label, names[j])


def no_errors(doc: Document) -> None:
    """A clean rendering gives no reader error, nor even a warning."""
    errors = [f for f in doc.findings if f.severity in ("error", "warning")]
    assert not errors, errors


# -- properties --------------------------------------------------------------------------------


@SETTINGS
@given(cases())
def test_amounts_codes_and_roles_round_trip(case: Case) -> None:
    doc = read_back(case)
    no_errors(doc)
    assert doc.department_code == case.department_code
    assert doc.department == case.department
    assert doc.year == case.year
    assert doc.title == f"{case.year} 年{case.department}部门预算信息公开"
    assert [t.kind for t in doc.tables] == [t.kind for t in case.tables]
    for want, got in zip(case.tables, doc.tables, strict=True):
        assert got.unit == case.options["unit"]
        assert got.title == want.title
        assert len(got.rows) == len(want.rows), want.kind
        names = [c.name for c in got.columns]
        assert set(want.columns) <= set(names), names
        for index, (w, g) in enumerate(zip(want.rows, got.rows, strict=True)):
            where = (want.kind, index, w.label)
            assert g.label == w.label, where
            assert g.cells[names.index(want.label_column)].text == w.label, where
            for column, value in zip(want.columns, w.amounts, strict=True):
                cell = g.cells[names.index(column)]
                if value is None:
                    assert cell.value is None and cell.text == "", (*where, column, cell)
                else:
                    assert cell.value == value, (*where, column, cell)
            assert g.role == expected_role(want, index), where
            assert g.code == w.code, where
            if w.code is None:
                assert g.code_level is None and g.parent_code is None, where
            else:
                level = {3: "class", 5: "category", 7: "item"}[len(w.code)]
                assert g.code_level == level, where
                assert g.parent_code == (w.code[:-2] if len(w.code) > 3 else None), where
            if case.options["form_feeds"]:
                # the title's page, then one page per page_rows rows
                assert g.source.page == got.source.page + index // case.page_rows, where
        if want.rows:
            assert_consistent(got)
        else:
            assert got.notes == [want.note]


@SETTINGS
@given(cases(with_projects=False, wraps=False), st.data())
def test_label_wrapped_over_a_page_break_is_joined_back(case: Case, data: st.DataObject) -> None:
    table = case.tables[data.draw(st.integers(0, 2))]
    if len(table.rows) < 2:
        return
    # make a page end after a row with a wrappable label, and wrap that label there
    candidates = [i for i, r in enumerate(table.rows[:-1]) if len(r.label) >= 2]
    index = data.draw(st.sampled_from(candidates))
    row = table.rows[index]
    cut = data.draw(st.integers(1, len(row.label) - 1))
    table.rows[index] = replace(row, wrap_at=cut)
    case.page_rows = index + 1
    text = case.render()
    tail = "\t".join(["", *([""] if table.has_code else []), row.label[cut:]])
    assert f"\n栏次\t{chr(9).join(str(j) for j in range(1, table.width))}\n{tail}\t" in text
    doc = read_back(case)
    no_errors(doc)
    got = next(t for t in doc.tables if t.kind == table.kind)
    assert len(got.rows) == len(table.rows)
    assert [r.label for r in got.rows] == [r.label for r in table.rows]
    assert got.rows[index].role == expected_role(table, index)


@SETTINGS
@given(cases())
def test_indicators_round_trip(case: Case) -> None:
    doc = read_back(case)
    no_errors(doc)
    assert len(doc.projects) == len(case.projects)
    for number, (want, got) in enumerate(zip(case.projects, doc.projects, strict=True), start=1):
        assert got.number == number
        assert got.name == want.name
        assert got.goal == want.goal
        assert len(got.indicators) == len(want.indicators), want.name
        for w, g in zip(want.indicators, got.indicators, strict=True):
            assert (g.level1, g.level2, g.level3) == (w.level1, w.level2, w.level3)
            assert g.target.verbatim == w.value
            assert g.description == (w.description or None)
            assert g.basis == (w.basis or None)


def expected_facts(case: Case) -> list[tuple[str, int, str, str, str, str]]:
    facts = []
    for table in case.tables:
        for number, row in enumerate(table.rows, start=1):
            for column, value in zip(table.columns, row.amounts, strict=True):
                if value is not None:
                    facts.append((table.kind, number, row.code or "", row.label, column, value))
    return facts


@settings(SETTINGS, max_examples=10)
@given(cases())
def test_package_facts_and_validation(case: Case) -> None:
    doc = read_back(case)
    with tempfile.TemporaryDirectory(prefix="opendata-roundtrip-") as folder:
        result = write_package(doc, folder, created="2020-01-01T00:00:00Z")
        with (result.path / "data" / "facts.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        report = validate_package(result.path)
    want = expected_facts(case)
    got = [
        (r["table_kind"], int(r["row"]), r["code"], r["label"], r["column"], r["amount"])
        for r in rows
    ]
    assert got == [(k, n, c, lb, col, format(v, "f")) for k, n, c, lb, col, v in want]
    unit = str(case.options["unit"])
    for row, (*_, value) in zip(rows, want, strict=True):
        assert row["unit"] == unit
        assert row["amount_yuan"] == format(value * UNITS[unit], "f")
        assert Decimal(row["amount_yuan"]) == value * UNITS[unit]
    assert report.valid, report.errors


def header_words(table: AmountTable) -> list[str]:
    """The texts of a table's header cells, spaces between CJK characters removed."""
    return sorted({re.sub(r"\s+", "", c) for row in table.header for c in row if c} - {"序号"})


@settings(SETTINGS, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking
@given(cases(with_projects=False, wraps=False), st.data())
def test_label_tail_that_reads_like_a_header_word_is_kept(case: Case, data: st.DataObject) -> None:
    """Like the test above, but the label ends in a word of the table's own header
    (其他一般公共服务 + 项目支出, 其他 + 人员经费): the tail row must not pass for a header row."""
    table = case.tables[data.draw(st.integers(0, 1))]  # the coded tables: labels are free
    index = data.draw(st.integers(1, len(table.rows) - 1))
    row = table.rows[index]
    tail = data.draw(st.sampled_from(header_words(table)))
    table.rows[index] = replace(row, label=row.label + tail, wrap_at=len(row.label))
    if data.draw(st.booleans()) and index < len(table.rows) - 1:
        case.page_rows = index + 1  # the tail after the next page's 栏次 row, else just below
    doc = read_back(case)
    got = next(t for t in doc.tables if t.kind == table.kind)
    assert [r.label for r in got.rows] == [r.label for r in table.rows]


def test_label_tail_that_reads_like_a_header_word_minimal() -> None:
    """The shrunk example: one 项 row, 其他一般公共服务项目支出, wrapped before 项目支出."""
    one = Decimal("1.00")
    amounts = (one, one, None, None, None, None)
    rows = [
        AmountRow("合计", amounts),
        AmountRow("一般公共服务支出", amounts, "201"),
        AmountRow("其他一般公共服务支出", amounts, "20199"),
        AmountRow("其他一般公共服务项目支出", amounts, "2019999", wrap_at=8),
    ]
    case = Case("203", "秦皇岛市财政局", 2023, [expenditure_table(rows)], [], 30, {})
    assert "\t\t项目支出\t" in case.render()
    got = read_back(case).tables[0]
    assert got.rows[3].label == "其他一般公共服务项目支出"  # read: 其他一般公共服务
