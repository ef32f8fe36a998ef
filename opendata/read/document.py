"""Read a disclosure into the typed model: walk its lines, hand each part to its recogniser.

Every line ends up somewhere: in the title, the table of contents, a table, a performance
table, a glossary entry, the text of a narrative section, or a :class:`~opendata.model.Finding`
saying it was not understood. Nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from opendata.errors import InputError
from opendata.kinds.match import (
    best_kind,
    find_kind,
    find_kinds,
    kind_by_key,
    kind_from_header,
    normalise_title,
)
from opendata.kinds.spec import TableKind
from opendata.model import Document, Finding, OrgUnit, Section, Source, Table
from opendata.read import prose as narrative
from opendata.read.bounds import MAX_PAGES, bound_lines
from opendata.read.generic import amounts_left_as_text, generic_table
from opendata.read.lines import Line, is_pdf, read_lines, sha256_file, source_name
from opendata.read.preamble import (
    DEPT_KEY_RE,
    DEPT_RE,
    TABLE_NUMBER_RE,
    Preamble,
    is_caption,
    read_preamble_line,
)
from opendata.read.projects import overall_targets, project_title, read_project
from opendata.read.tables import TableReader

MAX_TITLE = 60


def read_document(*paths: Path | str, max_pages: int = MAX_PAGES) -> Document:
    """Read one disclosure from one or more files (tables and narrative published apart).

    Of a PDF, the first ``max_pages`` pages are read (0: every page); the other caps on what
    a file can make the reader hold are in :mod:`opendata.read.bounds`.
    """
    files = [Path(p) for p in paths]
    doc = Document([source_name(f) for f in files], {})
    names: dict[str, str] = {}  # department name candidates: "key", "code", "title"
    for path in files:
        lines, notes = _lines_of(path, max_pages)
        doc.sha256[source_name(path)] = sha256_file(path)
        doc.findings.extend(notes)
        _read_lines(lines, source_name(path), doc, names)
    doc.department = names.get("key") or names.get("code") or names.get("title")
    if doc.year is None:  # a year printed in a table title: 2019年政府采购预算表
        years = [m.group(1) for t in doc.tables if (m := re.search(r"((?:19|20)\d\d)年", t.title))]
        doc.year = int(max(set(years), key=years.count)) if years else None
    if doc.kind is None and doc.tables:
        phases = [k.phase for t in doc.tables if (k := kind_by_key(t.kind)) is not None]
        doc.kind = max(set(phases), key=phases.count) if phases else None
    for table in doc.tables:
        for row, text in amounts_left_as_text(table):
            doc.findings.append(
                Finding(
                    "amount-as-text",
                    f"{text!r} in table {table.title!r} looks like an amount but its column "
                    "is not an amount column: it is not in the facts",
                    row.source,
                    text,
                    "error",
                )
            )
    headings = sum(1 for s in doc.sections if s.heading)
    if not doc.tables and not doc.projects and doc.title and headings >= 2:
        doc.findings.append(
            Finding(
                "no-tables",
                "no disclosure table in this document: "
                "narrative only (convert it with its tables using --as-one)",
                Source(source_name(files[0]), 1, None),
                severity="warning",
            )
        )
    elif not doc.tables and not doc.projects:
        raise InputError(
            "no budget disclosure table found; expected a title such as "
            "部门预算收支总表 followed by its rows",
            path=files[0],
        )
    return doc


def document_lines(path: Path | str, *, max_pages: int = MAX_PAGES) -> list[Line]:
    """The numbered lines the reader sees in a file (PDF cells joined by tabs): for debugging."""
    return _lines_of(Path(path), max_pages)[0]


def _lines_of(path: Path, max_pages: int = MAX_PAGES) -> tuple[list[Line], list[Finding]]:
    """Lines of a PDF (from positions) or of a text file, chosen by the file's content, cut to
    the caps of :mod:`opendata.read.bounds` (each cut a finding)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    if is_pdf(head):
        from opendata.read.pdf import read_pdf_lines

        lines, notes = read_pdf_lines(path, max_pages=max_pages)
        findings = [
            Finding(
                code,
                message,
                Source(source_name(path), 0, page),
                severity="warning" if code == "page-unreadable" else "error",
            )
            for code, message, page in notes
        ]
        return lines, findings + bound_lines(lines, source_name(path))
    text_lines, text_notes = read_lines(path)
    last = text_lines[-1].number if text_lines else 1
    findings = [
        Finding("truncated", note, Source(source_name(path), last, None), severity="error")
        for note in text_notes
    ]
    return text_lines, findings + bound_lines(text_lines, source_name(path))


