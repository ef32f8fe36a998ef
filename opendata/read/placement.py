"""Where a row's cells belong when the printed row does not say it plainly.

Cells placed by their kind when a row has fewer cells than its table (a word under the next
label column, a number under the next amount column); 类 / 款 / 项 cells merged down their
group, and 类 款 项 printed as sub-headers on the 合计 line; a 合计 label printed in the 序号
column; a 合计 row of amounts printed inside the header block.
"""

from __future__ import annotations

import re

from opendata.model import Cell, Table
from opendata.read.cells import classify_label, is_placeholder, parse_number


def code_part_headers(cells: list[str]) -> int:
    """How many leading cells are the 类 / 款 / 项 sub-headers (0 when they are not)."""
    names = [re.sub(r"\s+", "", c) for c in cells[:3]]
    return 3 if names == ["类", "款", "项"] else 0


def previous_code(table: Table) -> str:
    """The code of the nearest row above that has one."""
    return next((r.code for r in reversed(table.rows) if r.code), "")


def carried_parts(parts: list[str], previous: str) -> list[str]:
    """类 / 款 / 项 cells merged down their group print the upper parts once: a row with only
    its 款 (``05``) or 项 (``01``) takes the parts above from the previous code, 201 → 20105 →
    2010501. Parts printed in full are kept as printed."""
    first = next(k for k, part in enumerate(parts) if part)
    widths = (3, 2, 2)
    if first == 0 or len(previous) < sum(widths[:first]):
        return parts
    if not all(re.fullmatch(r"\d+", p) for p in parts if p):
        return parts
    upper = previous[: sum(widths[:first])]
    return [upper, *parts[first:]]


def total_row(cells: list[str]) -> bool:
    """A 合计 / 总计 row of amounts: its label in one of the first four cells, then only
    amounts or placeholders (none at all when the label is in one of the first three)."""
    filled = [(n, c) for n, c in enumerate(cells) if c]
    if not filled or filled[0][0] > 3 or classify_label(filled[0][1]) != "total":
        return False
    rest = [c for _, c in filled[1:]]
    if not all(parse_number(c) is not None or is_placeholder(c) for c in rest):
        return False
    # with no amount (an empty table), only a label in the 序号 / code / name cells
    return any(parse_number(c) is not None for c in rest) or filled[0][0] <= 2


def label_in_seq_column(kinds: list[str], cells: list[Cell]) -> None:
    """A label printed across the merged 序号 / code / name cells lands in the 序号 column
    (合计): it is moved to the empty label column."""
    if "seq" not in kinds or "label" not in kinds:
        return
    seq, label = cells[kinds.index("seq")], cells[kinds.index("label")]
    digits = re.fullmatch(r"\d+", seq.text)
    if seq.text and not label.text and not digits and not is_placeholder(seq.text):
        label.text, seq.text = seq.text, ""


def place_by_kind(words: list[str], kinds: list[str]) -> list[str] | None:
    """Words of a row, in order, under columns of their kind: a number under the next amount
    column, any other word under the next label or text column; None when they do not fit."""
    cells = [""] * len(kinds)
    at = 0
    for word in words:
        number = parse_number(word) is not None
        want = ("amount", "quantity") if number else ("label", "text")
        while at < len(kinds) and kinds[at] not in want:
            at += 1
        if at >= len(kinds):
            return None
        cells[at] = word
        at += 1
    return cells
