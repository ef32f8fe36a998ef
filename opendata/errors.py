"""Errors that stop work: one root class, small subclasses, each with its context.

Validation findings are data (see :mod:`opendata.findings`), not exceptions. An exception
here means the work cannot go on: the input is not a disclosure we can read at all, or an
output cannot be written. The CLI catches :class:`OpendataError` once and maps each class to
the exit code in its ``exit_code`` attribute (documented in the README).
"""

from __future__ import annotations

import os
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


class UnsupportedInputError(InputError):
    """The input is of a kind this version does not read yet (for example a PDF)."""

    exit_code = 4


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
