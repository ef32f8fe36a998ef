"""Caps on what one input can make the reader hold: cells in a row, characters in a line,
pages of a PDF and characters on a page.

No real disclosure comes near them (the corpus: at most 16 cells in a row, 1,337 characters in a
line, 35 pages), but a damaged or hostile file can: one text line of five million cells used
more than 8 GiB before these caps. What is over a cap is cut, never silently: each cut is a
reader finding (an error, since something printed is not read) naming the file, line and page.
The numbers are in docs/security.md.
"""

from __future__ import annotations

from opendata.model import Finding, Source
from opendata.read.lines import Line

#: Cells in one row: the cells after the 1,000th are not read.
MAX_CELLS = 1_000
#: Characters in one line (after the cells are cut): the rest of the line is not read.
MAX_LINE_CHARS = 100_000
#: Pages of one PDF read by default (``--max-pages``): the pages after them are not read.
MAX_PAGES = 1_000
#: Characters read from one PDF page: the rest of the page is not read.
MAX_PAGE_CHARS = 100_000
#: How much of a cut line a finding quotes.
QUOTED = 200


def _cells_cut(text: str, cap: int) -> int | None:
    """Where the row ``text`` is cut to ``cap`` cells (the index of its ``cap``-th tab), or
    None when it has ``cap`` cells or fewer. Looks at no more of the line than it needs."""
    at = -1
    for _ in range(cap):
        at = text.find("\t", at + 1)
        if at < 0:
            return None
    return at


def bound_lines(
    lines: list[Line],
    file: str,
    *,
    max_cells: int = MAX_CELLS,
    max_chars: int = MAX_LINE_CHARS,
) -> list[Finding]:
    """Cut, in place, every line of more than ``max_cells`` cells or ``max_chars`` characters;
    a finding for each cut."""
    findings: list[Finding] = []
    for k, line in enumerate(lines):
        text = line.text
        if len(text) <= max_chars and len(text) < max_cells:
            continue  # too short to hold more cells than the cap (the common case)
        notes: list[tuple[str, str]] = []
        cut = _cells_cut(text, max_cells)
        if cut is not None:
            cells = text.count("\t") + 1
            text = text[:cut]
            notes.append(
                (
                    "row-too-wide",
                    f"row has {cells:,} cells, over the cap of {max_cells:,}: "
                    f"the cells after the {max_cells:,}th are not read",
                )
            )
        if len(text) > max_chars:
            notes.append(
                (
                    "line-too-long",
                    f"line has {len(text):,} characters, over the cap of {max_chars:,}: "
                    f"the rest of the line is not read",
                )
            )
            text = text[:max_chars]
        if not notes:
            continue
        lines[k] = Line(line.number, text, line.page)
        source = Source(file, line.number, line.page)
        for code, message in notes:
            findings.append(Finding(code, message, source, text[:QUOTED], "error"))
    return findings
