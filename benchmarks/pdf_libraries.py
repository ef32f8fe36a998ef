"""Measure PDF character extraction speed of the candidate libraries on the corpus PDFs.

Run: ``.venv/bin/python benchmarks/pdf_libraries.py [CORPUS_DIR]``. For each library that is
installed (pypdfium2 is a dependency; pdfplumber and PyMuPDF are measured only when present,
``pip install pdfplumber pymupdf``) it extracts every character with its box on every page and
prints pages per second and characters found. Then it times opendata's whole PDF reader
(characters, ruling lines, table grids, lines of cells).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def with_pypdfium2(path: Path) -> tuple[int, int]:
    import pypdfium2 as pdfium

    from opendata.read.pdf import _chars, page_box

    document = pdfium.PdfDocument(str(path))
    chars = 0
    for number in range(len(document)):
        page = document[number]
        textpage = page.get_textpage()
        chars += len(_chars(textpage, page_box(page)))
    pages = len(document)
    document.close()
    return pages, chars


def with_pdfplumber(path: Path) -> tuple[int, int]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages), sum(len(page.chars) for page in pdf.pages)


def with_pymupdf(path: Path) -> tuple[int, int]:
    import pymupdf

    chars = 0
    with pymupdf.open(path) as document:
        for page in document:
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        chars += len(span["chars"])
        return len(document), chars


def with_opendata(path: Path) -> tuple[int, int]:
    from opendata.read.pdf import read_pdf_lines

    lines, _ = read_pdf_lines(path)
    return (lines[-1].page or 0) if lines else 0, sum(len(line.text) for line in lines)


def measure(name: str, extract: Callable[[Path], tuple[int, int]], pdfs: list[Path]) -> None:
    try:
        extract(pdfs[0])  # warm up, and skip a library that is not installed
    except ImportError:
        print(f"{name:>22}: not installed")
        return
    started = time.perf_counter()
    pages = chars = 0
    for path in pdfs:
        p, c = extract(path)
        pages, chars = pages + p, chars + c
    seconds = time.perf_counter() - started
    print(f"{name:>22}: {pages / seconds:7.1f} pages/s  ({pages} pages, {chars} characters)")


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    pdfs = sorted(corpus.glob("pdf/*.pdf"))
    print(f"{len(pdfs)} PDFs in {corpus}")
    measure("pypdfium2 (chars)", with_pypdfium2, pdfs)
    measure("pdfplumber (chars)", with_pdfplumber, pdfs)
    measure("PyMuPDF (chars)", with_pymupdf, pdfs)
    measure("opendata PDF reader", with_opendata, pdfs)


if __name__ == "__main__":
    main()
