"""Tables drawn without vertical rules: cells found by the alignment of the text.

Word and WPS often print a table with horizontal rules only, or with no rules at all: the
grid finder (:func:`opendata.read.layout.find_grids`) sees no table, and its lines would come
out as running text, cells joined by spaces. This module finds such tables among the visual
lines of the characters outside any grid and splits their lines into cells.

- A line is split into *pieces* where two characters are further apart than half a character
  (a space or more). A line is an *anchor* (surely a table row) when it has at least two
  parts separated by wide gaps (over a character and a fifth) and an amount (a decimal
  number or one with thousands separators) or two numbers (a 栏次 row).
- A *block* is a run of at least two anchors, close together, with at most a few other lines
  between them that fit the anchors' width; it takes in the header lines above it (up to a
  preamble line such as ``单位：万元``, a line in another font size, or a wide gap) and the
  rows with wide gaps just below it.
- Columns are the x ranges covered by the anchors' pieces (a range a few anchors cross, such
  as a 合计 centred over two columns, still separates columns); a header piece over no column
  is a column of its own (a column with no amounts). Each piece goes to the first column it
  overlaps (a merged cell to its first column, as in a ruled grid), else to the nearest.
- Data lines are rows, one per visual line. The header lines are folded into header rows: in
  each column, a piece centred (or left-aligned) under the one above continues its cell (a
  wrapped header), another starts a new level (a header spanning several columns above its
  sub-headers); the levels of each column are top-aligned.

Narrative text does not become a table: justified lines have small even gaps, a preamble line
with its unit right-aligned has no amount, and one line is never enough.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from opendata.read.preamble import AS_OF_RE, DEPT_KEY_RE, DEPT_RE, UNIT_RE, YEAR_RE

PIECE_GAP = 0.5  # × font size: a wider gap next to a digit separates two cells
WIDE_GAP = 1.2  # × font size: a gap this wide separates cells
MAX_INNER = 3  # other lines allowed between two anchors of a block
MAX_HEADER = 8  # header lines taken above a block's first anchor
MIN_WIDTH = 30  # × font size: the width a header is judged against, however narrow the rows
LINE_GAP = 3.5  # × font size: the widest vertical step between two lines of a block

AMOUNT_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)%?$")
TOTAL_RE = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计)")
_NUMERIC = frozenset("0123456789.,-−%")
INLINE_UNIT_RE = re.compile(r"^(?:万元|亿元|千元|元|%)(?:$|[，。；、,;])")
TITLE_RE = re.compile(r"表\W*$")  # a title, but not a repeated one: …收支总表（续）
NUMBER_RE = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?$")


class Glyph(Protocol):
    """What this module reads of a character (:class:`opendata.read.layout.Char`)."""

    @property
    def text(self) -> str: ...
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def size(self) -> float: ...


Cells = list[list[Glyph]]  # a row: the characters of each cell


@dataclass
class _Line:
    top: float
    pieces: list[list[Glyph]]  # characters split at gaps wider than PIECE_GAP
    texts: list[str]
    wide: int  # parts separated by gaps wider than WIDE_GAP
    size: float
    x0: float
    x1: float

    @property
    def anchor(self) -> bool:
        if self.wide < 2 or any(
            AMOUNT_RE.match(a) and INLINE_UNIT_RE.match(b) for a, b in pairwise(self.texts)
        ):
            return False  # a sentence with an amount and its unit in it (justified prose)
        numbers = 0
        for text in self.texts:
            if AMOUNT_RE.match(text):
                return True
            if NUMBER_RE.match(text):
                numbers += 1
        return numbers >= 2


def _line(top: float, chars: Sequence[Glyph]) -> _Line:
    """A visual line (characters left to right) split into pieces."""
    size = max(max(c.size for c in chars), 1.0)
    pieces: list[list[Glyph]] = [[chars[0]]]
    wide = 1
    for previous, char in pairwise(chars):
        gap = char.x0 - previous.x1
        if gap > WIDE_GAP * size:
            pieces.append([char])
            wide += 1
        elif gap > PIECE_GAP * size and (char.text in _NUMERIC or previous.text in _NUMERIC):
            pieces.append([char])
        else:
            pieces[-1].append(char)
    texts = ["".join(c.text for c in piece) for piece in pieces]
    return _Line(top, pieces, texts, wide, size, chars[0].x0, max(c.x1 for c in chars))


def _preamble_like(line: _Line) -> bool:
    text = " ".join(line.texts)
    return bool(
        DEPT_KEY_RE.match(text)
        or UNIT_RE.search(text)
        or YEAR_RE.search(text)
        or AS_OF_RE.match(text)
        or DEPT_RE.match(text)
        or text.endswith("表")
    )


@dataclass
class _Block:
    header: list[int]  # indices of the header lines
    data: list[int]  # indices of the data lines (the first is an anchor)
    left: float
    right: float
    size: float
    amounts: float  # where the anchors' first amounts begin (the left of the amount columns)


def _fits(line: _Line, block: _Block) -> bool:
    """Could the line be part of the block: same font size, inside its width, no preamble."""
    slack = 2 * block.size
    return (
        abs(line.size - block.size) <= 1.0
        and line.x0 >= block.left - slack
        and line.x1 <= block.right + slack
        and not _preamble_like(line)
    )


def _between(line: _Line, block: _Block) -> bool:
    """Could the line be part of the block, between two of its rows with amounts: as
    :func:`_fits`, but it may reach further left or right (a label wrapped in its cell, with
    the code and 序号 of its row on a line of their own; a 栏次 printed one character per
    line under a 合计 centred over the first columns)."""
    return abs(line.size - block.size) <= 1.0 and not _preamble_like(line)


def _heads(line: _Line, block: _Block) -> bool:
    """Could the line be a header line of the block: same font size, no preamble, short pieces
    (not a paragraph), starting roughly where the block starts (a header may reach far right
    of the amounts, over columns whose amounts are all blank)."""
    width = max(block.right - block.left, MIN_WIDTH * block.size)
    return (
        abs(line.size - block.size) <= 1.0
        and line.x0 >= block.left - width / 4
        and all(p[-1].x1 - p[0].x0 <= 0.6 * width for p in line.pieces)
        and not _preamble_like(line)
    )


def _amounts_x0(line: _Line) -> float:
    """Where the line's first amount begins (infinity when it has none)."""
    for piece, text in zip(line.pieces, line.texts, strict=True):
        if AMOUNT_RE.match(text):
            return piece[0].x0
    return float("inf")


