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
from bisect import bisect_right
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


def _overlaps(extents: list[tuple[float, float]], x0: float, x1: float) -> int | None:
    """The first extent the range overlaps, or None."""
    for index, (a, b) in enumerate(extents):
        if a < x1 and x0 < b:
            return index
    return None


@dataclass
class _Columns:
    """A block's columns: the x range of each column's text and the boundaries between them."""

    extents: list[tuple[float, float]]
    bounds: list[float]  # len(extents) - 1 boundaries

    def cell(self, index: int) -> tuple[float, float]:
        """The x range of the column's cells (open at the block's edges)."""
        left = self.bounds[index - 1] if index > 0 else float("-inf")
        right = self.bounds[index] if index < len(self.bounds) else float("inf")
        return left, right

    def of(self, x0: float, x1: float) -> int:
        """The first column the range overlaps, else the one its centre falls in."""
        index = _overlaps(self.extents, x0, x1)
        if index is not None:
            return index
        return bisect_right(self.bounds, (x0 + x1) / 2)

    def near(self, x0: float, x1: float) -> int:
        """The first column the range overlaps, else the one whose text is nearest: for a
        header, centred in its column, and so often nearer its column's left-aligned labels
        than the boundary the amounts of the next column give."""
        index = _overlaps(self.extents, x0, x1)
        if index is not None:
            return index
        return min(
            range(len(self.extents)),
            key=lambda k: max(self.extents[k][0] - x1, x0 - self.extents[k][1]),
        )


def _extents(lines: list[_Line], block: _Block) -> list[tuple[float, float]]:
    """The x ranges covered by the anchors' pieces, but for a total's label (合计, often
    centred over the merged code and name cells). A range only one line has, with only a
    whole number in it (a 栏次 number centred over right-aligned amounts), joins the nearer
    neighbour that line has nothing in."""
    items = [
        (piece[0].x0, piece[-1].x1, j, bool(AMOUNT_RE.match(text) or not NUMBER_RE.match(text)))
        for j in block.data
        if lines[j].anchor
        for piece, text in zip(lines[j].pieces, lines[j].texts, strict=True)
        if not TOTAL_RE.match(text)
    ]
    # labels over no anchor's text (every label wrapped off its row's line) make a column too
    covered = _union([(x0, x1) for x0, x1, _, _ in items])
    items += [
        (x0, x1, -1, True)
        for x0, x1 in _union(
            [
                (piece[0].x0, piece[-1].x1)
                for j in block.data
                if not lines[j].anchor
                for piece, text in zip(lines[j].pieces, lines[j].texts, strict=True)
                if not TOTAL_RE.match(text)
            ]
        )
        if _overlaps(covered, x0, x1) is None
    ]
    groups: list[tuple[float, float, set[int], bool]] = []  # x0, x1, lines, more than numbers
    for x0, x1, j, amount in sorted(items):
        if groups and x0 < groups[-1][1]:
            a, b, which, has = groups[-1]
            which.add(j)
            groups[-1] = (a, max(b, x1), which, has or amount)
        else:
            groups.append((x0, x1, {j}, amount))
    k = 0
    while k < len(groups):
        x0, x1, which, amount = groups[k]
        if len(which) > 1 or amount or len(groups) < 2:
            k += 1
            continue
        sides = [
            (x0 - groups[m][1] if m < k else groups[m][0] - x1, m)
            for m in (k - 1, k + 1)
            if 0 <= m < len(groups) and not which & groups[m][2]
        ]
        # a number centred over right-aligned amounts is nearer them than the column on its
        # left; else only a neighbour close by takes it: a number far from any is over a
        # column of its own (the labels', when every label with an amount is a total or is
        # wrapped off its line)
        sides = [
            (gap, m)
            for gap, m in sides
            if gap <= 2 * (groups[m][1] - groups[m][0]) + 2 * block.size
            or (m == k + 1 and groups[m][3] and gap == min(sides)[0])
        ]
        if not sides:
            k += 1
            continue
        m = min(sides)[1]
        a, b, other, has = groups[m]
        groups[m] = (min(a, x0), max(b, x1), other | which, has)
        del groups[k]
        k = max(k - 1, 0)
    return [(a, b) for a, b, _, _ in groups]


