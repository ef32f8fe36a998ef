"""Benchmark the ``opendata`` command's start-up: whole processes, as a user runs them.

Run ``.venv/bin/python benchmarks/bench_startup.py [--runs 20] [--opendata PATH]``. It times
``opendata --help``, ``opendata --version`` and ``opendata lines ONE-PAGE.pdf`` as separate
processes (``subprocess``), ``--runs`` times each, and prints the median and the minimum wall
time. The one-page PDF is made in a temporary folder: the first page of the first corpus PDF
when ``../shared/corpus/pdf`` exists (pikepdf), else a page of text drawn with reportlab.
Then it prints the ten largest cumulative imports of ``opendata --help`` (``-X importtime``).

``--opendata`` is the console script to time (default: the one beside this Python).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_PDF = ROOT.parent / "shared" / "corpus" / "pdf"


def one_page_pdf(folder: Path) -> tuple[Path, str]:
    """A one-page PDF in ``folder``, and where its page came from."""
    target = folder / "one-page.pdf"
    sources = sorted(CORPUS_PDF.glob("*.pdf")) if CORPUS_PDF.is_dir() else []
    if sources:
        import pikepdf

        with pikepdf.open(sources[0]) as pdf:
            del pdf.pages[1:]
            pdf.save(target)
        return target, f"page 1 of {sources[0].name}"
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(target), pagesize=A4)
    page.setFont("STSong-Light", 10.5)
    for n in range(40):
        page.drawString(60, 780 - 18 * n, f"第{n + 1}行 部门预算 收支总表 {1000 * n + 17:,}.00")
    page.showPage()
    page.save()
    return target, "drawn with reportlab (no corpus found)"


def wall_times(command: list[str], runs: int) -> list[float]:
    """Seconds each of ``runs`` runs of ``command`` took, start to exit; it must succeed."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def top_imports(python: str, script: str, count: int) -> list[tuple[int, str]]:
    """The ``count`` largest cumulative import times (µs, module) of ``opendata --help``: the
    console script run by its Python with ``-X importtime``."""
    done = subprocess.run(
        [python, "-X", "importtime", script, "--help"], capture_output=True, text=True, check=True
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="Runs of each command (20).")
    parser.add_argument(
        "--opendata",
        default=str(Path(sys.executable).with_name("opendata")),
        help="The console script to time (default: the one beside this Python).",
    )
    args = parser.parse_args()
    python = str(Path(args.opendata).with_name("python"))
    if not Path(python).exists():
        python = sys.executable

    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}; {args.runs} runs each; {args.opendata}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        pdf, origin = one_page_pdf(Path(tmp))
        print(f"one-page PDF: {origin}")
        commands = {
            "opendata --help": [args.opendata, "--help"],
            "opendata --version": [args.opendata, "--version"],
            "opendata lines ONE-PAGE.pdf": [args.opendata, "lines", str(pdf)],
        }
        print(f"\n{'command':<30} {'median s':>9} {'min s':>7}")
        for label, command in commands.items():
            times = wall_times(command, args.runs)
            print(f"{label:<30} {statistics.median(times):>9.3f} {min(times):>7.3f}")

    print("\ntop 10 cumulative imports of `opendata --help` (-X importtime, one run):")
    print(f"{'cumulative ms':>13}  module")
    for micros, name in top_imports(python, args.opendata, 10):
        print(f"{micros / 1000:>13.1f}  {name}")


if __name__ == "__main__":
    main()
