"""A small client for the CKAN Action API over ``requests``, with retries and clear errors.

Every call is ``POST /api/3/action/<name>`` (JSON body, or multipart when a file is uploaded),
with the API token in the ``Authorization`` header. Connection errors, timeouts and 5xx answers are
retried with exponential backoff (``backoff * 2**attempt`` seconds, ``retries`` times); any other
answer is final. A failure raises :class:`PortalError`, whose message says what was being done
(dataset and resource), which action, and what CKAN answered; the token never appears in it.

The client counts its requests by action, and uploads separately, so callers and tests can see
what a publish cost (``requests``, ``uploads``).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import requests

from opendata.credentials import public_url, remember, scrub
from opendata.errors import PortalError

DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 0.5
DEFAULT_TIMEOUT = 60.0


def _describe(answer: Any) -> str:
    """CKAN's error object as one line: type, message and field errors."""
    if not isinstance(answer, dict):
        return str(answer)[:300]
    error = answer.get("error", answer)
    if not isinstance(error, dict):
        return str(error)[:300]
    kind = error.get("__type", "Error")
    message = error.get("message")
    fields = {k: v for k, v in error.items() if k not in ("__type", "message")}
    text = f"{kind}"
    if message:
        text += f": {message}"
    if fields:
        text += " " + json.dumps(fields, ensure_ascii=False)
    return text


class CkanClient:
    """Calls the Action API of one portal. ``session`` may be given (tests wrap it)."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.endpoint_url = url.rstrip("/")
        self.url = public_url(self.endpoint_url)  # printed: no user info
        remember(token)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "opendata-publish"
        if token:
            self.session.headers["Authorization"] = token
        self.requests: Counter[str] = Counter()
        self.uploads = 0

    def dataset_url(self, name: str) -> str:
        return f"{self.url}/dataset/{name}"

    def call(
        self,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        upload: tuple[str, bytes, str] | None = None,
        where: str = "",
        missing_ok: bool = False,
    ) -> Any:
        """Call ``action`` and return its ``result``; ``None`` for 404 when ``missing_ok``.

        ``upload`` is (file name, bytes, media type): the call is then multipart, with the other
        fields as form strings, as CKAN expects for ``upload``.
        """
        endpoint = f"{self.endpoint_url}/api/3/action/{action}"
        prefix = f"{where}: " if where else ""
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self.requests[action] += 1
            try:
                if upload is not None:
                    self.uploads += 1
                    form = {k: _form_value(v) for k, v in (data or {}).items()}
                    response = self.session.post(
                        endpoint, data=form, files={"upload": upload}, timeout=self.timeout
                    )
                else:
                    response = self.session.post(endpoint, json=data or {}, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = f"could not reach {self.url} ({type(exc).__name__}: {_reason(exc)})"
                continue
            except requests.RequestException as exc:  # a bad URL: retrying will not help
                raise PortalError(scrub(f"{prefix}{action}: {type(exc).__name__}: {exc}")) from None
            if response.status_code >= 500:
                last = f"HTTP {response.status_code}: {_describe(_json(response))}"
                continue
            answer = _json(response)
            if response.status_code == 404 and missing_ok:
                return None
            if response.status_code >= 400 or not (
                isinstance(answer, dict) and answer.get("success")
            ):
                hint = ""
                if response.status_code in (401, 403):
                    hint = (
                        " (check the API token, CKAN_API_TOKEN or --token-file, and that its user"
                        " may edit the organization's datasets)"
                    )
                raise PortalError(
                    scrub(
                        f"{prefix}{action} refused: HTTP {response.status_code} "
                        f"{_describe(answer)}{hint}"
                    ),
                    status=response.status_code,
                    answer=answer,
                )
            return answer["result"]
        raise PortalError(
            scrub(f"{prefix}{action} failed after {self.retries + 1} attempts: {last}"),
        )


def _form_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:300]


def _reason(exc: Exception) -> str:
    """The innermost reason of a connection error, e.g. 'Connection refused'."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out"):
        if marker in text:
            return marker
    return text[:200]
