"""Positioned lines: what every reader produces and table recognition consumes.

A :class:`Line` is one printed line with its 1-based number, its page where known, and its
cells. Text input gives cells split on tabs; the PDF reader will give cells from positions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from opendata.errors import InputError, shown

_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff（）“”])[ \u3000]+(?=[\u3400-\u9fff（）“”])")


@dataclass(frozen=True)
class Line:
    """One line of a document."""

    number: int
    text: str
    page: int | None = None

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split("\t")]

    @property
    def is_row(self) -> bool:
        """True when the line holds table cells (it has a tab)."""
        return "\t" in self.text

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()


def mend_spaces(text: str) -> str:
    """Remove spaces between CJK characters (``科目 编码`` → ``科目编码``, ``项 目`` → ``项目``)."""
    return _CJK_SPACE.sub("", text.strip())


def source_name(path: Path) -> str:
    """A source file's name as the model and the package record it: printable text whatever
    bytes the name has (bytes that are not UTF-8 are kept as ``\\xNN`` escapes)."""
    return shown(path.name)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    """PDF files start with ``%PDF-`` (some put a few bytes of junk before it)."""
    return PDF_MAGIC in data[:1024]


def decode(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Decode text input: UTF-8 (with or without BOM), else GB18030; refuse binary data.

    Returns the text and notes on what had to be mended (a last character cut in half).
    """
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError(
            "the file holds binary data (NUL bytes), expected text (UTF-8 or GB18030)",
            path=path,
            line=line,
        )
    notes: list[str] = []
    text = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            text = data[: exc.start].decode("utf-8-sig")
            notes.append(
                f"the file ends inside a UTF-8 character ({len(data) - exc.start} "
                "trailing bytes dropped): it is probably truncated"
            )
    if text is None:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 3:  # cut inside the last character
                text = data[: exc.start].decode("gb18030")
                notes.append(
                    f"the file ends inside a GB18030 character ({len(data) - exc.start} "
                    "trailing bytes dropped): it is probably truncated"
                )
            else:
                line = data.count(b"\n", 0, exc.start) + 1
                raise InputError(
                    "the file is neither UTF-8 nor GB18030 text", path=path, line=line
                ) from exc
    if not text.strip().strip("\ufeff"):
        raise InputError("the file is empty; expected a budget disclosure as text", path=path)
    return text, notes


def read_lines(path: Path) -> tuple[list[Line], list[str]]:
    """All lines of a text disclosure, numbered from 1, and notes on what had to be mended.

    Pages are counted where the text has form feeds; otherwise pages are unknown (None).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    text, notes = decode(data, path)
    controls = re.search(r"[\x01-\x08\x0e-\x1f\x7f]", text.replace("\x0c", ""))
    if controls:
        line = text.count("\n", 0, controls.start()) + 1
        raise InputError(
            f"control character {controls.group()!r} in text; expected plain text",
            path=path,
            line=line,
        )
    has_pages = "\x0c" in text
    page = 1 if has_pages else None
    lines: list[Line] = []
    rows = text.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    for number, raw in enumerate(rows, start=1):
        if "\x0c" in raw and page is not None:
            page += raw.count("\x0c")
            raw = raw.replace("\x0c", "")
        lines.append(Line(number, raw.rstrip("\r"), page))
    return lines, notes
