"""Recognising a table kind: a printed title against the catalogue's patterns, header paths
against a kind's fields."""

from __future__ import annotations

import re
from functools import cache

from opendata.kinds.catalogue import KINDS, KINDS_BY_KEY
from opendata.kinds.spec import FieldSpec, TableKind


def normalise_title(printed: str) -> str:
    """A printed title with spaces, numbering and TOC dots removed, quotes unified."""
    clean = re.sub(r"[\s\u3000]+", "", printed)
    clean = re.sub(r"[.…·]{2,}\d*$", "", clean)
    clean = re.sub(
        r"^(?:\d+[.．、]|[一二三四五六七八九十]+、|公开\d+表|表[一二三四五六七八九十\d]+)",
        "",
        clean,
    )
    return clean.replace('"', "“").replace("＂", "“").replace("”", "”")


def find_kinds(title: str) -> list[TableKind]:
    """Every table kind a printed title may name, most specific first."""
    clean = normalise_title(title)
    found: list[TableKind] = []
    for kind, pattern in _title_patterns():
        # a kind's patterns are adjacent: once one matches, the kind's others are not tried
        if (not found or found[-1] is not kind) and pattern.search(clean):
            found.append(kind)
    return found


@cache
def _title_patterns() -> tuple[tuple[TableKind, re.Pattern[str]], ...]:
    """(kind, compiled title pattern) for every title pattern, in catalogue order."""
    return tuple((kind, re.compile(p)) for kind in KINDS for p in kind.titles)


def find_kind(title: str) -> TableKind | None:
    """The first table kind a printed title names, or None."""
    kinds = find_kinds(title)
    return kinds[0] if kinds else None


def match_columns(kind: TableKind, paths: list[str]) -> list[FieldSpec | None]:
    """Map header paths onto the kind's fields, each field used at most once.

    A path none of the fields matches is tried again with its last two levels joined: a header
    wrapped inside its cell can come out as two levels (``国有资本经营预算财政/拨款``) when
    the table has no rules to hold the cell together.
    """
    used: set[str] = set()
    result: list[FieldSpec | None] = []
    for path in paths:
        spec = next((f for f in kind.fields if f.name not in used and f.matches(path)), None)
        if spec is not None:
            used.add(spec.name)
        result.append(spec)
    for j, path in enumerate(paths):
        if result[j] is not None or path.count("/") < 1:
            continue
        joined = path[::-1].replace("/", "", 1)[::-1]
        spec = next((f for f in kind.fields if f.name not in used and f.matches(joined)), None)
        if spec is not None:
            used.add(spec.name)
            result[j] = spec
    return result


def best_kind(kinds: list[TableKind], paths: list[str]) -> TableKind:
    """Of the kinds a title allows, the one whose fields match most header columns."""

    def score(kind: TableKind) -> int:
        return sum(1 for p, s in zip(paths, match_columns(kind, paths), strict=True) if s and p)

    return max(kinds, key=score)  # max keeps the first of equals: catalogue order breaks ties


def kind_by_key(key: str) -> TableKind | None:
    return KINDS_BY_KEY.get(key)


def header_score(kind: TableKind, paths: list[str]) -> tuple[int, int, bool]:
    """How well a header fits a kind: (printed columns matched, printed columns, an amount
    column matched)."""
    specs = match_columns(kind, paths)
    filled = [(p, s) for p, s in zip(paths, specs, strict=True) if p]
    matched = [s for p, s in filled if s is not None]
    return len(matched), len(filled), any(s.kind == "amount" for s in matched)


def kind_from_header(paths: list[str], phase: str | None = None) -> TableKind | None:
    """The kind a table's header alone names, or None when no kind fits it well.

    A kind fits when it knows at least three of the printed header columns, at least
    three quarters of them, one of them an amount, and, when the kind has codes, the code
    column. Of the kinds that fit, the one that knows most columns wins, then the one with
    fewest fields left over (the most specific), then catalogue order. ``phase`` (预算 or
    决算, when the document's is known) leaves out the other phase's kinds.
    """
    best: tuple[int, int] | None = None
    found: TableKind | None = None
    for kind in KINDS:
        if phase and kind.phase != phase:
            continue
        matched, filled, has_amount = header_score(kind, paths)
        if matched < 3 or matched * 4 < filled * 3 or not has_amount:
            continue
        specs = match_columns(kind, paths)
        if kind.has_code and not any(s and s.kind in ("code", "code_part") for s in specs):
            continue
        key = (matched, -(len(kind.fields) - matched))
        if best is None or key > best:
            best, found = key, kind
    return found