def _kinds_of(line: Line) -> list[TableKind]:
    if line.is_row or narrative.is_toc_entry(line) or len(line.stripped) > MAX_TITLE:
        return []
    return find_kinds(line.stripped)


def _confirmed(lines: list[Line], i: int, kind: TableKind) -> bool:
    """A title is a table title only when preamble lines and then table rows follow it."""
    pre = Preamble()
    previous_dept = False
    for line in lines[i + 1 : i + 14]:
        if line.blank:
            continue
        if line.is_row:
            return True
        if (caption := TABLE_NUMBER_RE.match(line.stripped)) and caption.end() == len(
            line.stripped
        ):
            continue  # a caption (公开表一) printed after the title
        if kind.has_preamble and read_preamble_line(line, pre, expect_year=True):
            text = line.stripped
            previous_dept = previous_dept or bool(DEPT_RE.match(text) or DEPT_KEY_RE.match(text))
            continue
        if previous_dept and len(line.stripped) <= 30:
            previous_dept = False  # a department name wrapped onto a later line
            continue
        return False
    return False


def _read_lines(lines: list[Line], file: str, doc: Document, names: dict[str, str]) -> None:
    def is_title(line: Line) -> bool:
        return bool(_kinds_of(line)) or project_title(line) is not None

    reader = TableReader(lines, file, is_title)
    sections: list[tuple[Line | None, list[Line]]] = [(None, [])]
    toc: list[Line] = []
    number: str | None = None  # a table number printed above its title: 公开01表
    i = narrative.read_title(lines, doc)
    if doc.title and (from_title := narrative.department_from_title(doc.title)):
        names.setdefault("title", from_title)
    while i < len(lines):
        line = lines[i]
        if line.blank:
            i += 1
            continue
        if not doc.tables and narrative.is_toc_entry(line):
            toc.append(line)
            i += 1
            continue
        kinds = _kinds_of(line)
        title: str | None = None
        after = i
        if not kinds and (wrapped := _wrapped_title(lines, i)) is not None:
            kinds, title, after = wrapped
        if kinds and _confirmed(lines, after, kinds[0]):
            table, i, pre = reader.read(i, kinds, title=title, start=after + 1)
            printed = TABLE_NUMBER_RE.match(line.stripped)
            if printed or number is not None:
                table.number = re.sub(r"\s+", "", printed.group(1) if printed else number or "")
            number = None
            doc.tables.append(table)
            _recognised(doc, table, "title" + (" (wrapped over two lines)" if title else ""))
            _take_preamble(doc, pre, Source(file, line.number, line.page), names)
            continue
        following = [x for x in lines[i + 1 : i + 5] if not x.blank][:2]
        if found := project_title(line, following):
            title, used = found
            start = lines.index(following[used - 2], i) + 1 if used > 1 else i + 1
            project, i, findings = read_project(lines, start, title, line, file)
            doc.projects.append(project)
            doc.findings.extend(findings)
            continue
        if line.is_row:
            i = _untitled_table(lines, i, file, doc, reader, is_title)
            continue
        if (found_number := TABLE_NUMBER_RE.match(line.stripped)) and found_number.end() == len(
            line.stripped
        ):
            number = line.stripped
        if key := DEPT_KEY_RE.match(line.stripped):
            names.setdefault("key", key.group(1).strip())
        if narrative.is_heading(line):
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
        i += 1
    doc.findings.extend(reader.findings)
    _sections(doc, sections, file)
    _check_contents(doc, toc, file)
    _units(doc)


