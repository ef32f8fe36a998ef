"""Build the committed code-list files in ``vocab/codelists/`` from ``../shared/codelists/``.

Run: ``.venv/bin/python scripts/build_codelists.py`` (``--help`` for the paths).

* ``procurement-2022.csv`` (code, name, level, parent, page): 《政府采购品目分类目录》(2022).
  The official PDF is the authority: every item row it prints (a code cell, a name cell and a
  说明 cell, read with :func:`opendata.read.document.document_lines`; a name that runs over a
  page break is joined) gives the code, name and page. The third-party JSON
  parse is a cross-check: its
  names are cleaned of the 说明 text run into them (the PDF centres the 说明 cell vertically, so
  the parse glued the 说明 line level with the name onto the name after a space), then compared
  with the PDF's; codes the JSON lacks are recovered from the PDF. Level and parent follow from
  the code and are checked against the JSON's.
* ``cofog-1999.csv`` (code, level, label) and ``COFOG-LICENSE.txt``: copied from
  ``cofog-1999/`` (MIT, the attribution is in the licence).
* ``docs/cofog-alignment.md``: :func:`opendata.vocab.codelists.alignment_markdown`.

Prints a summary: entries, names cleaned, names taken from the PDF, codes recovered, and any
code it could not resolve. The output depends only on the inputs, so a rebuild is identical.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opendata.read.document import document_lines
from opendata.vocab.codelists import (
    COFOG_CSV,
    PROCUREMENT_CSV,
    alignment_markdown,
    procurement_level,
    procurement_parent,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "codelists"
OUT = ROOT / "vocab" / "codelists"
DOCS = ROOT / "docs" / "cofog-alignment.md"
PDF = Path("procurement-catalog-2022") / "catalog-2022-official.pdf"
JSON = Path("procurement-catalog-2022") / "catalog-2022-third-party-parse.json"
COFOG = Path("cofog-1999") / "cofog.csv"
COFOG_LICENSE = Path("cofog-1999") / "LICENSE.txt"

CODE_RE = re.compile(r"[ABC](?:\d{8})?")
HEADER = ("编码", "品目名称")
# A space the PDF text puts between Latin letters or digits and Chinese (KVM 设备, 医用 X 线).
LATIN_SPACE_RE = re.compile(
    r"(?<=[0-9A-Za-z])[ \t]+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])[ \t]+(?=[0-9A-Za-z])"
)


@dataclass
class Item:
    """One item row of the PDF."""

    code: str
    name: str
    page: int


@dataclass
class Report:
    """What the build did, for the summary."""

    entries: int = 0
    json_entries: int = 0
    run_in: int = 0  # names cleaned of run-in 说明 text
    spacing: int = 0  # names whose only fault was a space next to Latin letters
    from_pdf: list[tuple[str, str, str]] = field(default_factory=list)  # code, JSON, PDF name
    recovered: list[str] = field(default_factory=list)
    json_only: list[str] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)  # level/parent/page disagreements
    unresolved: list[str] = field(default_factory=list)


def pdf_items(path: Path) -> tuple[list[Item], list[str]]:
    """The item rows of the catalogue's table, and notes on lines that were not understood."""
    items: list[Item] = []
    notes: list[str] = []
    in_table = False
    for line in document_lines(path):
        cells = line.cells
        if tuple(cells[:2]) == HEADER:
            in_table = True
            continue
        if not in_table or line.blank:
            continue
        if line.is_row and CODE_RE.fullmatch(cells[0]):
            items.append(Item(cells[0], cells[1] if len(cells) > 1 else "", line.page or 0))
        elif line.is_row and not cells[0] and items:
            items[-1].name += cells[1] if len(cells) > 1 else ""  # the name runs on, or 说明
        else:
            notes.append(f"line {line.number} (page {line.page}): {line.text!r}")
    return items, notes


def clean_json_name(raw: str) -> str:
    """The short item name in a third-party name: spaces next to Latin letters dropped, and the
    run-in 说明 text (everything from the first remaining space) cut off."""
    name = LATIN_SPACE_RE.sub("", raw.strip())
    return re.split(r"\s+", name, maxsplit=1)[0]


