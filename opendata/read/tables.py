"""Table recognition: turn the lines after a table title into one typed :class:`Table`.

Handles what real disclosures do to tables: the department / year / unit preamble repeated on
every page together with the header rows (skipped after the first page), header cells merged
across columns (filled from the left where the row below is split) or split by a space
(``科目 编码``), a label wrapped across a page break (joined back onto its row), empty tables
with their note (``注：无…空表列示``), total / subtotal / 其中 rows (marked, never dropped) and the
code hierarchy of the classification (类 → 款 → 项 from the code prefix).
"""

from __future__ import annotations

import re

from opendata.kinds.match import (
    best_kind,
    header_score,
    kind_by_key,
    kind_from_header,
    match_columns,
)
from opendata.kinds.spec import TableKind
from opendata.model import NOT_APPLICABLE, Cell, Column, Finding, Row, Source, Table
from opendata.read.cells import (
    CODE_LEVELS,
    CODE_PART_FIELDS,
    CODE_PATTERNS,
    NUMBERED_RE,
    classify_label,
    header_paths,
    is_placeholder,
    looks_like_data,
    parse_number,
)
from opendata.read.generic import type_unknown_columns
from opendata.read.lines import Line, mend_spaces
from opendata.read.placement import (
    carried_parts,
    code_part_headers,
    label_in_seq_column,
    place_by_kind,
    previous_code,
    total_row,
)
from opendata.read.preamble import (
    DEPT_KEY_RE,
    DEPT_RE,
    UNIT_RE,
    YEAR_RE,
    Preamble,
    is_caption,
    read_preamble_line,
)

NOTE_RE = re.compile(r"^(?:注|备注|说明)\s*\d*\s*[:：]")


