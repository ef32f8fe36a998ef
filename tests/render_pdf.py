"""Test support: render a budget model (:mod:`tests.render`) as a PDF disclosure.

The same models as the text renderer, laid out the way the corpus PDFs are: a cover page with
the title, a contents page with dot leaders, each table on landscape A4 pages under its title
and the department / year / unit preamble (``203 部门`` / ``预算年度：`` / ``单位：`` lines, or
one ``编制部门：… 单位：…`` line), inside a ruled grid (header rows with merged cells where the
forms merge them: 序号 and the amount headings over two rows, 功能分类科目 over code and name,
资金性质 over the four sources), a ``栏次`` row or not, and the data rows; long tables run on
to the next page with the preamble and header repeated (the Hebei forms), the header only (a
word processor's repeated header rows) or nothing (the Shanghai forms); then the narrative and
one ruled 绩效目标表 per project on portrait pages (一级/二级指标 merged down their group).
Every page but the cover carries a page number at the foot. :class:`PdfOptions` picks the
layout; its :class:`TableStyle` is one point of a space of table layouts seen in the corpus
(title wording and captions, header depth, column order, page size, tables inside prose,
missing rulings, wrapped labels), which :mod:`tests.test_layouts` draws from.

Cell text wraps inside its cell like a word processor does it: at a character, never inside a
run of Latin letters and digits, never next to a space. A label the model wraps (``wrap_at``)
is broken there; when that row ends a page of ``page_rows`` rows, its tail goes on the next
page as a row of its own (a table row split across a page break). Spaces are drawn as gaps of
three quarters of an em (this font's Latin glyphs overhang their advance), so the reader sees
them.

The text uses the PDF standard CID font ``STSong-Light`` (not embedded; PDFium maps it to
Unicode exactly), so nothing needs installing. Nothing here imports :mod:`opendata`.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tests.render import AmountTable, IndicatorSpec, ProjectSpec, format_amount

FONT = "STSong-Light"
PORTRAIT = (595.28, 841.89)
LANDSCAPE = (841.89, 595.28)
A3_LANDSCAPE = (1190.55, 841.89)
MARGIN = 42.0
BODY = 9.0  # table text size
SMALL = 7.5  # table text size on portrait pages
TEXT = 10.5  # running text size
PAD = 3.0  # cell padding
LEADING = 1.3  # line height / font size
SPACE = 0.75  # ems: a printed space (this font's Latin glyphs overhang their advance)
PAGE_NUMBER_STYLES = ("- {n} -", "{n}", "第{n}页", "— {n} —")

_registered = False


def _font() -> None:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


@functools.cache
def _em(char: str) -> float:
    """A glyph's advance width in ems."""
    from reportlab.pdfbase import pdfmetrics

    _font()
    return pdfmetrics.stringWidth(char, FONT, 1000) / 1000


def text_width(text: str, size: float) -> float:
    """The printed width of ``text``: a space is :data:`SPACE` ems."""
    return _ems(text) * size


@functools.lru_cache(maxsize=1 << 16)
def _ems(text: str) -> float:
    return sum(SPACE if c == " " else _em(c) for c in text)


# -- line breaking -------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[A-Za-z0-9.,%()/:+\-]+|.", re.S)


@functools.lru_cache(maxsize=1 << 14)
def wrap(text: str, width: float, size: float) -> tuple[str, ...]:
    """Break ``text`` into lines no wider than ``width`` (a long Latin run may overflow)."""
    if not text:
        return ("",)
    lines: list[list[str]] = [[]]
    used = 0.0
    for token in _TOKEN_RE.findall(text):
        line = lines[-1]
        w = text_width(token, size)
        if line and used + w > width:
            tokens = [*line, token]
            cut = len(line)  # break before the token, unless a space would end up at the break
            while cut > 0 and " " in (tokens[cut - 1], tokens[cut]):
                cut -= 1
            if cut > 0:
                lines[-1] = tokens[:cut]
                lines.append(tokens[cut:])
                used = text_width("".join(tokens[cut:]), size)
                continue
        line.append(token)
        used += w
    return tuple("".join(line) for line in lines)


# -- page objects --------------------------------------------------------------------------


@dataclass
class _Text:
    x: float
    top: float  # of the line box, top-down
    text: str
    size: float


@dataclass
class _Rule:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class _Page:
    size: tuple[float, float]
    texts: list[_Text] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    numbered: bool = True


