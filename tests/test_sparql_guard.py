"""The query check (:mod:`opendata.sparql.guard`): what it counts, what it refuses, what it lets by."""

from __future__ import annotations

import socket
import threading
from http import HTTPStatus

import pyoxigraph as ox
import pytest

from opendata.errors import QueryRefused
from opendata.sparql.guard import QueryLimits, check, is_update, scan
from opendata.sparql.queries import named_queries


def test_strings_iris_and_comments_are_not_counted() -> None:
    shape = scan(
        'SELECT * { ?s <http://x/(((#a> "{{{ SERVICE" ; <http://x/p> """ ((( """ }  # {{{{'
    )
    assert shape.depth == 1 and "SERVICE" not in shape.keywords
    # braces are not allowed in an IRI: "<" there is the operator, and the braces count
    assert scan("ASK { FILTER(?a <http://x/{> ?b) }").depth == 3
    assert scan("ASK { ?s ?p 'it''s' }").depth == 1  # two strings, not an unclosed one


def test_escapes_in_prefixed_names_do_not_unbalance_the_count() -> None:
    # ex:a\) is one name: were it read as ")" the depth could be driven down, then up unseen
    text = "SELECT * { " + "{ ex:a\\) " * 100 + "}" * 100 + " }"
    assert scan(text).depth == 101
    with pytest.raises(QueryRefused, match="deeper than 64"):
        check(text)


def test_limits_and_their_messages() -> None:
    with pytest.raises(QueryRefused, match="at most 65536"):
        check("ASK {} #" + "x" * 70000)
    with pytest.raises(QueryRefused, match="operators"):
        check("SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 1001) + " }")
    check("SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 900) + " }")
    small = QueryLimits(max_bytes=100, max_depth=2, max_operators=3)
    with pytest.raises(QueryRefused, match="deeper than 2"):
        check("ASK { { { } } }", small)
    with pytest.raises(QueryRefused, match="more than 3"):
        check("ASK { FILTER(1 + 2 + 3 + 4 > 0) }", small)


def test_service_and_updates_are_refused() -> None:
    for text in (
        "SELECT * { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
        "select * { service silent ?x { ?s ?p ?o } }",
    ):
        with pytest.raises(QueryRefused, match="SERVICE") as refused:
            check(text)
        assert refused.value.status == HTTPStatus.BAD_REQUEST and refused.value.exit_code == 2
    with pytest.raises(QueryRefused, match="read-only") as refused:
        check("PREFIX a: <http://a/>\nDELETE WHERE { ?s ?p ?o }")
    assert refused.value.status == HTTPStatus.FORBIDDEN
    assert is_update("# comment\nPREFIX a: <http://a/>\n insert data { }")
    assert not is_update("PREFIX a: <http://a/> SELECT * { ?s ?p 'DELETE' . ?s a:DROP ?o }")


def test_named_queries_pass_with_room() -> None:
    for query in named_queries().values():
        shape = check(query.text)
        assert shape.depth <= 16 and shape.operators <= 250, (query.name, shape)


def test_pyoxigraph_alone_would_fetch_a_service() -> None:
    """Why SERVICE is refused: pyoxigraph sends the request to whatever address is named."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def accept() -> None:
        conn, _ = listener.accept()
        received.append(conn.recv(200))
        conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
    with pytest.raises(OSError):
        list(ox.Store().query(query))  # type: ignore[arg-type]
    thread.join(30)
    listener.close()
    assert received and received[0].startswith(b"POST /x ")
    with pytest.raises(QueryRefused):
        check(query)
