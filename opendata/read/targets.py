"""Performance-indicator target values (指标值): parse the printed text into comparator,
number, unit, date or qualitative value, keeping the verbatim text.

The text is first normalised for matching only (the verbatim text is never altered):
full-width forms become ASCII, the LaTeX that PDF-to-text tools emit (``$\\geq 90\\%$``)
becomes plain symbols, whitespace is dropped and thousands separators are removed. Then,
in order, the text is read as a date, a range (``3-5个``), a quantity (``≥800 卷``) or,
failing all of these, as qualitative text. :func:`parse_target` never raises.
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal

from opendata.model import Target

#: The comparators a parsed :class:`Target` can carry, in ASCII.
COMPARATORS = (">=", "<=", ">", "<", "=")

_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}

#: Every printed spelling of a comparator, mapped to its ASCII form.
_COMPARATOR_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(
        [">=", "≥", "≧", "⩾", "大于等于", "大于或等于", "不低于", "不少于", "不小于"], ">="
    ),
    **dict.fromkeys(
        ["<=", "≤", "≦", "⩽", "小于等于", "小于或等于", "不超过", "不高于", "不大于"], "<="
    ),
    **dict.fromkeys([">", "大于", "高于", "超过"], ">"),
    **dict.fromkeys(["<", "小于", "低于"], "<"),
    **dict.fromkeys(["=", "==", "等于"], "="),
}
# Longest first, so that "大于等于" wins over "大于" and ">=" over ">".
_CMP = "|".join(re.escape(s) for s in sorted(_COMPARATOR_SPELLINGS, key=len, reverse=True))
_NUM = r"[0-9]+(?:\.[0-9]+)?"
# A unit is "%" alone or up to six other characters ("万元", "次/月/村", "个工作日").
_UNIT = r"(?:%|[^0-9%<>=≥≤,;:。，；：~\-—–]{0,6}?)"

_QUANTITY = re.compile(
    rf"(?P<cmp>{_CMP})?(?P<num>{_NUM})(?P<unit>{_UNIT})"
    r"(?P<suffix>(?:\(含\))?及?(?:以上|以下|以内))?"
)
_RANGE = re.compile(
    rf"(?P<lo>{_NUM})(?P<u1>{_UNIT})(?:-|~|—|–|至|到)(?P<hi>{_NUM})(?P<unit>{_UNIT})"
)
_DATE = re.compile(
    rf"(?P<cmp>{_CMP})?(?P<y>[0-9]{{4}})"
    r"(?:年(?:(?P<m>[0-9]{1,2})月份?(?:(?P<d>[0-9]{1,2})[日号])?)?"
    r"|(?P<sep>[-./])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2}))"
    r"(?P<end>底|末)?(?P<when>之前|以前|前|以内|内|之后|以后|后)?(?:完成)?"
)
_SUFFIX_COMPARATOR = {"以上": ">=", "以下": "<=", "以内": "<="}

# Full-width ASCII (U+FF01..U+FF5E) to ASCII, ideographic space and common look-alikes.
_WIDTH: dict[int, int | str] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: " ", 0x301C: "~", 0x2212: "-", 0xFE6A: "%"})
_LATEX_COMMAND = re.compile(r"\\(geqslant|leqslant|geq|leq|ge|le|gt|lt|sim)(?![A-Za-z])")
_LATEX_REPLACEMENT = {
    **dict.fromkeys(["geqslant", "geq", "ge"], ">="),
    **dict.fromkeys(["leqslant", "leq", "le"], "<="),
    "gt": ">",
    "lt": "<",
    "sim": "~",
}
_LATEX_TEXT = re.compile(r"\\(?:text|mathrm)\s*\{([^{}]*)\}")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


def comparator_symbol(comparator: str | None) -> str:
    """The display symbol of an ASCII comparator: ``">="`` -> ``"≥"``; ``None`` -> ``""``.

    Anything that is not one of :data:`COMPARATORS` is returned unchanged.
    """
    if comparator is None:
        return ""
    return _SYMBOLS.get(comparator, comparator)


def parse_target(text: str) -> Target:
    """Parse one printed target value; never raises, and ``verbatim`` is always ``text``."""
    if not text.strip():
        return Target(text, "blank", None, None, None, None, None)
    compact = _normalise(text)
    return (
        _parse_date(text, compact)
        or _parse_range(text, compact)
        or _parse_quantity(text, compact)
        or Target(text, "qualitative", None, None, None, None, text.strip())
    )


_BRACKETED_UNIT = re.compile(r"(\d)\(([^()\d]{1,6})\)$")


def _normalise(text: str) -> str:
    """The text as matched: ASCII forms, LaTeX unwrapped, no whitespace, no thousands commas."""
    s = text.translate(_WIDTH)
    s = _LATEX_TEXT.sub(r"\1", s)
    s = _LATEX_COMMAND.sub(lambda m: _LATEX_REPLACEMENT[m.group(1)], s)
    s = s.replace("\\%", "%").replace("$", "").replace("\\,", "").replace("\\ ", "")
    s = "".join(s.split())
    s = _BRACKETED_UNIT.sub(r"\1\2", s)  # 13459.00(平方米) → 13459.00平方米
    return _THOUSANDS.sub("", s)


def _unit(raw: str) -> str | None:
    return raw or None


def _parse_quantity(text: str, compact: str) -> Target | None:
    match = _QUANTITY.fullmatch(compact)
    if match is None:
        return None
    comparator = _COMPARATOR_SPELLINGS.get(match["cmp"] or "")
    suffix = match["suffix"]
    if comparator is None and suffix:
        comparator = _SUFFIX_COMPARATOR[suffix[-2:]]
    value = Decimal(match["num"])
    return Target(text, "quantity", comparator, value, _unit(match["unit"]), None, None)


def _parse_range(text: str, compact: str) -> Target | None:
    match = _RANGE.fullmatch(compact)
    if match is None or match["u1"] not in ("", match["unit"]):
        return None
    lower, upper = Decimal(match["lo"]), Decimal(match["hi"])
    return Target(text, "range", None, lower, _unit(match["unit"]), None, None, upper)


def _parse_date(text: str, compact: str) -> Target | None:
    match = _DATE.fullmatch(compact)
    if match is None:
        return None
    year = int(match["y"])
    month_text, day_text = match["m"] or match["m2"], match["d"] or match["d2"]
    end, when = match["end"], match["when"]
    if month_text is None and end is None and when not in ("内", "以内"):
        return None  # "2023年" alone is a number of years; "2023年前" is ambiguous
    if day_text is not None and end is not None:
        return None  # "31日底" is not a date
    try:
        month = int(month_text) if month_text is not None else 12
        last_day = calendar.monthrange(year, month)[1]
        day = int(day_text) if day_text is not None else last_day
        date = datetime.date(year, month, day)
    except ValueError:  # month 13, 2月30日, year 0000: printed as a date, but not a real one
        return Target(text, "qualitative", None, None, None, None, text.strip())
    comparator = _COMPARATOR_SPELLINGS.get(match["cmp"] or "")
    if comparator is None and when is not None:
        comparator = ">=" if when.endswith("后") else "<="  # 之后 / 以后 / 后, else 前 / 内
    elif comparator is None and end is not None:
        comparator = "<="  # 月底 / 年末: by the end of
    return Target(text, "date", comparator, None, None, date, None)
