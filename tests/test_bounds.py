"""Caps on wide and long input (opendata/read/bounds.py): cut, reported, and memory stays small.

The end-to-end tests run ``opendata convert`` in a subprocess under an address-space limit
(``RLIMIT_AS``) and a wall-clock limit, started by a small Python wrapper that reports the
child's peak RSS (``getrusage(RUSAGE_CHILDREN)`` of the wrapper, so no earlier child of the test
process counts). Before the caps, the 5-million-cell row used more than 8 GiB.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from opendata.read.bounds import MAX_CELLS, MAX_LINE_CHARS, bound_lines
from opendata.read.document import read_document
from opendata.read.lines import Line
from tests.cli_helpers import console_script
from tests.conftest import SAMPLE

GIB = 1 << 30
MIB = 1 << 20

#: Runs a command under RLIMIT_AS and a timeout; prints its exit code, output and peak RSS.
_MEASURE = """
import json, resource, subprocess, sys
limit, timeout = int(sys.argv[1]), float(sys.argv[2])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
done = subprocess.run(sys.argv[3:], preexec_fn=cap, capture_output=True, text=True,
                      encoding="utf-8", errors="replace", timeout=timeout)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "peak": peak}))
"""


@dataclass
class Measured:
    rc: int
    stdout: str
    stderr: str
    peak: int  # bytes


def measured(*args: str | Path, limit: int = 3 * GIB // 2, timeout: float = 60) -> Measured:
    """Run the console script with ``args`` under ``limit`` bytes of address space."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(limit), str(timeout), *console_script()]
        + [str(a) for a in args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout + 30,
        check=True,
    )
    return Measured(**json.loads(done.stdout))