def _wrapped_title(lines: list[Line], i: int) -> tuple[list[TableKind], str, int] | None:
    """A title wrapped over two or three lines (``…一般公共预`` / ``算财政拨款基本支出`` /
    ``表``): its kinds, its text and the index of its last line; None when ``lines[i]`` does
    not start one. The line above must add to the kinds its continuation names alone (a
    heading or a sentence above a title is not part of it)."""
    line = lines[i]
    if line.is_row or narrative.is_toc_entry(line) or len(line.stripped) > MAX_TITLE:
        return None
    if (caption := TABLE_NUMBER_RE.match(line.stripped)) and caption.end() == len(line.stripped):
        return None
    if re.search(r"(表|[。；;，,：:])\W*$", line.stripped):
        return None  # a heading or sentence that ends a phrase (…部门决算表) above a title
    j = i
    tail = ""
    for _ in range(2):
        j += 1
        while j < len(lines) and lines[j].blank:
            j += 1
        if j >= len(lines) or lines[j].is_row or len(lines[j].stripped) > 30:
            return None
        tail += lines[j].stripped
        joined = line.stripped + tail
        if len(joined) > MAX_TITLE:
            return None
        if re.search(r"表\W*$", joined):
            kinds = find_kinds(joined)
            alone = find_kinds(tail)
            if not kinds or (alone and [k.key for k in kinds] == [k.key for k in alone]):
                return None  # the line above adds nothing: the rest is a title by itself
            return kinds, joined, j
    return None


def _title_above(lines: list[Line], i: int) -> tuple[str, Preamble]:
    """The title printed above a run of rows (past its preamble, a caption such as 公开表一
    and a department name wrapped onto its own line), and the preamble read on the way.

    Of the short lines above the rows, the nearest that names a table kind is the title;
    failing that, the nearest; ``""`` when there is none.
    """
    pre = Preamble()
    candidates: list[str] = []
    seen = 0
    j = i - 1
    while j >= 0 and seen < 6:
        line = lines[j]
        j -= 1
        if line.blank:
            continue
        seen += 1
        if line.is_row:
            break
        text = line.stripped
        if read_preamble_line(line, pre, expect_year=True):
            continue
        if (caption := TABLE_NUMBER_RE.match(text)) and caption.end() == len(text):
            continue
        if len(text) > MAX_TITLE or narrative.is_toc_entry(line):
            break
        here = j + 1
        for start in (here - 1, here - 2):  # a title wrapped over two or three lines
            while start >= 0 and lines[start].blank:
                start -= 1
            wrapped = _wrapped_title(lines, start) if start >= 0 else None
            if wrapped is not None and wrapped[2] == here:
                return wrapped[1], pre
        if find_kinds(text):
            return text, pre
        candidates.append(text)
    return (candidates[0] if candidates else ""), pre


def _title_below(lines: list[Line], i: int) -> str | None:
    """A title printed after the rows that start at ``lines[i]`` (a spreadsheet's caption row
    at the foot, or text order that puts the title last): the first short line after them,
    when it names a kind and is not the title of rows that follow it."""
    end = i
    while end < len(lines) and (lines[end].blank or lines[end].is_row):
        end += 1
    for j in range(end, min(end + 3, len(lines))):
        line = lines[j]
        if line.blank:
            continue
        text = line.stripped
        if line.is_row or len(text) > MAX_TITLE or narrative.is_toc_entry(line):
            return None
        kinds = find_kinds(text)
        if kinds and not _confirmed(lines, j, kinds[0]):
            return text
        if not is_caption(text):
            return None
    return None