@dataclass
class Cell:
    """A grid cell: text, alignment and how many columns / rows it spans."""

    text: str = ""
    align: str = "left"  # left, center, right
    colspan: int = 1
    rowspan: int = 1
    lines: tuple[str, ...] | None = None  # explicit line breaks (a wrapped label)


@dataclass
class GridRow:
    """One row of cells; ``None`` where a cell of a row above or to the left spans."""

    cells: list[Cell | None]


CAPTIONS = ("公开表{cn}", "公开{n:02d}表")
TITLE_FORMS = ("plain", "department", "year", "number", "number_space", "appendix")
PREAMBLES = ("coded", "keyed", "dept_unit", "lines", "unit_code", "empty_unit")
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class TableStyle:
    """How each table is dressed: one point of the layout space (the defaults: the plain
    layout :class:`PdfOptions` always drew).

    ``title``: one of :data:`TITLE_FORMS`: the catalogue title as it is, after the
    department's name (``XX大学收入预算表``), after the year (``2023年…``), after ``表N：``,
    ``表 N`` or ``附表N``; ``caption``: ``"before"`` / ``"after"`` the title, a line of its own
    in the form ``caption_form`` (one of :data:`CAPTIONS`); ``title_wrap``: the title's last
    character on a line of its own; ``header_depth``: 1 (each column's lowest heading only),
    2 (the model's header) or 3 (a ``本年预算`` row over the amount columns on top);
    ``total_in_header``: a first row 合计 drawn inside the header block (its label merged
    over 序号, code and name, before the ``栏次`` row); ``total_last``: the 合计 amount column
    last instead of first; ``page``: ``"landscape"`` A4, ``"portrait"`` A4 (smaller type) or
    ``"a3"`` (landscape A3 table pages in a portrait A4 document); ``prose``: each table under
    a numbered heading and a paragraph, flowing on from the one before when there is room;
    ``rules``: ``"grid"``, ``"horizontal"`` (no vertical rules) or ``"none"``; ``open_top``: a
    continuation page's first row has no top rule; ``label_wrap``: ``"model"`` (where the
    model wraps), ``"narrow"`` (a narrow label column: long labels wrap at its width) or
    ``"vertical"`` (labels of up to four characters one character per line).
    """

    title: str = "plain"
    caption: str = "none"
    caption_form: str = CAPTIONS[0]
    title_wrap: bool = False
    header_depth: int = 2
    total_in_header: bool = False
    total_last: bool = False
    page: str = "landscape"
    prose: bool = False
    rules: str = "grid"
    open_top: bool = False
    label_wrap: str = "model"


@dataclass(frozen=True)
class PdfOptions:
    """Layout choices a real producer makes.

    ``continuation``: what a table's continuation pages repeat above the rows: ``"all"`` the
    preamble, header and ``栏次`` (the Hebei forms), ``"header"`` the header rows and ``栏次``
    only (a word processor's repeated header rows), ``"none"`` nothing (the Shanghai ones);
    ``preamble``: ``"coded"`` prints ``203 部门`` / ``预算年度：2023`` / ``单位：万元`` on three
    lines, ``"keyed"`` one line ``编制部门：部门 … 单位：万元`` (the Shanghai forms);
    ``lane_row``: the ``栏次`` row under the header; ``flow``: a table starts under the one
    before when its title, header and two rows fit (else on a new page); ``page_rows``: at most that many rows of
    a table on a page (None: as many as fit); ``thousands``: 1,234.50; ``page_number``: one of
    :data:`PAGE_NUMBER_STYLES`; ``style``: how each table is dressed (:class:`TableStyle`).
    The preamble may also be ``"dept_unit"`` (``部门：… 单位：万元`` on one line),
    ``"lines"`` (``部门：…`` and ``单位：万元`` on two lines), ``"unit_code"`` (a six-digit
    unit code and the name, ``预算年度：`` and ``单位：`` lines) or ``"empty_unit"``
    (``单位名称：`` with nothing after it, then ``单位：万元``).
    """

    unit: str = "万元"
    thousands: bool = False
    continuation: str = "all"
    preamble: str = "coded"
    lane_row: bool = True
    flow: bool = False
    page_rows: int | None = None
    page_number: str = "- {n} -"
    style: TableStyle = TableStyle()


