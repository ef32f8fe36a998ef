"""``opendata push`` against a real Virtuoso (Debian's virtuoso-opensource) on loopback.

The session fixture runs ``scripts/virtuoso.sh start`` in a temporary folder on free ports
(installing the package with apt-get when it is missing and we are root) and stops it at the
end. Where Virtuoso cannot be installed or started, the tests skip and say exactly why.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
import requests

from opendata.errors import PushError
from opendata.sparql.push import ENV_PASSWORD, ENV_USER, public_url, pull, push
from opendata.sparql.store import package_graph
from tests.cli_helpers import run_script
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "virtuoso.sh"
USER, PASSWORD = "opendata", "s3cret-Push-Word"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("virtuoso")
    env = {**os.environ, ENV_USER: USER, ENV_PASSWORD: PASSWORD}
    ports = [str(free_port()), str(free_port())]
    done = subprocess.run(
        ["bash", str(SCRIPT), "start", str(folder), *ports],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if done.returncode != 0:
        pytest.skip(
            "Virtuoso is not available for the push tests: "
            f"'bash scripts/virtuoso.sh start' said: {done.stderr.strip() or done.stdout.strip()}"
        )
    url = done.stdout.strip().splitlines()[-1]
    yield url
    subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], timeout=120, check=False)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USER, USER)
    monkeypatch.setenv(ENV_PASSWORD, PASSWORD)


def canonical(data: bytes | Path, fmt: ox.RdfFormat) -> set[tuple[str, str, str]]:
    """Triples with xsd:decimal compared by value (Virtuoso writes 349200.00 as 349200)."""
    triples = (
        ox.parse(data, format=fmt)
        if isinstance(data, bytes)
        else ox.parse(path=str(data), format=fmt)
    )
    out = set()
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.datatype.value == DECIMAL:
            text = f'"{Decimal(o.value).normalize():f}"^^<{DECIMAL}>'
        else:
            text = str(o)
        out.add((str(t.subject), str(t.predicate), text))
    return out


def sample() -> Path:
    return next(p for p in (ROOT / "datapackages").iterdir() if (p / "datapackage.json").is_file())


def test_push_round_trips_a_package(virtuoso: str, credentials: None) -> None:
    package = sample()
    results = list(push([package], virtuoso))
    assert [r.error for r in results] == [None]
    graph = package_graph(package).graph
    back = pull(virtuoso, graph, media="application/n-triples")
    assert canonical(back, ox.RdfFormat.N_TRIPLES) == canonical(
        package / "rdf" / "graph.nt", ox.RdfFormat.N_TRIPLES
    )
    # and Virtuoso's own SPARQL endpoint sees the named graph
    sparql = virtuoso.rsplit("/", 1)[0] + "/sparql"
    answer = requests.get(
        sparql,
        params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(
        canonical(package / "rdf" / "graph.nt", ox.RdfFormat.N_TRIPLES)
    )


def test_pushing_again_replaces_the_graph(virtuoso: str, credentials: None, tmp_path: Path) -> None:
    package = sample()
    smaller = tmp_path / package.name
    (smaller / "rdf").mkdir(parents=True)
    (smaller / "datapackage.json").write_bytes((package / "datapackage.json").read_bytes())
    lines = (package / "rdf" / "graph.nt").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "/amount/income/" not in line]
    (smaller / "rdf" / "graph.nt").write_text("\n".join(kept) + "\n", encoding="utf-8")
    graph = package_graph(package).graph
    for source, expected in ((smaller, len(kept)), (package, len(lines)), (package, len(lines))):
        (result,) = push([source], virtuoso)
        assert result.error is None and result.status in ("created", "replaced")
        back = pull(virtuoso, graph, media="application/n-triples")
        assert len(canonical(back, ox.RdfFormat.N_TRIPLES)) == expected


def test_cli_push_and_credentials_never_printed(virtuoso: str, tmp_path: Path) -> None:
    env_ok = {**os.environ, ENV_USER: USER, ENV_PASSWORD: PASSWORD}
    done = subprocess.run(
        [*_script(), "push", str(sample()), "--store", virtuoso],
        capture_output=True,
        text=True,
        env=env_ok,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "[replaced]" in done.stdout or "[created]" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    wrong = "Wrong-Pass-9911"
    with_userinfo = virtuoso.replace("http://", f"http://{USER}:{wrong}@")
    done = subprocess.run(
        [*_script(), "push", str(sample()), "--store", with_userinfo],
        capture_output=True,
        text=True,
        env={**os.environ, ENV_USER: USER, ENV_PASSWORD: wrong},
        timeout=300,
    )
    assert done.returncode == 6
    assert "401" in done.stderr and ENV_PASSWORD in done.stderr
    assert wrong not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def _script() -> list[str]:
    from tests.cli_helpers import console_script

    return console_script()


# -- without Virtuoso: retries, refusals, bad packages ------------------------------------------


class _Flaky(BaseHTTPRequestHandler):
    answers: ClassVar[list[int]] = []
    seen: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append(self.path)
        status = self.answers.pop(0) if self.answers else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def flaky() -> Iterator[tuple[str, type[_Flaky]]]:
    handler = type("Flaky", (_Flaky,), {"answers": [], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", handler
    server.shutdown()
    server.server_close()


def test_retries_with_backoff(
    flaky: tuple[str, type[_Flaky]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_USER, raising=False)
    url, handler = flaky
    handler.answers[:] = [503, 502, 201]
    waits: list[float] = []
    (result,) = push([sample()], url, retries=4, backoff=0.5, sleep=waits.append)
    assert (result.status, result.attempts, result.error) == ("created", 3, None)
    assert waits == [0.5, 1.0]
    assert handler.seen[0].endswith(
        "?graph=" + requests.utils.quote(package_graph(sample()).graph, safe="")
    )
    handler.answers[:] = [503] * 10
    (result,) = push([sample()], url, retries=2, sleep=waits.append)
    assert result.status == "failed" and result.attempts == 3
    assert isinstance(result.error, PushError) and "after 3 attempts" in str(result.error)
    handler.answers[:] = [400]
    (result,) = push([sample()], url, retries=4, sleep=waits.append)
    assert result.attempts == 1 and "400" in str(result.error)


def test_bad_package_and_unreachable_store(tmp_path: Path) -> None:
    done = run_script("push", tmp_path / "nothing", "--store", "http://127.0.0.1:9/x", cwd=tmp_path)
    assert done.returncode == 3 and "no datapackage.json" in done.stderr
    done = run_script(
        "push", sample(), "--store", "http://127.0.0.1:9/x", "--retries", "0", cwd=tmp_path
    )
    assert done.returncode == 6 and "cannot reach http://127.0.0.1:9/x" in done.stderr
    assert public_url("http://u:p@h:1/a?b=c") == "http://h:1/a?b=c"
