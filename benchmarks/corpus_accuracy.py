"""Accuracy self-check on the development corpus: what the reader found in each document.

Run: ``.venv/bin/python benchmarks/corpus_accuracy.py [CORPUS_DIR]`` (default
``../shared/corpus``). For every document (the two Jiangsu 2019 files also together, as one
disclosure) it prints the tables found by kind with their rows and numeric cells, the lines it
did not understand, whether each coded table's parents equal the sum of their children, and
the seconds per page.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from opendata.audit.sums import check_sums
from opendata.errors import OpendataError
from opendata.read.document import read_document

ROOT = Path(__file__).resolve().parent.parent
UNREAD = {
    "unparsed-line",
    "unknown-table",
    "unknown-column",
    "row-width",
    "non-numeric-amount",
    "page-unreadable",
}


def pages(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    count = 0
    for path in paths:
        if path.suffix == ".pdf":
            document = pdfium.PdfDocument(str(path))
            count += len(document)
            document.close()
        else:
            count += max(1, path.read_text(encoding="utf-8").count("\x0c") + 1)
    return count


def report(paths: list[Path]) -> tuple[int, int, int, int, int]:
    name = " + ".join(p.name for p in paths)
    started = time.perf_counter()
    try:
        doc = read_document(*paths)
    except OpendataError as exc:
        print(f"\n{name}\n  ERROR {exc}")
        return 0, 0, 1, 0, 0
    seconds = time.perf_counter() - started
    n_pages = pages(paths)
    print(
        f"\n{name}: {doc.department} {doc.year} {doc.kind}, {n_pages} pages, "
        f"{seconds / n_pages * 1000:.1f} ms/page"
    )
    cells = n_sums = n_ok = 0
    for table in doc.tables:
        amounts = sum(
            1
            for r in table.rows
            for c, cell in zip(table.columns, r.cells, strict=True)
            if c.kind == "amount" and cell.value is not None
        )
        cells += amounts
        checks = check_sums(table)
        failed = [c for c in checks if not c.ok]
        n_sums, n_ok = n_sums + len(checks), n_ok + len(checks) - len(failed)
        sums = f"sums {len(checks) - len(failed)}/{len(checks)} ok" if checks else "no sums"
        print(
            f"  {table.kind:34} {len(table.rows):4} rows {amounts:4} amounts  {sums}  {table.title}"
        )
        for check in failed[:3]:
            print(
                f"      line {check.line} {check.parent} {check.column}: printed "
                f"{check.printed}, parts sum to {check.summed}"
            )
    indicators = sum(len(p.indicators) for p in doc.projects)
    unread = [f for f in doc.findings if f.code in UNREAD]
    codes = Counter(f.code for f in doc.findings)
    print(
        f"  projects {len(doc.projects)}, indicators {indicators}, glossary {len(doc.glossary)},"
        f" sections {len(doc.sections)}; findings {dict(codes) or 'none'}; "
        f"unread {len(unread)}"
    )
    return cells, len(unread), 0, n_sums, n_ok


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    documents = [[p] for p in sorted(corpus.glob("text/*.txt")) + sorted(corpus.glob("pdf/*.pdf"))]
    pairs: dict[str, list[Path]] = {}
    for [path] in documents:
        for part in ("-tables", "-narrative"):
            if path.stem.endswith(part):
                pairs.setdefault(path.stem.removesuffix(part), []).append(path)
    documents += [
        sorted(group, key=lambda p: "narrative" in p.stem)
        for group in pairs.values()
        if len(group) == 2
    ]
    totals = [report(paths) for paths in documents]
    print(
        f"\n{len(documents)} documents: {sum(t[0] for t in totals)} numeric cells, "
        f"{sum(t[1] for t in totals)} unread, {sum(t[2] for t in totals)} errors, "
        f"{sum(t[4] for t in totals)}/{sum(t[3] for t in totals)} parent/children sums equal"
    )


if __name__ == "__main__":
    main()
