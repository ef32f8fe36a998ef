"""Benchmark the text pipeline on the bundled sample: read, build, write, validate.

Run: ``.venv/bin/python benchmarks/bench_convert.py [--repeat N]``. Prints seconds per document
for each stage, documents per second end to end, and each stage's share of the total.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from opendata.read.document import read_document
from opendata.validate.report import validate_package
from opendata.write.package import build, write_package

SAMPLE = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    documents = sorted(SAMPLE.glob("*.txt"))
    stages = {"read": 0.0, "build": 0.0, "write": 0.0, "validate": 0.0}
    lines = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            for path in documents:
                t0 = time.perf_counter()
                doc = read_document(path)
                t1 = time.perf_counter()
                build(doc, "2000-01-01T00:00:00Z")
                t2 = time.perf_counter()
                result = write_package(doc, Path(tmp) / str(n), created="2000-01-01T00:00:00Z")
                t3 = time.perf_counter()
                report = validate_package(result.path)
                t4 = time.perf_counter()
                assert report.valid
                stages["read"] += t1 - t0
                stages["build"] += t2 - t1
                stages["write"] += t3 - t2
                stages["validate"] += t4 - t3
                lines += path.read_text(encoding="utf-8").count("\n")
    count = args.repeat * len(documents)
    total = sum(stages.values())
    print(f"documents: {count} ({len(documents)} sample x {args.repeat}), {lines} lines")
    for stage, seconds in stages.items():
        print(f"{stage:>9}: {seconds / count * 1000:8.1f} ms/doc  {seconds / total:6.1%}")
    print(
        f"end to end: {count / total:.2f} documents/s (1 process), "
        f"read alone: {lines / stages['read']:.0f} lines/s"
    )


if __name__ == "__main__":
    main()
