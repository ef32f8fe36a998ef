"""Credentials: checked without being quoted, and scrubbed from everything printed.

The API token (``CKAN_API_TOKEN`` or ``--token-file``) and the triple store's user and password
(``OPENDATA_STORE_USER``, ``OPENDATA_STORE_PASSWORD``) pass through :func:`credential`, which
strips surrounding white space (a file's trailing newline) and refuses a value with a line
break, a control character or (for a token) a character that is not ASCII; the message names
where the credential came from and what is wrong, never the value. Every credential seen, its
``user:password`` base64 form and the user info of a URL are remembered here, and
:func:`scrub` replaces them with ``***`` in any text about to be printed (error messages and
servers' answers, which may echo the ``Authorization`` header).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from opendata.errors import CredentialError

MASK = "***"
_known: set[str] = set()
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@")


#: Shorter values are not scrubbed: masking every ``t`` of a message hides nothing worth
#: hiding (a credential this short is guessed, not read) and garbles every message.
MIN_SCRUBBED = 4


def remember(*secrets: str | None) -> None:
    """Scrub these from all printed text from now on (those of at least
    :data:`MIN_SCRUBBED` characters)."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SCRUBBED:
            _known.add(secret)


def remember_basic(user: str, password: str) -> None:
    """Remember a user and password and their ``Authorization: Basic`` forms."""
    remember(user, password)
    for encoding in ("utf-8", "latin-1"):
        try:
            pair = f"{user}:{password}".encode(encoding)
        except UnicodeEncodeError:
            continue
        remember(base64.b64encode(pair).decode("ascii"))


def credential(value: str | None, source: str, *, ascii_only: bool = True) -> str | None:
    """``value`` stripped and checked; ``None`` when empty. ``source`` says where it came from
    (``"CKAN_API_TOKEN"``, ``"--token-file t.txt"``) for the message, which never quotes it."""
    if value is None:
        return None
    remember(value, value.strip())
    value = value.strip()
    if not value:
        return None
    if "\n" in value or "\r" in value:
        raise CredentialError(f"the credential in {source} contains a line break (one line only)")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise CredentialError(f"the credential in {source} contains a control character")
    if ascii_only and not value.isascii():
        raise CredentialError(f"the credential in {source} is not ASCII")
    if ascii_only and any(c.isspace() for c in value):
        raise CredentialError(f"the credential in {source} contains a space")
    return value


def public_url(url: str) -> str:
    """The URL without any user or password in it (safe to print); remembers them."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        remember(parts.username, parts.password)
        remember_basic(user, password)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def scrub(text: str) -> str:
    """``text`` with every remembered credential, and any URL's user info, replaced."""
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    for secret in sorted(_known, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
