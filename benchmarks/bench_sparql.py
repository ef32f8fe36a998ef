"""Benchmark the SPARQL store: load throughput and named-query latency, pyoxigraph vs rdflib.

Run ``.venv/bin/python benchmarks/bench_sparql.py [--documents 1000] [--packages DIR]``. Without
``--packages`` it renders ``--documents`` synthetic disclosures (:mod:`benchmarks.synthetic`)
and converts each with ``opendata convert`` first (real conversions, about 0.2 s each). Then,
each in a process of its own so that its peak memory is its own:

- **pyoxigraph on disk** (``opendata load``'s store): load every package (triples per second),
  then run every named query ``--repeat`` times (p50, p95 latency);
- **rdflib in memory**: parse every package's graph into an rdflib ``Dataset`` (one named graph
  each, default graph = the union), then the same queries ``--rdflib-repeat`` times.

It prints one table: load seconds, triples per second, peak RSS, and p50/p95 per query.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from opendata.sparql.queries import named_queries  # noqa: E402

FIRST_DEPARTMENT = (
    "SELECT ?d WHERE { ?d a <https://w3id.org/opendata-cn/vocab#Department> } ORDER BY ?d LIMIT 1"
)


def _graph_files(packages: Path) -> list[Path]:
    return sorted(packages.glob("*/rdf/graph.nt"))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _params(department: str) -> dict[str, dict[str, str]]:
    return {"year-over-year": {"department": department}}


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def run_oxigraph(packages: Path, repeat: int) -> dict[str, object]:
    from opendata.sparql.queries import named_query
    from opendata.sparql.results import collect
    from opendata.sparql.store import Store, load

    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        started = time.perf_counter()
        results = list(load(sorted(p.parent.parent for p in _graph_files(packages)), folder))
        seconds = time.perf_counter() - started
        triples = sum(r.triples for r in results[2:])
        store = Store(folder, read_only=True)
        department = next(iter(store.query(FIRST_DEPARTMENT)))[0].value  # type: ignore[index,union-attr]
        latencies: dict[str, list[float]] = {}
        rows: dict[str, int] = {}
        for name in named_queries():
            q = named_query(name)
            bindings = q.bindings(_params(department).get(name, {}))
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                result = collect(store.query(q.text, bindings))
                times.append(time.perf_counter() - t)
            latencies[name] = times
            rows[name] = len(result.rows)
            partial = {"engine": "pyoxigraph (disk)", "load_seconds": seconds, "triples": triples}
            partial.update(latencies=latencies, rows=rows, peak_mib=_peak_mib())
            print(json.dumps(partial), flush=True)  # the parent keeps the last one on a timeout
    return {
        "engine": "pyoxigraph (disk)",
        "load_seconds": seconds,
        "triples": triples,
        "latencies": latencies,
        "rows": rows,
        "peak_mib": _peak_mib(),
    }


def run_rdflib(packages: Path, repeat: int) -> dict[str, object]:
    from rdflib import Dataset, URIRef

    from opendata.resources import toolkit_file
    from opendata.sparql.queries import named_query
    from opendata.sparql.store import package_graph

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    for relative in ("vocab/budget.ttl", "vocab/codelists.ttl"):
        dataset.graph(URIRef("urn:x-bench:" + relative)).parse(
            toolkit_file(relative), format="turtle"
        )
    triples = 0
    for path in _graph_files(packages):
        graph = dataset.graph(URIRef(package_graph(path.parent.parent).graph))
        graph.parse(path, format="nt")
        triples += len(graph)
    seconds = time.perf_counter() - started
    department = str(
        next(iter(dataset.query(FIRST_DEPARTMENT)))[0]  # type: ignore[index]
    )
    latencies: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    for name in named_queries():
        q = named_query(name)
        values = _params(department).get(name, {})
        init = {k: URIRef(v) for k, v in values.items()}
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            result = list(dataset.query(q.text, initBindings=init))
            times.append(time.perf_counter() - t)
        latencies[name] = times
        rows[name] = len(result)
        partial = {"engine": "rdflib (memory)", "load_seconds": seconds, "triples": triples}
        partial.update(latencies=latencies, rows=rows, peak_mib=_peak_mib())
        print(json.dumps(partial), flush=True)  # the parent keeps the last one on a timeout
    return {
        "engine": "rdflib (memory)",
        "load_seconds": seconds,
        "triples": triples,
        "latencies": latencies,
        "rows": rows,
        "peak_mib": _peak_mib(),
    }


def convert_corpus(n: int, seed: int, folder: Path) -> Path:
    from benchmarks.synthetic import generate

    paths = generate(n, seed, folder / "txt")
    out = folder / "packages"
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("opendata")),
            "convert",
            *map(str, paths),
            "-o",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"converted {n} synthetic documents in {time.perf_counter() - started:.0f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--packages", type=Path, help="Converted packages to use instead.")
    parser.add_argument("--repeat", type=int, default=20, help="Runs of each query (pyoxigraph).")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="Runs of each query (rdflib).")
    parser.add_argument("--budget", type=int, default=3600, help="Seconds per engine at most.")
    parser.add_argument("--engine", choices=["oxigraph", "rdflib"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:  # a child process: one engine, JSON on stdout
        run = run_oxigraph if args.engine == "oxigraph" else run_rdflib
        print(json.dumps(run(args.packages, args.repeat)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        packages = args.packages or convert_corpus(args.documents, args.seed, Path(tmp))
        files = _graph_files(packages)
        print(f"{len(files)} packages in {packages}")
        reports = []
        for engine, repeat in (("oxigraph", args.repeat), ("rdflib", args.rdflib_repeat)):
            command = [sys.executable, __file__, "--engine", engine, "--packages", str(packages),
                       "--repeat", str(repeat)]  # fmt: skip
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, check=True, timeout=args.budget
                )
                out = done.stdout
            except subprocess.TimeoutExpired as exc:
                out = (
                    (exc.stdout or b"").decode()
                    if isinstance(exc.stdout, bytes)
                    else exc.stdout or ""
                )
                print(f"{engine}: stopped after {args.budget} s")
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if lines:
                reports.append(json.loads(lines[-1]))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    header = f"{'':30}" + "".join(f"{r['engine']:>34}" for r in reports)
    print(header)
    line = "{:30}" + "{:>34}" * len(reports)
    print(line.format("packages' triples", *(f"{r['triples']:,}" for r in reports)))
    print(line.format("load (s)", *(f"{r['load_seconds']:.1f}" for r in reports)))
    print(
        line.format(
            "load (triples/s)", *(f"{r['triples'] / r['load_seconds']:,.0f}" for r in reports)
        )
    )
    print(line.format("peak memory (MiB)", *(f"{r['peak_mib']:,.0f}" for r in reports)))
    for name in named_queries():
        cells = []
        for r in reports:
            if name not in r["latencies"]:
                cells.append(f"not done within {args.budget} s")
                continue
            p50, p95 = _percentiles(r["latencies"][name])
            cells.append(f"{p50 * 1000:,.0f} / {p95 * 1000:,.0f} ms ({r['rows'][name]} rows)")
        print(line.format(f"{name} p50/p95", *cells))


if __name__ == "__main__":
    main()
