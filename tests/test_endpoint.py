"""The SPARQL endpoint: ``opendata serve`` started on loopback, asked by curl and requests, stopped.

Only loopback traffic: the server listens on 127.0.0.1 on a free port it reports at start.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph

from opendata.sparql.endpoint import accepted, is_update
from opendata.sparql.store import load
from tests.cli_helpers import console_script
from tests.test_sparql import PACKAGES, QINHUANGDAO

BASE = "https://w3id.org/opendata-cn/"


def start(store: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*console_script(), "serve", "--store", str(store), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"at (http://127\.0\.0\.1:\d+)/sparql", line)
    if not match:
        process.kill()
        pytest.fail(
            f"serve did not start: {line} {process.stderr.read() if process.stderr else ''}"
        )
    return process, match.group(1)


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("endpoint") / "store"
    assert all(r.error is None for r in load(PACKAGES, store))
    process, url = start(store, "--timeout", "2", "--limit", "50")
    yield url
    stop(process)
    assert process.returncode is not None


def test_curl_asks_a_query_by_get_and_post(server: str) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed (apt-get install curl)")
    query = (
        "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/opendata-cn/vocab#Department> }"
    )
    done = subprocess.run(
        [curl, "-sf", "-G", f"{server}/sparql", "--data-urlencode", f"query={query}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["results"]["bindings"][0]["n"]["value"] == "7"
    done = subprocess.run(
        [
            curl,
            "-sf",
            "-H",
            "Accept: text/csv",
            "--data-urlencode",
            f"query={query}",
            f"{server}/sparql",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.stdout.splitlines() == ["n", "7"]


def test_updates_are_refused(server: str) -> None:
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
    for response in (
        requests.post(f"{server}/sparql", data={"update": insert}, timeout=30),
        requests.post(
            f"{server}/sparql",
            data=insert.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        ),
        requests.get(f"{server}/sparql", params={"query": insert}, timeout=30),
        requests.get(
            f"{server}/sparql", params={"query": "PREFIX x: <http://x/>\nDROP ALL"}, timeout=30
        ),
        requests.put(f"{server}/sparql", data=b"", timeout=30),
    ):
        assert 400 <= response.status_code < 500, response.status_code
        assert "read-only" in response.text
    count = requests.get(
        f"{server}/sparql", params={"query": "ASK { <http://example.org/a> ?p ?o }"}, timeout=30
    )
    assert count.json()["boolean"] is False


def test_result_formats_by_accept_header(server: str) -> None:
    query = "SELECT ?n WHERE { ?d <https://w3id.org/opendata-cn/vocab#departmentCode> ?n }"
    expect = {
        "application/sparql-results+json": '"vars": ["n"]',
        "application/sparql-results+xml": '<variable name="n"/>',
        "text/csv": "n\r\n203\r\n",
        "text/tab-separated-values": '?n\n"203"\n',
    }
    for media, text in expect.items():
        response = requests.get(
            f"{server}/sparql", params={"query": query}, headers={"Accept": media}, timeout=30
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(media)
        assert text in response.text, media
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph_query = f"DESCRIBE <{QINHUANGDAO}>"
    for media, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = requests.post(
            f"{server}/sparql",
            data=graph_query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": media},
            timeout=30,
        )
        assert response.headers["Content-Type"].startswith(media)
        graph = Graph().parse(data=response.text, format=fmt)
        assert len(graph) > 20
    response = requests.get(
        f"{server}/sparql", params={"query": query}, headers={"Accept": "image/png"}, timeout=30
    )
    assert response.status_code == 406


def test_named_queries_over_http(server: str) -> None:
    response = requests.get(
        f"{server}/sparql",
        params={"name": "three-public", "department": QINHUANGDAO},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 200
    assert [line.split(",")[3:6] for line in response.text.splitlines()[1:]] == [
        ["reception", "预算数", "3500"],
        ["total", "预算数", "3500"],
    ]
    bad = requests.get(f"{server}/sparql", params={"name": "nope"}, timeout=30)
    assert bad.status_code == 400 and "no named query" in bad.text
    bad = requests.get(f"{server}/sparql", params={"query": "SELECT WHERE"}, timeout=30)
    assert bad.status_code == 400 and "not valid SPARQL" in bad.text


def test_result_limit_and_timeout(server: str) -> None:
    response = requests.get(
        f"{server}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30
    )
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["X-Opendata-Truncated"] == "true"
    started = time.monotonic()
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
    response = requests.get(f"{server}/sparql", params={"query": slow}, timeout=60)
    assert response.status_code == 503 and "time limit of 2 s" in response.text
    assert time.monotonic() - started < 10
    # the server still answers
    assert requests.get(f"{server}/sparql", params={"query": "ASK {}"}, timeout=30).ok


def test_cors_preflight_and_query_page(server: str) -> None:
    response = requests.options(f"{server}/sparql", timeout=30)
    assert response.status_code == 204
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    page = requests.get(f"{server}/", timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "<textarea" in page.text and "spending-by-function" in page.text
    assert "“三公” expenses per department and year" in page.text


@pytest.mark.parametrize(
    "kind, path",
    [
        ("department", "id/department/203-ba858886"),
        ("project", "id/department/203-ba858886/project/2023/c671b48d"),
        ("indicator", "id/department/203-ba858886/project/2023/c671b48d/indicator/53245004"),
        ("code", "codelist/functional/2023/2013101"),
    ],
)
def test_minted_uris_dereference(server: str, kind: str, path: str) -> None:
    uri = BASE + path
    turtle = requests.get(f"{server}/{path}", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 2 and {str(s) for s in graph.subjects()} == {uri}, kind
    jsonld = requests.get(f"{server}/{path}", headers={"Accept": "application/ld+json"}, timeout=30)
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)
    page = requests.get(f"{server}/{path}", headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html") and uri in page.text
    if kind == "code":
        assert "行政运行" in page.text
    missing = requests.get(f"{server}/id/department/nobody", timeout=30)
    assert missing.status_code == 404


def test_base_maps_to_the_server_root(tmp_path: Path) -> None:
    from opendata.read.document import read_document
    from opendata.write.package import write_package
    from tests.conftest import SAMPLE

    written = write_package(
        read_document(SAMPLE), tmp_path / "out", base="http://example.org/budget/"
    )
    store = tmp_path / "store"
    assert all(r.error is None for r in load([written.path], store))
    process, url = start(store, "--base", "http://example.org/budget/")
    try:
        response = requests.get(
            f"{url}/id/department/203-ba858886", headers={"Accept": "text/turtle"}, timeout=30
        )
        assert response.status_code == 200 and "cnb:Department" in response.text
    finally:
        stop(process)


def test_accept_and_update_detection() -> None:
    offered = ["application/sparql-results+json", "text/csv"]
    assert accepted(None, offered) == offered[0]
    assert accepted("text/csv;q=0.5, application/sparql-results+json", offered) == offered[0]
    assert accepted("text/*", offered) == "text/csv"
    assert accepted("image/png", offered) is None
    assert is_update("# comment\nPREFIX a: <http://a/>\n insert data { }")
    assert not is_update("PREFIX a: <http://a/> SELECT * { ?s ?p 'DELETE' }")
