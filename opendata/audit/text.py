"""The narrative as the audit sees it: sentences with their source lines, and amounts in them.

A section's lines are joined without a separator (a PDF wraps Chinese text anywhere, so a line
break is not a space) and split into sentences at 。！？; every sentence knows the line and
page where it starts. Amounts are read with their unit (元 / 万元 / 亿元) and the words that
come before them in their clause.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opendata.model import Document, Section, Source

AMOUNT_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(亿元|万元|元)")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
SENTENCE_END = "。！？"
_SENTENCE_END_RE = re.compile(f"[{SENTENCE_END}]")


@dataclass(frozen=True)
class Sentence:
    text: str
    source: Source
    section: str


@dataclass(frozen=True)
class Amount:
    """An amount printed in a sentence: value and unit, and the clause text before it."""

    value: Decimal
    unit: str
    start: int
    end: int
    before: str  # the text between the previous amount (or the clause start) and this one


def joined(section: Section) -> tuple[str, list[tuple[int, Source]]]:
    """A section's text lines joined, with the offset where each source line starts."""
    return _join(section)


def source_at(offsets: list[tuple[int, Source]], position: int, default: Source) -> Source:
    """The source line of a position in a joined text."""
    return next((s for off, s in reversed(offsets) if off <= position), default)


def _join(section: Section) -> tuple[str, list[tuple[int, Source]]]:
    text_lines = section.text.split("\n") if section.text else []
    sources = section.lines or [section.source] * len(text_lines)
    joined, offsets = "", []
    for line, source in zip(text_lines, sources, strict=False):
        offsets.append((len(joined), source))
        joined += line.strip()
    return joined, offsets


_MEMO: ContextVar[dict[tuple[str, int], tuple[Any, ...]] | None] = ContextVar(
    "audit_memo", default=None
)


@contextmanager
def memo() -> Iterator[None]:
    """While the audit runs its rules on one document: each rule asks for the narrative's
    sentences (and statements), computed once and kept here (they are immutable)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoised(name: str, doc: Document, make: Callable[[Document], Iterable[Any]]) -> Iterator[Any]:
    """``make(doc)``, from the memo while :func:`memo` is on."""
    cache = _MEMO.get()
    if cache is None:
        yield from make(doc)
        return
    key = (name, id(doc))
    found = cache.get(key)
    if found is None:
        found = cache[key] = tuple(make(doc))
    yield from found


def sentences(doc: Document) -> Iterator[Sentence]:
    """Every sentence of the narrative, with the line where it starts."""
    return memoised("sentences", doc, _sentences)


def _sentences(doc: Document) -> Iterator[Sentence]:
    for section in doc.sections:
        if section.heading:
            yield Sentence(section.heading, section.source, section.heading)
        text, offsets = _join(section)
        starts = [off for off, _ in offsets]  # non-decreasing
        # a sentence ends after each 。！？ and at the end of the text
        ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
        ends.append(len(text) + 1)
        start = 0
        for end in ends:
            piece = text[start:end].strip()
            if piece and piece != "。":
                # the last line starting at or before the sentence's start
                at = bisect_right(starts, start) - 1
                source = offsets[at][1] if at >= 0 else section.source
                yield Sentence(piece, source, section.heading)
            start = end


def amounts(text: str) -> list[Amount]:
    found: list[Amount] = []
    previous = 0
    for m in AMOUNT_RE.finditer(text):
        number = m.group(1).replace(",", "") + (m.group(2) or "")
        clause_start = max(text.rfind(p, previous, m.start()) for p in "，,；;：:")
        begin = max(previous, clause_start + 1 if clause_start >= 0 else previous)
        found.append(
            Amount(Decimal(number), m.group(3), m.start(), m.end(), text[begin : m.start()])
        )
        previous = m.end()
    return found


def year_before(text: str, position: int) -> int | None:
    """The last year printed before a position in a sentence."""
    years = [int(m.group(1)) for m in YEAR_RE.finditer(text[:position])]
    return years[-1] if years else None
