"""The small parsers under the table reader: amounts, codes, units, header paths, page layout.

Each parser gets hypothesis properties (what must hold for every input of its kind) and the
example tables that motivated it (the 三公 决算 header of the Shanghai 决算, the 类/款/项 code
columns of the Shanghai 预算, a unit line pushed onto the next page). Documents are built as
small texts in ``tmp_path`` in the layout of the sample: title, ``203 部门``, ``预算年度``,
``单位``, header rows and data rows, cells separated by tabs.
"""

from __future__ import annotations

import re
import string
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from opendata.model import Document, Table
from opendata.read.cells import (
    CODE_LEVELS,
    CODE_PATTERNS,
    classify_label,
    header_paths,
    looks_like_data,
    parse_number,
)
from opendata.read.document import read_document
from opendata.read.layout import Char, Segment, find_grids, page_lines
from opendata.read.lines import Line
from opendata.read.preamble import UNIT_RE, Preamble, read_preamble_line
from opendata.read.tables import TableReader

FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")
CJK = "一二三四五六七八九十支出收入合计预算项目经费公共服务财政拨款基本"


# -- 1. parse_number -------------------------------------------------------------------------
amounts = st.decimals(
    min_value=Decimal("-1e15"),
    max_value=Decimal("1e15"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
integers = st.integers(min_value=-(10**15), max_value=10**15).map(Decimal)
any_amount = st.one_of(amounts, integers)


def same_decimal(got: Decimal | None, want: Decimal) -> bool:
    """Equal as a Decimal, of type Decimal, with the printed digits kept (1.10 stays 1.10)."""
    return type(got) is Decimal and got == want and str(got) == str(want)


@given(any_amount)
def test_parse_number_round_trips_plain_decimals(value: Decimal) -> None:
    assert same_decimal(parse_number(f"{value}"), value)


@given(any_amount)
def test_parse_number_round_trips_thousands_separators(value: Decimal) -> None:
    printed = f"{value:,}"
    assert same_decimal(parse_number(printed), value), printed


@given(any_amount, st.sampled_from(["-", "−", "－"]))
def test_parse_number_reads_negative_amounts(value: Decimal, minus: str) -> None:
    magnitude = abs(value)
    assume(magnitude != 0)
    for printed in (f"{magnitude}", f"{magnitude:,}"):
        assert same_decimal(parse_number(minus + printed), -magnitude), printed


@given(any_amount)
def test_parse_number_reads_full_width_digits(value: Decimal) -> None:
    for printed in (f"{value}", f"{value:,}"):
        wide = printed.translate(FULL_WIDTH)
        assert unicodedata.normalize("NFKC", wide) == printed
        assert same_decimal(parse_number(wide), value), wide


@given(
    any_amount,
    st.text(alphabet=" \u3000", max_size=3),
    st.text(alphabet=" \u3000", max_size=3),
)
def test_parse_number_ignores_surrounding_spaces(value: Decimal, before: str, after: str) -> None:
    assert same_decimal(parse_number(f"{before}{value:,}{after}"), value)


@given(st.text(max_size=20))
def test_parse_number_never_raises_and_gives_decimal_or_none(text: str) -> None:
    got = parse_number(text)
    assert got is None or type(got) is Decimal
    if got is not None:
        assert got.is_finite()


# The grammar of a printed amount, stated independently of the reader's regular expression:
# an optional minus, digits (commas only between groups of three), an optional decimal part.
AMOUNT_GRAMMAR = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|-?\.[0-9]+")


@settings(max_examples=300)
@given(st.text(alphabet=string.digits + ",.-−－ ，．０１２３４５６７８９\u3000", max_size=16))
@example("1,234.5")
@example("1,23")
@example("-.5")
@example("1.2.3")
def test_parse_number_accepts_exactly_well_formed_numbers(text: str) -> None:
    got = parse_number(text)
    clean = unicodedata.normalize("NFKC", text).replace(" ", "").replace("−", "-")
    assert (got is not None) is bool(AMOUNT_GRAMMAR.fullmatch(clean)), clean
    if got is not None:
        assert same_decimal(got, Decimal(clean.replace(",", "")))


@pytest.mark.parametrize(
    "text",
    [
        "四三九",
        "一千二百",
        "1,23",
        "12,34,567",
        "1234,567",
        "1.2.3",
        "1,234.5.6",
        "",
        " ",
        "-",
        "—",
        "…",
        "5.",
        "+5",
        "1e5",
        "1E+3",
        "NaN",
        "Infinity",
        "0x10",
        "12%",
        "¥100",
        "100元",
        "(100)",
        "--5",
        "5-",
    ],
)
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1241.14", "1241.14"),
        ("1,241.14", "1241.14"),
        ("164,978,640", "164978640"),
        ("0", "0"),
        ("0.00", "0.00"),
        ("10.10", "10.10"),
        (".5", "0.5"),
        ("-0.88", "-0.88"),
        ("−1,000", "-1000"),
        ("１２３．４５", "123.45"),
        ("１，２３４．５０", "1234.50"),
        ("\u30001,234\u3000", "1234"),
        (" 439.20 ", "439.20"),
    ],
)
def test_parse_number_examples(text: str, value: str) -> None:
    assert same_decimal(parse_number(text), Decimal(value))


