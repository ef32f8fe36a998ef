"""The typed model of one disclosure: the one truth that readers fill and writers read.

Amounts are :class:`~decimal.Decimal` as printed; a blank cell is ``None``, never zero, and
``"-"`` (not applicable) is kept as a distinct marker. Every row, indicator, unit and finding
carries a :class:`Source` naming the file, line and (where known) page it came from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: Multipliers from a printed unit to 元 (yuan).
UNIT_TO_YUAN: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": Decimal(10000),
    "亿元": Decimal(10**8),
}

NOT_APPLICABLE = "-"


@dataclass(frozen=True)
class Target:
    """One printed target value (指标值), verbatim and parsed.

    ``kind`` is ``"quantity"``, ``"range"``, ``"date"``, ``"qualitative"`` or ``"blank"``.
    A range keeps its lower bound in ``value`` and its upper bound in ``upper``.
    """

    verbatim: str
    kind: str
    comparator: str | None
    value: Decimal | None
    unit: str | None
    date: datetime.date | None
    qualitative: str | None
    upper: Decimal | None = None


@dataclass(frozen=True)
class Source:
    """Where something was printed: file name, 1-based line and, where known, page."""

    file: str
    line: int
    page: int | None = None

    def __str__(self) -> str:
        page = f" (page {self.page})" if self.page is not None else ""
        return f"{self.file}:{self.line}{page}"


@dataclass
class Cell:
    """One printed cell. ``value`` is set for numeric cells only; ``text`` is as printed."""

    text: str
    value: Decimal | None = None

    @property
    def blank(self) -> bool:
        return self.text == ""

    @property
    def not_applicable(self) -> bool:
        return self.text == NOT_APPLICABLE


@dataclass
class Column:
    """A table column: schema field name, printed header (levels joined by '/'), concept."""

    name: str
    header: str
    kind: str  # "seq" | "code" | "label" | "amount" | "quantity" | "text"
    concept: str | None = None  # e.g. "基本支出", "财政拨款收入" for amount columns
    known: bool = True  # False when the header matched no field of the table kind


@dataclass
class Row:
    """A table row with its cells (one per column), role and source line."""

    cells: list[Cell]
    source: Source
    role: str = "detail"  # "total" | "subtotal" | "of_which" | "detail"
    code: str | None = None
    code_level: str | None = None  # "class" (类) | "category" (款) | "item" (项)
    parent_code: str | None = None
    label: str | None = None


@dataclass
class Table:
    """One disclosure table, joined across pages, with its header once."""

    kind: str  # catalogue key, e.g. "income_expenditure_summary"; "generic" if unknown
    title: str  # as printed, e.g. 部门预算收支总表
    source: Source
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    unit: str | None = None  # 元 / 万元 as printed
    notes: list[str] = field(default_factory=list)
    as_of: str | None = None  # 截止时间 for asset tables
    number: str | None = None  # 公开01表 etc., where printed

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class OrgUnit:
    """An organisation unit listed under 部门机构设置情况."""

    name: str
    nature: str | None  # 单位性质 (行政 / 事业 …)
    rank: str | None  # 单位规格
    funding: str | None  # 经费保障形式
    source: Source


@dataclass
class Indicator:
    """One performance indicator (三级指标) of a project or of the department as a whole."""

    level1: str  # 一级指标
    level2: str  # 二级指标
    level3: str  # 三级指标
    description: str | None  # 绩效指标描述
    target: Target  # 指标值, verbatim and parsed
    basis: str | None  # 指标值确定依据
    source: Source


@dataclass
class Project:
    """A project with its performance-target table (绩效目标表)."""

    number: int | None  # the printed ordinal (1、2、…)
    name: str
    goal: str | None  # 绩效目标 (or 项目总目标) text
    indicators: list[Indicator]
    source: Source
    annual_goal: str | None = None  # 年度总体目标, where printed apart from the goal
    attributes: dict[str, str] = field(default_factory=dict)  # form fields: 主管部门, 项目资金…


@dataclass
class OverallTarget:
    """A sub-target of 部门整体绩效目标: goal text and its indicator text."""

    group: str  # e.g. 全面加强领导班子和干部队伍建设
    goal: str
    indicator: str | None
    source: Source


@dataclass
class GlossaryTerm:
    """A 名词解释 entry."""

    term: str
    definition: str
    source: Source


@dataclass
class Section:
    """A narrative section: its heading and the text under it."""

    heading: str
    text: str
    source: Source
    lines: list[Source] = field(default_factory=list)  # one per line of ``text``


@dataclass(frozen=True)
class CellRef:
    """One table cell: the table's index in the document, the row's index, the column name."""

    table: int
    row: int
    column: str


@dataclass
class Finding:
    """One thing found about a disclosure or its package, with where it is.

    One type for the three kinds: ``"reader"`` (something the reader could not understand or
    had to mend), ``"audit"`` (one result of one audit rule: its ``status`` is ``PASS``,
    ``FAIL``, ``WARN`` or ``SKIP``) and ``"validation"`` (a problem in a written package).
    ``code`` is the reader's code, the audit rule's id or the validation error's type;
    ``message`` is in English, ``message_zh`` (the audit's) in Chinese. Where it is: ``source``
    (file, line, page) for what was printed; ``resource``, ``row_number`` and ``field_name``
    for a package's file; and the audit's printed ``table`` title, ``row`` (code or label) and
    ``column``, ``sentence`` and ``cells``. The audit also gives ``expected`` and ``actual`` in
    ``unit``. The reader builds a finding positionally: ``Finding(code, message, source, text,
    severity)``; the other kinds by keyword. :func:`finding_record` and
    :func:`finding_from_record` write and read one as a row (CSV) or object (JSON).
    """

    code: str  # e.g. "unparsed-line", "T-HIERARCHY", "type-error"
    message: str = ""
    source: Source | None = None
    text: str = ""  # the printed line (reader)
    severity: str = "warning"  # "error" | "warning" | "info"
    kind: str = "reader"  # "reader" | "audit" | "validation"
    status: str = ""  # PASS | FAIL | WARN | SKIP (audit)
    message_zh: str = ""
    resource: str | None = None  # validation: the package's resource (None: the package)
    row_number: int | None = None  # validation: the row in the resource
    field_name: str | None = None  # validation: the field, or the graph's property
    table: str = ""  # audit: printed table title
    row: str = ""  # audit: code or label of the row
    column: str = ""  # audit: column concept or header
    sentence: str = ""  # audit: the narrative sentence looked at
    expected: Decimal | None = None
    actual: Decimal | None = None
    unit: str = ""
    cells: tuple[CellRef, ...] = ()

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected

    @property
    def finding(self) -> bool:
        """Whether it is worth reporting: everything but an audit check that passed."""
        return self.status != "PASS"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _number(value: object) -> int | None:
    return None if value is None or value == "" else int(str(value))


def _decimal(value: object) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def finding_record(finding: Finding, *, csv: bool = False) -> dict[str, Any]:
    """A finding as a record: its kind's fields in order (see :func:`finding_from_record`).

    For JSON (the default) numbers are numbers, amounts exact decimal strings and a blank is
    ``None``; with ``csv`` every value is a string and a blank is ``""``.
    """
    f, source = finding, finding.source
    record: dict[str, object]
    if f.kind == "reader":
        record = {
            "code": f.code,
            "severity": f.severity,
            "message": f.message,
            "file": source.file if source else None,
            "line": source.line if source else None,
            "page": source.page if source else None,
            "text": f.text,
        }
    elif f.kind == "audit":
        record = {
            "rule": f.code,
            "status": f.status,
            "severity": f.severity,
            "table": f.table or None,
            "row": f.row or None,
            "column": f.column or None,
            "file": source.file if source else None,
            "line": source.line if source and source.line > 0 else None,
            "page": source.page if source else None,
            "sentence": f.sentence or None,
            "expected": _text(f.expected),
            "actual": _text(f.actual),
            "difference": _text(f.difference),
            "unit": f.unit or None,
            "message_zh": f.message_zh,
            "message_en": f.message,
        }
    else:
        record = {
            "resource": f.resource,
            "type": f.code,
            "message": f.message,
            "row": f.row_number,
            "field": f.field_name,
        }
    if csv:
        return {name: "" if value is None else str(value) for name, value in record.items()}
    return record


def finding_from_record(kind: str, record: dict[str, Any], *, file: str = "") -> Finding:
    """The finding of a kind that :func:`finding_record` wrote (as CSV or JSON); ``file`` is
    the source file to assume where the record names none."""
    if kind == "validation":
        return Finding(
            kind=kind,
            code=record["type"],
            message=record["message"],
            severity="error",
            resource=record.get("resource") or None,
            row_number=_number(record.get("row")),
            field_name=record.get("field") or None,
        )
    line = _number(record["line"]) or 0
    source = Source(record.get("file") or file, line, _number(record.get("page")))
    if kind == "reader":
        return Finding(
            record["code"],
            record["message"],
            source,
            record.get("text") or "",
            record.get("severity") or "warning",
        )
    return Finding(
        kind=kind,
        code=record["rule"],
        status=record["status"],
        severity=record.get("severity") or "error",
        message=record.get("message_en") or "",
        message_zh=record.get("message_zh") or "",
        source=source if record.get("file") else None,
        table=record.get("table") or "",
        row=record.get("row") or "",
        column=record.get("column") or "",
        sentence=record.get("sentence") or "",
        expected=_decimal(record.get("expected")),
        actual=_decimal(record.get("actual")),
        unit=record.get("unit") or "",
    )


@dataclass
class Document:
    """A whole disclosure as read from one or more files."""

    source_files: list[str]
    sha256: dict[str, str]
    title: str | None = None
    department_code: str | None = None
    department: str | None = None
    year: int | None = None
    kind: str | None = None  # 预算 | 决算
    level: str | None = None  # 部门 | 单位
    tables: list[Table] = field(default_factory=list)
    units: list[OrgUnit] = field(default_factory=list)
    overall_goal: str | None = None
    overall_targets: list[OverallTarget] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def table(self, kind: str) -> Table | None:
        """The first table of a kind, or None."""
        return next((t for t in self.tables if t.kind == kind), None)