class Layout:
    """Pages under construction: a cursor on the current page and helpers to place things."""

    def __init__(self) -> None:
        self.pages: list[_Page] = []
        self.y = 0.0

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def new_page(self, size: tuple[float, float], numbered: bool = True) -> None:
        self.pages.append(_Page(size, numbered=numbered))
        self.y = MARGIN

    @property
    def bottom(self) -> float:
        return self.page.size[1] - MARGIN - 12  # room for the page number

    @property
    def width(self) -> float:
        return self.page.size[0] - 2 * MARGIN

    def text(self, text: str, size: float = TEXT, align: str = "left", gap: float = 0.3) -> None:
        """A paragraph of running text, wrapped to the page width."""
        for line in wrap(text, self.width, size):
            if self.y + size * LEADING > self.bottom:
                self.new_page(self.page.size)
            self.place(line, MARGIN, self.width, size, align)
            self.y += size * LEADING
        self.y += size * gap

    def place(
        self, line: str, x: float, width: float, size: float, align: str, top: float | None = None
    ) -> None:
        """One line of text in the box from ``x`` of that width, at ``top`` (else the cursor)."""
        w = text_width(line, size)
        if align == "center":
            x += (width - w) / 2
        elif align == "right":
            x += width - w
        self.page.texts.append(_Text(x, self.y if top is None else top, line, size))

    def grid(
        self,
        rows: Sequence[GridRow],
        widths: Sequence[float],
        size: float = BODY,
        rules: str = "grid",
        open_top: bool = False,
    ) -> None:
        """Draw rows as a grid at the cursor (the caller checks that they fit): ruled all
        over, with ``rules="horizontal"`` only across, with ``"none"`` not at all;
        ``open_top``: no rule above the first row."""
        heights = row_heights(rows, widths, size)
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        ys = [self.y]
        for h in heights:
            ys.append(ys[-1] + h)
        for i, row in enumerate(rows):
            for j, cell in enumerate(row.cells):
                if cell is None:
                    continue
                x0, x1 = xs[j], xs[j + cell.colspan]
                y0, y1 = ys[i], ys[i + cell.rowspan]
                self._cell_text(cell, x0, y0, x1 - x0, y1 - y0, size)
                if rules == "none":
                    continue
                if not (open_top and i == 0):
                    self.page.rules.append(_Rule(x0, y0, x1, y0))
                self.page.rules.append(_Rule(x0, y1, x1, y1))
                if rules == "grid":
                    self.page.rules += [_Rule(x0, y0, x0, y1), _Rule(x1, y0, x1, y1)]
        self.y = ys[-1]

    def _cell_text(self, cell: Cell, x: float, y: float, w: float, h: float, size: float) -> None:
        lines = cell_lines(cell, w, size)
        block = len(lines) * size * LEADING
        top = y + (h - block) / 2
        for k, line in enumerate(lines):
            self.place(line, x + PAD, w - 2 * PAD, size, cell.align, top + k * size * LEADING)


def cell_lines(cell: Cell, width: float, size: float) -> tuple[str, ...]:
    """The printed lines of a cell of that width."""
    parts = cell.lines if cell.lines is not None else (cell.text,)
    return tuple(line for part in parts for line in wrap(part, width - 2 * PAD, size))


def row_heights(rows: Sequence[GridRow], widths: Sequence[float], size: float) -> list[float]:
    """Each row's height: enough for the lines of its cells (spanning cells share out)."""
    heights = [size * LEADING + 2 * PAD] * len(rows)
    spans: list[tuple[int, int, float]] = []
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.cells):
            if cell is None:
                continue
            width = sum(widths[j : j + cell.colspan])
            need = len(cell_lines(cell, width, size)) * size * LEADING + 2 * PAD
            if cell.rowspan == 1:
                heights[i] = max(heights[i], need)
            else:
                spans.append((i, cell.rowspan, need))
    for i, span, need in spans:
        have = sum(heights[i : i + span])
        if have < need:
            heights[i + span - 1] += need - have
    return heights


# -- tables --------------------------------------------------------------------------------


def header_rows(table: AmountTable) -> list[GridRow]:
    """The model's header as grid rows (:func:`grid_header`)."""
    return grid_header(table.header, table.width)