def _bounds(lines: list[_Line], block: _Block, extents: list[tuple[float, float]]) -> list[float]:
    """Where one column's cells end and the next one's begin: the gap between two columns goes
    to a right-aligned column on its right, or to a left-aligned one on its left, else it is
    shared."""
    lefts: list[list[float]] = [[] for _ in extents]
    rights: list[list[float]] = [[] for _ in extents]
    for j in block.data:
        if not lines[j].anchor:
            continue
        for piece in lines[j].pieces:
            index = _overlaps(extents, piece[0].x0, piece[-1].x1)
            if index is not None:
                lefts[index].append(piece[0].x0)
                rights[index].append(piece[-1].x1)

    def aligned(values: list[float]) -> bool:
        """Do most of the values (two thirds, at least two) line up within a point?"""
        values = sorted(values)
        most = low = 0
        for high, value in enumerate(values):
            while value - values[low] > 1.0:
                low += 1
            most = max(most, high - low + 1)
        return most >= 2 and most * 3 >= len(values) * 2

    bounds = []
    for k in range(len(extents) - 1):
        (_, end), (begin, _) = extents[k], extents[k + 1]
        if aligned(rights[k + 1]):
            bounds.append(end)
        elif aligned(lefts[k]) and not aligned(rights[k]):
            bounds.append(begin)
        else:
            bounds.append((end + begin) / 2)
    return bounds


