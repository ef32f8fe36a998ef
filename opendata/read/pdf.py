"""PDF reader: characters with their boxes and ruling lines from the PDF's text layer.

Uses pypdfium2 (PDFium; Apache-2.0 / BSD-3-Clause), chosen by measurement on the corpus: it
extracts every character with its box at ≈360 pages/s against ≈28 for pdfplumber, and unlike
PyMuPDF (≈560 pages/s) it is not AGPL, so public bodies can embed it. Layout (lines, table
grids, merged cells) is done by :mod:`opendata.read.layout` on what this module extracts.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from opendata.errors import InputError
from opendata.read.layout import Char, Segment, page_lines
from opendata.read.lines import Line

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


class _Handle(ctypes.c_void_p):
    """A pdfium handle returned by a bare function: kept as a pointer (a c_void_p result would be
    turned into an int, which ctypes passes back as a 32-bit C int)."""


@cache
def _pdfium() -> SimpleNamespace:
    """The pdfium functions called per character, per page object and per path segment, as bare
    function pointers: no ``argtypes``, so ctypes does not convert and check each argument
    (≈0.55 µs a call here instead of ≈1.5 µs through pypdfium2's typed bindings). Every argument
    is passed as a pointer object (``_Handle``, ``byref``) or a small Python int (a C int)."""
    import pypdfium2.raw as raw

    def bare(function: object, restype: object) -> Callable[..., Any]:
        address = ctypes.cast(function, ctypes.c_void_p).value  # type: ignore[arg-type]
        pointer = type(function)(address)  # the binding's own calling convention
        pointer.restype = restype
        pointer.argtypes = None
        return pointer  # type: ignore[no-any-return]

    c_int, c_uint, c_double = ctypes.c_int, ctypes.c_uint, ctypes.c_double
    return SimpleNamespace(
        char_unicode=bare(raw.FPDFText_GetUnicode, c_uint),
        char_box=bare(raw.FPDFText_GetLooseCharBox, c_int),
        char_size=bare(raw.FPDFText_GetFontSize, c_double),
        count_objects=bare(raw.FPDFPage_CountObjects, c_int),
        get_object=bare(raw.FPDFPage_GetObject, _Handle),
        count_form_objects=bare(raw.FPDFFormObj_CountObjects, c_int),
        get_form_object=bare(raw.FPDFFormObj_GetObject, _Handle),
        object_type=bare(raw.FPDFPageObj_GetType, c_int),
        object_bounds=bare(raw.FPDFPageObj_GetBounds, c_int),
        object_matrix=bare(raw.FPDFPageObj_GetMatrix, c_int),
        draw_mode=bare(raw.FPDFPath_GetDrawMode, c_int),
        stroke_colour=bare(raw.FPDFPageObj_GetStrokeColor, c_int),
        fill_colour=bare(raw.FPDFPageObj_GetFillColor, c_int),
        count_segments=bare(raw.FPDFPath_CountSegments, c_int),
        get_segment=bare(raw.FPDFPath_GetPathSegment, _Handle),
        segment_point=bare(raw.FPDFPathSegment_GetPoint, c_int),
        segment_type=bare(raw.FPDFPathSegment_GetType, c_int),
        segment_close=bare(raw.FPDFPathSegment_GetClose, c_int),
    )


def _chars(textpage: object, box: Callable[[float, float, float, float], Box]) -> list[Char]:
    """The page's printed characters (no whitespace, no control characters) with their boxes.

    ``box`` is the page's :func:`page_box`. Generated characters (FPDFText_IsGenerated) are
    not asked about: pdfium generates only spaces and line breaks (CPDF_TextPage), which are
    whitespace and skipped anyway.
    """
    import pypdfium2.raw as raw

    api = _pdfium()
    char_box, char_size = api.char_box, api.char_size
    handle = ctypes.cast(textpage, ctypes.c_void_p)  # type: ignore[call-overload]
    rect = (ctypes.c_float * 4)()  # an FS_RECTF: left, top, right, bottom
    out = ctypes.byref(rect)
    chars: list[Char] = []
    append = chars.append
    make = tuple.__new__  # Char(...) without the named tuple's own __new__
    page_text = _page_text(textpage, raw.FPDFText_CountChars(textpage))
    unrotated = getattr(box, "unrotated", None)
    if unrotated is None:
        for i, text in enumerate(page_text):
            if text in _NOT_TEXT or text.isspace():
                continue
            if not char_box(handle, i, out):
                continue
            left, top, right, bottom = rect[:]
            append(make(Char, (text, *box(left, bottom, right, top), char_size(handle, i))))
        return chars
    # the same with page_box's unrotated box written out (most pages): ≈15% faster
    dx, dy, height = unrotated
    for i, text in enumerate(page_text):
        if text in _NOT_TEXT or text.isspace():
            continue
        if not char_box(handle, i, out):
            continue
        left, top, right, bottom = rect[:]
        ax, ay = left - dx, height - (bottom - dy)
        bx, by = right - dx, height - (top - dy)
        x0, x1 = bx if bx < ax else ax, bx if bx > ax else ax
        y0, y1 = by if by < ay else ay, by if by > ay else ay
        append(make(Char, (text, x0, y0, x1, y1, char_size(handle, i))))
    return chars


_NOT_TEXT = frozenset("\x00\x02\ufffe\uffff")  # no character, or a control character


def _page_text(textpage: object, count: int) -> str:
    """The characters of a text page, one for each index (chr of FPDFText_GetUnicode).

    Read in one FPDFText_GetText call when its text has exactly one character per index:
    pdfium's page text holds every character of its list, in order, except the control
    characters (such as 0x02 for a soft hyphen), whose absence makes it shorter. Otherwise
    each character is asked for.
    """
    import pypdfium2.raw as raw

    if count > 0:
        buffer = (ctypes.c_ushort * (count * 2 + 1))()  # UTF-16: up to 2 units a character
        written = raw.FPDFText_GetText(textpage, 0, count, buffer)  # units, with the final NUL
        try:
            text = ctypes.string_at(buffer, max(written - 1, 0) * 2).decode("utf-16-le")
        except UnicodeDecodeError:
            text = ""
        if len(text) == count:
            return text
    char_unicode = _pdfium().char_unicode
    handle = ctypes.cast(textpage, ctypes.c_void_p)  # type: ignore[call-overload]
    return "".join(map(chr, (char_unicode(handle, i) for i in range(count))))


def _segments(
    page: object,
    t: Callable[[float, float], tuple[float, float]],
    box: Callable[[float, float, float, float], Box] | None = None,
) -> list[Segment]:
    """The ruling lines drawn by the page's visible path objects (also inside form objects).

    Page objects are walked in the order and with the checks of pypdfium2's
    ``PdfPage.get_objects(max_depth=2)``, but by handle: no Python object for each of the
    hundreds of text objects of a page.
    """
    import pypdfium2.raw as raw
    from pypdfium2 import PdfiumError

    api = _pdfium()
    box = box or page_box(page)
    PATH, FORM, UNKNOWN = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_UNKNOWN
    MOVETO, LINETO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
    object_type = api.object_type
    get_segment, segment_point = api.get_segment, api.segment_point
    segment_type, segment_close = api.segment_type, api.segment_close
    segments: list[Segment] = []
    matrix = (ctypes.c_float * 6)()  # an FS_MATRIX: a, b, c, d, e, f
    bounds = (ctypes.c_float * 4)()
    bounds_out = [ctypes.byref(bounds, k * 4) for k in range(4)]
    x, y = ctypes.c_float(), ctypes.c_float()
    x_out, y_out = ctypes.byref(x), ctypes.byref(y)

    visible = _Visibility()

    def path(obj: _Handle) -> None:
        if not visible(obj):
            return
        if not api.object_bounds(obj, *bounds_out):
            raise PdfiumError("Failed to locate pageobject.")
        x0, y0, x1, y1 = box(*bounds)
        if x1 - x0 <= 3 or y1 - y0 <= 3:  # a thin line or a thin filled rectangle
            if x1 - x0 > 3 or y1 - y0 > 3:
                if x1 - x0 > y1 - y0:
                    segments.append(Segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2))
                else:
                    segments.append(Segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))
            return
        if not api.object_matrix(obj, ctypes.byref(matrix)):
            return
        a, b, c, d, e, f = matrix
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for k in range(api.count_segments(obj)):
            seg = get_segment(obj, k)
            segment_point(seg, x_out, y_out)
            px, py = t(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = segment_type(seg)
            if kind == MOVETO:
                start = (px, py)
            elif kind == LINETO and points:
                _edge(segments, points[-1], (px, py))
            else:
                start = start or (px, py)
            points.append((px, py))
            if segment_close(seg) and start is not None:
                _edge(segments, (px, py), start)

    def walk(parent: object, count: Callable[..., int], get: Callable[..., _Handle], top: bool):
        n = count(parent)
        if n < 0:
            raise PdfiumError("Failed to get number of pageobjects.")
        for i in range(n):
            obj = get(parent, i)
            if not obj:
                raise PdfiumError("Failed to get pageobject.")
            kind = object_type(obj)
            if kind == PATH:
                path(obj)
            elif kind == FORM:
                if top:  # max_depth=2: the page's forms are opened, not forms within them
                    walk(obj, api.count_form_objects, form_object, False)
            elif kind == UNKNOWN:
                raise PdfiumError(
                    "Failed to determine pageobject type, did you pass in a valid "
                    "FPDF_PAGEOBJECT handle?"
                )

    def form_object(form: object, i: int) -> _Handle:
        return api.get_form_object(form, ctypes.c_ulong(i))  # its index is an unsigned long

    handle = ctypes.cast(page.raw, ctypes.c_void_p)  # type: ignore[attr-defined]
    walk(handle, api.count_objects, api.get_object, True)
    return segments


class _Visibility:
    """Is a path drawn in a colour that shows on white paper (not a white cell fill)?

    Holds the output buffers of the pdfium calls, reused for every path of a page."""

    def __init__(self) -> None:
        api = _pdfium()
        self.draw_mode, self.stroke, self.fill = api.draw_mode, api.stroke_colour, api.fill_colour
        self.mode = (ctypes.c_int * 2)()  # fill mode, stroke (a boolean)
        self.mode_out = (ctypes.byref(self.mode), ctypes.byref(self.mode, 4))
        self.rgba = (ctypes.c_uint * 4)()
        self.rgba_out = tuple(ctypes.byref(self.rgba, k * 4) for k in range(4))

    def __call__(self, path: object) -> bool:
        mode = self.mode
        mode[0] = mode[1] = 0
        self.draw_mode(path, *self.mode_out)
        fill, stroke = mode
        return bool(stroke and self.shows(self.stroke, path)) or bool(
            fill and self.shows(self.fill, path)
        )

    def shows(self, getter: Callable[..., int], path: object) -> bool:
        if not getter(path, *self.rgba_out):
            return True
        r, g, b, a = self.rgba
        return a > 0 and min(r, g, b) < 230


def _edge(out: list[Segment], a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 1 and abs(x0 - x1) > 3:
        out.append(Segment(min(x0, x1), y0, max(x0, x1), y0))
    elif abs(x0 - x1) < 1 and abs(y0 - y1) > 3:
        out.append(Segment(x0, min(y0, y1), x0, max(y0, y1)))


def read_pdf_lines(path: Path) -> tuple[list[Line], list[tuple[str, int]]]:
    """Every line of every page, with cells from the table grids; page numbers dropped.

    Also returns notes on pages that could not be read, with their page numbers: the rest of
    the document is still read.
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
    notes: list[tuple[str, int]] = []
    any_text = False
    try:
        for number in range(len(document)):
            try:
                page = document[number]
                transform = page_transform(page)
                box = page_box(page)
                textpage = page.get_textpage()  # keep a reference while its handle is used
                chars = _chars(textpage.raw, box)
                page_items = page_lines(chars, _segments(page, transform, box))
            except (pdfium.PdfiumError, ValueError, ZeroDivisionError, OverflowError) as exc:
                notes.append((f"page {number + 1} cannot be read ({exc}); skipped", number + 1))
                continue
            any_text = any_text or bool(chars)
            if not chars:
                notes.append((f"page {number + 1} has no text layer (an image?)", number + 1))
            for k, item in enumerate(page_items):
                edge = k in (0, len(page_items) - 1)
                if edge and item.table is None and PAGE_NUMBER_RE.match(item.text):
                    continue  # page furniture: the printed page number
                lines.append(Line(len(lines) + 1, item.text, number + 1))
    finally:
        document.close()
    if not any_text:
        raise InputError(
            "the PDF has no text layer (scanned images only); run OCR first", path=path
        )
    return lines, notes
