"""Page layout: turn positioned characters and ruling lines into lines of cells.

Pure geometry, no PDF library: the PDF reader supplies :class:`Char` and :class:`Segment`
objects in top-down page coordinates (points). Tables are found as connected groups of
horizontal and vertical rules; their grid gives the columns, and a missing rule between two
grid units means a merged cell (its text goes to the first column and row it covers, the
convention of the text layout). Text outside tables is grouped into lines by baseline; among
those lines, tables drawn without vertical rules are split into cells by the alignment of their
text (:mod:`opendata.read.unruled`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple, cast

from opendata.read.unruled_pages import Carried, unruled_tables

TOL = 2.0  # points: rules closer than this are the same rule


class Char(NamedTuple):
    """One character with its box (x0 < x1, top < bottom, top-down) and font size.

    A named tuple rather than a dataclass: a page has hundreds of them, and tuples are built and
    read several times faster.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


class Segment(NamedTuple):
    """A horizontal (y0 == y1) or vertical (x0 == x1) ruling line."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass
class PageLine:
    """A line of a page: text (cells joined by tabs for table rows) and its top position."""

    text: str
    top: float
    table: int | None = None  # index of the table region on the page, None for running text


@dataclass
class _Rule:
    pos: float
    spans: list[tuple[float, float]] = field(default_factory=list)

    def covers(self, value: float) -> bool:
        return any(a - TOL <= value <= b + TOL for a, b in self.spans)


def _merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + TOL:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _rules(items: list[tuple[float, float, float]]) -> list[_Rule]:
    """Cluster (position, start, end) triples into rules at distinct positions."""
    rules: list[_Rule] = []
    for pos, a, b in sorted(items):
        if rules and pos - rules[-1].pos <= TOL:
            rules[-1].spans.append((a, b))
        else:
            rules.append(_Rule(pos, [(a, b)]))
    for rule in rules:
        rule.spans = _merge_spans(rule.spans)
    return rules


@dataclass
class Grid:
    """A table region: column and row boundaries and the rules that separate grid units."""

    xs: list[float]
    ys: list[float]
    vrules: dict[int, _Rule]
    hrules: dict[int, _Rule]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, char: Char) -> bool:
        x0, y0, x1, y1 = self.box
        return x0 - 1 <= char.xc <= x1 + 1 and y0 - 1 <= char.yc <= y1 + 1

    def unit(self, char: Char) -> tuple[int, int]:
        i = min(max(bisect_right(self.ys, char.yc) - 1, 0), len(self.ys) - 2)
        j = min(max(bisect_right(self.xs, char.xc) - 1, 0), len(self.xs) - 2)
        return i, j

    def vsep(self, i: int, j: int) -> bool:
        """Is there a rule at column boundary ``j`` in row band ``i``?"""
        rule = self.vrules.get(j)
        return rule is not None and rule.covers((self.ys[i] + self.ys[i + 1]) / 2)

    def hsep(self, i: int, j: int) -> bool:
        """Is there a rule at row boundary ``i`` in column band ``j``?"""
        rule = self.hrules.get(i)
        return rule is not None and rule.covers((self.xs[j] + self.xs[j + 1]) / 2)


def merge_collinear(segments: list[Segment]) -> list[Segment]:
    """Join pieces of one rule (drawn cell by cell) into one segment per unbroken run."""
    merged: list[Segment] = []
    hs = _rules([(s.y0, *sorted((s.x0, s.x1))) for s in segments if s.horizontal])
    vs = _rules([(s.x0, *sorted((s.y0, s.y1))) for s in segments if not s.horizontal])
    merged += [Segment(a, rule.pos, b, rule.pos) for rule in hs for a, b in rule.spans]
    merged += [Segment(rule.pos, a, rule.pos, b) for rule in vs for a, b in rule.spans]
    return merged


def find_grids(segments: list[Segment]) -> list[Grid]:
    """Group ruling lines into table grids (at least 2 columns and 1 row)."""
    segments = merge_collinear(segments)
    hs = [s for s in segments if s.horizontal and abs(s.x1 - s.x0) > TOL]
    vs = [s for s in segments if not s.horizontal and abs(s.y1 - s.y0) > TOL]
    if not hs or not vs:
        return []
    # connected components of rules that touch each other
    parent = list(range(len(hs) + len(vs)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    # each rule's extent (widened by TOL) computed once, not once per pair
    hspans = []
    for h in hs:
        hx0, hx1 = sorted((h.x0, h.x1))
        hspans.append((hx0 - TOL, hx1 + TOL, h.y0))
    vspans = []
    for v in vs:
        vy0, vy1 = sorted((v.y0, v.y1))
        vspans.append((v.x0, vy0 - TOL, vy1 + TOL))
    for a, (left, right, y) in enumerate(hspans):
        for b, (x, top, bottom) in enumerate(vspans, len(hs)):
            if left <= x <= right and top <= y <= bottom:
                parent[find(a)] = find(b)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for a, h in enumerate(hs):
        groups.setdefault(find(a), ([], []))[0].append(h)
    for b, v in enumerate(vs):
        groups.setdefault(find(len(hs) + b), ([], []))[1].append(v)
    grids = []
    for group_h, group_v in groups.values():
        hrules = _rules([(s.y0, *sorted((s.x0, s.x1))) for s in group_h])
        vrules = _rules([(s.x0, *sorted((s.y0, s.y1))) for s in group_v])
        if len(vrules) < 3:
            continue
        _close_open_ends(hrules, vrules)
        if len(hrules) < 2:
            continue
        xs = [r.pos for r in vrules]
        ys = [r.pos for r in hrules]
        grids.append(Grid(xs, ys, dict(enumerate(vrules)), dict(enumerate(hrules))))
    return grids


def _close_open_ends(hrules: list[_Rule], vrules: list[_Rule]) -> None:
    """A table whose first (or last) row is drawn without its top (or bottom) rule: the
    vertical rules run on past the outermost horizontal rule. The row they enclose is closed
    with a rule at the end of the verticals (a continuation page's first row, most often)."""
    tops = [min(a for a, _ in rule.spans) for rule in vrules]
    bottoms = [max(b for _, b in rule.spans) for rule in vrules]
    left, right = vrules[0].pos, vrules[-1].pos
    # every vertical but at most one runs on (a merged cell may stop one)
    top = sorted(tops)[-2] if len(tops) > 2 else max(tops)
    if hrules[0].pos - top > 3 * TOL:
        hrules.insert(0, _Rule(top, [(left, right)]))
    bottom = sorted(bottoms)[1] if len(bottoms) > 2 else min(bottoms)
    if bottom - hrules[-1].pos > 3 * TOL:
        hrules.append(_Rule(bottom, [(left, right)]))


_by_x0 = attrgetter("x0")


def _by_yc_x0(char: Char) -> tuple[float, float]:
    return (char.top + char.bottom) / 2, char.x0


def _join_text(chars: list[Char]) -> str:
    """Characters of one visual line, left to right, with a space where there is a gap."""
    chars = sorted(chars, key=_by_x0)
    out = ""
    previous: Char | None = None
    for char in chars:
        if previous is not None:
            gap = char.x0 - previous.x1
            # the threshold is at least 0.35 (sizes below 1 count as 1): no need to look at the
            # sizes for the (most common) smaller gaps
            if (
                gap > 0.35
                and gap > 0.35 * max(char.size, previous.size, 1.0)
                and not out.endswith(" ")
            ):
                out += " "
        out += char.text
        previous = char
    return out


def visual_lines(chars: list[Char]) -> list[tuple[float, list[Char]]]:
    """Group characters into visual lines: (top, characters) from top to bottom.

    Sorted by vertical centre, a character joins the current line when its centre is within
    half a character height (the taller of its own and the line's) of the line's mean centre.
    The line's sum of centres, tallest height and top are kept as it grows (one pass).
    """
    rows: list[tuple[float, list[Char]]] = []
    row: list[Char] = []
    total = 0.0  # sum of the centres of the row's characters, in the order they were added
    tallest = first = 0.0  # the row's tallest height and its top (smallest top)
    for char in sorted(chars, key=_by_yc_x0):
        top, bottom = char.top, char.bottom
        yc = (top + bottom) / 2
        height = bottom - top
        # max() and min() of two written out (the same result, NaN included)
        if row and abs(yc - total / len(row)) <= (height if height > tallest else tallest) * 0.5:
            row.append(char)
            total += yc
            if height > tallest:
                tallest = height
            if top < first:
                first = top
            continue
        if row:
            rows.append((first, row))
        row = [char]
        total = 0
        total += yc
        tallest, first = height, top
    if row:
        rows.append((first, row))
    return rows


def text_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """Group characters into visual lines: (top, text) from top to bottom."""
    return [(top, _join_text(row).strip()) for top, row in visual_lines(chars)]


def _cell_text(chars: list[Char]) -> str:
    parts = [text for _, text in text_lines(chars) if text]
    out = ""
    for part in parts:
        if out and re.search(r"[A-Za-z0-9,.%)]$", out) and re.match(r"^[A-Za-z0-9(]", part):
            out += " "
        out += part
    return out


def grid_lines(grid: Grid, chars: list[Char], index: int) -> list[PageLine]:
    """The rows of a table grid as lines of tab-separated cells (merged cells anchored)."""
    rows, cols = len(grid.ys) - 1, len(grid.xs) - 1
    anchor: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(rows):
        for j in range(cols):
            a = (i, j)
            if j > 0 and not grid.vsep(i, j):
                a = anchor[(i, j - 1)]
            elif i > 0 and not grid.hsep(i, j):
                a = anchor[(i - 1, j)]
            anchor[(i, j)] = a
    cells: dict[tuple[int, int], list[Char]] = {}
    xs, ys = grid.xs, grid.ys
    last_i, last_j = len(ys) - 2, len(xs) - 2
    for char in chars:  # Grid.unit, written out
        i = bisect_right(ys, (char.top + char.bottom) / 2) - 1
        j = bisect_right(xs, (char.x0 + char.x1) / 2) - 1
        i = 0 if i < 0 else last_i if i > last_i else i
        j = 0 if j < 0 else last_j if j > last_j else j
        cells.setdefault(anchor[(i, j)], []).append(char)
    lines = []
    for i in range(rows):
        texts = [
            _cell_text(cells[(i, j)]) if (i, j) in cells and anchor[(i, j)] == (i, j) else ""
            for j in range(cols)
        ]
        if any(texts):
            lines.append(PageLine("\t".join(texts), grid.ys[i], index))
    return lines


def _text(visual: list[tuple[float, list[Char]]]) -> list[PageLine]:
    """Visual lines as running text."""
    lines = []
    for top, row in visual:
        text = _join_text(row).strip()
        if text:
            lines.append(PageLine(text, top))
    return lines


def page_lines(
    chars: list[Char], segments: list[Segment], carry: list[Carried | None] | None = None
) -> list[PageLine]:
    """All lines of one page, top to bottom: running text and table rows.

    ``carry`` holds, from one page to the next, the table without vertical rules that ran to
    the foot of the previous page (see :class:`opendata.read.unruled_pages.Carried`); give the same
    one-item list for every page of a document."""
    grids = find_grids(segments)
    inside: list[list[Char]] = [[] for _ in grids]
    outside: list[Char] = [] if grids else chars  # no table: every character is running text
    # Grid.contains, written out: each character's centre against each grid's box, widened by 1
    boxes = [
        (k, x0 - 1, y0 - 1, x1 + 1, y1 + 1)
        for k, (x0, y0, x1, y1) in enumerate(grid.box for grid in grids)
    ]
    for char in chars if grids else ():
        xc = (char.x0 + char.x1) / 2
        yc = (char.top + char.bottom) / 2
        for k, left, top, right, bottom in boxes:
            if left <= xc <= right and top <= yc <= bottom:
                inside[k].append(char)
                break
        else:
            outside.append(char)
    lines = []
    visual = [(top, sorted(row, key=_by_x0)) for top, row in visual_lines(outside)]
    taken = 0  # visual lines before this one are in lines already
    carried = carry[0] if carry else None
    found, carried = unruled_tables(visual, None if grids else carried)
    if carry:
        carry[0] = carried
    for k, (span, rows) in enumerate(found, len(grids)):
        lines.extend(_text(visual[taken : span.start]))
        taken = span.stop
        for top, cells in rows:
            texts = (_cell_text(cast("list[Char]", cell)) for cell in cells)
            lines.append(PageLine("\t".join(texts), top, k))
    lines.extend(_text(visual[taken:]))
    for k, grid in enumerate(grids):
        lines.extend(grid_lines(grid, inside[k], k))
    lines.sort(key=lambda line: line.top)
    return lines