def _widened(
    lines: list[_Line], block: _Block, extents: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The extents widened by the rows without amounts: a label longer than any of a row with
    amounts (其中：教学科研人员因公出国（境）费) widens its column when it overlaps that one
    column only."""
    extents = list(extents)
    for j in block.data:
        if lines[j].anchor:
            continue
        for piece in lines[j].pieces:
            x0, x1 = piece[0].x0, piece[-1].x1
            hits = [k for k, (a, b) in enumerate(extents) if a < x1 and x0 < b]
            if len(hits) == 1:
                k = hits[0]
                a, b = extents[k]
                wider = (min(a, x0), max(b, x1))
                left = extents[k - 1][1] if k > 0 else float("-inf")
                right = extents[k + 1][0] if k + 1 < len(extents) else float("inf")
                if left < wider[0] and wider[1] < right:
                    extents[k] = wider
    return extents


def _gap(extent: tuple[float, float], x0: float, x1: float) -> float:
    """How far the range is from the extent (0 when they overlap)."""
    return max(extent[0] - x1, x0 - extent[1], 0.0)


def _columns(lines: list[_Line], block: _Block) -> _Columns:
    """The block's columns: the ranges most anchors cover, and a column of its own for a piece
    that falls in the same column as another piece of its line, a wide gap apart (a 栏次
    number or a header over a column with no amounts)."""
    extents = _widened(lines, block, _extents(lines, block))
    candidates = [lines[j] for j in block.header] + [lines[j] for j in block.data]
    for _ in range(4):
        columns = _Columns(extents, _bounds(lines, block, extents))
        extra = []
        changed = False
        for k, line in enumerate(candidates):
            column_of = columns.near if k < len(block.header) else columns.of
            by_column: dict[int, list[tuple[float, float]]] = {}
            for piece in line.pieces:
                x0, x1 = piece[0].x0, piece[-1].x1
                by_column.setdefault(column_of(x0, x1), []).append((x0, x1))
            for col, spans in by_column.items():
                if len(spans) < 2:
                    continue
                a, b = columns.extents[col]
                # the piece over the column's text, else the nearest to it, keeps the column;
                # one right of the column's text comes last (amounts are right-aligned and
                # their header is centred over them: a piece right of them heads the next)
                keep = min(spans, key=lambda s: (s[0] >= b, max(a - s[1], s[0] - b, 0.0)))
                for x0, x1 in spans:
                    if (x0, x1) == keep:
                        continue
                    # a piece beside the kept one: the neighbour column's, when that one has
                    # nothing on this line and its text is nearer, else a column of its own
                    side = col - 1 if x1 <= keep[0] else col + 1
                    if (
                        0 <= side < len(extents)
                        and side not in by_column
                        and _gap(extents[side], x0, x1) < _gap(extents[col], x0, x1)
                    ):
                        a, b = extents[side]
                        extents[side] = (min(a, x0), max(b, x1))
                        changed = True
                    else:
                        extra.append((x0, x1))
        extra += _headers_beside(lines, block, columns)
        if not extra and not changed:
            break
        extents = _union(extents + extra)
    return columns


def _headers_beside(
    lines: list[_Line], block: _Block, columns: _Columns
) -> list[tuple[float, float]]:
    """Header pieces that head a column with no amounts: placed in a column whose own header
    (a piece over its amounts, on another header line) and whose amounts they are a wide gap
    beside."""
    gap = WIDE_GAP * block.size

    def spans_others(j: int, x0: float, x1: float) -> bool:
        """Is the piece over sub-headers (a header spanning several columns: 资金性质): over
        a piece of a lower header line, or between two close by, its centre between them?"""
        below = [(p[0].x0, p[-1].x1) for k in block.header if k > j for p in lines[k].pieces]
        centre, reach = (x0 + x1) / 2, 4 * block.size
        return any(a < x1 and x0 < b for a, b in below) or (
            any(x0 - reach <= b <= centre for _, b in below)
            and any(centre <= a <= x1 + reach for a, _ in below)
        )

    over: dict[int, list[tuple[float, float]]] = {}
    beside: dict[int, list[tuple[int, float, float]]] = {}
    for j in block.header:
        for piece in lines[j].pieces:
            x0, x1 = piece[0].x0, piece[-1].x1
            col = columns.near(x0, x1)
            a, b = columns.extents[col]
            if a < x1 and x0 < b:
                if not spans_others(j, x0, x1):
                    over.setdefault(col, []).append((x0, x1))
            else:
                beside.setdefault(col, []).append((j, x0, x1))

    return [
        (x0, x1)
        for col, spans in beside.items()
        if col in over
        for j, x0, x1 in spans
        if all(x1 + gap < a or b + gap < x0 for a, b in over[col])
        and (x1 + gap < columns.extents[col][0] or columns.extents[col][1] + gap < x0)
        and not spans_others(j, x0, x1)
    ]


def _placed(line: _Line, columns: _Columns, header: bool = False) -> dict[int, list[Glyph]]:
    """The line's characters by column (the pieces of one column joined); a header line's
    pieces go to the column they are nearest (see :meth:`_Columns.near`)."""
    cells: dict[int, list[Glyph]] = {}
    column_of = columns.near if header else columns.of
    for piece in line.pieces:
        cells.setdefault(column_of(piece[0].x0, piece[-1].x1), []).extend(piece)
    return cells


def _header_rows(lines: list[_Line], block: _Block, columns: _Columns) -> list[tuple[float, Cells]]:
    """The header lines folded into header rows (see the module's docstring)."""
    width = len(columns.extents)
    levels: list[list[list[Glyph]]] = [[] for _ in range(width)]
    # per column, the piece above: x0, centre, width (-1 when it reaches over the column's
    # boundaries: a header over several columns)
    last: list[tuple[float, float, float] | None] = [None] * width
    tops: list[float] = []
    for j in block.header:
        line = lines[j]
        tolerance = 0.75 * line.size
        for col, chars in sorted(_placed(line, columns, header=True).items()):
            x0, x1 = chars[0].x0, max(c.x1 for c in chars)
            centre = (x0 + x1) / 2
            left, right = columns.cell(col)
            above = last[col]
            if (
                above is not None
                and above[2] + chars[0].x1 - x0
                > 0.8 * (min(right, block.right) - max(left, block.left))
                and (abs(above[1] - centre) <= tolerance or abs(above[0] - x0) <= tolerance)
            ):  # a wrapped header (its first word would not fit the line above): it continues
                levels[col][-1].extend(chars)
            else:  # the first header of the column, or one under a header over several
                levels[col].append(list(chars))
                if len(levels[col]) > len(tops):
                    tops.append(line.top)
            last[col] = (x0, centre, -1.0 if x0 < left - 1 or x1 > right + 1 else x1 - x0)
    return [
        (top, [cells[k] if k < len(cells) else [] for cells in levels])
        for k, top in enumerate(tops)
    ]


@dataclass
class Carried:
    """The last table of a page, when it runs to the foot of the page: the next page may go
    on with its rows (a table breaking across pages), and one row there (the last row of the
    table, alone on its page) is not enough to find the columns again."""

    block: _Block
    columns: _Columns


def _carried_block(lines: list[_Line], carried: Carried, end: int) -> _Block | None:
    """The rows that go on with the carried table at the top of the page, before ``end`` (the
    first line of the page's first table): from its first row with an amount (or with a code or
    序号 and a label), under the carried columns, with the header repeated above it."""
    old, columns = carried.block, carried.columns
    for j in range(end):
        line = lines[j]
        if TITLE_RE.search(" ".join(line.texts)):
            return None  # a table's title: a new table begins (unless it says it goes on)
        if line.wide < 2 or not _fits(line, old):
            continue
        if not (line.anchor or NUMBER_RE.match(line.texts[0])):
            continue
        placed = [columns.of(piece[0].x0, piece[-1].x1) for piece in line.pieces]
        if len(set(placed)) < len(placed):
            return None  # two cells in one column: not the carried table's row
        block = _Block([], [j], old.left, old.right, old.size, old.amounts)
        _take_header(lines, block, 0)
        _take_rows(lines, block, end)
        return block
    return None


def _goes_on(lines: list[_Line], block: _Block, carried: Carried) -> bool:
    """Are the page's first rows (and the header repeated above them, if any) more rows of the
    carried table: no title above them, each row's cells in distinct columns of the carried
    table, within its width. (Their own columns would miss the columns all blank on this page,
    and the labels of rows whose labels are wrapped.)"""
    first = min([*block.header, block.data[0]])
    if any(TITLE_RE.search(" ".join(x.texts)) for x in lines[:first]):
        return False
    for j in [*block.header, *block.data]:
        line = lines[j]
        if j in block.header:
            if not _heads(line, carried.block):  # a header may reach past the amounts
                return False
            continue
        if not _fits(line, carried.block):
            return False
        placed = [carried.columns.of(piece[0].x0, piece[-1].x1) for piece in line.pieces]
        if len(set(placed)) < len(placed):
            return False
    return True


def _runs_to_foot(lines: list[_Line], block: _Block) -> bool:
    """Does the block end the page (but for page furniture: a page number, a note)?"""
    return len(lines) - 1 - block.data[-1] <= 2


def _pitch(lines: list[_Line], block: _Block) -> float:
    """The block's row pitch: the usual step between two rows with amounts next to each other
    (twice the font size when no two are)."""
    steps = sorted(
        lines[b].top - lines[a].top
        for a, b in pairwise(block.data)
        if b == a + 1 and lines[a].anchor and lines[b].anchor
    )
    return steps[len(steps) // 2] if steps else 2.0 * block.size


def _heads_row(line: _Line) -> bool:
    """Does the line start a row: it has an amount, or it begins with a number (序号, code)?"""
    return line.anchor or bool(NUMBER_RE.match(line.texts[0]))


def _fragment(line: _Line, other: _Line, columns: _Columns) -> bool:
    """Is the line part of ``other``'s row (a word of a label wrapped in its cell, a 栏次
    printed one character per line): it has no number and text only in columns where
    ``other`` has none or has words (the middle line of a label wrapped over three)."""
    if line.anchor or _heads_row(line):
        return False
    theirs = _placed(other, columns)
    return all(
        not any(AMOUNT_RE.match(c.text) or c.text.isdigit() for c in theirs[col])
        for col in _placed(line, columns)
        if col in theirs
    )


def _take_fragments(lines: list[_Line], block: _Block, columns: _Columns) -> None:
    """Move into the block's rows the pieces of its first and last rows that wrapped above or
    below them: closer than a row pitch, in columns the row leaves empty (not header lines, not
    running text)."""
    near = 0.7 * _pitch(lines, block)
    first = block.data[0]
    while block.header and block.header[-1] == first - 1:
        above = lines[first - 1]
        if above.top < lines[first].top - near or not _fragment(above, lines[first], columns):
            break
        block.header.pop()
        block.data.insert(0, first - 1)
        first -= 1
    last = block.data[-1]
    head = next((lines[j] for j in reversed(block.data) if _heads_row(lines[j])), lines[last])
    while last + 1 < len(lines):
        below = lines[last + 1]
        if (
            below.top > lines[last].top + near
            or not _between(below, block)
            or not _fragment(below, head, columns)
        ):
            break
        block.data.append(last + 1)
        last += 1


def _bands(lines: list[_Line], block: _Block, columns: _Columns) -> list[list[int]]:
    """The block's data lines grouped into rows: lines closer together than most of a row pitch
    are one row (a label wrapped over two lines, its amounts centred between them), when just
    one of them starts a row and the others have text only where it has none; else each line
    is a row of its own."""
    near = 0.7 * _pitch(lines, block)
    chains: list[list[int]] = []
    for j in block.data:
        if chains and lines[j].top - lines[chains[-1][-1]].top < near:
            chains[-1].append(j)
        else:
            chains.append([j])
    bands: list[list[int]] = []
    for chain in chains:
        heads = [j for j in chain if _heads_row(lines[j])]
        head = heads[0] if len(heads) == 1 else None
        if (
            len(chain) > 1
            and head is not None
            and all(_fragment(lines[j], lines[head], columns) for j in chain if j != head)
        ):
            bands.append(chain)
        else:
            bands.extend([j] for j in chain)
    return bands


def unruled_tables(
    visual: Sequence[tuple[float, Sequence[Glyph]]], carried: Carried | None = None
) -> tuple[list[tuple[range, list[tuple[float, Cells]]]], Carried | None]:
    """The tables among visual lines (top, characters left to right, none empty).

    Each table is the range of the visual lines it takes the place of and its rows, as
    (top, the characters of each cell). ``carried`` is the previous page's last table when it
    ran to the foot of that page; the table this page's ends with, if it does, is returned for
    the next page.
    """
    lines = [_line(top, chars) for top, chars in visual]
    if sum(1 for line in lines if line.wide >= 2) < (1 if carried else 2):
        return [], None
    found = [(block, _columns(lines, block)) for block in _blocks(lines)]
    if carried is not None:
        end = min([*found[0][0].header, found[0][0].data[0]]) if found else len(lines)
        block = _carried_block(lines, carried, end)
        if block is not None:
            found.insert(0, (block, carried.columns))
        elif found and _goes_on(lines, found[0][0], carried):
            first = found[0][0]
            if not any(lines[j].wide >= 2 for j in first.header):
                # no header repeated: its "header" is pieces of a label wrapped over a row
                first.data[:0], first.header = first.header, []
            found[0] = (first, carried.columns)
    tables = []
    for block, columns in found:
        width = len(columns.extents)
        if width < 2:
            continue
        _take_fragments(lines, block, columns)
        rows = _header_rows(lines, block, columns)
        for band in _bands(lines, block, columns):
            cells: Cells = [[] for _ in range(width)]
            for j in band:
                for col, chars in _placed(lines[j], columns).items():
                    cells[col].extend(chars)
            rows.append((lines[band[0]].top, cells))
        taken = sorted([*block.header, *block.data])
        tables.append((range(taken[0], taken[-1] + 1), rows))
    last = found[-1] if found else None
    if last is None or len(last[1].extents) < 2 or not _runs_to_foot(lines, last[0]):
        return tables, None
    block, columns = last
    if carried is not None and columns is carried.columns:  # the same table still: its width
        old = carried.block
        block = _Block(
            [], block.data, min(old.left, block.left), max(old.right, block.right),
            old.size, min(old.amounts, block.amounts),
        )  # fmt: skip
    return tables, Carried(block, columns)
