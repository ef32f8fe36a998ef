"""Tests for :mod:`opendata.read.targets`: a table of printed target values, then properties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendata.read.targets import COMPARATORS, Target, comparator_symbol, parse_target

D = Decimal
DAY = datetime.date


def quantity(comparator: str | None, value: str, unit: str | None) -> tuple[object, ...]:
    return ("quantity", comparator, D(value), unit, None, None, None)


def span(lower: str, upper: str, unit: str | None) -> tuple[object, ...]:
    return ("range", None, D(lower), unit, None, None, D(upper))


def when(comparator: str | None, year: int, month: int, day: int) -> tuple[object, ...]:
    return ("date", comparator, None, None, DAY(year, month, day), None, None)


def words(text: str) -> tuple[object, ...]:
    return ("qualitative", None, None, None, None, text, None)


BLANK = ("blank", None, None, None, None, None, None)

CASES: list[tuple[str, tuple[object, ...]]] = [
    # Quantities with a printed comparator.
    ("≥800 卷", quantity(">=", "800", "卷")),
    ("≤34.92 万元", quantity("<=", "34.92", "万元")),
    (">10次", quantity(">", "10", "次")),
    ("=100%", quantity("=", "100", "%")),
    ("≥1套", quantity(">=", "1", "套")),
    ("≤6 月", quantity("<=", "6", "月")),
    ("≥5 年", quantity(">=", "5", "年")),
    ("≤500 元", quantity("<=", "500", "元")),
    (">3 个", quantity(">", "3", "个")),
    ("≥ 90 %", quantity(">=", "90", "%")),
    # Quantities without one.
    ("100%", quantity(None, "100", "%")),
    ("12种", quantity(None, "12", "种")),
    ("7 人", quantity(None, "7", "人")),
    ("1 次/月/村", quantity(None, "1", "次/月/村")),
    ("1,044 场", quantity(None, "1044", "场")),
    ("2,500,000 元", quantity(None, "2500000", "元")),
    ("100", quantity(None, "100", None)),
    ("0.50 万元", quantity(None, "0.50", "万元")),
    # Full-width and alternative comparators.
    ("＞5次", quantity(">", "5", "次")),
    ("＜3 天", quantity("<", "3", "天")),
    ("＝100％", quantity("=", "100", "%")),
    ("９０％", quantity(None, "90", "%")),
    ("≧95%", quantity(">=", "95", "%")),
    ("≦2 小时", quantity("<=", "2", "小时")),
    (">=85%", quantity(">=", "85", "%")),
    ("<= 10 个工作日", quantity("<=", "10", "个工作日")),
    ("大于等于 3 个", quantity(">=", "3", "个")),
    ("不低于95%", quantity(">=", "95", "%")),
    ("不少于 20 场", quantity(">=", "20", "场")),
    ("不小于80分", quantity(">=", "80", "分")),
    ("不超过 50 万元", quantity("<=", "50", "万元")),
    ("不高于 5%", quantity("<=", "5", "%")),
    ("小于等于2天", quantity("<=", "2", "天")),
    ("大于 0 户", quantity(">", "0", "户")),
    ("小于1%", quantity("<", "1", "%")),
    ("等于 100 %", quantity("=", "100", "%")),
    # LaTeX as found in PDF-to-text output.
    (r"$\geq 90\%$", quantity(">=", "90", "%")),
    (r"$\leq 5\%$", quantity("<=", "5", "%")),
    (r"$> 10$ 次", quantity(">", "10", "次")),
    (r"\ge 98 %", quantity(">=", "98", "%")),
    (r"$\le 3$ 个月", quantity("<=", "3", "个月")),
    (r"$\geqslant 1$ \text{次}", quantity(">=", "1", "次")),
    # Trailing 以上 / 以下 / 以内.
    ("90%以上", quantity(">=", "90", "%")),
    ("95%（含）以上", quantity(">=", "95", "%")),
    ("10 人及以上", quantity(">=", "10", "人")),
    ("5%以下", quantity("<=", "5", "%")),
    ("3 天以内", quantity("<=", "3", "天")),
    ("≥90%以上", quantity(">=", "90", "%")),
    # Ranges.
    ("3-5 个", span("3", "5", "个")),
    ("3～5个", span("3", "5", "个")),
    ("60%-80%", span("60", "80", "%")),
    ("10至20 人", span("10", "20", "人")),
    ("1~2", span("1", "2", None)),
    # Dates.
    ("2023 年 10 月底", when("<=", 2023, 10, 31)),
    ("2023年10月31日前", when("<=", 2023, 10, 31)),
    ("2023年10月31日", when(None, 2023, 10, 31)),
    ("2023年12月", when(None, 2023, 12, 31)),
    ("2024年2月", when(None, 2024, 2, 29)),
    ("2023年2月底前", when("<=", 2023, 2, 28)),
    ("2023-10-31", when(None, 2023, 10, 31)),
    ("2023.10.31", when(None, 2023, 10, 31)),
    ("2023/6/30之前", when("<=", 2023, 6, 30)),
    ("2023年6月份", when(None, 2023, 6, 30)),
    ("2023年底", when("<=", 2023, 12, 31)),
    ("2023年7月1日以后", when(">=", 2023, 7, 1)),
    ("２０２３年１２月３１日前完成", when("<=", 2023, 12, 31)),
    ("≤2023年11月", when("<=", 2023, 11, 30)),
    # Dates that are not real dates, and dates without a year.
    ("2023年2月30日", words("2023年2月30日")),
    ("2023年13月", words("2023年13月")),
    ("2023-02-30", words("2023-02-30")),
    ("年底前", words("年底前")),
    ("年内", words("年内")),
    # Qualitative.
    ("有效", words("有效")),
    ("长期", words("长期")),
    ("有效提升", words("有效提升")),
    ("全年", words("全年")),
    ("持续发挥引领作用", words("持续发挥引领作用")),
    ("  群众满意度明显提高 ", words("群众满意度明显提高")),
    ("达到国家标准", words("达到国家标准")),
    ("第1名", words("第1名")),
    ("100%完成年度任务", words("100%完成年度任务")),
    # Blank.
    ("", BLANK),
    ("   ", BLANK),
    ("\u3000\t\n", BLANK),
]


def as_tuple(target: Target) -> tuple[object, ...]:
    return (
        target.kind,
        target.comparator,
        target.value,
        target.unit,
        target.date,
        target.qualitative,
        target.upper,
    )


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(text) for text, _ in CASES])
def test_parse_target_table(text: str, expected: tuple[object, ...]) -> None:
    target = parse_target(text)
    assert target.verbatim == text
    assert as_tuple(target) == expected


def test_decimal_keeps_printed_precision() -> None:
    value = parse_target("≤34.920 万元").value
    assert value is not None
    assert str(value) == "34.920"


def test_comparator_symbol() -> None:
    assert [comparator_symbol(c) for c in COMPARATORS] == ["≥", "≤", ">", "<", "="]
    assert comparator_symbol(None) == ""


def test_target_is_frozen() -> None:
    target = parse_target("≥1套")
    with pytest.raises(AttributeError):
        target.value = D(2)  # type: ignore[misc]


# --- Properties --------------------------------------------------------------------------

FRAGMENTS = [
    *"0123456789.,-~/%$年月日底前后内以上下含及元万次个 ",
    "≥",
    "≤",
    "＞",
    "大于",
    "不低于",
    "以上",
    "以内",
    r"\geq",
    r"\le",
    r"\%",
    "２０２３",
    "（含）",
    "\u3000",
]
texty = st.text() | st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)


@given(texty)
def test_never_raises_and_keeps_verbatim(text: str) -> None:
    target = parse_target(text)
    assert target.verbatim == text
    assert target.kind in {"quantity", "range", "date", "qualitative", "blank"}
    assert target.comparator is None or target.comparator in COMPARATORS
    assert (target.kind == "blank") == (not text.strip())
    if target.kind in {"quantity", "range"}:
        assert target.value is not None
    if target.kind == "date":
        assert target.date is not None
    if target.kind == "qualitative":
        assert target.qualitative == text.strip()
        assert (target.comparator, target.value, target.unit, target.date) == (None,) * 4


SYMBOL_TO_COMPARATOR = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "=", "": None}
UNITS = ["卷", "万元", "次", "%", "个", "人", "元", "年", "月", "套"]
spaces = st.sampled_from(["", " ", "  ", "\u3000"])
values = st.integers(min_value=0, max_value=4).flatmap(
    lambda places: st.decimals(
        min_value=0, max_value=10**6, places=places, allow_nan=False, allow_infinity=False
    )
)


@given(
    symbol=st.sampled_from(sorted(SYMBOL_TO_COMPARATOR)),
    value=values,
    unit=st.sampled_from(UNITS),
    pads=st.tuples(spaces, spaces, spaces, spaces),
)
def test_round_trip(symbol: str, value: Decimal, unit: str, pads: tuple[str, ...]) -> None:
    number = format(value, "f")
    text = f"{pads[0]}{symbol}{pads[1]}{number}{pads[2]}{unit}{pads[3]}"
    target = parse_target(text)
    assert target.kind == "quantity"
    assert target.comparator == SYMBOL_TO_COMPARATOR[symbol]
    assert target.value == value
    assert target.value is not None and format(target.value, "f") == number
    assert target.unit == unit
