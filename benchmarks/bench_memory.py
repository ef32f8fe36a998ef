"""Benchmark memory on wide and long input: peak RSS and time of ``opendata convert``.

Run: ``.venv/bin/python benchmarks/bench_memory.py [--pages 100 500 2000] [--limit-mb 3072]``.

Each case runs the console script in a fresh process under an address-space limit
(``RLIMIT_AS``, ``--limit-mb``), started by a small wrapper whose ``RUSAGE_CHILDREN`` is the
conversion's own peak RSS:

- ``wide row``: the bundled sample with a 10 MB line of 5 million cells ``1`` after a title of
  its own (cut to 1,000 cells by the reader's cap, opendata/read/bounds.py);
- ``N pages``: a PDF of N pages, the pages of ``sh-putuo-wanli-subdistrict-2023-budget.pdf``
  (../shared/corpus, 35 pages, 9 tables) repeated with pikepdf; converted with the default cap
  of 1,000 pages (``--max-pages``) and, for the reader alone, every page read
  (``read_pdf_lines(max_pages=0)``: the reader's own peak, pages streamed one at a time).

Prints one table: case, exit code, seconds, peak RSS in MB, the reader findings of the cut.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "qinhuangdao-etdz-party-building-2023-budget.txt"
PDF = ROOT.parent / "shared" / "corpus" / "pdf" / "sh-putuo-wanli-subdistrict-2023-budget.pdf"
SCRIPT = Path(sys.executable).with_name("opendata")

MEASURE = """
import json, resource, subprocess, sys, time
limit = int(sys.argv[1])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], preexec_fn=cap, capture_output=True, text=True,
                      encoding="utf-8", errors="replace")
print(json.dumps({"rc": done.returncode, "seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stdout": done.stdout[-4000:], "stderr": done.stderr[-2000:]}))
"""

READ_ALL = (
    "import sys; from pathlib import Path; from opendata.read.pdf import read_pdf_lines; "
    "lines, notes = read_pdf_lines(Path(sys.argv[1]), max_pages=0); "
    "print(len(lines), 'lines')"
)


def measure(command: list[str], limit_mb: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(limit_mb << 20), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def wide_row(folder: Path) -> Path:
    lines = [*SAMPLE.read_text(encoding="utf-8").rstrip("\n").split("\n"), "其他支出表", ""]
    lines.append("1\t" * 5_000_000)
    path = folder / "wide.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def many_pages(folder: Path, pages: int) -> Path:
    import pikepdf

    path = folder / f"pages-{pages}.pdf"
    with pikepdf.open(PDF) as src, pikepdf.new() as pdf:
        while len(pdf.pages) < pages:
            for page in src.pages[: pages - len(pdf.pages)]:
                pdf.pages.append(page)
        pdf.save(path)
    return path


def cut_findings(stdout: str) -> str:
    codes = ("row-too-wide", "line-too-long", "pages-not-read", "page-too-dense")
    return "; ".join(
        x.split("] ", 1)[0].split("[")[-1]
        for x in stdout.splitlines()
        if any(c in x for c in codes)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="*", default=[100, 500, 2000])
    parser.add_argument("--limit-mb", type=int, default=3072)
    args = parser.parse_args()
    print(
        f"# {platform.node()}: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, RLIMIT_AS {args.limit_mb} MB"
    )
    print(f"{'case':<28} {'exit':>4} {'seconds':>8} {'peak MB':>8}  cut")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases: list[tuple[str, list[str]]] = []
        wide = wide_row(folder)
        cases.append(("wide row (5M cells)", [str(SCRIPT), "convert", str(wide), "-o", tmp]))
        if PDF.is_file():
            for pages in args.pages:
                pdf = many_pages(folder, pages)
                out = str(folder / f"out-{pages}")
                cases.append(
                    (f"{pages} pages, convert", [str(SCRIPT), "convert", str(pdf), "-o", out])
                )
                cases.append(
                    (f"{pages} pages, read every page", [sys.executable, "-c", READ_ALL, str(pdf)])
                )
        else:
            print(f"# {PDF} not present: PDF cases skipped")
        for name, command in cases:
            result = measure(command, args.limit_mb)
            assert "Traceback" not in str(result["stderr"]), result["stderr"]
            print(
                f"{name:<28} {result['rc']:>4} {result['seconds']:>8.1f} "
                f"{result['peak_mb']:>8.0f}  {cut_findings(str(result['stdout']))}",
                flush=True,
            )


if __name__ == "__main__":
    main()