class TableReader:
    """Reads one table from ``lines[start:]`` for a known kind."""

    def __init__(self, lines: list[Line], file: str, is_title: object) -> None:
        self.lines = lines
        self.file = file
        self.is_title = is_title  # callable: Line -> bool, ends a table at the next title
        self.findings: list[Finding] = []

    def source(self, line: Line) -> Source:
        return Source(self.file, line.number, line.page)

    def finding(self, code: str, message: str, line: Line, severity: str = "warning") -> None:
        self.findings.append(Finding(code, message, self.source(line), line.text, severity))

    # -- preamble and header -------------------------------------------------
    def _preamble(self, i: int, pre: Preamble) -> int:
        expect_year = False
        after_dept = False
        while i < len(self.lines):
            line = self.lines[i]
            if line.blank:
                i += 1
                continue
            if line.is_row:
                break
            if is_caption(line.stripped):
                i += 1  # a caption (公开表一) printed after the title
                continue
            if read_preamble_line(line, pre, expect_year):
                expect_year = bool(YEAR_RE.search(line.stripped)) and not pre.year
                dept = bool(DEPT_RE.match(line.stripped) or DEPT_KEY_RE.match(line.stripped))
                after_dept = dept or after_dept
                i += 1
                continue
            if (
                after_dept
                and (pre.department or pre.department_key)
                and len(line.stripped) <= 30
                and not self.is_title(line)
            ):
                # a department name wrapped onto a later line (after the unit, at times)
                if pre.department:
                    pre.department += line.stripped
                else:
                    pre.department_key = (pre.department_key or "") + line.stripped
                after_dept = False
                i += 1
                continue
            break
        return i

    def _header(
        self, i: int, kind: TableKind | None
    ) -> tuple[list[list[str]], int, int, list[tuple[Line, list[str]]]]:
        """Header rows, the index after them, the table width, and data rows split off.

        The header ends at a 栏次 row, else before the first row that looks like data. A
        合计 row of amounts printed above the 栏次 row is data, not header. A row that starts
        with 合计 but carries sub-headers in its other cells (as in some 决算 templates) is
        split: the sub-headers join the header, the 合计 starts the data.
        """
        rows: list[Line] = []
        j = i
        while j < len(self.lines) and len(rows) < 5:
            line = self.lines[j]
            if line.blank:
                j += 1
                continue
            if not line.is_row:
                break
            rows.append(line)
            j += 1
            if line.cells[0] in ("栏次", "行次"):
                above = rows[:-1]
                width = max(len(r.cells) for r in rows)
                # a 合计 row printed inside the header block, above the 栏次 row, is data
                split = next((k for k, r in enumerate(above) if k and total_row(r.cells)), None)
                if split is None:
                    return [r.cells for r in above], j, width, []
                return (
                    [r.cells for r in above[:split]],
                    j,
                    width,
                    [(r, r.cells) for r in above[split:]],
                )
        if not rows:
            return [], i, 0, []
        width = max(len(r.cells) for r in rows)
        for k, row in enumerate(rows):
            if not k:
                continue
            cells = row.cells
            if (parts := code_part_headers(cells)) and looks_like_data(cells[parts:]):
                # 类 / 款 / 项 printed on the 合计 line: a header there, the rest is data
                sub = [*cells[:parts], *[""] * (len(cells) - parts)]
                data = [*[""] * parts, *cells[parts:]]
                header, end, width, _ = self._header_end(rows[: k + 1], i, width, [])
                return [*header[:-1], sub], end, width, [(row, data)]
            filled = [(n, c) for n, c in enumerate(cells) if c]
            if looks_like_data(cells):
                return self._header_end(rows[:k], i, width, [])
            last = k == len(rows) - 1 or looks_like_data(rows[k + 1].cells)
            if filled and filled[0][0] <= 1 and classify_label(filled[0][1]) == "total":
                rest = [c for n, c in filled[1:]]
                if all(parse_number(c) is not None or is_placeholder(c) for c in rest):
                    return self._header_end(rows[:k], i, width, [])
                gap = len(filled) > 1 and filled[1][0] - filled[0][0] > 1
                if not last or not gap:
                    continue
                sub = list(cells)
                sub[filled[0][0]] = ""
                pending = [""] * len(cells)
                pending[filled[0][0]] = filled[0][1]
                header, end, width, _ = self._header_end(rows[: k + 1], i, width, [])
                return [*header[:-1], sub], end, width, [(row, pending)]
        height = kind.header_rows if kind is not None else None
        return self._header_end(rows[: height or len(rows)], i, width, [])

    def _header_end(
        self, rows: list[Line], i: int, width: int, pending: list[tuple[Line, list[str]]]
    ) -> tuple[list[list[str]], int, int, list[tuple[Line, list[str]]]]:
        end = self.lines.index(rows[-1], i) + 1
        return [r.cells for r in rows], end, width, pending

    # -- the table -------------------------------------------------------------
    def header_at(self, i: int) -> tuple[list[str], int]:
        """The header paths of the rows starting at ``lines[i]``, and the index after them."""
        header, end, width, _ = self._header(i, None)
        return header_paths(header, width), end

    def read(
        self,
        index: int,
        kinds: list[TableKind],
        title: str | None = None,
        start: int | None = None,
    ) -> tuple[Table, int, Preamble]:
        """Read the table whose title is ``lines[index]``; return it and the next index.

        ``kinds`` are the kinds the title allows; the one whose fields best match the header
        is taken. ``title`` is the title as printed when it is not ``lines[index]`` alone (a
        title wrapped over two lines, or found above a preamble), ``start`` the first line
        after the title when it is not ``index + 1``.
        """
        title_line = self.lines[index]
        kind = kinds[0]
        start = index + 1 if start is None else start
        pre = Preamble()
        i = self._preamble(start, pre) if kind.has_preamble else start
        header, i, width, pending = self._header(i, kind)
        paths = header_paths(header, width)
        groups = 1
        half = width // 2
        if width >= 4 and width % 2 == 0 and paths[:half] == paths[half:] and any(paths):
            groups, paths = 2, paths[:half]  # the same columns printed twice side by side
        kind = best_kind(kinds, paths)
        matched, filled, _ = header_score(kind, paths)
        if matched * 2 < filled and (other := kind_from_header(paths, kind.phase)) is not None:
            self.finding(
                "kind-by-header",
                f"the title names {kind.key}, but the header fits {other.key}: read as "
                f"{other.key} ({matched} of {filled} header columns known to {kind.key})",
                title_line,
                "info",
            )
            kind = other
        header_texts = {mend_spaces(c) for row in header for c in row if c}
        header_rows = [[mend_spaces(c) for c in row] for row in header]
        if not pre.unit:
            for path in paths:
                if unit := UNIT_RE.search(path):
                    pre.unit = unit.group(1)
        columns = self._columns(kind, paths, title_line)
        table = Table(
            kind.key,
            title or title_line.stripped,
            self.source(title_line),
            columns,
            unit=pre.unit,
            as_of=pre.as_of,
        )
        after_break = False
        header_left = 0  # header rows that may still be repeated after a page break
        right: list[Row] = []
        for pending_line, pending_cells in pending:
            fitted = (pending_cells + [""] * width)[:width]
            self._row(table, pending_line, fitted[: width // groups], False)
        while i < len(self.lines):
            line = self.lines[i]
            if line.blank:
                i += 1
                continue
            if not line.is_row:
                if NOTE_RE.match(line.stripped):
                    table.notes.append(line.stripped)
                    i += 1
                    continue
                if self.is_title(line):
                    break
                repeat = Preamble()
                if read_preamble_line(line, repeat, expect_year=True):
                    # the line itself is preamble: past it at least, whatever _preamble takes
                    # (a bare year alone is preamble here, not there: it once looped forever)
                    i = max(self._preamble(i, repeat), i + 1)
                    self._check_repeat(repeat, pre, line)
                    after_break = True
                    header_left = len(header)
                    continue
                if (cells := self._unruled_row(table, i, width // groups)) is not None:
                    self._row(table, line, cells, True)
                    self.finding(
                        "unruled-row",
                        "a row printed outside the table's ruling (first row of a page with "
                        "no top rule): its cells placed by their kind, in order",
                        line,
                        "info",
                    )
                    i += 1
                    continue
                break
            cells = line.cells
            filled = [mend_spaces(c) for c in cells if c]
            new_page = bool(table.rows) and line.page != table.rows[-1].source.page
            if new_page and line.page is not None and not after_break and not header_left:
                # a new page: its first rows may repeat the header (a word processor's
                # repeated header rows, single cells among them)
                header_left = len(header)
            if cells[0] in ("栏次", "行次"):
                header_left = 0
                i += 1  # the 栏次 row repeated on a new page
                continue
            if (header_left and set(filled) <= header_texts) or (
                len(filled) > 1 and [mend_spaces(c) for c in cells] in header_rows
            ):
                header_left = max(header_left - 1, 0)
                i += 1  # a header row repeated on a new page
                continue
            header_left = 0
            cells = self._fit(table, line, width)
            if groups == 2 and any(cells[half:]):
                self._row(table, line, cells[half:], after_break)
                right.append(table.rows.pop())
            if any(cells[: width // groups]):
                self._row(table, line, cells[: width // groups], after_break)
            after_break = False
            i += 1
        table.rows.extend(r for r in right if any(c.text for c in r.cells))
        type_unknown_columns(table)
        mark_of_which(table)
        return table, i, pre

    def _unruled_row(self, table: Table, i: int, width: int) -> list[str] | None:
        """A table row printed as running text: the first row of a continuation page drawn
        without its top ruling line, so its cells came out joined by spaces. It is taken as a
        row only on a new page, right before more rows of the table, and with an amount in it
        or as a short label that cannot be a running page header; its words go to the table's
        columns in order, a number to the next amount column, a word to the next label
        column."""
        line = self.lines[i]
        previous = next((x for x in reversed(self.lines[:i]) if not x.blank), None)
        following = next((x for x in self.lines[i + 1 :] if not x.blank), None)
        if previous is None or following is None or not following.is_row or not table.rows:
            return None
        if previous.page == line.page or line.page is None:
            return None
        words = line.stripped.split()
        numbers = sum(1 for w in words if parse_number(w) is not None)
        # without an amount, only a short label that cannot be a running page header
        header_like = re.search(r"\d|年|部门|单位|预算|决算", line.stripped)
        if not numbers and (len(words) > 2 or header_like):
            return None
        if self.is_title(line):
            return None
        return place_by_kind(words, [c.kind for c in table.columns[:width]])

    def _check_repeat(self, repeat: Preamble, first: Preamble, line: Line) -> None:
        for name in ("department_code", "year", "unit"):
            got, want = getattr(repeat, name), getattr(first, name)
            if got is not None and want is not None and got != want:
                self.finding(
                    "page-header-mismatch",
                    f"page header gives {name} {got!r}, the table's first page gave {want!r}",
                    line,
                    "error",
                )

    def _columns(self, kind: TableKind, paths: list[str], title: Line) -> list[Column]:
        columns = []
        for j, (path, spec) in enumerate(zip(paths, match_columns(kind, paths), strict=True)):
            if spec is not None:
                columns.append(Column(spec.name, path, spec.kind, spec.concept))
            else:
                columns.append(Column(f"column_{j + 1}", path, "text", None, known=False))
                if path:
                    self.finding(
                        "unknown-column",
                        f"column {j + 1} header {path!r} is not a "
                        f"known column of {kind.title}; kept as text",
                        title,
                    )
        return columns

    def _fit(self, table: Table, line: Line, width: int) -> list[str]:
        """The row's cells, exactly ``width`` of them; a wrong count is a finding.

        A row with too few cells in a table of label and amount blocks (收入 | 支出, a
        continuation page whose grid merged columns) has its cells placed by their kind, in
        order: a word to the next label column, a number to the next amount column.
        """
        cells = line.cells
        kinds = [c.kind for c in table.columns]
        if len(cells) < width and len(kinds) == width:
            blocks = not any(k in ("seq", "code", "code_part") for k in kinds)
            placed = place_by_kind([c for c in cells if c], kinds) if blocks else None
            if placed is not None and kinds.count("label") > 1:
                self.finding(
                    "row-width",
                    f"row has {len(cells)} cells, the table has {width} columns; its cells "
                    "placed by their kind (a word under the next label column, a number "
                    "under the next amount column)",
                    line,
                    "warning",
                )
                return placed
        if len(cells) > width and any(cells[width:]):
            self.finding(
                "row-width",
                f"row has {len(cells)} cells, the table has {width} "
                f"columns; extra cells {cells[width:]!r} kept only here",
                line,
                "error",
            )
        elif len(cells) < width:
            self.finding(
                "row-width",
                f"row has {len(cells)} cells, the table has {width} "
                "columns; missing cells taken as blank",
                line,
                "error",
            )
        return (cells + [""] * width)[:width]

    def _row(self, table: Table, line: Line, cells: list[str], after_break: bool) -> None:
        kinds = [c.kind for c in table.columns]
        if table.rows and self._is_continuation(cells, kinds, after_break):
            previous = table.rows[-1]
            for j, text in enumerate(cells):
                if text:
                    previous.cells[j].text += text
            previous.label = self._label(table, previous.cells)
            previous.role = classify_label(previous.label)
            return
        row_cells = []
        for j, text in enumerate(cells):
            cell = Cell(text)
            if kinds[j] in ("amount", "quantity") and text and text != NOT_APPLICABLE:
                cell.value = parse_number(text)
                if cell.value is None and is_placeholder(text):
                    self.finding(
                        "placeholder",
                        f"placeholder {text!r} instead of an amount (a template?)",
                        line,
                        "info",
                    )
                elif cell.value is None:
                    col = table.columns[j]
                    self.finding(
                        "non-numeric-amount",
                        f"column {col.header or col.name!r} expects a number, got {text!r}",
                        line,
                        "error",
                    )
            row_cells.append(cell)
        label_in_seq_column(kinds, row_cells)
        row = Row(row_cells, self.source(line))
        row.label = self._label(table, row_cells)
        row.role = classify_label(row.label)
        if any(c.kind in ("code", "code_part") for c in table.columns):
            self._code(table, row, line)
        table.rows.append(row)

    @staticmethod
    def _is_continuation(cells: list[str], kinds: list[str], after_break: bool) -> bool:
        """A row holding only label text with no number: the rest of the row above."""
        filled = [j for j, text in enumerate(cells) if text]
        if not filled or any(kinds[j] not in ("label",) for j in filled):
            return False
        if "seq" in kinds:
            return not cells[kinds.index("seq")]
        # an enumerated label (六、… / 1.… / (一)…) starts an item of its own
        starts_item = re.match(
            r"^(?:[一二三四五六七八九十]+、|\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）])",
            cells[filled[0]],
        )
        return after_break and len(filled) == 1 and not starts_item

    @staticmethod
    def _label(table: Table, cells: list[Cell]) -> str | None:
        """The row's label: the first filled label column, else the first filled text column."""
        for kinds in (("label",), ("text",)):
            for column, cell in zip(table.columns, cells, strict=True):
                if column.kind in kinds and cell.text:
                    return cell.text
        return None

    @staticmethod
    def _label_in_code_column(table: Table, row: Row) -> None:
        """A label printed across the code column (合计, 人员经费合计): move it to the label."""
        names = [c.name for c in table.columns]
        label_at = next((j for j, c in enumerate(table.columns) if c.kind == "label"), None)
        for j, name in enumerate(names):
            if name not in ("code", *CODE_PART_FIELDS) or not row.cells[j].text:
                continue
            text = row.cells[j].text
            if label_at is not None and not row.cells[label_at].text and not is_placeholder(text):
                row.cells[label_at].text, row.cells[j].text = text, ""
        row.label = next(
            (
                cell.text
                for c, cell in zip(table.columns, row.cells, strict=True)
                if c.kind == "label" and cell.text
            ),
            None,
        )
        row.role = classify_label(row.label)

    def _code(self, table: Table, row: Row, line: Line) -> None:
        """The row's code: one 科目编码 cell, or 类/款/项 cells joined."""
        by_name = {c.name: cell.text for c, cell in zip(table.columns, row.cells, strict=True)}
        code = re.sub(r"\s+", "", by_name.get("code", ""))
        parts = [re.sub(r"\s+", "", by_name.get(p, "")) for p in CODE_PART_FIELDS]
        if not code and any(parts):
            code = "".join(carried_parts(parts, previous_code(table)))
        if not code or not re.search(r"\d", code):
            self._label_in_code_column(table, row)
            return
        kind = kind_by_key(table.kind)
        scheme = kind.code_scheme if kind else None
        pattern = CODE_PATTERNS.get(scheme or "functional", CODE_PATTERNS["functional"])
        if not pattern.match(code):
            self.finding(
                "bad-code", f"{code!r} is not a {scheme or 'classification'} code", line, "error"
            )
            return
        row.code = code
        row.code_level = CODE_LEVELS.get(len(code))
        row.parent_code = code[:-2] if len(code) > 3 else None


def mark_of_which(table: Table) -> None:
    """Rows after a ``其中：`` row and before the next numbered or total row are 其中 rows too."""
    inside = False
    for row in table.rows:
        label = re.sub(r"\s+", "", row.label or "")
        if row.role == "of_which":
            inside = True
        elif row.role in ("total", "subtotal") or NUMBERED_RE.match(label) or row.code:
            inside = False
        elif inside and row.role == "detail":
            row.role = "of_which"