def build(source: Path, out: Path, docs: Path | None) -> Report:
    """Write the code-list files into ``out`` (and the alignment document to ``docs``)."""
    items, notes = pdf_items(source / PDF)
    entries = json.loads((source / JSON).read_text(encoding="utf-8"))["entries"]
    third = {e["catalog_code"]: e for e in entries}
    report = Report(json_entries=len(entries))
    report.unresolved.extend(f"PDF {note}" for note in notes)

    rows: dict[str, tuple[str, str, int, str, int]] = {}
    for item in items:
        if item.code in rows:
            report.unresolved.append(f"{item.code}: printed twice in the PDF (page {item.page})")
            continue
        if not item.name:
            report.unresolved.append(f"{item.code}: no name in the PDF (page {item.page})")
        level, parent = procurement_level(item.code), procurement_parent(item.code)
        rows[item.code] = (item.code, item.name, level, parent, item.page)
        entry = third.get(item.code)
        if entry is None:
            continue
        raw = entry["catalog_name"]
        cleaned = clean_json_name(raw)
        if cleaned != item.name:
            report.from_pdf.append((item.code, raw, item.name))
        elif cleaned != raw:
            if LATIN_SPACE_RE.sub("", raw.strip()) == cleaned:
                report.spacing += 1
            else:
                report.run_in += 1
        if entry["level"] != level or (entry["parent_code"] or "") != parent:
            report.structure.append(
                f"{item.code}: JSON level {entry['level']} parent {entry['parent_code']}, "
                f"by its code {level} {parent or '-'}"
            )
        if entry["source_page"] != item.page:
            report.structure.append(
                f"{item.code}: JSON page {entry['source_page']}, PDF page {item.page}"
            )
    report.recovered = [code for code in rows if code not in third]
    report.json_only = [code for code in third if code not in rows]
    for code in report.json_only:
        report.unresolved.append(
            f"{code}: in the JSON ({third[code]['catalog_name']!r}), not in PDF"
        )
    for code, _name, _level, parent, _page in rows.values():
        if parent and parent not in rows:
            report.unresolved.append(f"{code}: its parent {parent} is not in the catalogue")
    report.entries = len(rows)

    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / PROCUREMENT_CSV, ("code", "name", "level", "parent", "page"), rows.values())
    with (source / COFOG).open(encoding="utf-8", newline="") as handle:
        cofog = [(r["code"], r["level"], r["label"]) for r in csv.DictReader(handle)]
    _write_csv(out / COFOG_CSV, ("code", "level", "label"), cofog)
    shutil.copyfile(source / COFOG_LICENSE, out / "COFOG-LICENSE.txt")
    if docs is not None:
        docs.parent.mkdir(parents=True, exist_ok=True)
        docs.write_text(alignment_markdown(), encoding="utf-8")
    return report


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def summary(report: Report) -> str:
    """The summary the script prints."""
    lines = [
        f"procurement catalogue 2022: {report.entries} entries "
        f"(third-party JSON {report.json_entries})",
        f"  names cleaned of run-in 说明 text: {report.run_in}",
        f"  names with only a stray space next to Latin letters: {report.spacing}",
        f"  names the cleaned JSON still got wrong, taken from the PDF: {len(report.from_pdf)}",
    ]
    lines += [f"    {code}: {raw!r} -> {name!r}" for code, raw, name in report.from_pdf]
    corrected = report.run_in + report.spacing + len(report.from_pdf)
    lines.append(f"  names corrected in all: {corrected}")
    lines.append(f"  codes recovered from the PDF: {len(report.recovered)}")
    lines += [f"    {code}" for code in report.recovered]
    lines.append(f"  level/parent/page disagreements with the JSON: {len(report.structure)}")
    lines += [f"    {note}" for note in report.structure]
    lines.append(f"  unresolved: {len(report.unresolved)}")
    lines += [f"    {note}" for note in report.unresolved]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"default {SOURCE}")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default {OUT}")
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help=f"alignment document, default {DOCS}"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not write the document")
    args = parser.parse_args(argv)
    report = build(args.source, args.out, None if args.no_docs else args.docs)
    print(summary(report))
    return 1 if report.unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
