"""The table catalogue: which disclosure tables exist, how to know them, what their columns mean.

One entry per table *kind* (the kinds themselves are in :mod:`opendata.kinds`). An entry
names the ASCII resource name, the printed titles that identify it (regular expressions over
the title with spaces removed), the code scheme of its 科目编码 column, and its fields. Each
field lists the header texts it accepts: a pattern with a ``/`` is matched against the end of
the column's header path (``收入/项目``), any other pattern against the last header level
alone, and the empty pattern ``""`` matches a column with no header. Adding a region's variant
is adding a pattern; a title that several kinds share is settled by which kind's fields match
more of the table's header.

The Table Schemas in ``schemas/`` are generated from this catalogue (``opendata schemas``)
so that a schema and the reader can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class FieldSpec:
    """One column of a table kind."""

    name: str
    title: str  # canonical Chinese header
    description: str  # English
    kind: str  # "seq" | "code" | "code_part" | "label" | "amount" | "quantity" | "text"
    patterns: tuple[str, ...] = ()
    concept: str | None = None  # what an amount measures, for the facts table
    label_field: str | None = None  # the label column an amount belongs to (two-sided tables)

    def matches(self, path: str) -> bool:
        if not path:
            return "" in self.patterns
        leaf = path.rsplit("/", 1)[-1]
        for pattern in self.patterns or (self.title,):
            if not pattern:
                continue
            if "/" in pattern:
                if re.search(f"(^|/)(?:{pattern})$", path):
                    return True
            elif re.fullmatch(pattern, leaf):
                return True
        return False


@dataclass(frozen=True)
class TableKind:
    """A kind of disclosure table."""

    key: str  # resource and schema name
    title: str  # canonical Chinese title
    title_en: str
    titles: tuple[str, ...]  # regexes searched in the printed title (spaces removed)
    fields: tuple[FieldSpec, ...]
    code_scheme: str | None = None  # "functional" | "economic"
    header_rows: int | None = None  # header height when no 栏次 row or data row shows it
    has_preamble: bool = True  # department / year / unit lines between title and header
    phase: str = "预算"  # 预算 (budget) or 决算 (final account)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def label_field(self) -> str | None:
        return next((f.name for f in self.fields if f.kind == "label"), None)

    @property
    def has_code(self) -> bool:
        return any(f.kind in ("code", "code_part") for f in self.fields)


# -- field constructors used by opendata.kinds ---------------------------------------------------


def seq() -> FieldSpec:
    return FieldSpec("seq", "序号", "Row number as printed.", "seq", ("序号", "行次"))


def code(scheme: str) -> FieldSpec:
    what = "functional (支出功能分类)" if scheme == "functional" else "economic (经济分类)"
    return FieldSpec(
        "code",
        "科目编码",
        f"Subject code of the {what} classification (类/款/项 joined).",
        "code",
        (".*科目(编码|代码)", "编码", "代码", "科目编码/科目编码"),
    )


def code_parts() -> tuple[FieldSpec, ...]:
    """类 / 款 / 项 printed in three columns; the reader joins them into ``code``."""
    return (
        FieldSpec(
            "code_class", "类", "Class (类) part of the code as printed.", "code_part", ("类",)
        ),
        FieldSpec(
            "code_category",
            "款",
            "Category (款) part of the code as printed.",
            "code_part",
            ("款",),
        ),
        FieldSpec(
            "code_item", "项", "Item (项) part of the code as printed.", "code_part", ("项",)
        ),
    )


def name() -> FieldSpec:
    return FieldSpec(
        "name",
        "科目名称",
        "Subject name as printed.",
        "label",
        (".*科目名称", "名称", "项目/科目名称"),
    )


def label(field_name: str, title: str, en: str, *patterns: str) -> FieldSpec:
    return FieldSpec(field_name, title, en, "label", patterns or (title,))


def text(field_name: str, title: str, en: str, *patterns: str) -> FieldSpec:
    return FieldSpec(field_name, title, en, "text", patterns or (title,))


def amount(
    field_name: str,
    title: str,
    en: str,
    *patterns: str,
    concept: str | None = None,
    label_of: str | None = None,
) -> FieldSpec:
    return FieldSpec(
        field_name, title, en, "amount", patterns or (title,), concept or title, label_of
    )


def quantity(field_name: str, title: str, en: str, *patterns: str) -> FieldSpec:
    return FieldSpec(field_name, title, en, "quantity", patterns or (title,))


# -- lookup ----------------------------------------------------------------------------------


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
    from opendata.kinds import KINDS

    return tuple((kind, re.compile(p)) for kind in KINDS for p in kind.titles)


def find_kind(title: str) -> TableKind | None:
    """The first table kind a printed title names, or None."""
    kinds = find_kinds(title)
    return kinds[0] if kinds else None


def match_columns(kind: TableKind, paths: list[str]) -> list[FieldSpec | None]:
    """Map header paths onto the kind's fields, each field used at most once."""
    used: set[str] = set()
    result: list[FieldSpec | None] = []
    for path in paths:
        spec = next((f for f in kind.fields if f.name not in used and f.matches(path)), None)
        if spec is not None:
            used.add(spec.name)
        result.append(spec)
    return result


def best_kind(kinds: list[TableKind], paths: list[str]) -> TableKind:
    """Of the kinds a title allows, the one whose fields match most header columns."""

    def score(kind: TableKind) -> int:
        return sum(1 for p, s in zip(paths, match_columns(kind, paths), strict=True) if s and p)

    return max(kinds, key=score)  # max keeps the first of equals: catalogue order breaks ties


def kind_by_key(key: str) -> TableKind | None:
    from opendata.kinds import KINDS_BY_KEY

    return KINDS_BY_KEY.get(key)
