"""Rules on classification codes: one name per code, current names, parents, no duplicates.

The names of the functional classes (类) changed between editions of 政府收支分类科目; the
table below lists, for each class whose name changed since 2015, the name in use in each
period, so that an outdated name (医疗卫生与计划生育支出 for 210 in a 2019 or later document)
is flagged. Only 类 names are checked against editions: no official machine-readable list of
款 and 项 names per year was available.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from opendata.audit.core import norm, skip
from opendata.model import CellRef, Document, Finding

#: Functional class names by edition: code -> [(first year, last year, name)].
CLASS_NAMES: dict[str, list[tuple[int, int, str]]] = {
    "207": [(2007, 2018, "文化体育与传媒支出"), (2019, 9999, "文化旅游体育与传媒支出")],
    "210": [
        (2014, 2018, "医疗卫生与计划生育支出"),
        (2019, 9999, "卫生健康支出"),
    ],
    "211": [(2011, 9999, "节能环保支出")],
    "212": [(2015, 9999, "城乡社区支出")],
    "215": [(2015, 2018, "资源勘探信息等支出"), (2019, 9999, "资源勘探工业信息等支出")],
    "220": [(2015, 2018, "国土海洋气象等支出"), (2019, 9999, "自然资源海洋气象等支出")],
    "224": [(2019, 9999, "灾害防治及应急管理支出")],
}


def _name(label: str | None) -> str:
    return re.sub(r"[（(].*?[)）]$", "", norm(label))


def names_agree(doc: Document) -> Iterator[Finding]:
    """A code has one name across the document's tables."""
    seen: dict[tuple[str, str], tuple[str, str, int, int]] = {}
    ran = False
    for index, table in enumerate(doc.tables):
        for i, row in enumerate(table.rows):
            if not row.code or not row.label:
                continue
            scheme = (
                "economic"
                if "basic" in table.kind or table.kind == "running_costs"
                else "functional"
            )
            key = (scheme, row.code)
            name = _name(row.label)
            if key not in seen:
                seen[key] = (name, table.title, index, i)
                continue
            ran = True
            first, title, fi, frow = seen[key]
            yield Finding(
                kind="audit",
                code="C-NAMES",
                status="PASS" if first == name else "FAIL",
                message_zh=f"科目 {row.code} 在《{title}》名为“{first}”，"
                f"在《{table.title}》名为“{name}”",
                message=f"code {row.code} is named {first!r} in {title} and {name!r} in "
                f"{table.title}",
                table=table.title,
                row=row.code,
                source=row.source,
                cells=(CellRef(fi, frow, "name"), CellRef(index, i, "name")),
            )
    if not ran:
        yield skip("C-NAMES", "没有在两张表中都出现的科目", "no code appears in two tables")


def edition(doc: Document) -> Iterator[Finding]:
    """A functional class name is the one of the classification edition of the year."""
    if doc.year is None:
        yield skip("C-EDITION", "文件年度未知", "the document's year is unknown")
        return
    ran = False
    for index, table in enumerate(doc.tables):
        if "basic" in table.kind or table.kind == "running_costs":
            continue
        for i, row in enumerate(table.rows):
            if row.code_level != "class" or row.code not in CLASS_NAMES or not row.label:
                continue
            current = [n for a, b, n in CLASS_NAMES[row.code] if a <= doc.year <= b]
            if not current:
                continue
            ran = True
            name = _name(row.label)
            yield Finding(
                kind="audit",
                code="C-EDITION",
                status="PASS" if name == current[0] else "FAIL",
                message_zh=f"{doc.year}年科目 {row.code} 应为“{current[0]}”，表中为“{name}”",
                message=f"in {doc.year} class {row.code} is named {current[0]!r}; the table prints "
                f"{name!r}",
                table=table.title,
                row=row.code,
                source=row.source,
                cells=(CellRef(index, i, "name"),),
            )
    if not ran:
        yield skip(
            "C-EDITION",
            "没有名称随版本变化过的类级科目",
            "no class whose name changed between editions is printed",
        )


def parents(doc: Document) -> Iterator[Finding]:
    """Every 款 has its 类 and every 项 its 款 in the same table; no code twice in a table."""
    ran = False
    for index, table in enumerate(doc.tables):
        codes = [r.code for r in table.rows if r.code]
        if not codes:
            continue
        ran = True
        present = set(codes)
        counted: set[str] = set()
        for i, row in enumerate(table.rows):
            if not row.code:
                continue
            if row.parent_code and row.parent_code not in present:
                yield Finding(
                    kind="audit",
                    code="C-PARENTS",
                    status="FAIL",
                    message_zh=f"《{table.title}》科目 {row.code} 的上级科目 {row.parent_code} "
                    f"未列示",
                    message=f"{table.title}: the parent {row.parent_code} of code {row.code} "
                    "is not printed",
                    table=table.title,
                    row=row.code,
                    source=row.source,
                    cells=(CellRef(index, i, "code"),),
                )
            if codes.count(row.code) > 1 and row.code not in counted:
                counted.add(row.code)
                yield Finding(
                    kind="audit",
                    code="C-PARENTS",
                    status="FAIL",
                    message_zh=f"《{table.title}》科目 {row.code} 重复列示 {codes.count(row.code)} "
                    f"次",
                    message=f"{table.title}: code {row.code} is printed {codes.count(row.code)} "
                    f"times",
                    table=table.title,
                    row=row.code,
                    source=row.source,
                    cells=(CellRef(index, i, "code"),),
                )
        yield Finding(
            kind="audit",
            code="C-PARENTS",
            status="PASS",
            message_zh=f"《{table.title}》科目层级已核对",
            message=f"{table.title}: parents and duplicates checked",
            table=table.title,
        )
    if not ran:
        yield skip("C-PARENTS", "没有科目编码", "no classification codes printed")
