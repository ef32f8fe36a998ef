"""The table catalogue: which disclosure tables exist, how to know them, what their columns mean.

One entry per table *kind* (the kinds themselves are in :mod:`opendata.kinds.catalogue`). An entry
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


# -- field constructors used by opendata.kinds.catalogue ------------------------------------


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