def reader_findings(out: Path) -> list[dict[str, str]]:
    (package,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    text = (package / "data" / "reader_findings.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def with_line(at_row: str, line: str, dest: Path) -> tuple[Path, int]:
    """The sample with ``line`` inserted before its first line starting with ``at_row``."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    index = next(k for k, x in enumerate(lines) if x.startswith(at_row))
    dest.write_text("\n".join([*lines[:index], line, *lines[index:]]), encoding="utf-8")
    return dest, index + 1


# -- the caps themselves ---------------------------------------------------------------------


def test_a_row_over_the_cap_keeps_its_first_cells_and_is_reported() -> None:
    lines = [Line(1, "title"), Line(2, "\t".join(str(k) for k in range(MAX_CELLS + 5)), 3)]
    findings = bound_lines(lines, "f.txt")
    assert lines[1].cells == [str(k) for k in range(MAX_CELLS)]
    assert lines[0].text == "title"
    (finding,) = findings
    assert (finding.code, finding.severity) == ("row-too-wide", "error")
    assert (finding.source.file, finding.source.line, finding.source.page) == ("f.txt", 2, 3)
    assert f"{MAX_CELLS + 5:,} cells" in finding.message
    assert len(finding.text) <= 200  # the finding quotes the line, not all of it


def test_a_row_at_the_cap_is_left_alone() -> None:
    row = "\t".join("1" for _ in range(MAX_CELLS))
    blanks = "\t" * (MAX_CELLS - 1)  # MAX_CELLS empty cells
    lines = [Line(1, row), Line(2, blanks)]
    assert bound_lines(lines, "f.txt") == []
    assert [x.text for x in lines] == [row, blanks]


def test_a_row_of_empty_cells_over_the_cap_is_reported_too() -> None:
    lines = [Line(7, "\t" * 10_000)]
    (finding,) = bound_lines(lines, "f.txt")
    assert finding.code == "row-too-wide"
    assert lines[0].text == "\t" * (MAX_CELLS - 1)


def test_a_line_over_the_character_cap_is_cut_and_reported() -> None:
    lines = [Line(4, "部门" * MAX_LINE_CHARS)]
    (finding,) = bound_lines(lines, "f.txt")
    assert finding.code == "line-too-long"
    assert f"{2 * MAX_LINE_CHARS:,} characters" in finding.message
    assert lines[0].text == ("部门" * MAX_LINE_CHARS)[:MAX_LINE_CHARS]


def test_the_sample_is_not_touched_by_the_caps(sample_doc) -> None:  # type: ignore[no-untyped-def]
    codes = {f.code for f in sample_doc.findings}
    assert not codes & {"row-too-wide", "line-too-long", "pages-not-read", "page-too-dense"}


def test_a_wide_row_inside_a_table_is_read_up_to_the_cap(tmp_path: Path) -> None:
    """The table still reads: the row's first cells are placed, the rest reported."""
    wide = "\t".join(["9", "2019999", "测试支出", *(["1.00"] * (MAX_CELLS + 100))])
    path, line = with_line("2\t201\t", wide, tmp_path / "wide.txt")
    doc = read_document(path)
    cut = [f for f in doc.findings if f.code == "row-too-wide"]
    assert [(f.source.line, f.severity) for f in cut] == [(line, "error")]
    rows = [r for t in doc.tables for r in t.rows if r.source.line == line]
    assert len(rows) == 1
    assert rows[0].cells[2].text == "测试支出"
    assert rows[0].cells[3].value == Decimal("1.00")


# -- end to end, under a memory limit -----------------------------------------------------------


@pytest.mark.parametrize("cell", ["1\t", "\t"], ids=["ones", "tabs"])
def test_a_ten_megabyte_row_converts_in_little_memory(cell: str, tmp_path: Path) -> None:
    """A 10 MB line of 5 million cells ``1`` or 10 million empty ones (issue 16, item 9): exit
    0 or 1, the finding, no traceback, under 1.5 GiB of address space and 400 MB peak RSS
    (≈85 MB measured; before the caps, 40,000 such cells took 170 MB and 17 s, 160,000 took
    540 MB and 60 s, 5 million more than 8 GiB)."""
    # after the sample, the row under a title of its own: a table of 5 million columns, the
    # worst case (inside a table of 13 columns its extra cells are only quoted)
    lines = [*SAMPLE.read_text(encoding="utf-8").rstrip("\n").split("\n"), "其他支出表", ""]
    path, line = tmp_path / "wide.txt", len(lines) + 1
    lines.append(cell * (10_000_000 // len(cell)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 10**7
    out = tmp_path / "out"
    run = measured("convert", path, "-o", out)
    assert run.rc in (0, 1), run.stderr
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr
    assert run.peak < 400 * MIB, f"peak RSS {run.peak / MIB:.0f} MB"
    found = [f for f in reader_findings(out) if f["code"] == "row-too-wide"]
    assert [(f["file"], f["line"], f["severity"]) for f in found] == [
        ("wide.txt", str(line), "error")
    ]
    assert "[row-too-wide] row has 10,000,001 cells" in run.stdout or cell != "\t"
    assert "[row-too-wide] row has 5,000,001 cells" in run.stdout or cell != "1\t"


def test_a_pdf_over_the_page_cap_reads_its_first_pages(tmp_path: Path) -> None:
    """A 240-page PDF with ``--max-pages 40``: the first 40 pages are read, the rest reported
    as not read, in little memory (the default cap, 1,000 pages, is measured in
    benchmarks/bench_memory.py: too slow for a unit test)."""
    pdf = many_pages(tmp_path / "long.pdf", 240)
    out = tmp_path / "out"
    run = measured("convert", pdf, "-o", out, "--max-pages", "40")
    assert run.rc in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert run.peak < 400 * MIB, f"peak RSS {run.peak / MIB:.0f} MB"
    found = [f for f in reader_findings(out) if f["code"] == "pages-not-read"]
    assert [(f["file"], f["page"], f["severity"]) for f in found] == [("long.pdf", "41", "error")]
    assert "pages 41 to 240 are not read" in found[0]["message"]
    assert "[pages-not-read]" in run.stdout


def test_pdf_pages_are_read_one_at_a_time(tmp_path: Path) -> None:
    """Reading 600 pages holds one page at a time: the reader's peak RSS stays under 250 MB
    (≈60 MB measured), far below what keeping every page would take."""
    pdf = many_pages(tmp_path / "long.pdf", 600)
    script = (
        "import sys; from pathlib import Path; from opendata.read.pdf import read_pdf_lines; "
        "lines, notes = read_pdf_lines(Path(sys.argv[1]), max_pages=0); "
        "print(len(lines), max(x.page for x in lines))"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURE,
            str(3 * GIB // 2),
            "60",
            sys.executable,
            "-c",
            script,
            str(pdf),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    run = Measured(**json.loads(done.stdout))
    assert run.rc == 0, run.stderr
    assert run.stdout.split()[1] == "600"
    assert run.peak < 250 * MIB, f"peak RSS {run.peak / MIB:.0f} MB"


def many_pages(dest: Path, pages: int) -> Path:
    """A disclosure PDF of ``pages`` pages: a synthetic one (reportlab) repeated (pikepdf)."""
    pikepdf = pytest.importorskip("pikepdf")
    pytest.importorskip("reportlab")
    from tests.render import AmountRow, expenditure_table
    from tests.render_pdf import render_pdf

    rows = [
        AmountRow(f"支出{k}", tuple(Decimal(f"{k}.00") for _ in range(6)), f"20101{k:02d}")
        for k in range(1, 30)
    ]
    one = dest.with_suffix(".one.pdf")
    one.write_bytes(render_pdf("203", "测试局", 2023, [expenditure_table(rows)]))
    with pikepdf.open(one) as src, pikepdf.new() as pdf:
        while len(pdf.pages) < pages:
            for page in src.pages[: pages - len(pdf.pages)]:
                pdf.pages.append(page)
        pdf.save(dest)
    return dest


def test_a_title_and_a_row_of_8218_cells_reads_as_a_table_of_at_most_the_cap(
    tmp_path: Path,
) -> None:
    """Regression (found by the long fuzz run, tests/test_fuzz.py): a title and one row of
    8,218 cells took 2.5 s (every cell a column matched against every field of every kind);
    the row is now cut to its first 1,000 cells, so the work is bounded by the cap."""
    path = tmp_path / "wide.txt"
    path.write_text("部门收支总表\n" + "1\t" * 8218 + "\n", encoding="utf-8")
    doc = read_document(path)
    assert [f.source.line for f in doc.findings if f.code == "row-too-wide"] == [2]
    assert max(len(t.columns) for t in doc.tables) <= MAX_CELLS


def test_a_page_over_the_character_cap_is_read_up_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap on characters per page (100,000), lowered to 50 here: each page's first 50
    characters are read and the rest of the page is reported, with its page."""
    import opendata.read.pdf
    from opendata.read.pdf import read_pdf_lines

    pdf = many_pages(tmp_path / "dense.pdf", 2)
    full, _ = read_pdf_lines(pdf)
    monkeypatch.setattr(opendata.read.pdf, "MAX_PAGE_CHARS", 50)
    lines, notes = read_pdf_lines(pdf)
    dense = [(code, page) for code, _, page in notes if code == "page-too-dense"]
    assert dense == [("page-too-dense", 2)]  # page 1, the cover, has fewer than 50
    assert sum(len(x.text.replace("\t", "")) for x in lines if x.page == 2) <= 50
    assert sum(len(x.text) for x in full if x.page == 2) > 50