def test_parse_number_is_exact_where_float_is_not() -> None:
    assert parse_number("0.10") + parse_number("0.20") == Decimal("0.30")
    assert parse_number("12345678901234567.89") == Decimal("12345678901234567.89")


# -- 2. labels and data rows -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("合计", "total"),
        ("合 计", "total"),
        ("总计", "total"),
        ("收入总计", "total"),
        ("人员经费合计", "total"),
        ("“三公”经费小计", "subtotal"),
        ("小计", "subtotal"),
        ("其中：公务用车购置费", "of_which"),
        ("其中:教学科研人员因公出国（境）费", "of_which"),
        ("一般公共服务支出", "detail"),
        ("合计数说明", "detail"),
        ("", "detail"),
        (None, "detail"),
    ],
)
def test_classify_label(label: str | None, role: str) -> None:
    assert classify_label(label) == role


@pytest.mark.parametrize(
    ("cells", "data"),
    [
        (["1", "201", "一般公共服务支出", "1038.38"], True),
        (["201", "05", "07", "专项普查活动", "601,300"], True),
        (["一、财政拨款", "27,664.22"], True),
        (["1.基本支出", ""], True),
        (["…", "—", "…"], True),
        (["合计", "1,241.14", "1,240.26"], True),
        (["1", "2", "3", "4"], False),  # column numbers, not amounts
        (["序号", "功能分类科目", "", "合计"], False),
        (["类", "款", "项", "", ""], False),
        (["", "", "", ""], False),
    ],
)
def test_looks_like_data(cells: list[str], data: bool) -> None:
    assert looks_like_data(cells) is data


# -- 3. codes ----------------------------------------------------------------------------------
def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=string.digits, min_size=n, max_size=n)


functional_codes = st.sampled_from([3, 5, 7]).flatmap(digits)


@given(st.integers(1, 9).flatmap(digits))
def test_code_patterns_accept_exactly_the_code_lengths(code: str) -> None:
    assert bool(CODE_PATTERNS["functional"].match(code)) is (len(code) in (3, 5, 7))
    assert bool(CODE_PATTERNS["economic"].match(code)) is (len(code) in (3, 5))
    assert (CODE_LEVELS.get(len(code)) is not None) is (len(code) in (3, 5, 7))


@pytest.mark.parametrize("code", ["20a", "2O1", "201 05", "", "20105-", "二〇一", "-201"])
def test_code_patterns_refuse_non_codes(code: str) -> None:
    assert not CODE_PATTERNS["functional"].match(code)
    assert not CODE_PATTERNS["economic"].match(code)


def test_code_levels() -> None:
    assert CODE_LEVELS == {3: "class", 5: "category", 7: "item"}