def grid_header(header_texts: Sequence[Sequence[str]], width: int) -> list[GridRow]:
    """Header rows as grid rows: a non-blank cell spans the blank cells to its right (in its
    own row) and, when every cell below it is blank, down to the last header row."""
    header = [list(row) for row in header_texts]
    n = len(header)
    covered: set[tuple[int, int]] = set()
    rows = [GridRow([None] * width) for _ in header]
    for i in range(n):
        for j in range(width):
            if (i, j) in covered:
                continue
            text = header[i][j]
            span = 1
            while (
                text
                and j + span < width
                and not header[i][j + span]
                and (i, j + span) not in covered
            ):
                span += 1
            down = 1
            while i + down < n and all(not header[i + down][b] for b in range(j, j + span)):
                down += 1
            if not text:
                down = 1
            for a in range(i, i + down):
                for b in range(j, j + span):
                    covered.add((a, b))
            rows[i].cells[j] = Cell(text, "center", span, down)
    return rows


def column_widths(table: AmountTable, total: float, label: float | None = None) -> list[float]:
    """序号 narrow, code, a wide label column, the amounts sharing the rest."""
    fixed = [28.0] + ([58.0] if table.has_code else [])
    if label is None:
        label = 210.0 if table.has_code else 250.0
    rest = (total - sum(fixed) - label) / len(table.columns)
    return [*fixed, label, *([rest] * len(table.columns))]


def amount_order(table: AmountTable, style: TableStyle) -> list[int]:
    """The model's amount columns in printed order: 合计 first, or last."""
    order = list(range(len(table.columns)))
    if style.total_last and "total" in table.columns:
        order.remove(table.columns.index("total"))
        order.append(table.columns.index("total"))
    return order


def printed_header(table: AmountTable, style: TableStyle) -> list[list[str]]:
    """The header texts as ``style`` prints them: amount columns in printed order (a heading
    spanning all of them stays), one, two or three rows deep."""
    lab = table.width - len(table.columns)
    order = amount_order(table, style)
    rows: list[list[str]] = []
    for row in table.header:
        amounts = list(row[lab:])
        if not (amounts[0] and not any(amounts[1:])):  # not one heading over all amounts
            amounts = [amounts[k] for k in order]
        rows.append([*row[:lab], *amounts])
    if style.header_depth == 1:
        return [[next((r[j] for r in reversed(rows) if r[j]), "") for j in range(table.width)]]
    if style.header_depth == 3:
        top = [*rows[0][:lab], "本年预算", *[""] * (len(table.columns) - 1)]
        return [top, [*[""] * lab, *rows[0][lab:]], *rows[1:]]
    return rows


@dataclass(frozen=True)
class _Form:
    """A table as one style prints it: header texts, amount order, page size, widths, type."""

    header: list[list[str]]
    order: list[int]
    size: tuple[float, float]
    widths: list[float]
    body: float


def _form(table: AmountTable, style: TableStyle) -> _Form:
    size = {"portrait": PORTRAIT, "a3": A3_LANDSCAPE}.get(style.page, LANDSCAPE)
    total = size[0] - 2 * MARGIN
    if style.page == "portrait":
        fixed = [20.0] + ([40.0] if table.has_code else [])
        label = 80.0 if style.label_wrap == "narrow" else 120.0 if table.has_code else 140.0
        rest = (total - sum(fixed) - label) / len(table.columns)
        widths = [*fixed, label, *([rest] * len(table.columns))]
    else:
        widths = column_widths(table, total, 90.0 if style.label_wrap == "narrow" else None)
    body = SMALL if style.page == "portrait" else BODY
    return _Form(printed_header(table, style), amount_order(table, style), size, widths, body)


def _data_row(table: AmountTable, seq: str, code: str, label: Cell, amounts: list[str]) -> GridRow:
    cells: list[Cell | None] = [Cell(seq, "center")]
    if table.has_code:
        cells.append(Cell(code, "left"))
    cells.append(label)
    cells += [Cell(a, "right") for a in amounts]
    return GridRow(cells)


def _total_row(table: AmountTable, amounts: list[str]) -> GridRow:
    """合计 as a header-block row: its label merged over 序号, code and name."""
    lab = table.width - len(table.columns)
    cells: list[Cell | None] = [Cell("合计", "center", lab), *[None] * (lab - 1)]
    cells += [Cell(a, "right") for a in amounts]
    return GridRow(cells)


