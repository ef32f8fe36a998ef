"""Corpus-scale figures: documents per second per core, PDF pages per second, stage shares.

Run: ``.venv/bin/python benchmarks/bench_corpus.py [--text N] [--pdf-repeat K]
[--synthetic-pdf M]``.

- **Text.** ``N`` synthetic disclosures (``benchmarks/synthetic.py``: random, arithmetically
  consistent budgets in the sample's layout) are converted and validated one after another in
  one process: read, audit, graph (build and serialise), the other files and the atomic write,
  table validation and SHACL validation, each timed, with every check on (``opendata validate``'s
  default engine). The figure is documents per second per core.
- **PDF.** The corpus PDFs (``../shared/corpus/pdf``), ``K`` times each: pages per second of the
  PDF reader alone, and end to end (read, package, validate) per core.
- **Synthetic PDF** (with ``--synthetic-pdf M``): ``M`` synthetic disclosures rendered as PDF
  (``benchmarks/synthetic.py --pdf``: ruled grids, tables over page breaks, 绩效目标表), the
  same two figures as for the corpus PDFs, once each: a corpus of any size with known content.
- Peak memory and re-run figures of batch conversion are in ``benchmarks/bench_batch.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opendata.read.document import read_document  # noqa: E402
from opendata.validate.report import validate_graph  # noqa: E402
from opendata.validate.tablecheck import check_package  # noqa: E402
from opendata.write import package as package_module  # noqa: E402
from opendata.write.package import write_package  # noqa: E402

CORPUS_PDF = ROOT.parent / "shared" / "corpus" / "pdf"
STAGES = ("read", "audit", "graph", "package", "tables", "shacl")


class Timer:
    """Wraps the package writer's graph functions to time them inside ``write_package``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._graph = package_module.package_graph
        self._serialise = package_module.serialise
        self._audit = package_module.audit_document

        def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
            def run(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    self.seconds[stage] += time.perf_counter() - t0

            return run

        package_module.package_graph = timed("graph", self._graph)
        package_module.serialise = timed("graph", self._serialise)
        package_module.audit_document = timed("audit", self._audit)

    def document(self, paths: list[Path], out: Path) -> None:
        """Convert and validate one document, timing each stage."""
        t0 = time.perf_counter()
        doc = read_document(*paths)
        t1 = time.perf_counter()
        before = self.seconds["graph"] + self.seconds["audit"]
        result = write_package(doc, out, created="2000-01-01T00:00:00Z")
        t2 = time.perf_counter()
        report = check_package(result.path / "datapackage.json")
        t3 = time.perf_counter()
        conforms, _, _ = validate_graph(result.path / "rdf" / "graph.ttl", result.path)
        t4 = time.perf_counter()
        assert report.valid and conforms, (paths, report.errors[:3])
        self.seconds["read"] += t1 - t0
        self.seconds["package"] += (t2 - t1) - (
            self.seconds["graph"] + self.seconds["audit"] - before
        )
        self.seconds["tables"] += t3 - t2
        self.seconds["shacl"] += t4 - t3

    def report(self, count: int, unit: str, amount: int) -> None:
        total = sum(self.seconds.values())
        for stage in STAGES:
            share = self.seconds[stage] / total if total else 0
            per = self.seconds[stage] / count * 1000 if count else 0
            print(f"  {stage:>8}: {per:8.1f} ms/doc  {share:6.1%}")
        print(
            f"  end to end: {amount / total:.2f} {unit}/s per core ({count} documents, 1 process)"
        )


def text_figures(n: int, work: Path) -> None:
    from benchmarks.synthetic import generate

    sources = generate(n, seed=8, out_dir=work / "text")
    timer = Timer()
    for path in sources:  # warm up: imports and compiled schemas and shapes, not counted
        timer.document([path], work / "warm")
        break
    timer.seconds = dict.fromkeys(STAGES, 0.0)
    for path in sources:
        timer.document([path], work / "out-text")
    print(f"text: {n} synthetic disclosures")
    timer.report(n, "documents", n)


def pdf_figures(repeat: int, work: Path) -> None:
    import pypdfium2 as pdfium

    from opendata.read.pdf import read_pdf_lines

    pdfs = sorted(CORPUS_PDF.glob("*.pdf"))
    if not pdfs:
        print("pdf: ../shared/corpus/pdf not present, skipped")
        return
    pages = sum(len(pdfium.PdfDocument(str(p))) for p in pdfs) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for pdf in pdfs:
            read_pdf_lines(pdf)
    reader = time.perf_counter() - t0
    timer = Timer()
    for _ in range(repeat):
        for pdf in pdfs:
            timer.document([pdf], work / "out-pdf")
    print(f"pdf: {len(pdfs)} corpus PDFs x {repeat} = {pages} pages")
    print(f"  PDF reader alone: {pages / reader:.1f} pages/s per core")
    timer.report(len(pdfs) * repeat, "pages", pages)


def synthetic_pdf_figures(n: int, work: Path) -> None:
    import pypdfium2 as pdfium

    from benchmarks.synthetic import generate
    from opendata.read.pdf import read_pdf_lines

    t0 = time.perf_counter()
    pdfs = generate(n, seed=8, out_dir=work / "synthetic-pdf", form="pdf")
    rendered = time.perf_counter() - t0
    pages = sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)
    t0 = time.perf_counter()
    for pdf in pdfs:
        read_pdf_lines(pdf)
    reader = time.perf_counter() - t0
    timer = Timer()
    for pdf in pdfs:
        timer.document([pdf], work / "out-synthetic-pdf")
    per = rendered / n * 1000
    print(f"synthetic pdf: {n} documents, {pages} pages (rendered in {per:.0f} ms/document)")
    print(f"  PDF reader alone: {pages / reader:.1f} pages/s per core")
    timer.report(n, "pages", pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text", type=int, default=200, help="synthetic text documents")
    parser.add_argument("--pdf-repeat", type=int, default=2, help="passes over the corpus PDFs")
    parser.add_argument(
        "--synthetic-pdf", type=int, default=0, metavar="M", help="also M synthetic PDFs"
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="folder for the packages written (default: the system's temporary folder; on the "
        "project's machine /tmp creates files about six times slower than another folder of the "
        "same disk, which shows in the package stage)",
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    )
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        text_figures(args.text, work)
        pdf_figures(args.pdf_repeat, work)
        if args.synthetic_pdf:
            synthetic_pdf_figures(args.synthetic_pdf, work)


if __name__ == "__main__":
    main()
