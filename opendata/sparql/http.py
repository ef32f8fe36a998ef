"""The endpoint's HTTP layer: the standard library's threading server, made safe to expose.

:class:`GuardedServer` and :class:`GuardedHandler` hold the limits of :class:`HttpLimits`:

- **Connections.** At most ``connections`` (default 64) are served at once, one thread each.
  One more gets ``503`` and is closed (by a few short-lived threads of their own; beyond those
  it is closed at once). The listen backlog is 128.
- **Stalled clients.** A client has ``idle`` seconds (default 30) to send its whole request,
  line, headers and body; then it is disconnected. One watchdog thread checks every quarter
  second. A client that does not read the answer is dropped after ``idle`` seconds too.
- **Request size.** A body must say its length (``411`` for a chunked body or none, ``400`` for
  a ``Content-Length`` that is not a number) and be at most ``max_body`` bytes (``413``, read
  and discarded so that the client sees the answer). More than ``max_headers`` headers gets
  ``431``, more than ``max_params`` query or form parameters ``400``, a request line over 64 KiB
  ``414``, a malformed one ``400``.
- **Every error is an answer**: a short ``text/plain`` message with its status. Nothing a client
  sends produces a traceback; an unexpected error is logged in one line and answered ``500``.
- **Headers.** Every answer carries CORS headers, ``X-Content-Type-Options: nosniff``, a
  ``Content-Security-Policy`` (``default-src 'none'`` unless the page says more) and
  ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, NoReturn
from urllib.parse import parse_qs

from opendata.errors import HttpError

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Opendata-Truncated",
}
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
#: connections over the limit answered 503 by a thread of their own at once; beyond, closed
REJECTERS = 16


@dataclass(frozen=True)
class HttpLimits:
    connections: int = 64  # served at once
    idle: float = 30.0  # seconds to send a whole request (and to take each answer)
    max_body: int = 256 * 1024  # bytes of a POST body (a 64 KiB query, form-encoded)
    max_headers: int = 64
    max_params: int = 100
    backlog: int = 128


def _busy_answer() -> bytes:
    text = b"every connection is in use; try again\n"
    head = (
        "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(text)}\r\nRetry-After: 1\r\nConnection: close\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in {**CORS, **SECURITY}.items())
        + "\r\n"
    )
    return head.encode("ascii") + text


class GuardedServer(ThreadingHTTPServer):
    """A thread per connection, at most ``limits.connections`` of them; a request deadline."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, limits: HttpLimits) -> None:
        self.limits = limits
        self.request_queue_size = limits.backlog
        self._lock = threading.Lock()
        self._active = 0
        self._rejecting = 0
        self._deadlines: dict[socket.socket, float] = {}
        self._expired: set[socket.socket] = set()
        self._stopping = threading.Event()
        super().__init__(address, handler)
        threading.Thread(target=self._watch, name="opendata-deadlines", daemon=True).start()

    @property
    def active(self) -> int:
        return self._active

    # -- the connection limit ------------------------------------------------------------------
    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            over = self._active >= self.limits.connections
            if not over:
                self._active += 1
            elif self._rejecting < REJECTERS:
                self._rejecting += 1
            else:
                self.shutdown_request(request)
                return
        if over:
            threading.Thread(target=self._reject, args=(request,), daemon=True).start()
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self._lock:
                self._active -= 1
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._active -= 1

    def _reject(self, request: socket.socket) -> None:
        """Answer 503 to a connection over the limit, after reading what it sent first (a
        socket closed with unread data resets the connection, and the client sees no answer)."""
        try:
            request.settimeout(2.0)
            with contextlib.suppress(OSError):
                request.recv(65536)
            request.sendall(_busy_answer())
            request.shutdown(socket.SHUT_WR)
            ends = time.monotonic() + 2.0
            while time.monotonic() < ends and request.recv(65536):
                pass
        except OSError:
            pass
        finally:
            self.shutdown_request(request)
            with self._lock:
                self._rejecting -= 1

    # -- the request deadline -------------------------------------------------------------------
    def receiving(self, connection: socket.socket) -> None:
        with self._lock:
            self._deadlines[connection] = time.monotonic() + self.limits.idle

    def received(self, connection: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(connection, None)
            self._expired.discard(connection)

    def expired(self, connection: socket.socket) -> bool:
        """Whether the connection was cut at its deadline (what was read of it is partial)."""
        with self._lock:
            return connection in self._expired

    def _watch(self) -> None:
        while not self._stopping.wait(0.25):
            now = time.monotonic()
            with self._lock:
                late = [c for c, deadline in self._deadlines.items() if deadline < now]
                for connection in late:
                    del self._deadlines[connection]
                    self._expired.add(connection)
            for connection in late:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def server_close(self) -> None:
        self._stopping.set()
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback (the handler answers its own errors; this is a last net)."""
        error = sys.exc_info()[1]
        print(
            f"opendata serve: {client_address[0]}: {type(error).__name__}: {error}", file=sys.stderr
        )


class GuardedHandler(BaseHTTPRequestHandler):
    """Reads requests within the limits and answers every error with a short message."""

    server_version = "opendata-sparql"
    sys_version = ""
    server: GuardedServer
    verbose: ClassVar[bool] = False

    def setup(self) -> None:
        self.timeout = self.server.limits.idle  # each read and each write
        super().setup()
        self.server.receiving(self.connection)

    def finish(self) -> None:
        """Send what is left, then close gently: after our FIN, read what the client still
        sends (for at most 2 s), since closing with unread data resets the connection and the
        client may lose the answer."""
        self.server.received(self.connection)
        with contextlib.suppress(OSError):
            super().finish()
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            ends = time.monotonic() + 2.0
            while (left := ends - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:
        if self.verbose:
            super().log_message(format, *args)

    def handle_one_request(self) -> None:
        self.close_connection = True
        self.command, self.path, self.requestline, self.request_version = "", "", "", "HTTP/1.0"
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "the request line is over 64 KiB")
                return
            if not self.raw_requestline.endswith(b"\n"):
                return  # the client closed or stalled before ending its request line
            if len(self.raw_requestline.split()) != 3:
                self.send_error(HTTPStatus.BAD_REQUEST, "a request line is METHOD PATH HTTP/1.x")
                return
            if not self.parse_request() or self.server.expired(self.connection):
                return
            if len(self.headers) > self.server.limits.max_headers:
                self.send_error(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    f"at most {self.server.limits.max_headers} headers",
                )
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"no method {self.command[:20]!r}")
                return
            method()
            self.wfile.flush()
        except (TimeoutError, ConnectionError):
            return  # a stalled or vanished client: nothing to answer to
        except OSError:
            return
        except Exception as exc:  # a bug: one line in the log, a short answer to the client
            print(
                f"opendata serve: {self.path[:200]!r}: {type(exc).__name__}: {exc}", file=sys.stderr
            )
            with contextlib.suppress(OSError):
                self.send_plain(
                    HTTPStatus.INTERNAL_SERVER_ERROR, "the server failed on this request"
                )

    # -- answers -----------------------------------------------------------------------------
    def send(
        self,
        status: HTTPStatus,
        body: str | bytes,
        media: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        for name, value in {**CORS, **SECURITY, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_plain(self, status: HTTPStatus, message: str) -> None:
        self.send(status, message + "\n", "text/plain", {"Connection": "close"})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's errors (bad request line, header lines …), as short text."""
        status = HTTPStatus(code)
        self.close_connection = True
        self.request_version = "HTTP/1.0"  # the status line even for a request without version
        self.send_plain(status, message or status.phrase)

    def fail(self, error: HttpError) -> None:
        self.send_plain(error.status, error.message)

    # -- reading -------------------------------------------------------------------------------
    def params(self, text: str) -> dict[str, str]:
        """Query or form parameters, the last of each name (400 when there are too many)."""
        limit = self.server.limits.max_params
        try:
            parsed = parse_qs(text, keep_blank_values=True, max_num_fields=limit)
        except ValueError:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"at most {limit} parameters") from None
        return {k: v[-1] for k, v in parsed.items()}

    def body(self) -> bytes:
        """The request body, within the size limit (411, 400, 413 otherwise)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise HttpError(
                HTTPStatus.LENGTH_REQUIRED, "send a Content-Length: chunked bodies are not taken"
            )
        given = self.headers.get_all("Content-Length") or []
        if not given:
            raise HttpError(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
        if len(set(given)) > 1 or not given[0].strip().isdigit():
            raise HttpError(HTTPStatus.BAD_REQUEST, "Content-Length must be one number of bytes")
        length = int(given[0])
        limit = self.server.limits.max_body
        if length > limit:
            self.refuse_body(length)
        data = self.rfile.read(length)
        if self.server.expired(self.connection):
            raise ConnectionAbortedError("the body did not come in time")
        if len(data) < length:
            raise HttpError(HTTPStatus.BAD_REQUEST, "the body is shorter than its Content-Length")
        self.server.received(self.connection)
        return data

    def refuse_body(self, length: int) -> NoReturn:
        """Answer 413 now and read (and drop) what the client still sends, until the request
        deadline, so that it can read the answer; then end the connection."""
        limit = self.server.limits.max_body
        self.send_plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is over {limit} bytes")
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_WR)
            left = length
            while left > 0:
                chunk = self.rfile.read1(min(left, 1 << 16))  # type: ignore[attr-defined]
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass
        raise ConnectionAbortedError("answered 413")
