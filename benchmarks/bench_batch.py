"""Benchmark batch conversion: peak memory against the number of documents, and reruns.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--n 100 1000] [--jobs 2] [--keep DIR]``.

For each N it writes N copies of the bundled sample under other department names and codes
(so N different packages), then, each in a fresh process so that peak figures do not carry
over, measures:

- a full run (plan, convert in ``--jobs`` worker processes, catalogue): seconds, documents/s;
- peak RSS of the parent process (``getrusage(RUSAGE_SELF)``) and of the largest worker
  (``RUSAGE_CHILDREN``), and the parent's peak Python allocations (``tracemalloc``);
- a rerun with nothing changed, and a rerun after 1% of the documents changed (one amount
  each): seconds, and how many were converted and skipped.

Prints one table. Peak memory that does not grow with N is the point.

``--parent 10000 100000`` measures the parent alone at sizes too large to convert here: N
one-line documents whose packages (stand-ins made from one real package) are already in the
output folder, so a run plans, skips and catalogues them all without converting any.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "qinhuangdao-etdz-party-building-2023-budget.txt"


def make_corpus(folder: Path, n: int) -> None:
    """N variants of the sample: department 党建工作{i}部 with code 300+i."""
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(1, n + 1):
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        body = text.replace("党建工作部", f"党建工作{i}部").replace(
            "203 中共秦皇岛", f"{300 + i} 中共秦皇岛"
        )
        (sub / f"budget-{i:05d}.txt").write_text(body, encoding="utf-8")


def make_synthetic(folder: Path, n: int) -> None:
    """N synthetic disclosures (:mod:`benchmarks.synthetic`): N/3 departments, 3 years each."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.synthetic import generate

    generate(n, seed=1, out_dir=folder)


def change_some(folder: Path, share: float) -> int:
    """Change ``share`` of the documents (evenly spread): one amount of a copy of the sample, a
    line added at the end of a synthetic one; returns how many."""
    files = sorted(folder.rglob("*.txt"))
    step = max(1, round(1 / share))
    changed = files[::step]
    for path in changed:
        text = path.read_text(encoding="utf-8")
        changed_text = text.replace("439.20", "439.21", 1)
        if changed_text == text:  # a synthetic document: add a blank line at the end
            changed_text = text + "\n"
        path.write_text(changed_text, encoding="utf-8")
    return len(changed)