def write_doc(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def preamble(unit: str = "万元") -> list[str]:
    return ["", "203 测试部门", "", "预算年度：2023", "", f"单位：{unit}", ""]


SPLIT_HEADER = [
    "科目编码\t\t\t科目名称\t合计\t基本支出\t项目支出",
    "类\t款\t项\t\t\t\t",
]
ONE_COLUMN_HEADER = [
    "序号\t功能分类科目\t\t合计\t基本支出\t项目支出",
    "\t科目编码\t科目名称\t\t\t",
    "栏次\t1\t2\t3\t4\t5",
]


def split_code(code: str) -> list[str]:
    return [code[:3], code[3:5], code[5:7]]


def expenditure_doc(
    tmp: Path,
    codes: list[str],
    split: bool,
    values: list[tuple[Decimal, Decimal, Decimal]] | None = None,
    thousands: bool = False,
) -> Path:
    """A 部门预算支出总表 with one row per code: 科目编码 in one column or in 类/款/项."""
    rows = []
    for k, code in enumerate(codes, start=1):
        triple = values[k - 1] if values else (Decimal(k), Decimal(k), Decimal(0))
        amounts = [f"{v:,}" if thousands else f"{v}" for v in triple]
        label = f"科目{CJK[k % len(CJK)]}{k}"
        if split:
            rows.append("\t".join([*split_code(code), label, *amounts]))
        else:
            rows.append("\t".join([str(k), code, label, *amounts]))
    header = SPLIT_HEADER if split else ONE_COLUMN_HEADER
    return write_doc(tmp / "codes.txt", ["部门预算支出总表", *preamble(), *header, *rows])


def the_table(doc: Document, kind: str = "expenditure") -> Table:
    table = doc.table(kind)
    assert table is not None, [t.kind for t in doc.tables]
    return table


def test_class_category_item_columns_join_into_one_code(tmp_path: Path) -> None:
    """类 / 款 / 项 printed in three columns (as the Shanghai 预算 does) give 2010507."""
    src = write_doc(
        tmp_path / "split.txt",
        [
            "部门预算支出总表",
            *preamble("元"),
            *SPLIT_HEADER,
            "201\t\t\t一般公共服务支出\t2,976,800\t0\t2,976,800",
            "201\t05\t\t统计信息事务\t627,600\t0\t627,600",
            "201\t05\t07\t专项普查活动\t601,300\t0\t601,300",
            "201\t05\t06\t统计管理\t26,300\t0\t26,300",
        ],
    )
    doc = read_document(src)
    table = the_table(doc)
    names = [c.name for c in table.columns]
    assert names == [
        "code_class",
        "code_category",
        "code_item",
        "name",
        "total",
        "basic",
        "project",
    ]
    got = [(r.code, r.code_level, r.parent_code, r.label) for r in table.rows]
    assert got == [
        ("201", "class", None, "一般公共服务支出"),
        ("20105", "category", "201", "统计信息事务"),
        ("2010507", "item", "20105", "专项普查活动"),
        ("2010506", "item", "20105", "统计管理"),
    ]
    assert table.unit == "元"
    assert table.rows[2].cells[4].value == Decimal("601300")
    assert [f for f in doc.findings if f.severity == "error"] == []


positive = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(functional_codes, st.tuples(positive, positive, positive)), min_size=1, max_size=8
    ),
    split=st.booleans(),
    thousands=st.booleans(),
)
def test_codes_get_their_level_and_parent(
    rows: list[tuple[str, tuple[Decimal, Decimal, Decimal]]], split: bool, thousands: bool
) -> None:
    codes = [code for code, _ in rows]
    with tempfile.TemporaryDirectory() as tmp:
        doc = read_document(
            expenditure_doc(Path(tmp), codes, split, [v for _, v in rows], thousands)
        )
    table = the_table(doc)
    assert [r.code for r in table.rows] == codes
    assert [r.code_level for r in table.rows] == [CODE_LEVELS[len(c)] for c in codes]
    assert [r.parent_code for r in table.rows] == [c[:-2] if len(c) > 3 else None for c in codes]
    assert [r.role for r in table.rows] == ["detail"] * len(codes)
    for row, (_, values) in zip(table.rows, rows, strict=True):
        amounts = [
            c.value for c, col in zip(row.cells, table.columns, strict=True) if col.kind == "amount"
        ]
        assert amounts == list(values)
        assert all(type(v) is Decimal for v in amounts)
    assert [f for f in doc.findings if f.severity == "error"] == []


@pytest.mark.parametrize("bad", ["2013", "201310", "20131011", "2O131"])
def test_a_code_of_the_wrong_length_is_an_error_finding(tmp_path: Path, bad: str) -> None:
    src = write_doc(
        tmp_path / "bad.txt",
        [
            "部门预算支出总表",
            *preamble(),
            *ONE_COLUMN_HEADER,
            "1\t201\t一般公共服务支出\t1.00\t1.00\t",
            f"2\t{bad}\t坏的编码\t1.00\t1.00\t",
        ],
    )
    doc = read_document(src)
    row = the_table(doc).rows[1]
    assert row.code is None and row.code_level is None
    bad_codes = [f for f in doc.findings if f.code == "bad-code"]
    assert len(bad_codes) == 1 and bad_codes[0].severity == "error"
    assert bad_codes[0].source.line == 13