@dataclass(frozen=True)
class Preamble:
    department_code: str
    department: str
    year: int
    unit: str


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (一, 十, 十一, 二十三)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else CHINESE_NUMBERS[tens - 1] + "十"
    return head + (CHINESE_NUMBERS[ones - 1] if ones else "")


def title_lines(table: AmountTable, pre: Preamble, style: TableStyle, number: int) -> list[str]:
    """The title as printed (prefixed, wrapped) with its caption line, as ``style`` says."""
    title = table.title
    title = {
        "plain": title,
        "department": f"{pre.department}{title}",
        "year": f"{pre.year}年{title}",
        "number": f"表{number}：{title}",
        "number_space": f"表 {number} {title}",
        "appendix": f"附表{number} {title}",
    }[style.title]
    lines = [title[:-1], title[-1:]] if style.title_wrap else [title]
    caption = caption_text(style, number)
    if caption is not None:
        lines = [caption, *lines] if style.caption == "before" else [*lines, caption]
    return lines


def caption_text(style: TableStyle, number: int) -> str | None:
    """The caption line (``公开表一``, ``公开01表``), if ``style`` prints one."""
    if style.caption == "none":
        return None
    return style.caption_form.format(n=number, cn=chinese_number(number))


PROSE = (
    "　　本表反映部门本年度各项资金的预算安排情况。按照综合预算的原则，部门所有收入和支出"
    "均纳入部门预算管理，优先保障基本支出，从严控制一般性支出。"
)


def _preamble(layout: Layout, pre: Preamble, form: str) -> None:
    if form == "keyed":
        layout.place(f"编制部门：{pre.department}", MARGIN, layout.width, TEXT, "left")
        layout.text(f"单位：{pre.unit}", TEXT, "right", gap=0.2)
    elif form == "dept_unit":
        layout.text(f"部门：{pre.department} 单位：{pre.unit}", TEXT, gap=0.2)
    elif form == "lines":
        layout.text(f"部门：{pre.department}", TEXT, gap=0.1)
        layout.text(f"单位：{pre.unit}", TEXT, "right", gap=0.2)
    elif form == "empty_unit":
        layout.text("单位名称：", TEXT, gap=0.1)
        layout.text(f"单位：{pre.unit}", TEXT, "right", gap=0.2)
    else:
        code = pre.department_code
        if form == "unit_code":
            code = code[:6] if len(code) >= 6 else (code + "001")[:6]
        layout.text(f"{code} {pre.department}", TEXT, gap=0.1)
        layout.text(f"预算年度：{pre.year}", TEXT, gap=0.1)
        layout.text(f"单位：{pre.unit}", TEXT, "right", gap=0.2)


def _table_top(
    layout: Layout,
    table: AmountTable,
    form: _Form,
    pre: Preamble,
    opts: PdfOptions,
    number: int,
    first: bool,
    extra: Sequence[GridRow] = (),
) -> None:
    """Title and preamble (as ``opts`` says), header, ``extra`` rows and 栏次: on a new page,
    or under the table before when ``opts.flow`` (or prose) and they fit."""
    style = opts.style
    room = 16 * LEADING * 2 + 4 * TEXT * LEADING + 6 * (form.body * LEADING + 2 * PAD)
    if style.prose:
        room += 12 * LEADING + 3 * TEXT * LEADING
    flowing = (opts.flow or style.prose) and number > 1  # never onto the contents page
    if first and flowing and layout.page.size == form.size and layout.y + room < layout.bottom:
        layout.y += 24
    else:
        layout.new_page(form.size)
    if first and style.prose:
        short = table.title.removeprefix("部门预算")
        layout.text(f"{chinese_number(number)}、{short}", 12, gap=0.2)
        layout.text(PROSE, TEXT, gap=0.6)
    if first:
        caption = caption_text(style, number)
        for line in title_lines(table, pre, style, number):
            if line == caption:
                layout.text(line, TEXT, "left", gap=0.2)
            else:
                layout.text(line, 16, "center", gap=0.2)
        layout.y += 16 * 0.4
    if first or opts.continuation == "all":
        _preamble(layout, pre, opts.preamble)
    if first or opts.continuation != "none":
        rows = grid_header(form.header, table.width)
        rows += [GridRow(list(r.cells)) for r in extra]
        if opts.lane_row:
            lanes = [Cell("栏次", "center")]
            lanes += [Cell(str(j), "center") for j in range(1, table.width)]
            rows.append(GridRow(list(lanes)))
        layout.grid(rows, form.widths, form.body, style.rules)


