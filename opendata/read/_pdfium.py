"""PDFium below pypdfium2's helper classes: the characters of a text page and the path objects of
a page, read through bare ctypes function pointers. Private to :mod:`opendata.read.pdf`.

Which pypdfium2 internals (pypdfium2 5.x, pinned ``<6`` in pyproject.toml) this uses:

* ``pypdfium2.raw``, pypdfium2's generated ctypes bindings of PDFium's C API: the functions
  ``FPDFText_*``, ``FPDFPage_*``, ``FPDFPageObj_*``, ``FPDFFormObj_*``, ``FPDFPath_*`` and
  ``FPDFPathSegment_*`` and the constants ``FPDF_PAGEOBJ_*`` and ``FPDF_SEGMENT_*``;
* the ctypes function-pointer type of those bindings (their calling convention), copied for
  bare pointers without ``argtypes``;
* the ``.raw`` handle of a ``PdfPage`` and of a ``PdfTextPage``.

Why: speed. pypdfium2's typed bindings convert and check every argument (≈1.5 µs a call here,
against ≈0.55 µs for a bare pointer), and its ``PdfPage.get_objects`` makes a Python object for
each of the hundreds of text objects of a page; a page has thousands of characters, each read
with two calls. Everything here returns plain Python values; the geometry (boxes on the page as
displayed, ruling lines) is done by :mod:`opendata.read.pdf`.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from functools import cache
from types import SimpleNamespace
from typing import Any

#: A printed character as PDFium gives it: (text, left, top, right, bottom, font size), its box
#: (an FS_RECTF) in PDF user space.
RawChar = tuple[str, float, float, float, float, float]

_NOT_TEXT = frozenset("\x00\x02\ufffe\uffff")  # no character, or a control character


class Handle(ctypes.c_void_p):
    """A pdfium handle returned by a bare function: kept as a pointer (a c_void_p result would be
    turned into an int, which ctypes passes back as a 32-bit C int)."""


@cache
def _functions() -> SimpleNamespace:
    """The pdfium functions called per character, per page object and per path segment, as bare
    function pointers: no ``argtypes``, so ctypes does not convert and check each argument
    (≈0.55 µs a call here instead of ≈1.5 µs through pypdfium2's typed bindings). Every argument
    is passed as a pointer object (``Handle``, ``byref``) or a small Python int (a C int)."""
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
        get_object=bare(raw.FPDFPage_GetObject, Handle),
        count_form_objects=bare(raw.FPDFFormObj_CountObjects, c_int),
        get_form_object=bare(raw.FPDFFormObj_GetObject, Handle),
        object_type=bare(raw.FPDFPageObj_GetType, c_int),
        object_bounds=bare(raw.FPDFPageObj_GetBounds, c_int),
        object_matrix=bare(raw.FPDFPageObj_GetMatrix, c_int),
        draw_mode=bare(raw.FPDFPath_GetDrawMode, c_int),
        stroke_colour=bare(raw.FPDFPageObj_GetStrokeColor, c_int),
        fill_colour=bare(raw.FPDFPageObj_GetFillColor, c_int),
        count_segments=bare(raw.FPDFPath_CountSegments, c_int),
        get_segment=bare(raw.FPDFPath_GetPathSegment, Handle),
        segment_point=bare(raw.FPDFPathSegment_GetPoint, c_int),
        segment_type=bare(raw.FPDFPathSegment_GetType, c_int),
        segment_close=bare(raw.FPDFPathSegment_GetClose, c_int),
    )


def printed_chars(textpage: Any, limit: int | None = None) -> list[RawChar]:
    """The printed characters of a ``PdfTextPage`` (no whitespace, no control characters, none
    without a box), in the text page's order; of its first ``limit`` characters only, if given.

    Generated characters (FPDFText_IsGenerated) are not asked about: pdfium generates only
    spaces and line breaks (CPDF_TextPage), which are whitespace and skipped anyway.
    """
    import pypdfium2.raw as raw

    api = _functions()
    char_box, char_size = api.char_box, api.char_size
    raw_page = textpage.raw
    handle = ctypes.cast(raw_page, ctypes.c_void_p)
    rect = (ctypes.c_float * 4)()  # an FS_RECTF: left, top, right, bottom
    out = ctypes.byref(rect)
    chars: list[RawChar] = []
    append = chars.append
    count = raw.FPDFText_CountChars(raw_page)
    if limit is not None:
        count = min(count, limit)
    for i, text in enumerate(_page_text(raw_page, count)):
        if text in _NOT_TEXT or text.isspace():
            continue
        if not char_box(handle, i, out):
            continue
        left, top, right, bottom = rect[:]
        append((text, left, top, right, bottom, char_size(handle, i)))
    return chars


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
    char_unicode = _functions().char_unicode
    handle = ctypes.cast(textpage, ctypes.c_void_p)  # type: ignore[call-overload]
    return "".join(map(chr, (char_unicode(handle, i) for i in range(count))))


class PagePaths:
    """The path objects of a ``PdfPage`` (also inside its form objects) and what is drawn by
    each: draw mode, colours, bounds, matrix and segments.

    Page objects are walked in the order and with the checks of pypdfium2's
    ``PdfPage.get_objects(max_depth=2)``, but by handle: no Python object for each of the
    hundreds of text objects of a page. The output buffers of the pdfium calls are made once
    for the page and reused for every path.
    """

    def __init__(self, page: Any) -> None:
        import pypdfium2.raw as raw

        api = self._api = _functions()
        self._page = ctypes.cast(page.raw, ctypes.c_void_p)
        self._kinds = (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_UNKNOWN)
        self._moveto, self._lineto = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
        self._mode = (ctypes.c_int * 2)()  # fill mode, stroke (a boolean)
        self._mode_out = (ctypes.byref(self._mode), ctypes.byref(self._mode, 4))
        self._rgba = (ctypes.c_uint * 4)()
        self._rgba_out = tuple(ctypes.byref(self._rgba, k * 4) for k in range(4))
        self._bounds = (ctypes.c_float * 4)()
        self._bounds_out = [ctypes.byref(self._bounds, k * 4) for k in range(4)]
        self._matrix = (ctypes.c_float * 6)()  # an FS_MATRIX: a, b, c, d, e, f
        self._x, self._y = ctypes.c_float(), ctypes.c_float()
        self._x_out, self._y_out = ctypes.byref(self._x), ctypes.byref(self._y)
        self._stroke_colour, self._fill_colour = api.stroke_colour, api.fill_colour

    def __iter__(self) -> Iterator[Handle]:
        """The page's path objects, then (in place) those of each form object of the page."""
        api = self._api
        return self._walk(self._page, api.count_objects, api.get_object, True)

    def _walk(
        self, parent: object, count: Callable[..., int], get: Callable[..., Handle], top: bool
    ) -> Iterator[Handle]:
        from pypdfium2 import PdfiumError

        path, form, unknown = self._kinds
        object_type = self._api.object_type
        n = count(parent)
        if n < 0:
            raise PdfiumError("Failed to get number of pageobjects.")
        for i in range(n):
            obj = get(parent, i)
            if not obj:
                raise PdfiumError("Failed to get pageobject.")
            kind = object_type(obj)
            if kind == path:
                yield obj
            elif kind == form:
                if top:  # max_depth=2: the page's forms are opened, not forms within them
                    yield from self._walk(
                        obj, self._api.count_form_objects, self._form_object, False
                    )
            elif kind == unknown:
                raise PdfiumError(
                    "Failed to determine pageobject type, did you pass in a valid "
                    "FPDF_PAGEOBJECT handle?"
                )

    def _form_object(self, form: object, i: int) -> Handle:
        return self._api.get_form_object(form, ctypes.c_ulong(i))  # its index: an unsigned long

    def draw_mode(self, path: Handle) -> tuple[int, int]:
        """(fill mode, stroke): what the path draws; (0, 0) when pdfium cannot say."""
        mode = self._mode
        mode[0] = mode[1] = 0
        self._api.draw_mode(path, *self._mode_out)
        fill, stroke = mode
        return fill, stroke

    def stroke_colour(self, path: Handle) -> tuple[int, int, int, int] | None:
        """(r, g, b, a) of the stroke, or None when pdfium cannot say."""
        return self._colour(self._stroke_colour, path)

    def fill_colour(self, path: Handle) -> tuple[int, int, int, int] | None:
        """(r, g, b, a) of the fill, or None when pdfium cannot say."""
        return self._colour(self._fill_colour, path)

    def _colour(self, getter: Callable[..., int], path: Handle) -> tuple[int, int, int, int] | None:
        if not getter(path, *self._rgba_out):
            return None
        r, g, b, a = self._rgba
        return r, g, b, a

    def bounds(self, path: Handle) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of the object in PDF user space."""
        from pypdfium2 import PdfiumError

        if not self._api.object_bounds(path, *self._bounds_out):
            raise PdfiumError("Failed to locate pageobject.")
        x0, y0, x1, y1 = self._bounds
        return x0, y0, x1, y1

    def matrix(self, path: Handle) -> tuple[float, float, float, float, float, float] | None:
        """(a, b, c, d, e, f): the object's transformation matrix, or None."""
        if not self._api.object_matrix(path, ctypes.byref(self._matrix)):
            return None
        a, b, c, d, e, f = self._matrix
        return a, b, c, d, e, f

    def segments(self, path: Handle) -> Iterator[tuple[float, float, str, bool]]:
        """(x, y, kind, close) of each segment in the path's own space; kind is "move", "line"
        or "other" (a Bézier curve, or one pdfium cannot say). A point pdfium cannot give
        is the last one read on the page."""
        api = self._api
        get_segment, segment_point = api.get_segment, api.segment_point
        segment_type, segment_close = api.segment_type, api.segment_close
        moveto, lineto = self._moveto, self._lineto
        x, y, x_out, y_out = self._x, self._y, self._x_out, self._y_out
        for k in range(api.count_segments(path)):
            seg = get_segment(path, k)
            segment_point(seg, x_out, y_out)
            kind = segment_type(seg)
            name = "move" if kind == moveto else "line" if kind == lineto else "other"
            yield x.value, y.value, name, bool(segment_close(seg))
