"""PDF reader: characters with their boxes and ruling lines from the PDF's text layer.

Uses pypdfium2 (PDFium; Apache-2.0 / BSD-3-Clause), chosen by measurement on the corpus: it
extracts every character with its box at ≈360 pages/s against ≈28 for pdfplumber, and unlike
PyMuPDF (≈560 pages/s) it is not AGPL, so public bodies can embed it. Layout (lines, table
grids, merged cells) is done by :mod:`opendata.read.layout` on what this module extracts. The
PDFium calls below pypdfium2's helper classes are in :mod:`opendata.read._pdfium`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from opendata.errors import InputError
from opendata.read import _pdfium
from opendata.read.bounds import MAX_PAGE_CHARS, MAX_PAGES
from opendata.read.layout import Char, PageLine, Segment, page_lines
from opendata.read.lines import Line
from opendata.read.unruled_pages import Carried

Box = tuple[float, float, float, float]

PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[-—–])?$|^\d+\s*/\s*\d+$"
)


def page_transform(page: object) -> Callable[[float, float], tuple[float, float]]:
    """Map PDF user space (bottom-up) to the page as displayed (top-down), honouring /Rotate."""
    left, bottom, right, top = page.get_mediabox()  # type: ignore[attr-defined]
    width, height = right - left, top - bottom
    rotation = page.get_rotation() % 360  # type: ignore[attr-defined]

    def transform(x: float, y: float) -> tuple[float, float]:
        x, y = x - left, y - bottom
        if rotation == 90:
            return y, x
        if rotation == 180:
            return width - x, y
        if rotation == 270:
            return height - y, width - x
        return x, height - y

    return transform


def page_box(page: object) -> Callable[[float, float, float, float], Box]:
    """The page's box function: a PDF rectangle (x0, y0, x1, y1) as (left, top, right, bottom)
    on the page as displayed. The same arithmetic as :func:`_box` with :func:`page_transform`,
    written out per rotation: it is called for every character."""
    left, bottom, right, top = page.get_mediabox()  # type: ignore[attr-defined]
    width, height = right - left, top - bottom
    rotation = page.get_rotation() % 360  # type: ignore[attr-defined]
    if rotation not in (90, 180, 270):  # page_transform treats any other value as 0

        def box(x0: float, y0: float, x1: float, y1: float) -> Box:
            ax, ay = x0 - left, height - (y0 - bottom)
            bx, by = x1 - left, height - (y1 - bottom)
            # min() and max() of two, written out (the same result, NaN included)
            return (
                bx if bx < ax else ax,
                by if by < ay else ay,
                bx if bx > ax else ax,
                by if by > ay else ay,
            )

        box.unrotated = (left, bottom, height)  # type: ignore[attr-defined]  # for _chars
        return box

    def corners(x0: float, y0: float, x1: float, y1: float) -> Box:
        """Both corners (ax, ay, bx, by) as page_transform maps them."""
        x0, y0, x1, y1 = x0 - left, y0 - bottom, x1 - left, y1 - bottom
        if rotation == 90:
            return y0, x0, y1, x1
        if rotation == 180:
            return width - x0, y0, width - x1, y1
        return height - y0, width - x0, height - y1, width - x1

    def rotated_box(x0: float, y0: float, x1: float, y1: float) -> Box:
        ax, ay, bx, by = corners(x0, y0, x1, y1)
        return (
            bx if bx < ax else ax,
            by if by < ay else ay,
            bx if bx > ax else ax,
            by if by > ay else ay,
        )

    return rotated_box


def _box(
    t: Callable[[float, float], tuple[float, float]], x0: float, y0: float, x1: float, y1: float
) -> tuple[float, float, float, float]:
    """A box transformed: (left, top, right, bottom) in display coordinates."""
    ax, ay = t(x0, y0)
    bx, by = t(x1, y1)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _chars(
    textpage: object, box: Callable[[float, float, float, float], Box], limit: int | None = None
) -> list[Char]:
    """The page's printed characters (no whitespace, no control characters) with their boxes,
    of its first ``limit`` characters if given.

    ``textpage`` is the page's ``PdfTextPage`` and ``box`` its :func:`page_box`.
    """
    chars: list[Char] = []
    append = chars.append
    make = tuple.__new__  # Char(...) without the named tuple's own __new__
    printed = _pdfium.printed_chars(textpage, limit)
    unrotated = getattr(box, "unrotated", None)
    if unrotated is None:
        for text, left, top, right, bottom, size in printed:
            append(make(Char, (text, *box(left, bottom, right, top), size)))
        return chars
    # the same with page_box's unrotated box written out (most pages): ≈15% faster
    dx, dy, height = unrotated
    for text, left, top, right, bottom, size in printed:
        ax, ay = left - dx, height - (bottom - dy)
        bx, by = right - dx, height - (top - dy)
        x0, x1 = bx if bx < ax else ax, bx if bx > ax else ax
        y0, y1 = by if by < ay else ay, by if by > ay else ay
        append(make(Char, (text, x0, y0, x1, y1, size)))
    return chars


def _segments(
    page: object,
    t: Callable[[float, float], tuple[float, float]],
    box: Callable[[float, float, float, float], Box] | None = None,
) -> list[Segment]:
    """The ruling lines drawn by the page's visible path objects (also inside form objects)."""
    box = box or page_box(page)
    paths = _pdfium.PagePaths(page)
    segments: list[Segment] = []
    for obj in paths:
        if not _visible(paths, obj):
            continue
        x0, y0, x1, y1 = box(*paths.bounds(obj))
        if x1 - x0 <= 3 or y1 - y0 <= 3:  # a thin line or a thin filled rectangle
            if x1 - x0 > 3 or y1 - y0 > 3:
                if x1 - x0 > y1 - y0:
                    segments.append(Segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2))
                else:
                    segments.append(Segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))
            continue
        matrix = paths.matrix(obj)
        if matrix is None:
            continue
        a, b, c, d, e, f = matrix
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for x, y, kind, close in paths.segments(obj):
            px, py = t(a * x + c * y + e, b * x + d * y + f)
            if kind == "move":
                start = (px, py)
            elif kind == "line" and points:
                _edge(segments, points[-1], (px, py))
            else:
                start = start or (px, py)
            points.append((px, py))
            if close and start is not None:
                _edge(segments, (px, py), start)
    return segments


