"""Benchmark ``opendata serve`` under load, with hostile requests mixed in.

Run ``.venv/bin/python benchmarks/bench_endpoint_hostile.py [--requests 2000] [--clients 20 50]``.
It loads the bundled packages (``datapackages/`` and the golden packages of ``tests/golden/``)
into a fresh store with ``opendata load``, starts ``opendata serve`` on loopback (a free port,
``--timeout 2``, the other options at their defaults unless given), and for each number of
concurrent clients sends ``--requests`` requests from that many threads (``http.client``, one
connection per request as the server speaks HTTP/1.0). About 4% are hostile:

- 1% a query of 3,000 nested ``{`` (refused: 400), 1% a ``SERVICE`` call to loopback (400);
- 0.5% each: a 500 MB ``Content-Length`` (413), ``Content-Length: abc`` (400), a sorted
  cartesian product (503 at the time limit, its worker killed), and a cartesian ``COUNT(*)``
  abandoned by its client after 0.5 s.

The rest are the named queries, small SELECTs, ASKs and dereferenced URIs. It prints, per
number of clients: requests per second, p50/p95/p99 latency of the ordinary requests, the
count of answers by status, and the peak resident memory of the server and its worker
processes (sampled from /proc every 50 ms). Then the cost of the worker hop: the median time of
a small query run in the process, against the same query through a worker process.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OPENDATA = [str(Path(sys.executable).with_name("opendata"))]
BASE = "https://w3id.org/opendata-cn/"
DEPARTMENT = BASE + "id/department/203-ba858886"
DEEP = "SELECT * WHERE " + "{  " * 3000 + " ?s ?p ?o " + "}  " * 3000
SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
SORTED_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
COUNT_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
ORDINARY = [
    ("GET", "/sparql?" + urlencode({"name": "three-public", "department": DEPARTMENT})),
    ("GET", "/sparql?" + urlencode({"name": "spending-by-function", "year": "2023"})),
    ("GET", "/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 20"})),
    ("GET", "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"})),
    ("GET", "/id/department/203-ba858886"),
    ("GET", "/codelist/functional/2023/2013101"),
]
HOSTILE = {  # kind: share of the requests
    "deep": 0.01,
    "service": 0.01,
    "huge-body": 0.005,
    "bad-length": 0.005,
    "sorted-product": 0.005,
    "abandoned": 0.005,
}


def packages() -> list[Path]:
    found = sorted(p.parent for p in (ROOT / "datapackages").glob("*/datapackage.json"))
    return found + sorted(p.parent for p in (ROOT / "tests/golden").glob("*/*/datapackage.json"))


def tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def rss_mib(pid: int) -> float:
    total = 0
    for member in tree(pid):
        try:
            match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{member}/status").read_text())
        except OSError:
            continue
        total += int(match.group(1)) if match else 0
    return total / 1024


def send(port: int, kind: str, request: tuple[str, str] | None) -> tuple[int, float]:
    """One request on its own connection: (status, seconds); status 0 when none came."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        if kind == "ordinary":
            assert request is not None
            conn.request(request[0], request[1], headers={"Accept": "*/*"})
        elif kind in ("deep", "service", "sorted-product"):
            text = {"deep": DEEP, "service": SERVICE, "sorted-product": SORTED_PRODUCT}[kind]
            body = ("query=" + quote(text)).encode()
            conn.request(
                "POST",
                "/sparql",
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        elif kind == "abandoned":
            conn.timeout = 0.5
            conn.request("GET", "/sparql?" + urlencode({"query": COUNT_PRODUCT}))
        else:
            conn.putrequest("POST", "/sparql")
            conn.putheader("Content-Type", "application/sparql-query")
            length = str(500 * 1024 * 1024) if kind == "huge-body" else "abc"
            conn.putheader("Content-Length", length)
            conn.endheaders()
            conn.send(b"ASK {}" + b" " * 65536)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except TimeoutError:
        return 0, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return -1, time.perf_counter() - started
    finally:
        conn.close()


def plan(count: int, seed: int, scale: float) -> list[tuple[str, tuple[str, str] | None]]:
    chosen = random.Random(seed)
    work: list[tuple[str, tuple[str, str] | None]] = []
    for kind, share in HOSTILE.items():
        work += [(kind, None)] * round(count * share * scale)
    while len(work) < count:
        work.append(("ordinary", chosen.choice(ORDINARY)))
    chosen.shuffle(work)
    return work


def round_of(port: int, pid: int, count: int, clients: int, scale: float) -> dict[str, object]:
    work = plan(count, clients, scale)
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    cursor = iter(work)
    peak = [rss_mib(pid)]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            peak[0] = max(peak[0], rss_mib(pid))

    def client() -> None:
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                return
            answer, seconds = send(port, item[0], item[1])
            with lock:
                results.append((item[0], answer, seconds))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    ordinary = sorted(s for kind, _, s in results if kind == "ordinary")

    def pct(p: float) -> float:
        return ordinary[min(len(ordinary) - 1, round(p * (len(ordinary) - 1)))] * 1000

    return {
        "clients": clients,
        "requests": len(results),
        "seconds": elapsed,
        "rate": len(results) / elapsed,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "statuses": Counter(status for _, status, _ in results),
        "hostile": Counter((kind, status) for kind, status, _ in results if kind != "ordinary"),
        "ordinary_errors": Counter(s for kind, s, _ in results if kind == "ordinary" and s != 200),
        "peak_mib": peak[0],
    }


def hop_cost(store: Path, repeat: int) -> tuple[float, float]:
    """Median seconds of a small query in the process, and through a worker process."""
    from opendata.sparql.results import collect
    from opendata.sparql.store import Store
    from opendata.sparql.workers import QueryJob, WorkerPool

    text = f"SELECT ?p ?o WHERE {{ <{DEPARTMENT}> ?p ?o }} LIMIT 20"
    local = Store(store, read_only=True)
    direct, hop = [], []
    pool = WorkerPool(store, 1)
    try:
        for _ in range(repeat):
            t = time.perf_counter()
            collect(local.query(text), 10000)
            direct.append(time.perf_counter() - t)
            t = time.perf_counter()
            pool.run(QueryJob(text, None, 10000), 30)
            hop.append(time.perf_counter() - t)
    finally:
        pool.close()
    return statistics.median(direct), statistics.median(hop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--timeout", default="2")
    parser.add_argument("--workers", default="4")
    parser.add_argument("--memory", default="2048")
    parser.add_argument("--hop-repeat", type=int, default=500)
    parser.add_argument(
        "--hostile", type=float, default=1.0, help="Scale the hostile shares (0: none)."
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as folder:
        store = Path(folder) / "store"
        found = packages()
        subprocess.run(
            [*OPENDATA, "load", *map(str, found), "--store", str(store)],
            check=True,
            capture_output=True,
        )
        print(f"store: {len(found)} packages loaded")
        server = subprocess.Popen(
            [
                *(*OPENDATA, "serve", "--store", str(store), "--port", "0"),
                *("--timeout", args.timeout, "--workers", args.workers, "--memory", args.memory),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            match = re.search(r"127\.0\.0\.1:(\d+)/", line)
            if not match:
                raise SystemExit(f"serve did not start: {line}")
            port = int(match.group(1))
            print(
                f"opendata serve --timeout {args.timeout} --workers {args.workers} "
                f"--memory {args.memory}; idle RSS {rss_mib(server.pid):.0f} MiB"
            )
            for clients in args.clients:
                row = round_of(port, server.pid, args.requests, clients, args.hostile)
                statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))  # type: ignore[attr-defined]
                hostile = ", ".join(
                    f"{kind} {status}: {n}"
                    for (kind, status), n in sorted(row["hostile"].items())  # type: ignore[attr-defined]
                )
                print(
                    f"{clients} clients ({args.hostile:g} x hostile): {row['requests']} requests "
                    f"in {row['seconds']:.1f} s, "
                    f"{row['rate']:.0f} req/s; ordinary p50 {row['p50']:.1f} ms, "
                    f"p95 {row['p95']:.1f} ms, p99 {row['p99']:.1f} ms; "
                    f"peak RSS {row['peak_mib']:.0f} MiB"
                )
                print(f"  statuses: {statuses} (0: abandoned by the client, -1: no answer)")
                print(f"  hostile: {hostile}")
                print(f"  ordinary requests not 200: {dict(row['ordinary_errors']) or 'none'}")  # type: ignore[call-overload]
        finally:
            server.terminate()
            server.wait(30)
            errors = server.stderr.read() if server.stderr else ""
            lines = errors.splitlines()
            print(f"server stderr: {len(lines)} lines, a traceback: {'Traceback' in errors}")
            for line in lines[:5]:
                print(f"  {line[:160]}")
        direct, hop = hop_cost(store, args.hop_repeat)
        print(
            f"worker hop: small query {direct * 1000:.2f} ms in process, "
            f"{hop * 1000:.2f} ms through a worker: +{(hop - direct) * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
