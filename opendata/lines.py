"""Positioned lines: what every reader produces and table recognition consumes.

A :class:`Line` is one printed line with its 1-based number, its page where known, and its
cells. Text input gives cells split on tabs; the PDF reader will give cells from positions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from opendata.errors import InputError

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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode(data: bytes, path: Path) -> str:
    """Decode text input: UTF-8 (with or without BOM), else GB18030; refuse binary data."""
    if not data.strip():
        raise InputError("the file is empty; expected a budget disclosure as text", path=path)
    if b"\x00" in data[:8192] or data.startswith(b"%PDF"):
        what = "a PDF" if data.startswith(b"%PDF") else "binary data"
        raise InputError(f"the file holds {what}, expected text (UTF-8 or GB18030)", path=path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the file is neither UTF-8 nor GB18030 text", path=path)


def read_lines(path: Path) -> list[Line]:
    """All lines of a text disclosure, numbered from 1; pages split on form feeds if present."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    text = decode(data, path)
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
    return lines