def _label_only(line: _Line, block: _Block) -> bool:
    """Is the line a row of labels (and codes) with every amount blank: it ends left of the
    block's amount columns. A table may hold any number of them between two rows with
    amounts (the empty rows of a 三公 table); a paragraph line reaches over the amounts."""
    return line.x1 < block.amounts and _fits(line, block)


def _close(upper: _Line, lower: _Line, size: float) -> bool:
    return 0 <= lower.top - upper.top <= LINE_GAP * size


def _blocks(lines: list[_Line]) -> list[_Block]:
    anchors = [i for i, line in enumerate(lines) if line.anchor]
    blocks: list[_Block] = []
    k = 0
    while k < len(anchors):
        first = anchors[k]
        line = lines[first]
        block = _Block([], [first], line.x0, line.x1, line.size, _amounts_x0(line))
        k += 1
        while k < len(anchors):
            nxt = anchors[k]
            candidate = lines[nxt]
            last = block.data[-1]
            between = range(last + 1, nxt)
            # the lines between are checked against the block widened to the next anchor
            wider = _Block(
                [],
                [],
                min(block.left, candidate.x0),
                max(block.right, candidate.x1),
                block.size,
                block.amounts,
            )
            if (
                sum(1 for j in between if not _label_only(lines[j], wider)) > MAX_INNER
                or abs(candidate.size - block.size) > 1.0
                or not all(_between(lines[j], wider) for j in between)
                or not all(_close(lines[j], lines[j + 1], block.size) for j in range(last, nxt))
            ):
                break
            block.data.extend([*between, nxt])
            block.left = min(block.left, candidate.x0)
            block.right = max(block.right, candidate.x1)
            block.amounts = min(block.amounts, _amounts_x0(candidate))
            k += 1
        if sum(1 for j in block.data if lines[j].anchor) < 2:
            continue
        _take_header(lines, block, blocks[-1].data[-1] + 1 if blocks else 0)
        _take_rows(lines, block, anchors[k] if k < len(anchors) else len(lines))
        blocks.append(block)
    return blocks


def _take_header(lines: list[_Line], block: _Block, start: int) -> None:
    """Add to the block the header lines right above its first row (none above ``start``).
    Rows numbered in their first cell (a 序号 or a code, then a label) right above are rows
    with blank amounts, not header lines: they go to the block's rows."""
    j = block.data[0] - 1
    while (
        j >= start
        and len(block.header) < MAX_HEADER
        and _close(lines[j], lines[j + 1], block.size)
        and _heads(lines[j], block)
    ):
        block.header.insert(0, j)
        j -= 1
    numbered = [k for k, j in enumerate(block.header) if _numbered(lines[j])]
    if numbered:  # it and the lines below it (pieces of wrapped labels) are rows
        block.data[:0] = block.header[numbered[0] :]
        del block.header[numbered[0] :]


def _numbered(line: _Line) -> bool:
    """A row with a number (序号, code) in its first cell and a label after it."""
    return (
        line.wide >= 2
        and bool(NUMBER_RE.match(line.texts[0]))
        and any(not NUMBER_RE.match(text) for text in line.texts[1:])
    )


def _take_rows(lines: list[_Line], block: _Block, end: int) -> None:
    """Add to the block the rows right below its last one (with wide gaps: a code or 序号 and
    a label whose amounts are blank; or closer than a line: a word wrapped in its cell), up to
    ``end``."""
    j = block.data[-1] + 1
    while j < end and _close(lines[j - 1], lines[j], block.size) and _fits(lines[j], block):
        if lines[j].wide >= 2 or lines[j].top - lines[j - 1].top < block.size:
            block.data.append(j)
            j += 1
            continue
        stack = [j]  # lines closer than a line apart: one row, its cells on lines of their own
        while (
            stack[-1] + 1 < end
            and lines[stack[-1] + 1].top - lines[stack[-1]].top < block.size
            and _fits(lines[stack[-1] + 1], block)
        ):
            stack.append(stack[-1] + 1)
        spans = _union([(p[0].x0, p[-1].x1) for k in stack for p in lines[k].pieces])
        if not any(b[0] - a[1] > WIDE_GAP * block.size for a, b in pairwise(spans)):
            break
        block.data.extend(stack)
        j = stack[-1] + 1


def _union(ranges: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(ranges):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