# -- 4. units and the preamble -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "unit", "department_key"),
    [
        ("单位：元", "元", None),
        ("单位:万元", "万元", None),
        ("单位: 元", "元", None),
        ("金额单位：万元", "万元", None),
        ("单位： 亿元", "亿元", None),
        ("单位：万元 ", "万元", None),
        ("部门：XX 单位：万元", "万元", "XX"),
        ("编制部门：XX  单位：元", "元", "XX"),
        (
            "编制部门：上海市普陀区人民政府万里街道办事处 单位：元",
            "元",
            "上海市普陀区人民政府万里街道办事处",
        ),
        ("编制单位：中共江苏省委办公厅 金额单位：万元", "万元", "中共江苏省委办公厅"),
    ],
)
def test_unit_lines(text: str, unit: str, department_key: str | None) -> None:
    match = UNIT_RE.search(text)
    assert match is not None and match.group(1) == unit
    pre = Preamble()
    assert read_preamble_line(Line(1, text), pre, expect_year=False)
    assert pre.unit == unit
    assert pre.department_key == department_key


@pytest.mark.parametrize(
    ("text", "department_key"),
    [("部门：XX单位：万元", "XX"), ("编制部门：财政局金额单位：万元", "财政局")],
)
def test_unit_right_after_the_department_name(text: str, department_key: str) -> None:
    """No space between department and unit, as a PDF text run may print them: the unit used
    to be taken into the department name (部门：XX单位：万元 gave 'XX单位：万元')."""
    pre = Preamble()
    assert read_preamble_line(Line(1, text), pre, expect_year=False)
    assert pre.unit == "万元"
    assert pre.department_key == department_key


@pytest.mark.parametrize("text", ["单位：千元", "单位（元）", "单价：元", "单位：人", "元"])
def test_not_unit_lines(text: str) -> None:
    assert UNIT_RE.search(text) is None
    pre = Preamble()
    read_preamble_line(Line(1, text), pre, expect_year=False)
    assert pre.unit is None


@pytest.mark.parametrize(
    ("text", "expect_year", "want"),
    [
        ("预算年度：2023", False, {"year": 2023}),
        ("2023", True, {"year": 2023}),
        ("2023年度", True, {"year": 2023}),
        ("203 中共秦皇岛经济技术开发区工作委员会党建工作部", False, {"department_code": "203"}),
        ("截止时间：2022年12月31日", False, {"as_of": "2022年12月31日"}),
        ("预算年度：2023  单位：万元", False, {"year": 2023, "unit": "万元"}),
    ],
)
def test_other_preamble_lines(text: str, expect_year: bool, want: dict[str, object]) -> None:
    pre = Preamble()
    assert read_preamble_line(Line(1, text), pre, expect_year=expect_year)
    for name, value in want.items():
        assert getattr(pre, name) == value


def test_a_bare_year_is_preamble_only_after_a_year_key() -> None:
    assert not read_preamble_line(Line(1, "2023"), Preamble(), expect_year=False)


@pytest.mark.parametrize("unit", ["元", "万元", "亿元"])
def test_unit_line_after_a_page_break_gives_the_table_unit(tmp_path: Path, unit: str) -> None:
    """The title and department end one page; 单位 starts the next (a form feed between)."""
    src = write_doc(
        tmp_path / "break.txt",
        [
            "部门预算支出总表",
            "",
            "203 测试部门",
            "",
            "预算年度：2023",
            "",
            f"\f单位：{unit}",
            "",
            *ONE_COLUMN_HEADER,
            "1\t\t合计\t10.00\t4.00\t6.00",
            "2\t201\t一般公共服务支出\t10.00\t4.00\t6.00",
        ],
    )
    doc = read_document(src)
    table = the_table(doc)
    assert table.unit == unit
    assert table.source.page == 1
    assert [r.source.page for r in table.rows] == [2, 2]
    assert [r.code for r in table.rows] == [None, "201"]
    assert doc.year == 2023 and doc.department_code == "203"


def test_unit_line_after_a_page_break_in_pdf_lines() -> None:
    """The same through the reader's own lines, as the PDF reader gives them (pages, no \\f)."""
    texts = [
        (1, "部门预算支出总表"),
        (1, "203 测试部门"),
        (1, "预算年度：2023"),
        (2, "单位：元"),
        *((2, h) for h in ONE_COLUMN_HEADER),
        (2, "1\t\t合计\t1,000\t400\t600"),
        (2, "2\t201\t一般公共服务支出\t1,000\t400\t600"),
    ]
    lines = [Line(n, text, page) for n, (page, text) in enumerate(texts, start=1)]
    reader = TableReader(lines, "doc.pdf", lambda line: line.number == 1)
    from opendata.kinds.match import find_kinds

    table, end, pre = reader.read(0, find_kinds(lines[0].stripped))
    assert end == len(lines)
    assert table.kind == "expenditure"
    assert table.unit == pre.unit == "元"
    assert pre.department_code == "203" and pre.year == 2023
    assert [r.cells[3].value for r in table.rows] == [Decimal(1000), Decimal(1000)]
    assert reader.findings == []