def _peak_rss_mb() -> float:
    """This process's peak RSS. On Linux from /proc (VmHWM): ``getrusage``'s ``ru_maxrss``
    carries the parent's peak over fork and exec, so a child started by a process that had
    generated 10,000 documents in memory reported that process's 210 MB as its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_run(src: Path, out: Path, jobs: int, trace: bool) -> dict[str, float]:
    """One run in this process (called in a child process): times, counts and peaks.

    ``trace``: also the parent's peak Python allocations (tracemalloc, which slows the parent's
    own work about threefold, so the reruns, whose time is the parent's, are timed without it).
    """
    from opendata.batch.corpus import write_catalog
    from opendata.batch.run import SKIPPED, Options, plan, run

    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    converted = skipped = errors = 0
    with plan([src], Options(out)) as the_plan:
        planned = time.perf_counter()
        for result in run(the_plan, jobs=jobs):
            if result.error is not None or result.errors:
                errors += 1
            elif result.written is not None and result.written.status == SKIPPED:
                skipped += 1
            else:
                converted += 1
        ran = time.perf_counter()
        catalog = write_catalog(out, digest_of=the_plan.digest_of)  # as the CLI does
    end = time.perf_counter()
    _, traced_peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    tracemalloc.stop()
    return {
        "documents": the_plan.count,
        "converted": converted,
        "skipped": skipped,
        "errors": errors,
        "plan_s": planned - start,
        "convert_s": ran - planned,
        "catalog_s": end - ran,
        "total_s": end - start,
        "catalog_packages": catalog.packages,
        "parent_rss_mb": _peak_rss_mb(),
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "parent_traced_mb": traced_peak / 2**20,
    }


def make_converted(src: Path, out: Path, n: int, template: Path) -> None:
    """N one-line documents and, for each, a package in ``out`` that says it was converted from
    them by this version: a copy of ``template``'s descriptor with the document's name and
    SHA-256 as its source (and its facts table linked), so that a run skips them all. The
    parent's work at corpus scale (plan, skip, catalogue) without converting anything."""
    import hashlib

    from opendata.resources import VERSION

    descriptor = json.loads((template / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["opendata_version"] = VERSION
    for i in range(n):
        sub = src / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        body = f"document {i}\n".encode()
        name = f"doc-{i:06d}.txt"
        (sub / name).write_bytes(body)
        digest = hashlib.sha256(body).hexdigest()
        descriptor["sources"] = [{"title": name, "path": name, "sha256": digest}]
        package = out / f"package-{i:06d}"
        (package / "data").mkdir(parents=True)
        (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        os.link(template / "data" / "facts.csv", package / "data" / "facts.csv")


def parent_only(work: Path, sizes: list[int], jobs: int) -> None:
    """``--parent``: the parent alone at each N, every document unchanged (see
    :func:`make_converted`)."""
    src, out = work / "in-100", work / "out-100"
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    make_synthetic(src, 1)
    in_child(src, out, jobs)
    template = next(p for p in out.iterdir() if (p / "data" / "facts.csv").is_file())
    print(
        f"{'N':>7} {'rerun s':>8} {'plan s':>7} {'catalog s':>10} "
        f"{'parent MB':>10} {'traced MB':>10}"
    )
    for n in sizes:
        src, out = work / f"in-parent-{n}", work / f"out-parent-{n}"
        shutil.rmtree(src, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        make_converted(src, out, n, template)
        in_child(src, out, jobs)  # writes the catalogue once
        run = in_child(src, out, jobs, trace=True)
        assert run["skipped"] == n, run
        print(
            f"{n:>7} {run['total_s']:>8.1f} {run['plan_s']:>7.1f} {run['catalog_s']:>10.1f} "
            f"{run['parent_rss_mb']:>10.0f} {run['parent_traced_mb']:>10.1f}",
            flush=True,
        )
        shutil.rmtree(src, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def in_child(src: Path, out: Path, jobs: int, trace: bool = False) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(src), str(out), "--jobs", str(jobs)]
        + (["--trace"] if trace else []),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="Synthetic disclosures (benchmarks/synthetic.py) instead of copies of the sample.",
    )
    parser.add_argument(
        "--parent",
        type=int,
        nargs="+",
        metavar="N",
        help="Measure the parent alone (plan, skip, catalogue) on N unchanged documents whose "
        "packages are stand-ins: corpus sizes too large to convert here (e.g. 10000 100000).",
    )
    parser.add_argument("--one", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one[0], args.one[1], args.jobs, args.trace)))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    if args.parent:
        try:
            parent_only(work, args.parent, args.jobs)
        finally:
            if args.keep is None:
                shutil.rmtree(work, ignore_errors=True)
        return
    rows = []
    try:
        for n in args.n:
            src, out = work / f"in-{n}", work / f"out-{n}"
            shutil.rmtree(src, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            (make_synthetic if args.synthetic else make_corpus)(src, n)
            full = in_child(src, out, args.jobs, trace=True)
            same = in_child(src, out, args.jobs)
            changed = change_some(src, 0.01)
            one_pct = in_child(src, out, args.jobs)
            rows.append((n, full, same, changed, one_pct))
            print(f"N={n}: {json.dumps({'full': full, 'rerun': same, '1%': one_pct})}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        f"{'N':>6} {'full s':>8} {'docs/s':>7} {'parent MB':>10} {'worker MB':>10} "
        f"{'traced MB':>10} {'rerun s':>8} {'1% s':>7} {'1% conv':>8} {'catalog s':>10}"
    )
    for n, full, same, changed, one_pct in rows:
        print(
            f"{n:>6} {full['total_s']:>8.1f} {full['converted'] / full['convert_s']:>7.2f} "
            f"{full['parent_rss_mb']:>10.0f} {full['worker_rss_mb']:>10.0f} "
            f"{full['parent_traced_mb']:>10.1f} {same['total_s']:>8.1f} "
            f"{one_pct['total_s']:>7.1f} {one_pct['converted']:>4}/{changed:<3} "
            f"{full['catalog_s']:>10.1f}"
        )


if __name__ == "__main__":
    main()
