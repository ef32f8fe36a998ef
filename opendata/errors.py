"""Errors that stop work: one root class, small subclasses, each with its context.

Findings (the reader's, the audit's, validation's) are data (:class:`opendata.model.Finding`),
not exceptions. An exception
here means the work cannot go on: the input is not a disclosure we can read at all, or an
output cannot be written. The CLI catches :class:`OpendataError` once and maps each class to
the exit code in its ``exit_code`` attribute (documented in the README).
"""

from __future__ import annotations

import os
from http import HTTPStatus
from pathlib import Path


def shown(path: Path | str) -> str:
    """A path as text to print or record: bytes of its name that are not UTF-8 (a file named
    on another system) as ``\\xNN`` escapes, so that no output is broken by them."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class OpendataError(Exception):
    """Something stopped opendata from doing its work."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = shown(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return where + self.message


class InputError(OpendataError):
    """The input file cannot be read as a disclosure (empty, binary, wrong encoding, truncated)."""

    exit_code = 3


class OutputError(OpendataError):
    """An output could not be written; nothing half-written is left behind."""

    exit_code = 5


class PortalError(OpendataError):
    """A remote service (a CKAN portal) could not be reached or refused a request."""

    exit_code = 6

    def __init__(self, message: str, *, status: int | None = None, answer: object = None):
        self.status = status
        self.answer = answer
        super().__init__(message)


class SchedulerError(OpendataError):
    """The Dask scheduler cannot be reached, or Dask is not installed."""

    exit_code = 6


class WorkerError(OpendataError):
    """A document could not be converted because of an unexpected error in opendata (a bug)
    or because its worker process died; the other documents are still converted."""

    exit_code = 7


class TimeLimitError(WorkerError):
    """A document took longer than the batch's time limit (``--timeout``); its worker was
    stopped and the other documents are still converted."""


class PushError(OpendataError):
    """The external store refused a graph or could not be reached (after the retries)."""

    exit_code = 6


class StoreError(OpendataError):
    """The store cannot be opened or read (missing, locked by another process, damaged)."""

    exit_code = 5


class QueryError(OpendataError):
    """A SPARQL query is not valid, or is of a kind this command cannot run."""

    exit_code = 2


class QueryRefused(QueryError):
    """A SPARQL query refused before it runs: over a size, nesting or operator limit, a
    ``SERVICE`` call (the store would fetch any URL) or an update (the store is read-only).

    ``status`` is the endpoint's answer: 400, or 403 for an update."""

    def __init__(self, message: str, *, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        self.status = status
        super().__init__(message)


class QueryAborted(OpendataError):
    """A query was stopped before it finished: over the endpoint's time or memory limit (its
    worker process is killed and replaced), or no worker became free in time."""

    exit_code = 5


class UnknownQueryError(OpendataError):
    """No named query by that name, or a parameter it does not take or cannot read."""

    exit_code = 2


class UnsupportedShape(OpendataError):
    """The shapes use a SHACL feature the fast engine does not implement."""


class HttpError(OpendataError):
    """A request to the SPARQL endpoint is answered with this status and message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        self.status = status
        super().__init__(message)


class CredentialError(OpendataError):
    """A credential given in the environment or a file cannot be used (usage error)."""

    exit_code = 2
