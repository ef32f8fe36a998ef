"""Tables of no known kind: kept with their amounts typed, never left as text.

:func:`generic_table` reads a run of rows that neither a title nor a header names;
:func:`type_unknown_columns` types the amount columns a known kind does not know;
:func:`amounts_left_as_text` finds printed amounts that would be missing from the facts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from opendata.model import NOT_APPLICABLE, Cell, Column, Row, Source, Table
from opendata.read.cells import (
    CODE_LEVELS,
    CODE_PATTERNS,
    amount_columns,
    classify_label,
    header_paths,
    looks_like_data,
    parse_number,
)
from opendata.read.lines import Line


def type_unknown_columns(table: Table) -> None:
    """Columns the kind does not know that hold amounts (by their cells) become amount
    columns, so that their amounts are typed and become facts like the others."""
    unknown = [j for j, c in enumerate(table.columns) if not c.known and c.kind == "text"]
    if not unknown or not table.rows:
        return
    grid = [[cell.text for cell in row.cells] for row in table.rows]
    flags = amount_columns([c.header for c in table.columns], grid, len(table.columns))
    for j in unknown:
        if not flags[j]:
            continue
        column = table.columns[j]
        column.kind = "amount"
        column.concept = column.concept or (column.header.split("/")[-1] or None)
        for row in table.rows:
            cell = row.cells[j]
            if cell.text and cell.text != NOT_APPLICABLE:
                cell.value = parse_number(cell.text)


def amounts_left_as_text(table: Table) -> list[tuple[Row, str]]:
    """Printed amounts (numbers with a decimal point or thousands separators) in columns
    that are not amount columns: each would be an amount missing from the facts."""
    lost = []
    for j, column in enumerate(table.columns):
        if column.kind in ("amount", "quantity", "code", "code_part", "seq"):
            continue
        for row in table.rows:
            text = row.cells[j].text
            if re.search(r"[.,]\d", text) and parse_number(text) is not None:
                lost.append((row, text))
    return lost


def generic_table(
    lines: list[Line],
    i: int,
    file: str,
    is_title: Callable[[Line], bool],
    title: str = "",
    unit: str | None = None,
) -> tuple[Table, int]:
    """A run of table rows of no known kind: kept with its amounts typed.

    ``title`` is the printed title found above (or after) the rows, if any; else the line
    printed just above the rows (when short). The header is the first rows up to the first
    row that looks like data; columns whose cells are numbers become amount columns (Decimal,
    in ``unit``), the others text.
    """
    if not title:
        before = next((x for x in reversed(lines[:i]) if not x.blank), None)
        title = before.stripped if before is not None and not before.is_row else ""
    if not title or len(title) > 40:
        title = f"未识别表格（第{lines[i].number}行）"
    block: list[Line] = []
    while i < len(lines) and (lines[i].blank or lines[i].is_row):
        if lines[i].is_row:
            if block and is_title(lines[i]):
                break
            block.append(lines[i])
        i += 1
    width = max(len(x.cells) for x in block)
    head_rows: list[list[str]] = []
    for line in block[:4]:
        if looks_like_data(line.cells) or line.cells[0] in ("栏次", "行次"):
            break
        head_rows.append(line.cells)
    if len(head_rows) == len(block):
        head_rows = head_rows[:1]
    paths = header_paths(head_rows, width) if head_rows else [""] * width
    body = [x for x in block[len(head_rows) :] if x.cells[0] not in ("栏次", "行次")]
    grid = [(x.cells + [""] * width)[:width] for x in body]
    printed = [j for j in range(width) if paths[j] or any(r[j] for r in grid)]
    if printed and len(printed) < width:  # a column with nothing printed in it is no column
        paths = [paths[j] for j in printed]
        grid = [[r[j] for j in printed] for r in grid]
        width = len(printed)
    amounts = amount_columns(paths, grid, width)
    columns = [
        Column(
            f"column_{j + 1}",
            paths[j],
            "amount" if amounts[j] else "text",
            (paths[j].split("/")[-1] or None) if amounts[j] else None,
            known=False,
        )
        for j in range(width)
    ]
    source = Source(file, block[0].number, block[0].page)
    table = Table("generic", title, source, columns, unit=unit if any(amounts) else None)
    for line, cells_text in zip(body, grid, strict=True):
        cells = [Cell(text) for text in cells_text]
        for j, cell in enumerate(cells):
            if amounts[j] and cell.text and cell.text != NOT_APPLICABLE:
                cell.value = parse_number(cell.text)
        row = Row(cells, Source(file, line.number, line.page))
        texts = [c.text for j, c in enumerate(cells) if c.text and not amounts[j]]
        code = next((x for x in texts if CODE_PATTERNS["functional"].fullmatch(x)), None)
        if code is not None:
            row.code = code
            row.code_level = CODE_LEVELS.get(len(code))
            row.parent_code = code[:-2] if len(code) > 3 else None
        words = [x for x in texts if x != code and parse_number(x) is None]
        row.label = "/".join(words) if words else None
        row.role = classify_label(words[-1] if words else None)
        table.rows.append(row)
    return table, i