def render_table(
    layout: Layout, table: AmountTable, pre: Preamble, opts: PdfOptions, number: int = 1
) -> int:
    """One table, the ``number``-th: its pages, rows kept whole except a model-wrapped label
    at a page end. Returns the number of the page its title is on."""
    style = opts.style
    form = _form(table, style)
    rows = list(table.rows)
    seq0 = 0
    extra: list[GridRow] = []

    def printed(values: Sequence[Decimal | None]) -> list[str]:
        amounts = [format_amount(v, opts.thousands) for v in values]
        if len(amounts) != len(table.columns):
            raise ValueError(f"{len(amounts)} amounts for {len(table.columns)} columns")
        return [amounts[k] for k in form.order]

    if style.total_in_header and rows and rows[0].label == "合计":
        extra.append(_total_row(table, printed(rows[0].amounts)))
        rows, seq0 = rows[1:], 1
    _table_top(layout, table, form, pre, opts, number, True, extra)
    title_page = len(layout.pages)
    on_page = 0
    pending: str | None = None
    fresh = False  # the first row on a continuation page that repeats nothing
    for index, row in enumerate(rows):
        seq = seq0 + index + 1
        amounts = printed(row.amounts)
        head, tail = row.label, None
        if row.wrap_at is not None and 0 < row.wrap_at < len(row.label):
            head, tail = row.label[: row.wrap_at], row.label[row.wrap_at :]
        if style.label_wrap == "vertical" and len(row.label) <= 4:
            head, tail = row.label, None
            whole = Cell(row.label, lines=tuple(row.label))
        else:
            whole = Cell(row.label, lines=(head, tail) if tail else None)
        page_full = opts.page_rows is not None and on_page == opts.page_rows
        grid_row = _data_row(table, str(seq), row.code or "", whole, amounts)
        height = row_heights([grid_row], form.widths, form.body)[0]
        if page_full or layout.y + height > layout.bottom:
            _table_top(layout, table, form, pre, opts, number, False)
            fresh = opts.continuation == "none" and style.open_top
            on_page = 0
            if pending is not None:
                blank = _data_row(table, "", "", Cell(pending), [""] * len(amounts))
                layout.grid([blank], form.widths, form.body, style.rules, fresh)
                pending = None
                fresh = False
        split = (
            tail is not None
            and opts.page_rows is not None
            and on_page == opts.page_rows - 1
            and index < len(rows) - 1
        )
        if split:
            grid_row = _data_row(table, str(seq), row.code or "", Cell(head), amounts)
            pending = tail
        layout.grid([grid_row], form.widths, form.body, style.rules, fresh)
        fresh = False
        on_page += 1
    if table.note:
        layout.y += 6
        layout.text(table.note, TEXT)
    return title_page


# -- projects ------------------------------------------------------------------------------

PROJECT_WIDTHS = (62.0, 78.0, 96.0, 104.0, 84.0, 0.0)  # the last takes the rest
INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def _project_widths(total: float) -> list[float]:
    widths = list(PROJECT_WIDTHS)
    widths[-1] = total - sum(widths)
    return widths


def _indicator_rows(indicators: Sequence[IndicatorSpec]) -> list[GridRow]:
    """Indicator rows; 一级 / 二级指标 merged down the rows of their group."""
    rows: list[GridRow] = []
    for k, ind in enumerate(indicators):
        previous = indicators[k - 1] if k else None
        new1 = previous is None or ind.level1 != previous.level1
        new2 = new1 or previous is None or ind.level2 != previous.level2
        cells: list[Cell | None] = [
            Cell(ind.level1, "center") if new1 else None,
            Cell(ind.level2, "center") if new2 else None,
            Cell(ind.level3),
            Cell(ind.description),
            Cell(ind.value, "center"),
            Cell(ind.basis),
        ]
        rows.append(GridRow(cells))
    # spans: count the rows each anchor covers
    for col in (0, 1):
        anchor: Cell | None = None
        for row in rows:
            cell = row.cells[col]
            if cell is not None:
                anchor = cell
            elif anchor is not None:
                anchor.rowspan += 1
    return rows


