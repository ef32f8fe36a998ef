"""Push package graphs to an external triple store (SPARQL 1.1 Graph Store HTTP Protocol).

``opendata push PACKAGE… --store URL`` sends each package's graph with ``PUT URL?graph=G``, where
``G`` is the package's named graph (the same as in the embedded store, see
:func:`opendata.sparql.store.package_graph`): a PUT replaces the graph, so pushing again
leaves one copy.
The graph file is streamed from disk (``rdf/graph.nt``, else ``rdf/graph.ttl``; both are sent as
``text/turtle``, of which N-Triples is a subset).

Credentials come from the environment only, ``OPENDATA_STORE_USER`` and
``OPENDATA_STORE_PASSWORD``, and are never printed. The authentication scheme is the one the
server asks for (Basic or Digest, as Virtuoso's ``/sparql-graph-crud-auth`` does), or
``OPENDATA_STORE_AUTH=basic|digest``. A failed connection, a timeout, 429 or a 5xx answer is
retried with exponential backoff; any other error answer is reported at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from opendata.credentials import credential, remember_basic, scrub
from opendata.credentials import public_url as public_url
from opendata.errors import CredentialError, InputError, OpendataError, PushError
from opendata.sparql.store import package_graph

ENV_USER = "OPENDATA_STORE_USER"
ENV_PASSWORD = "OPENDATA_STORE_PASSWORD"
ENV_AUTH = "OPENDATA_STORE_AUTH"
RETRY_STATUS = {408, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class PushResult:
    source: str
    graph: str
    status: str  # "replaced" (HTTP 200/204) | "created" (201) | "failed"
    bytes: int
    attempts: int
    seconds: float
    error: OpendataError | None = None


def credentials_auth(session: requests.Session, url: str, timeout: float) -> AuthBase | None:
    """The authentication from the environment, in the scheme the server asks for."""
    user = credential(os.environ.get(ENV_USER), ENV_USER, ascii_only=False)
    password = (os.environ.get(ENV_PASSWORD) or "").strip("\r\n")  # spaces may belong to it
    credential(password, ENV_PASSWORD, ascii_only=False)  # checked, and remembered
    if not user:
        return None
    remember_basic(user, password)
    scheme = (os.environ.get(ENV_AUTH) or "").lower()
    if scheme not in ("basic", "digest"):
        try:
            probe = session.get(url, timeout=timeout)
            challenge = probe.headers.get("WWW-Authenticate", "").lower()
        except requests.RequestException:
            challenge = ""
        scheme = "digest" if challenge.startswith("digest") else "basic"
    if scheme == "digest":
        if not (user + password).isascii():
            raise CredentialError(f"{ENV_USER} or {ENV_PASSWORD} is not ASCII (Digest needs it)")
        return HTTPDigestAuth(user, password)
    # RFC 7617: user and password as UTF-8 (requests would encode them as Latin-1 and fail)
    return HTTPBasicAuth(user.encode("utf-8"), password.encode("utf-8"))


def _put(
    session: requests.Session,
    url: str,
    graph: str,
    path: Path,
    auth: AuthBase | None,
    timeout: float,
) -> requests.Response:
    with path.open("rb") as body:
        return session.put(
            url,
            params={"graph": graph},
            data=body,
            headers={"Content-Type": "text/turtle; charset=utf-8"},
            auth=auth,
            timeout=timeout,
        )


def push(
    packages: Iterable[Path | str],
    url: str,
    *,
    retries: int = 4,
    backoff: float = 0.5,
    timeout: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[PushResult]:
    """PUT each package's graph into its named graph at ``url``; yield one result each."""
    shown = public_url(url)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise CredentialError(f"--store {shown!r} is not an http:// or https:// URL")
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc: credentials come from ENV_* only
        auth = credentials_auth(session, url, timeout)
        for package in packages:
            started = time.perf_counter()
            try:
                found = package_graph(package)
            except InputError as exc:
                yield PushResult(str(package), "", "failed", 0, 0, 0.0, exc.with_traceback(None))
                continue
            size = found.path.stat().st_size
            attempt, error = 0, None
            while True:
                attempt += 1
                try:
                    response = _put(session, url, found.graph, found.path, auth, timeout)
                except (requests.ConnectionError, requests.Timeout) as exc:
                    error = f"cannot reach {shown}: {type(exc).__name__}"
                    response = None
                if response is not None and response.ok:
                    status = "created" if response.status_code == 201 else "replaced"
                    seconds = time.perf_counter() - started
                    yield PushResult(str(package), found.graph, status, size, attempt, seconds)
                    break
                retry = True
                if response is not None:
                    text = scrub(" ".join(response.text.split()))[:200]
                    error = f"{shown} answered {response.status_code} {response.reason}" + (
                        f": {text}" if text else ""
                    )
                    if response.status_code in (401, 403):
                        error += f" (credentials are read from {ENV_USER} and {ENV_PASSWORD})"
                    retry = response.status_code in RETRY_STATUS
                if not retry or attempt > retries:
                    seconds = time.perf_counter() - started
                    message = error or "failed"
                    if attempt > 1:
                        message += f" (after {attempt} attempts)"
                    yield PushResult(
                        str(package),
                        found.graph,
                        "failed",
                        size,
                        attempt,
                        seconds,
                        PushError(message),
                    )
                    break
                sleep(backoff * 2 ** (attempt - 1))


def pull(url: str, graph: str, *, timeout: float = 120.0, media: str = "text/turtle") -> bytes:
    """GET a named graph back from a Graph Store Protocol endpoint (for checks and tests)."""
    with requests.Session() as session:
        session.trust_env = False
        auth = credentials_auth(session, url, timeout)
        response = session.get(
            url, params={"graph": graph}, headers={"Accept": media}, auth=auth, timeout=timeout
        )
        if not response.ok:
            raise PushError(f"{public_url(url)} answered {response.status_code} {response.reason}")
        return response.content
