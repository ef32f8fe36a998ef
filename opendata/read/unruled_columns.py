"""Tables drawn without vertical rules: their columns and their header rows.

The columns of a block of rows (:mod:`opendata.read.unruled`) are the x ranges its text covers;
each header piece goes to a column, or heads one of its own (see that module's docstring).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from opendata.read.unruled import (
    AMOUNT_RE,
    NUMBER_RE,
    TOTAL_RE,
    WIDE_GAP,
    Cells,
    Glyph,
    _Block,
    _Line,
    _union,
)


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