def _split_spans(rows: list[GridRow]) -> list[GridRow]:
    """Rows for one page: a merged cell cut by a page break ends at the page foot, and its
    group runs on at the top of the next page in a blank merged cell."""
    out = [GridRow(list(r.cells)) for r in rows]
    for col in (0, 1):
        k = 0
        while k < len(out):
            cell = out[k].cells[col]
            if cell is None:  # the group of a cell on the previous page runs on
                rest = 1
                while k + rest < len(out) and out[k + rest].cells[col] is None:
                    rest += 1
                cell = out[k].cells[col] = Cell("", "center", 1, rest)
            elif cell.rowspan > len(out) - k:
                cell = out[k].cells[col] = Cell(cell.text, cell.align, 1, len(out) - k)
            k += cell.rowspan
    return out


def render_project(layout: Layout, number: int, project: ProjectSpec) -> None:
    """One 绩效目标表: title (wrapped where the model says), the goal row, the indicators."""
    title = project.title(number)
    cut = project.title_break
    parts = [title] if cut is None or not 0 < cut < len(title) else [title[:cut], title[cut:]]
    widths = _project_widths(PORTRAIT[0] - 2 * MARGIN)
    goal = GridRow([Cell("绩效目标", "center"), Cell(project.goal, colspan=5), *[None] * 4])
    header = GridRow([Cell(h, "center") for h in INDICATOR_HEADER])
    first_rows = [goal, header]
    need = sum(row_heights(first_rows, widths, BODY)) + 3 * 14 * LEADING
    if layout.page.size != PORTRAIT or layout.y + need > layout.bottom:
        layout.new_page(PORTRAIT)
    else:
        layout.y += 14
    for part in parts:
        layout.text(part, 12, "left", gap=0.1)
    layout.y += 4
    layout.grid(first_rows, widths)
    rows = _indicator_rows(project.indicators)
    chunks: list[list[GridRow]] = []
    start = 0
    forced = project.page_break if project.page_break and project.page_break < len(rows) else None
    y = layout.y
    for k in range(len(rows)):
        h = row_heights(_split_spans(rows[start : k + 1]), widths, BODY)[-1]
        if k > start and (k == forced or y + h > layout.bottom):
            chunks.append(rows[start:k])
            start = k
            y = MARGIN + (row_heights([header], widths, BODY)[0] if project.repeat_header else 0)
        y += h
    chunks.append(rows[start:])
    for c, chunk in enumerate(chunks):
        if c:
            layout.new_page(PORTRAIT)
            if project.repeat_header:
                layout.grid([header], widths)
        if chunk:
            layout.grid(_split_spans(chunk), widths)


# -- the document --------------------------------------------------------------------------


def _draw(pages: list[_Page], opts: PdfOptions) -> bytes:
    """The pages as a PDF. reportlab assembles the file; each page's content stream is
    written here (rules as one path, each word as a ``Tj`` of UCS-2 codes), which is several
    times faster than reportlab's drawing calls."""
    from reportlab.pdfgen import canvas

    _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=pages[0].size, pageCompression=1, invariant=1)
    pdf.setFont(FONT, TEXT)  # registers the font with the document
    font = pdf._doc.getInternalFontName(FONT)
    for number, page in enumerate(pages, start=1):
        pdf.setPageSize(page.size)
        height = page.size[1]
        ops = ["0.6 w"]
        ops += [
            f"{r.x0:.2f} {height - r.y0:.2f} m {r.x1:.2f} {height - r.y1:.2f} l"
            for r in _merge_rules(page.rules)
        ]
        ops.append("S BT")
        texts = list(page.texts)
        if page.numbered:
            label = opts.page_number.format(n=number)
            x = (page.size[0] - text_width(label, TEXT)) / 2
            texts.append(_Text(x, height - MARGIN / 2 - TEXT * 1.03, label, TEXT))
        size = None
        for item in texts:
            if item.size != size:
                size = item.size
                ops.append(f"{font} {size:g} Tf")
            baseline = height - (item.top + item.size * (LEADING - 1) / 2 + item.size * 0.88)
            x = item.x
            for word in re.split(r"( )", item.text):  # a space: a gap, no glyph
                if word == " ":
                    x += item.size * SPACE
                elif word:
                    # PDFium skips a text object of one CJK glyph of this (unembedded) font
                    # as empty; a trailing space glyph gives it its width
                    code = (word + " ").encode("utf-16-be").hex()
                    ops.append(f"1 0 0 1 {x:.2f} {baseline:.2f} Tm <{code}> Tj")
                    x += text_width(word, item.size)
        ops.append("ET")
        pdf._code.append("\n".join(ops))
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _merge_rules(rules: list[_Rule]) -> list[_Rule]:
    """Collinear touching pieces joined, duplicates dropped (a smaller file)."""
    out: list[_Rule] = []
    horizontal: dict[float, list[tuple[float, float]]] = {}
    vertical: dict[float, list[tuple[float, float]]] = {}
    for r in rules:
        if r.y0 == r.y1:
            horizontal.setdefault(round(r.y0, 2), []).append((min(r.x0, r.x1), max(r.x0, r.x1)))
        else:
            vertical.setdefault(round(r.x0, 2), []).append((min(r.y0, r.y1), max(r.y0, r.y1)))
    for pos, spans in horizontal.items():
        for a, b in _join(spans):
            out.append(_Rule(a, pos, b, pos))
    for pos, spans in vertical.items():
        for a, b in _join(spans):
            out.append(_Rule(pos, a, pos, b))
    return out


