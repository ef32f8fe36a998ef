"""Tables drawn without vertical rules: rows wrapped over lines, tables broken across pages,
and the entry point :func:`unruled_tables` (see :mod:`opendata.read.unruled` for the method).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from opendata.read.unruled import (
    AMOUNT_RE,
    NUMBER_RE,
    TITLE_RE,
    Cells,
    Glyph,
    _between,
    _Block,
    _blocks,
    _fits,
    _heads,
    _Line,
    _line,
    _take_header,
    _take_rows,
)
from opendata.read.unruled_columns import _Columns, _columns, _header_rows, _placed


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