def _untitled_table(
    lines: list[Line],
    i: int,
    file: str,
    doc: Document,
    reader: TableReader,
    is_title: Callable[[Line], bool],
) -> int:
    """Rows under no confirmed title: recognise their kind by the title above them (if any)
    and their header, else keep them as a table of unknown kind with typed amounts."""
    title, pre = _title_above(lines, i)
    kinds = find_kinds(title) if title else []
    paths, _ = reader.header_at(i)
    kind = None
    after = None if kinds else _title_below(lines, i)
    if kinds:
        kind, evidence = best_kind(kinds, paths), "title above its preamble, and header"
    elif after is not None:
        title = after
        kind, evidence = best_kind(find_kinds(after), paths), "title printed after it, and header"
    elif (found := kind_from_header(paths, doc.kind)) is not None:
        kind, evidence = found, "header (" + " | ".join(p for p in paths if p) + ")"
    if kind is not None and i > 0:
        table, end, _ = reader.read(i - 1, [kind], title=title or kind.title, start=i)
        if table.rows:
            table.unit = table.unit or pre.unit
            doc.tables.append(table)
            _recognised(doc, table, evidence)
            return end
    table, end = generic_table(lines, i, file, is_title, title=title, unit=pre.unit)
    doc.tables.append(table)
    amounts = sum(1 for c in table.columns if c.kind == "amount")
    doc.findings.append(
        Finding(
            "unknown-table",
            f"table {table.title!r} is of no known kind (neither its title nor its header "
            f"names one); kept as a table of {amounts} amount and "
            f"{len(table.columns) - amounts} text columns, its amounts in the facts",
            table.source,
            lines[i].text,
        )
    )
    return end


def _recognised(doc: Document, table: Table, evidence: str) -> None:
    doc.findings.append(
        Finding(
            "table-recognised",
            f"{table.title!r} read as {table.kind} by its {evidence}",
            table.source,
            severity="info",
        )
    )


def _take_preamble(doc: Document, pre: Preamble, source: Source, names: dict[str, str]) -> None:
    if doc.department_code is None and pre.department_code:
        doc.department_code = pre.department_code
    if pre.department:
        names.setdefault("code", pre.department)
    if pre.department_key:
        names.setdefault("key", pre.department_key)
    if pre.year is not None:
        if doc.year is None:
            doc.year = pre.year
        elif pre.year != doc.year:
            doc.findings.append(
                Finding(
                    "year-mismatch",
                    f"table gives year {pre.year}, the document {doc.year}",
                    source,
                    severity="error",
                )
            )


def _sections(doc: Document, sections: list[tuple[Line | None, list[Line]]], file: str) -> None:
    in_targets = False
    target_lines: list[Line] = []
    for heading, body in sections:
        title = heading.stripped.strip("*") if heading else ""
        if "名词解释" in title:
            terms, body = narrative.glossary(body, file)
            doc.glossary.extend(terms)
        if "总体绩效目标" in title and not doc.overall_goal:
            doc.overall_goal = "\n".join(x.stripped for x in body) or None
        if "分项绩效目标" in title:
            in_targets = True
        elif (
            in_targets
            and heading is not None
            and not re.match(r"^[（(][一二三四五六七八九十]+[)）]", title)
        ):
            in_targets = False
        if in_targets:
            target_lines.extend(([heading] if heading else []) + body)
        text = "\n".join(x.stripped for x in body)
        if heading is None and not text:
            continue
        where = heading or (body[0] if body else None)
        if where is not None:
            doc.sections.append(
                Section(
                    title,
                    text,
                    Source(file, where.number, where.page),
                    [Source(file, x.number, x.page) for x in body],
                )
            )
    targets, _ = overall_targets(target_lines, file)
    doc.overall_targets.extend(targets)


def _check_contents(doc: Document, toc: list[Line], file: str) -> None:
    """Tables listed in the table of contents but not found: the document may be truncated."""
    found = {t.kind for t in doc.tables}
    for line in toc:
        title = normalise_title(line.stripped.split("\t")[0])
        kind = find_kind(title) if len(title) <= MAX_TITLE else None
        if kind is not None and kind.key not in found:
            doc.findings.append(
                Finding(
                    "missing-table",
                    f"the contents list {title}, but the document has no such table (truncated?)",
                    Source(file, line.number, line.page),
                    line.text,
                    "error",
                )
            )


def _units(doc: Document) -> None:
    table = doc.table("org_units")
    if table is None:
        return
    names = [c.name for c in table.columns]
    for row in table.rows:
        values = {n: cell.text or None for n, cell in zip(names, row.cells, strict=True)}
        if values.get("name"):
            doc.units.append(
                OrgUnit(
                    values["name"] or "",
                    values.get("nature"),
                    values.get("rank"),
                    values.get("funding"),
                    row.source,
                )
            )


__all__ = ["read_document"]
