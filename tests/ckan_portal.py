"""The real CKAN portal the publish tests run against, and a requests session that counts.

The portal is the one ``scripts/ckan.sh start`` runs on loopback. ``.ci/run`` starts it and exports
``OPENDATA_TEST_CKAN_URL`` and ``OPENDATA_TEST_CKAN_TOKEN_FILE``; without them the
``ckan_portal`` fixture starts it itself (and stops it afterwards). When it cannot run, the tests
are skipped with the reason, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "ckan.sh"


@dataclass
class Portal:
    url: str
    token: str = field(repr=False)

    def action(self, name: str, /, **data: Any) -> Any:
        """Call an action as the sysadmin (JSON); the result, or None for 404."""
        response = requests.post(
            f"{self.url}/api/3/action/{name}",
            json=data,
            headers={"Authorization": self.token},
            timeout=60,
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()["result"]

    def download(self, url: str) -> bytes:
        response = requests.get(url, headers={"Authorization": self.token}, timeout=60)
        response.raise_for_status()
        return response.content


def _alive(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/3/action/status_show", timeout=5).ok
    except requests.RequestException:
        return False


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the CKAN test portal is needed in CI: {reason}")
    pytest.skip(f"no CKAN test portal: {reason}")


def portal_fixture() -> Iterator[Portal]:
    url = os.environ.get("OPENDATA_TEST_CKAN_URL")
    token_file = os.environ.get("OPENDATA_TEST_CKAN_TOKEN_FILE")
    started = False
    if not url:
        done = subprocess.run(
            ["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=1200
        )
        if done.returncode != 0:
            _unavailable(
                f"`bash scripts/ckan.sh start` failed (it needs root or sudo for apt-get and "
                f"PostgreSQL, and PyPI for CKAN 2.11):\n{done.stderr[-3000:]}"
            )
        started = True
        env = subprocess.run(
            ["bash", str(SCRIPT), "env"], capture_output=True, text=True, check=True
        ).stdout
        values = dict(
            line.removeprefix("export ").split("=", 1) for line in env.splitlines() if "=" in line
        )
        url, token_file = values["OPENDATA_TEST_CKAN_URL"], values["OPENDATA_TEST_CKAN_TOKEN_FILE"]
    if not _alive(url):
        _unavailable(f"nothing answers {url}/api/3/action/status_show")
    if not token_file or not Path(token_file).is_file():
        _unavailable(f"no token file (OPENDATA_TEST_CKAN_TOKEN_FILE={token_file})")
    try:
        yield Portal(url, Path(token_file).read_text().strip())
    finally:
        if started:
            subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, timeout=120)


class CountingSession(requests.Session):
    """Counts the actions it sends and the uploads among them; can fail on purpose.

    ``fail`` is called with (action, is upload, number of earlier calls of that kind) before a
    request is sent and may raise to simulate a lost connection, or return a status to answer
    with instead of sending (e.g. 503). ``lose_answer`` is the same, but after sending: the
    request reaches CKAN and its answer is lost.
    """

    def __init__(
        self,
        fail: Callable[[str, bool, int], int | None] | None = None,
        lose_answer: Callable[[str, bool, int], bool] | None = None,
    ) -> None:
        super().__init__()
        self.calls: list[tuple[str, bool]] = []
        self.fail = fail
        self.lose_answer = lose_answer

    @property
    def uploads(self) -> int:
        return sum(1 for _, upload in self.calls if upload)

    def actions(self) -> list[str]:
        return [action for action, _ in self.calls]

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        action = url.rsplit("/", 1)[-1]
        upload = bool(kwargs.get("files"))
        earlier = sum(1 for a, u in self.calls if (a, u) == (action, upload))
        self.calls.append((action, upload))
        if self.fail is not None:
            status = self.fail(action, upload, earlier)
            if status is not None:
                fake = requests.Response()
                fake.status_code = status
                fake._content = b'{"success": false, "error": {"message": "injected"}}'
                fake.url = url
                return fake
        response = super().request(method, url, *args, **kwargs)
        if self.lose_answer is not None and self.lose_answer(action, upload, earlier):
            raise requests.ConnectionError("injected: the answer was lost")
        return response