def _join(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + 0.01:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


NARRATIVE = (
    (
        "一、部门职责及机构设置情况",
        "本部门认真贯彻落实上级决策部署，围绕中心工作履行职责，负责本系统的综合协调、"
        "政策研究、督促检查和服务保障等工作。内设机构按照精简、统一、效能的原则设置。",
    ),
    (
        "二、部门预算安排的总体情况",
        "按照综合预算的原则，部门所有收入和支出均纳入部门预算管理。预算编制坚持量入为出、"
        "收支平衡，优先保障基本支出，从严控制一般性支出。",
    ),
)


def render_pdf(
    department_code: str,
    department: str,
    year: int,
    tables: Sequence[AmountTable],
    projects: Sequence[ProjectSpec] = (),
    options: PdfOptions | None = None,
) -> bytes:
    """A whole disclosure as PDF bytes: cover, contents, tables, narrative and projects."""
    opts = options or PdfOptions()
    pre = Preamble(department_code, department, year, opts.unit)
    layout = Layout()
    layout.new_page(PORTRAIT, numbered=False)
    layout.y = 260
    layout.text(f"{year} 年{department}", 22, "center", gap=0.2)
    layout.text("部门预算信息公开", 22, "center")
    layout.new_page(PORTRAIT)
    contents = layout.page
    starts: list[int] = []
    for number, table in enumerate(tables, start=1):
        starts.append(render_table(layout, table, pre, opts, number))
    layout.new_page(PORTRAIT)
    narrative = len(layout.pages)
    layout.text(f"{department} {year} 年部门预算信息公开情况说明", 14, "center", gap=0.8)
    for heading, body in NARRATIVE:
        layout.text(heading, 12, gap=0.2)
        layout.text("　　" + body)
    performance = len(layout.pages)
    layout.text("五、预算绩效信息", 12, gap=0.2)
    layout.text("第三部分 预算项目绩效目标", 12, gap=0.2)
    if not projects:
        layout.text("本部门无预算项目绩效目标。")
    for number, project in enumerate(projects, start=1):
        render_project(layout, number, project)
    # the contents page, now that the page numbers are known
    body = layout.pages
    layout.pages = [contents]
    layout.y = MARGIN
    layout.text(f"{year} 年部门预算信息公开目录", 16, "center", gap=0.8)
    layout.text("部门预算公开表", 12, gap=0.3)
    for table, start in zip(tables, starts, strict=True):
        _toc_entry(layout, table.title, start)
    layout.y += 8
    layout.text("部门预算信息公开情况说明", 12, gap=0.3)
    _toc_entry(layout, "一、部门职责及机构设置情况", narrative)
    _toc_entry(layout, "五、预算绩效信息", performance)
    layout.pages = body
    return _draw(layout.pages, opts)


def _toc_entry(layout: Layout, title: str, page: int) -> None:
    """``title ………… page``: dot leader to a right-aligned page number."""
    number = str(page)
    room = layout.width - text_width(title, TEXT) - text_width(number, TEXT) - 8
    dots = "." * max(4, int(room / text_width(".", TEXT)))
    layout.place(title + dots, MARGIN, layout.width, TEXT, "left")
    layout.place(number, MARGIN, layout.width, TEXT, "right")
    layout.y += TEXT * LEADING * 1.4