def _visible(paths: _pdfium.PagePaths, path: _pdfium.Handle) -> bool:
    """Is a path drawn in a colour that shows on white paper (not a white cell fill)?"""
    fill, stroke = paths.draw_mode(path)
    return bool(stroke and _shows(paths.stroke_colour(path))) or bool(
        fill and _shows(paths.fill_colour(path))
    )


def _shows(rgba: tuple[int, int, int, int] | None) -> bool:
    if rgba is None:  # pdfium cannot say: taken as drawn
        return True
    r, g, b, a = rgba
    return a > 0 and min(r, g, b) < 230


def _edge(out: list[Segment], a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 1 and abs(x0 - x1) > 3:
        out.append(Segment(min(x0, x1), y0, max(x0, x1), y0))
    elif abs(x0 - x1) < 1 and abs(y0 - y1) > 3:
        out.append(Segment(x0, min(y0, y1), x0, max(y0, y1)))


#: A note on part of a PDF not read: (finding code, message, page).
Note = tuple[str, str, int]


def read_pdf_lines(path: Path, *, max_pages: int = MAX_PAGES) -> tuple[list[Line], list[Note]]:
    """Every line of the first ``max_pages`` pages (0: of every page), with cells from the
    table grids; page numbers dropped.

    Also returns notes on what was not read, with their pages: a page that cannot be read or
    has no text layer (``page-unreadable``), characters of a page over
    :data:`~opendata.read.bounds.MAX_PAGE_CHARS` (``page-too-dense``) and the pages over
    ``max_pages`` (``pages-not-read``); the rest of the document is still read. Pages are read
    one at a time and closed: memory does not grow with the page count beyond the lines.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower() or "security" in reason.lower():
            raise InputError(
                "the PDF is encrypted (password-protected); expected an unprotected PDF", path=path
            ) from exc
        raise InputError(f"the PDF cannot be opened: {reason}", path=path) from exc
    lines: list[Line] = []
    notes: list[Note] = []
    any_text = False
    carry: list[Carried | None] = [None]  # a table without vertical rules running on
    try:
        pages = len(document)
        read = min(pages, max_pages) if max_pages > 0 else pages
        for number in range(read):
            try:
                chars, page_items = _page(document, number, notes, carry)
            except (pdfium.PdfiumError, ValueError, ZeroDivisionError, OverflowError) as exc:
                message = f"page {number + 1} cannot be read ({exc}); skipped"
                notes.append(("page-unreadable", message, number + 1))
                continue
            any_text = any_text or bool(chars)
            if not chars:
                message = f"page {number + 1} has no text layer (an image?)"
                notes.append(("page-unreadable", message, number + 1))
            for k, item in enumerate(page_items):
                edge = k in (0, len(page_items) - 1)
                if edge and item.table is None and PAGE_NUMBER_RE.match(item.text):
                    continue  # page furniture: the printed page number
                lines.append(Line(len(lines) + 1, item.text, number + 1))
        if read < pages:
            message = (
                f"the PDF has {pages:,} pages, over the cap of {max_pages:,} (--max-pages): "
                f"pages {read + 1:,} to {pages:,} are not read"
            )
            notes.append(("pages-not-read", message, read + 1))
    finally:
        document.close()
    if not any_text:
        raise InputError(
            "the PDF has no text layer (scanned images only); run OCR first", path=path
        )
    return lines, notes


def _page(
    document: object, number: int, notes: list[Note], carry: list[Carried | None]
) -> tuple[list[Char], list[PageLine]]:
    """The printed characters and the lines of one page; the page is closed after. ``carry``
    passes a table without vertical rules on from page to page (see :func:`page_lines`)."""
    page = document[number]  # type: ignore[index]
    textpage = None
    try:
        transform = page_transform(page)
        box = page_box(page)
        textpage = page.get_textpage()  # keep a reference while its handle is used
        count = textpage.count_chars()
        if count > MAX_PAGE_CHARS:
            message = (
                f"page {number + 1} has {count:,} characters, over the cap of "
                f"{MAX_PAGE_CHARS:,}: the rest of the page is not read"
            )
            notes.append(("page-too-dense", message, number + 1))
        chars = _chars(textpage, box, MAX_PAGE_CHARS)
        return chars, page_lines(chars, _segments(page, transform, box), carry)
    finally:
        if textpage is not None:
            textpage.close()
        page.close()
