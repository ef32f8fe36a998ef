"""Hostile clients against a real ``opendata serve`` on loopback (issue 16, the endpoint items).

Each test sends what once crashed, starved or misled the server, then checks that the answer is
a short HTTP error, that the server still answers a plain query, and that the resident memory
of the server and its worker processes (read from /proc) stayed under :data:`RSS_BOUND_MIB`:
the workers' address-space limit times their number, plus 256 MiB for the server itself.
Nothing here depends on timing: waits are polls with generous limits.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from opendata.sparql.store import load
from tests.cli_helpers import run_script
from tests.test_endpoint import start, stop
from tests.test_sparql import PACKAGES

WORKERS, MEMORY_MIB = 2, 1024
RSS_BOUND_MIB = WORKERS * MEMORY_MIB + 256
DEEP = "SELECT * WHERE " + "{  " * 3000 + " ?s ?p ?o " + "}  " * 3000  # 18 KB
SORTED_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
COUNT_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


# -- the process tree ---------------------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, MiB."""
    total = 0
    for member in descendants(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total / 1024


class PeakRss:
    """The peak of :func:`rss_mib` while the block runs, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mib(self.pid))
            if self._done.wait(0.05):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib(self.pid))


# -- the servers ----------------------------------------------------------------------------------
@dataclass
class Server:
    url: str
    pid: int
    store: Path
    port: int

    def workers(self) -> set[int]:
        """The query workers (not multiprocessing's resource tracker)."""
        found = set()
        for pid in descendants(self.pid):
            with contextlib.suppress(OSError):
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(pid)
        return found


def still_serving(server: Server) -> None:
    """The server answers a plain query (polled for 60 s: a killed worker is being replaced),
    and its memory is under the bound."""
    deadline, last = time.monotonic() + 60, "no answer"
    while time.monotonic() < deadline:
        try:
            answer = requests.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=30)
            if answer.status_code == 200 and answer.json()["boolean"] is True:
                break
            last = f"{answer.status_code} {answer.text[:200]}"
        except requests.RequestException as exc:
            last = repr(exc)
        time.sleep(0.2)
    else:
        pytest.fail(f"the server stopped answering: {last}")
    assert rss_mib(server.pid) < RSS_BOUND_MIB


def serving(store: Path, *args: str) -> Iterator[Server]:
    process, url = start(store, *args)
    try:
        yield Server(url, process.pid, store, int(url.rsplit(":", 1)[1]))
    finally:
        stop(process)
        errors = process.stderr.read() if process.stderr else ""
        assert "Traceback" not in errors, errors


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "store"
    assert all(r.error is None for r in load(PACKAGES, folder))
    return folder


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    yield from serving(
        store,
        *("--timeout", "2", "--limit", "50", "--workers", str(WORKERS)),
        *("--memory", str(MEMORY_MIB), "--idle", "3"),
    )


def raw(server: Server, data: bytes, *, wait: float = 30) -> bytes:
    """Send bytes on a fresh connection; everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as conn:
        conn.sendall(data)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def status(answer: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert match, answer[:200]
    return int(match.group(1))


# -- 2: a deeply nested query -------------------------------------------------------------------
def test_deep_nesting_is_refused_before_the_parser(server: Server) -> None:
    assert len(DEEP) > 18000
    for answer in (
        requests.get(f"{server.url}/sparql", params={"query": DEEP}, timeout=30),
        requests.post(
            f"{server.url}/sparql",
            data=DEEP.encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        ),
        requests.post(
            f"{server.url}/sparql",
            data={"query": "ASK { FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }"},
            timeout=30,
        ),
        requests.post(
            f"{server.url}/sparql",
            data={"query": "ASK { FILTER(" + "1+" * 10000 + "1 > 0) }"},
            timeout=30,
        ),
    ):
        assert answer.status_code == 400, answer.text
        assert "nests" in answer.text or "operators" in answer.text
        assert len(answer.text) < 300
        still_serving(server)
    fine = "ASK { " + "{" * 60 + " ?s ?p ?o " + "}" * 60 + " }"
    assert requests.get(f"{server.url}/sparql", params={"query": fine}, timeout=30).json()[
        "boolean"
    ]


def test_deep_nesting_is_refused_by_opendata_query(server: Server, tmp_path: Path) -> None:
    done = run_script("query", DEEP, "--store", server.store, cwd=tmp_path)
    assert done.returncode == 2, (done.returncode, done.stderr)  # not -11 (SIGSEGV)
    assert "nests" in done.stderr and "deeper than 64" in done.stderr
    done = run_script(
        "query", "ASK { " + "{" * 60 + "}" * 60 + " }", "--store", server.store, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stdout.strip() == "yes", done.stderr


# -- 3: a query that grows without end ----------------------------------------------------------
def test_sorted_cartesian_product_is_killed_at_the_limit(server: Server) -> None:
    before = server.workers()
    assert len(before) == WORKERS
    with PeakRss(server.pid) as memory:
        answer = requests.get(f"{server.url}/sparql", params={"query": SORTED_PRODUCT}, timeout=60)
    assert answer.status_code == 503, answer.text
    assert "time limit" in answer.text or "memory" in answer.text
    assert memory.peak < RSS_BOUND_MIB, memory.peak
    still_serving(server)
    # its worker was killed (not left running) and replaced
    after = server.workers()
    assert len(after) == WORKERS and after != before


# -- 4: abandoned queries -----------------------------------------------------------------------
def test_abandoned_queries_free_their_slots(server: Server) -> None:
    with PeakRss(server.pid) as memory:
        for _ in range(5):
            with pytest.raises(requests.Timeout):
                requests.get(f"{server.url}/sparql", params={"query": COUNT_PRODUCT}, timeout=0.3)
        still_serving(server)  # within 60 s, not "until restarted"
    assert memory.peak < RSS_BOUND_MIB, memory.peak
    # every slot is free again: as many slow queries as workers are each given their time
    answers: list[tuple[int, bool]] = []

    def ask() -> None:
        answer = requests.get(f"{server.url}/sparql", params={"query": COUNT_PRODUCT}, timeout=60)
        answers.append((answer.status_code, "time limit of 2 s" in answer.text))

    threads = [threading.Thread(target=ask) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [(503, True)] * WORKERS
    still_serving(server)


# -- 5: SERVICE ------------------------------------------------------------------------------------
def test_service_is_refused_and_nothing_is_fetched(server: Server, tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    calls: list[object] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, address = listener.accept()
            except OSError:
                continue
            calls.append(address)
            conn.close()

    watcher = threading.Thread(target=accept, daemon=True)
    watcher.start()
    target = f"http://127.0.0.1:{port}/x"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{port}/>\nSELECT * {{ # a comment }}\n SeRvIcE x:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{target}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
    ]
    try:
        for query in queries:
            answer = requests.post(f"{server.url}/sparql", data={"query": query}, timeout=30)
            assert answer.status_code == 400 and "SERVICE" in answer.text, answer.text
            still_serving(server)
        run = run_script("query", queries[0], "--store", server.store, cwd=tmp_path)
        assert run.returncode == 2 and "SERVICE" in run.stderr
        # the word in a string, an IRI or a prefixed name is not the keyword
        text = 'SELECT * { ?s <http://x/SERVICE> "SERVICE { }" ; <http://x/p> ?o }'
        assert requests.post(f"{server.url}/sparql", data={"query": text}, timeout=30).ok
    finally:
        done.set()
        watcher.join()
        listener.close()
    assert calls == []


# -- 10: the HTTP layer ---------------------------------------------------------------------------
def test_oversized_and_malformed_requests_get_answers(server: Server) -> None:
    head = "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    with PeakRss(server.pid) as memory:
        # a 500 MB body is refused from its Content-Length, whatever of it has come
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            conn.sendall(f"{head}Content-Length: {500 * 1024 * 1024}\r\n\r\n".encode())
            conn.sendall(b"x" * (1024 * 1024))
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert status(answer) == 413 and b"over 262144 bytes" in answer
    assert memory.peak < RSS_BOUND_MIB
    still_serving(server)
    cases = {
        f"{head}Content-Length: abc\r\n\r\nASK {{}}": 400,
        f"{head}Content-Length: -5\r\n\r\nASK {{}}": 400,
        f"{head}Content-Length: 7\r\nContent-Length: 8\r\n\r\nASK {{}}": 400,
        f"{head}Transfer-Encoding: chunked\r\n\r\n7\r\nASK {{}}\r\n0\r\n\r\n": 411,
        f"{head}\r\n": 411,
        'GET /id/"x HTTP/1.0\r\n\r\n': 400,
        "GET /id/<x> HTTP/1.0\r\n\r\n": 400,
        "HELLO\r\n\r\n": 400,
        "GET / HTTP/9.9\r\n\r\n": 505,
        "BREW /sparql HTTP/1.0\r\n\r\n": 501,
        "GET /sparql?" + "&".join(f"p{i}=1" for i in range(200)) + " HTTP/1.0\r\n\r\n": 400,
        "GET /sparql HTTP/1.0\r\n" + "".join(f"X-{i}: 1\r\n" for i in range(70)) + "\r\n": 431,
        "GET /" + "a" * 70000 + " HTTP/1.0\r\n\r\n": 414,
    }
    for request, expected in cases.items():
        answer = raw(server, request.encode("latin-1"))
        assert status(answer) == expected, (request[:80], answer[:300])
        assert b"Content-Type: text/plain" in answer and b"nosniff" in answer
        assert len(answer.split(b"\r\n\r\n", 1)[1]) < 200
        still_serving(server)


def test_stalled_clients_are_disconnected(server: Server) -> None:
    # sends half a request and nothing more
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.0\r\nHost: x\r\n")
        with contextlib.suppress(ConnectionResetError):
            assert conn.recv(1024) == b""  # closed by the server, long before our 30 s
    # sends a byte every 0.2 s (each read alone would be in time): dropped at the deadline
    dropped = False
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(b"GET /sparql HTTP/1.0\r\n")
        for _ in range(300):  # 60 s at most; the server allows 3
            try:
                conn.sendall(b"X")
            except OSError:
                dropped = True
                break
            time.sleep(0.2)
    assert dropped
    still_serving(server)


def test_listen_backlog(server: Server) -> None:
    from shutil import which
    from subprocess import run

    if which("ss") is None:
        pytest.skip("ss (iproute2) is not installed")
    listing = run(
        ["ss", "-ltnH", f"sport = :{server.port}"], capture_output=True, text=True, check=True
    )
    fields = listing.stdout.split()
    assert int(fields[2]) >= 128, listing.stdout  # Send-Q of a listening socket: its backlog


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A store holding one resource with a javascript: IRI, served with at most 4 connections
    and a long idle time (so that held connections stay held)."""
    folder = tmp_path_factory.mktemp("crafted") / "store"
    store = ox.Store(str(folder))
    see = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    subject = ox.NamedNode("https://w3id.org/opendata-cn/id/department/x")
    graph = ox.NamedNode("https://example.org/graph")
    for target in ("javascript:alert(1)", "data:text/html,hi", "https://example.org/page"):
        store.add(ox.Quad(subject, see, ox.NamedNode(target), graph))
    store.flush()
    del store
    yield from serving(folder, "--connections", "4", "--idle", "60", "--workers", "1")


def test_only_http_links_and_security_headers(crafted: Server) -> None:
    page = requests.get(
        f"{crafted.url}/id/department/x", headers={"Accept": "text/html"}, timeout=30
    )
    assert page.status_code == 200
    assert "javascript:alert(1)" in page.text and 'href="javascript:' not in page.text
    assert 'href="data:' not in page.text and 'href="https://example.org/page"' in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src" not in page.headers["Content-Security-Policy"]
    editor = requests.get(f"{crafted.url}/", timeout=30)
    policy = editor.headers["Content-Security-Policy"]
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", policy) and "unsafe" not in policy
    answer = requests.get(f"{crafted.url}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_connections_over_the_limit_get_503(crafted: Server) -> None:
    held = [socket.create_connection(("127.0.0.1", crafted.port), timeout=30) for _ in range(4)]
    try:
        # the server accepts in order: the four held ones are counted before this one
        answer = raw(crafted, b"GET /sparql?query=ASK%20%7B%7D HTTP/1.0\r\n\r\n")
        assert status(answer) == 503 and b"every connection is in use" in answer
    finally:
        for conn in held:
            conn.close()
    still_serving(crafted)  # polled: the held ones' threads end when they see the close