def test_unit_in_the_header_is_the_table_unit(tmp_path: Path) -> None:
    """No 单位 line: a header cell such as 金额（单位：万元） gives the unit."""
    src = write_doc(
        tmp_path / "header-unit.txt",
        [
            "部门预算支出总表",
            "",
            "203 测试部门",
            "",
            "预算年度：2023",
            "",
            "序号\t功能分类科目\t\t单位：万元\t\t",
            "\t科目编码\t科目名称\t合计\t基本支出\t项目支出",
            "1\t201\t一般公共服务支出\t10.00\t4.00\t6.00",
        ],
    )
    assert the_table(read_document(src)).unit == "万元"


# -- 5. header paths -------------------------------------------------------------------------
THREE_PUBLIC_FINAL = [
    "财政拨款“三公”经费\t\t\t\t\t\t\t\t\t\t\t",
    "合计\t\t因公出国（境）费\t\t公务用车购置及运行维护费\t\t\t\t\t\t公务接待费\t",
    "\t\t\t\t小计\t\t公务用车购置费\t\t公务用车运行维护费\t\t\t",
    "预算数\t决算数\t预算数\t决算数\t预算数\t决算数\t预算数\t决算数\t预算数\t决算数\t预算数\t决算数",
]


def test_header_paths_three_public_final_account() -> None:
    """公务接待费 must not inherit 公务用车运行维护费 from its left neighbour's sub-header."""
    rows = [line.split("\t") for line in THREE_PUBLIC_FINAL]
    top = "财政拨款“三公”经费"
    vehicles = f"{top}/公务用车购置及运行维护费"
    want = []
    for group in (
        f"{top}/合计",
        f"{top}/因公出国（境）费",
        f"{vehicles}/小计",
        f"{vehicles}/公务用车购置费",
        f"{vehicles}/公务用车运行维护费",
        f"{top}/公务接待费",
    ):
        want += [f"{group}/预算数", f"{group}/决算数"]
    assert header_paths(rows, 12) == want


def test_three_public_final_account_with_figures(tmp_path: Path) -> None:
    """The Shanghai 2024 决算 三公 table with one row of figures under its four header rows.

    The header's 合计 cell used to be taken for a 合计 data row split off the header, so the
    header ended after its first row and all 12 columns became unknown text columns.
    """
    src = write_doc(
        tmp_path / "three.txt",
        [
            "财政拨款“三公”经费支出决算表",
            "单位：万元",
            *THREE_PUBLIC_FINAL,
            "\t".join(f"{k}.00" for k in range(1, 13)),
        ],
    )
    doc = read_document(src)
    table = the_table(doc, "final_three_public")
    names = [c.name for c in table.columns]
    assert names == [
        f"{key}_{phase}"
        for key in (
            "total",
            "overseas",
            "vehicles",
            "vehicle_purchase",
            "vehicle_operation",
            "reception",
        )
        for phase in ("budget", "final")
    ]
    assert len(table.rows) == 1
    assert [c.value for c in table.rows[0].cells] == [Decimal(f"{k}.00") for k in range(1, 13)]
    assert [f.code for f in doc.findings] == ["table-recognised"]


