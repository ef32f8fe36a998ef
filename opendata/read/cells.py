"""What a printed cell or row says: an amount, a code, a row's role, a header path.

The small, pure readings the table readers share: :func:`parse_number` (a printed amount as
Decimal), :func:`classify_label` (total, subtotal, 其中 or detail), :func:`looks_like_data` (a
data row, not a header), :func:`header_paths` (merged header cells joined into one path per
column) and :func:`amount_columns` (which columns of an unknown table hold amounts).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from opendata.read.lines import mend_spaces

NUMBER_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[-−]?\.\d+$", re.ASCII)
NUMBERED_RE = re.compile(r"^[一二三四五六七八九十]+[、．.]")
CODE_PATTERNS = {
    "functional": re.compile(r"^\d{3}(?:\d{2}){0,2}$"),
    "economic": re.compile(r"^\d{3}(?:\d{2})?$"),
}
CODE_LEVELS = {3: "class", 5: "category", 7: "item"}
CODE_PART_FIELDS = ("code_class", "code_category", "code_item")


def parse_number(text: str) -> Decimal | None:
    """A printed amount as Decimal (commas and full-width digits allowed), else None."""
    clean = unicodedata.normalize("NFKC", text).replace(" ", "").replace("−", "-")
    if not NUMBER_RE.match(clean):
        return None
    try:
        return Decimal(clean.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return None


def classify_label(label: str | None) -> str:
    """The role a row label gives its row: total, subtotal, of_which or detail."""
    text = re.sub(r"\s+", "", label or "")
    if re.fullmatch(r".*(合计|总计)", text):
        return "total"
    if text.endswith("小计"):
        return "subtotal"
    if re.match(r"^其中[:：]", text):
        return "of_which"
    return "detail"


def looks_like_data(cells: list[str]) -> bool:
    """Does a row look like a data row (an amount, a code, a numbered item), not a header?"""
    filled = [c for c in cells if c]
    if not filled:
        return False
    if CODE_PATTERNS["functional"].match(filled[0]) or NUMBERED_RE.match(filled[0]):
        return True
    if re.match(r"^\d+[.、．]\D", filled[0]):
        return True
    if all(is_placeholder(c) for c in filled):
        return True
    numbers = [c for c in filled if parse_number(c) is not None]
    small = all(re.fullmatch(r"\d{1,2}", c) for c in numbers)
    return bool(numbers) and not (small and len(numbers) == len(filled))


def header_paths(rows: list[list[str]], width: int) -> list[str]:
    """Join header rows into one path per column, filling merged cells from the left.

    A header row with fewer cells than the table, a whole fraction of them (``收入 | 支出``
    over four columns: the row printed at the foot of the previous page, where its cells'
    positions were not those of the table below), spreads each cell evenly over the columns.
    """
    spread = []
    for row in rows:
        if 1 < len(row) < width and width % len(row) == 0 and all(row):
            row = [cell for cell in row for _ in range(width // len(row))]
        spread.append(row)
    grid = [[mend_spaces(c) for c in row] + [""] * (width - len(row)) for row in spread]
    for r in range(len(grid) - 1):
        below = grid[r + 1 :]
        for j in range(1, width):
            if grid[r][j] or not any(b[j] for b in below):
                continue
            left = j - 1
            while left > 0 and not grid[r][left]:
                left -= 1
            # inherit only from a cell that itself spans split columns below it, and only
            # within the span of the cells above both
            same_parent = all(grid[u][left] == grid[u][j] for u in range(r))
            if grid[r][left] and any(b[left] for b in below) and same_parent:
                grid[r][j] = grid[r][left]
    paths = []
    for j in range(width):
        levels: list[str] = []
        for row in grid:
            if row[j] and (not levels or levels[-1] != row[j]):
                levels.append(row[j])
        paths.append("/".join(levels))
    return paths


def is_placeholder(text: str) -> bool:
    """A printed placeholder (…, --, ·) where an amount would be: a template, not a value."""
    return bool(re.fullmatch(r"[…．.·\-—]+", text))


_NOT_AMOUNT_HEADER = re.compile(
    r"(编码|代码|编号|序号|栏次|行次|科目|年度|年份|代码|级次|类|款|项)$"
)


def amount_columns(header: list[str], rows: list[list[str]], width: int) -> list[bool]:
    """Which columns of an unknown table hold amounts, judged by their cells.

    A column is an amount column when at least one of its cells is a number, every other
    filled cell is a placeholder or ``-``, its numbers are not classification codes (3, 5 or
    7 digits without a decimal point in a column of such; not 1, 2, 3 … counting the rows)
    and its header does not name a code, a sequence number or a year.
    """
    result = []
    for j in range(width):
        cells = [r[j] for r in rows if j < len(r) and r[j]]
        numbers = [c for c in cells if parse_number(c) is not None]
        others = [c for c in cells if parse_number(c) is None and not is_placeholder(c)]
        head = mend_spaces(header[j]) if j < len(header) else ""
        codes = numbers and all(re.fullmatch(r"\d{3}(\d{2}){0,2}", c) for c in numbers)
        small = numbers and all(re.fullmatch(r"\d{1,2}", c) for c in numbers)
        counted = (  # 1, 2, 3 … (a 序号 column, with rows of wrapped labels between)
            len(numbers) >= 2
            and all(c.isdigit() for c in numbers)
            and all(int(b) == int(a) + 1 for a, b in pairwise(numbers))
        )
        result.append(
            bool(numbers)
            and not others
            and not (codes and len(numbers) > 1)
            and not (small and not any("." in c for c in numbers) and len(numbers) == len(rows))
            and not counted
            and not _NOT_AMOUNT_HEADER.search(head.split("/")[-1] if head else "")
        )
    return result