@pytest.mark.parametrize(
    ("rows", "width", "want"),
    [
        (
            [
                ["序号", "功能分类科目", "", "合计", "基本支出"],
                ["", "科目 编码", "科目名称", "", ""],
            ],
            5,
            ["序号", "功能分类科目/科目编码", "功能分类科目/科目名称", "合计", "基本支出"],
        ),
        (
            [
                ["项目", "", "", "", "支出预算", "", ""],
                ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"],
                ["类", "款", "项", "", "", "", ""],
            ],
            7,
            [
                "项目/功能分类科目编码/类",
                "项目/功能分类科目编码/款",
                "项目/功能分类科目编码/项",
                "项目/功能分类科目名称",
                "支出预算/合计",
                "支出预算/基本支出",
                "支出预算/项目支出",
            ],
        ),
        (
            [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"]],
            4,
            ["收入/项目", "收入/预算数", "支出/项目", "支出/预算数"],
        ),
        (
            # a blank top cell over a column with its own header is not filled from the left
            [["合计", "", "本年收入", ""], ["", "上年结转", "小计", "财政拨款"]],
            4,
            ["合计", "上年结转", "本年收入/小计", "本年收入/财政拨款"],
        ),
        ([["项目", "金额"]], 3, ["项目", "金额", ""]),
        ([], 2, ["", ""]),
    ],
)
def test_header_paths_examples(rows: list[list[str]], width: int, want: list[str]) -> None:
    assert header_paths(rows, width) == want


label_counter = st.integers(0, 10**6)


HEADER_WORDS = (
    "合计",
    "小计",
    "项目",
    "金额",
    "收入",
    "支出",
    "基本支出",
    "项目支出",
    "预算数",
    "决算数",
    "人员经费",
    "公用经费",
    "财政拨款",
    "事业收入",
    "其他收入",
    "上年结转",
    "科目编码",
    "科目名称",
    "类",
    "款",
    "项",
    "因公出国（境）费",
    "公务接待费",
    "公务用车运行维护费",
)


@st.composite
def header_trees(draw: st.DrawFn) -> tuple[list[list[str]], list[str]]:
    """A random header: a forest of labelled nodes, printed in the merged-cell convention.

    A node's label is printed in the first column of its span on its own level; the other
    columns of its span on that level are blank, and so are the levels below a leaf.
    Returns the printed rows and the path of every column (at most 16 columns).
    """
    depth = draw(st.integers(1, 4))
    used: set[str] = set()

    def fresh() -> str:
        label = draw(st.sampled_from(HEADER_WORDS))
        n = 1
        while label in used:  # labels are unique, so a path never repeats a level
            label, n = f"{label}{n}", n + 1
        used.add(label)
        return label

    def forest(level: int, budget: int) -> list[tuple[str, list]]:
        count = draw(st.integers(1, max(1, min(budget, 4))))
        nodes = []
        for _ in range(count):
            leaf = level == depth - 1 or budget < 2 or draw(st.booleans())
            nodes.append((fresh(), [] if leaf else forest(level + 1, budget // count)))
        return nodes

    roots = forest(0, 16)
    rows: list[list[str]] = [[] for _ in range(depth)]
    paths: list[str] = []

    def place(node: tuple[str, list], level: int, path: list[str]) -> None:
        label, children = node
        start = len(rows[level])
        if not children:
            for lv in range(level, depth):
                rows[lv].append(label if lv == level else "")
            paths.append("/".join([*path, label]))
            return
        rows[level].append(label)
        for child in children:
            place(child, level + 1, [*path, label])
        width = len(rows[level + 1]) - start
        rows[level].extend([""] * (width - 1))

    for root in roots:
        place(root, 0, [])
    return rows, paths


@settings(max_examples=150)
@given(header_trees())
@example(([["甲", "", "乙"], ["丙", "丁", ""]], ["甲/丙", "甲/丁", "乙"]))
@example(
    (
        [["甲", "", "", "乙"], ["丙", "丁", "", ""], ["", "戊", "己", ""]],
        ["甲/丙", "甲/丁/戊", "甲/丁/己", "乙"],
    )
)
def test_header_paths_fill_merged_cells_only_within_their_span(
    header: tuple[list[list[str]], list[str]],
) -> None:
    rows, paths = header
    width = len(paths)
    assert all(len(row) == width for row in rows)
    assert header_paths(rows, width) == paths


# -- 6. layout -------------------------------------------------------------------------------
CHAR_W, CHAR_H, SIZE = 10.0, 10.0, 10.0


def chars_in_box(text: str, x0: float, top: float, x1: float, bottom: float) -> list[Char]:
    """``text`` as characters centred in a box, one line, no gaps between characters."""
    width = CHAR_W * len(text)
    left = (x0 + x1) / 2 - width / 2
    y = (top + bottom) / 2 - CHAR_H / 2
    return [
        Char(ch, left + k * CHAR_W, y, left + (k + 1) * CHAR_W, y + CHAR_H, SIZE)
        for k, ch in enumerate(text)
    ]


def ruled_grid(
    xs: list[float], ys: list[float], block: dict[tuple[int, int], tuple[int, int]], pieces: bool
) -> list[Segment]:
    """Rules between grid units of different blocks, and the outer frame.

    ``block`` maps each unit (row, column) to the top-left unit of the cell covering it.
    With ``pieces`` every rule is drawn unit by unit (as some producers do).
    """
    rows, cols = len(ys) - 1, len(xs) - 1
    segments = []
    for i in range(rows):
        for j in range(cols + 1):
            if j in (0, cols) or block[(i, j - 1)] != block[(i, j)]:
                segments.append(Segment(xs[j], ys[i], xs[j], ys[i + 1]))
    for i in range(rows + 1):
        for j in range(cols):
            if i in (0, rows) or block[(i - 1, j)] != block[(i, j)]:
                segments.append(Segment(xs[j], ys[i], xs[j + 1], ys[i]))
    if pieces:
        return segments
    # the same rules drawn as long lines where they run unbroken
    from opendata.read.layout import merge_collinear

    return merge_collinear(segments)


def test_page_lines_three_by_three_with_a_merged_header_cell() -> None:
    xs, ys = [50.0, 150.0, 250.0, 350.0], [100.0, 120.0, 140.0, 160.0]
    block = {(i, j): (i, j) for i in range(3) for j in range(3)}
    block[(0, 2)] = (0, 1)  # 支出 spans the two amount columns
    texts = {
        (0, 0): "项目",
        (0, 1): "支出",
        (1, 0): "科目",
        (1, 1): "基本",
        (1, 2): "项目",
        (2, 0): "201",
        (2, 1): "1.00",
        (2, 2): "2.00",
    }
    chars = []
    for (i, j), text in texts.items():
        right = xs[j + 2] if (i, j) == (0, 1) else xs[j + 1]
        chars += chars_in_box(text, xs[j], ys[i], right, ys[i + 1])
    # the merged cell's text is centred on the missing rule: its characters straddle x=250
    assert {c.xc > xs[2] for c in chars if c.text in "支出"} == {True, False}
    segments = ruled_grid(xs, ys, block, pieces=True)
    assert len(find_grids(segments)) == 1
    lines = page_lines(chars, segments)
    assert [line.text for line in lines] == [
        "项目\t支出\t",
        "科目\t基本\t项目",
        "201\t1.00\t2.00",
    ]
    assert [line.table for line in lines] == [0, 0, 0]
    assert [line.top for line in lines] == ys[:3]


def test_page_lines_keeps_running_text_outside_the_table() -> None:
    xs, ys = [50.0, 150.0, 250.0], [100.0, 120.0, 140.0]
    block = {(i, j): (i, j) for i in range(2) for j in range(2)}
    chars = chars_in_box("部门预算支出总表", 50, 60, 250, 75)
    chars += chars_in_box("单位：万元", 150, 80, 250, 95)
    for (i, j), text in {(0, 0): "项目", (0, 1): "金额", (1, 0): "合计", (1, 1): "9.00"}.items():
        chars += chars_in_box(text, xs[j], ys[i], xs[j + 1], ys[i + 1])
    lines = page_lines(chars, ruled_grid(xs, ys, block, pieces=False))
    assert [(line.text, line.table) for line in lines] == [
        ("部门预算支出总表", None),
        ("单位：万元", None),
        ("项目\t金额", 0),
        ("合计\t9.00", 0),
    ]


cell_texts = st.text(alphabet=CJK + string.digits + ".,", max_size=6)


@st.composite
def grids(draw: st.DrawFn) -> tuple[list[float], list[float], dict, dict, bool]:
    """Random ruled grids: 2-6 columns, 2-8 rows, some merged cells, random texts."""
    cols, rows = draw(st.integers(2, 6)), draw(st.integers(2, 8))
    widths = [draw(st.integers(8, 14)) * CHAR_W for _ in range(cols)]
    heights = [draw(st.sampled_from([16.0, 20.0, 24.0])) for _ in range(rows)]
    xs = [36.0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [90.0]
    for h in heights:
        ys.append(ys[-1] + h)
    block: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(rows):
        for j in range(cols):
            if (i, j) in block:
                continue
            span_w, span_h = 1, 1
            if draw(st.integers(0, 4)) == 0:  # about one cell in five is merged
                span_w = draw(st.integers(1, cols - j))
                span_h = draw(st.integers(1, min(3, rows - i)))
                while any((i + a, j + b) in block for a in range(span_h) for b in range(span_w)):
                    span_w, span_h = max(1, span_w - 1), max(1, span_h - 1)
            for a in range(span_h):
                for b in range(span_w):
                    block[(i + a, j + b)] = (i, j)
    # every column and row boundary must keep a rule somewhere, or the grid has fewer units
    for j in range(1, cols):
        assume(any(block[(i, j - 1)] != block[(i, j)] for i in range(rows)))
    for i in range(1, rows):
        assume(any(block[(i - 1, j)] != block[(i, j)] for j in range(cols)))
    texts = {anchor: draw(cell_texts) for anchor in sorted(set(block.values()))}
    return xs, ys, block, texts, draw(st.booleans())


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)
@given(grids())
def test_page_lines_gives_random_grids_back_cell_for_cell(
    grid: tuple[list[float], list[float], dict, dict, bool],
) -> None:
    xs, ys, block, texts, pieces = grid
    rows, cols = len(ys) - 1, len(xs) - 1
    chars = []
    for (i, j), text in texts.items():
        span = [unit for unit, anchor in block.items() if anchor == (i, j)]
        bottom = max(a for a, _ in span) + 1
        right = max(b for _, b in span) + 1
        # fit the text inside the cell (a merged cell has room; one unit has 8 characters)
        chars += chars_in_box(text, xs[j], ys[i], xs[right], ys[bottom])
    want = []
    for i in range(rows):
        cells = [texts.get((i, j), "") if block[(i, j)] == (i, j) else "" for j in range(cols)]
        if any(cells):
            want.append("\t".join(cells))
    lines = page_lines(chars, ruled_grid(xs, ys, block, pieces))
    assert [line.text for line in lines] == want
    assert all(line.table == 0 for line in lines)


@settings(max_examples=60)
@given(
    parts=st.lists(st.text(alphabet=CJK, min_size=1, max_size=8), min_size=1, max_size=3),
    label_first=st.booleans(),
)
def test_a_label_wrapped_inside_its_cell_is_joined_back(
    parts: list[str], label_first: bool
) -> None:
    """A CJK label printed on two or three lines of one cell comes back as one text."""
    xs, ys = [40.0, 140.0, 240.0], [100.0, 160.0, 180.0]
    block = {(i, j): (i, j) for i in range(2) for j in range(2)}
    chars = []
    top = ys[0] + 2
    for part in parts:  # the label, one line under the other, in cell (0, 0)
        chars += chars_in_box(part, xs[0], top, xs[1], top + CHAR_H + 4)
        top += CHAR_H + 6
    chars += chars_in_box("1,234.50", xs[1], ys[0], xs[2], ys[1])
    chars += chars_in_box("合计", xs[0], ys[1], xs[1], ys[2])
    chars += chars_in_box("9.00", xs[1], ys[1], xs[2], ys[2])
    if not label_first:
        chars.reverse()  # the order of characters in the content stream does not matter
    lines = page_lines(chars, ruled_grid(xs, ys, block, pieces=False))
    assert [line.text for line in lines] == ["".join(parts) + "\t1,234.50", "合计\t9.00"]


def test_two_tables_on_one_page() -> None:
    chars = chars_in_box("表一", 40, 50, 240, 65)
    segments = []
    for k, top in enumerate((100.0, 300.0)):
        xs, ys = [40.0, 140.0, 240.0], [top, top + 20, top + 40]
        block = {(i, j): (i, j) for i in range(2) for j in range(2)}
        segments += ruled_grid(xs, ys, block, pieces=k == 1)
        for (i, j), text in {
            (0, 0): "项目",
            (0, 1): "金额",
            (1, 0): f"行{k}",
            (1, 1): f"{k}.00",
        }.items():
            chars += chars_in_box(text, xs[j], ys[i], xs[j + 1], ys[i + 1])
    chars += chars_in_box("表二", 40, 250, 240, 265)
    lines = page_lines(chars, segments)
    assert [line.text for line in lines] == [
        "表一",
        "项目\t金额",
        "行0\t0.00",
        "表二",
        "项目\t金额",
        "行1\t1.00",
    ]
    first, second = lines[1].table, lines[4].table
    assert first is not None and second is not None and first != second
    assert [line.table for line in lines] == [None, first, first, None, second, second]


class _FakePage:
    """What page_transform and page_box read of a pypdfium2 page."""

    def __init__(self, mediabox: tuple[float, float, float, float], rotation: int) -> None:
        self.mediabox, self.rotation = mediabox, rotation

    def get_mediabox(self) -> tuple[float, float, float, float]:
        return self.mediabox

    def get_rotation(self) -> int:
        return self.rotation


finite = st.floats(min_value=-2000, max_value=2000, allow_nan=False)


@settings(max_examples=300)
@given(
    mediabox=st.tuples(finite, finite, finite, finite),
    rotation=st.sampled_from([0, 90, 180, 270, 360, 45]),
    rect=st.tuples(finite, finite, finite, finite),
)
def test_page_box_is_the_transformed_box(
    mediabox: tuple[float, float, float, float],
    rotation: int,
    rect: tuple[float, float, float, float],
) -> None:
    """The reader's per-rotation box function gives exactly the box of page_transform."""
    from opendata.read.pdf import _box, page_box, page_transform

    page = _FakePage(mediabox, rotation)
    assert page_box(page)(*rect) == _box(page_transform(page), *rect)
