"""The years the narrative and the table titles name, against the document's year: N-YEARS.

A comparison year (比 2022 年) must be earlier than the document's year (a final account may
compare with its own year's budget), a 截至 date must fit the kind of document, and a year in a
heading or a table title must be the document's (or, in a heading, the year before).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from opendata.audit.core import skip
from opendata.audit.text import YEAR_RE, sentences
from opendata.model import Document, Finding

_COMPARED = re.compile(r"(比|较|与|同)\s*((?:19|20)\d{2})\s*年度?(年初)?(预算|决算)?")
_AS_OF = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")


def years(doc: Document) -> Iterator[Finding]:
    """Comparison years and 截至 dates in the text, and table titles, against the year."""
    if doc.year is None:
        yield skip("N-YEARS", "文件未标明年度", "the document's year is unknown")
        return
    y = doc.year
    final = doc.kind == "决算"
    for sentence in sentences(doc):
        for m in _COMPARED.finditer(sentence.text):
            c, what = int(m.group(2)), m.group(4) or ""
            wrong = c > y or (c == y and (not final or what != "预算"))
            yield Finding(
                kind="audit",
                code="N-YEARS",
                status="FAIL" if wrong else "PASS",
                message_zh=f"{y}年{doc.kind or ''}与“{m.group(0)}”比较"
                + ("：比较年度应早于本年度" if wrong else ""),
                message=f"a {y} {'final account' if final else 'budget'} compares with {c} "
                f"({m.group(0)})" + (": the comparison year must be earlier" if wrong else ""),
                source=sentence.source,
                sentence=sentence.text,
                expected=Decimal(y - 1),
                actual=Decimal(c),
            )
        for m in _AS_OF.finditer(sentence.text):
            c = int(m.group(1))
            ok = c == y if final else c in (y - 1, y)
            yield Finding(
                kind="audit",
                code="N-YEARS",
                status="PASS" if ok else "FAIL",
                message_zh=f"{y}年{doc.kind or ''}的“{m.group(0)}”"
                + (
                    ""
                    if ok
                    else "年份不符"
                    + ("（决算应为本年末）" if final else "（预算应为上年末或本年）")
                ),
                message=f"a {y} {'final account' if final else 'budget'} states {m.group(0)}"
                + (
                    ""
                    if ok
                    else ": the year-end of the same year is expected"
                    if final
                    else ": expected the year before or the same year"
                ),
                source=sentence.source,
                sentence=sentence.text,
                expected=Decimal(y if final else y - 1),
                actual=Decimal(c),
            )
    for section in doc.sections:
        for m in YEAR_RE.finditer(section.heading):
            c = int(m.group(1))
            if re.search(r"截[至止]|依据|以来", section.heading):
                continue
            yield Finding(
                kind="audit",
                code="N-YEARS",
                status="PASS" if c in (y, y - 1) else "FAIL",
                message_zh=f"标题“{section.heading}”中的年度 {c}"
                + ("" if c in (y, y - 1) else f" 与文件年度 {y} 不符"),
                message=f"heading {section.heading!r} names {c}"
                + ("" if c in (y, y - 1) else f", the document is for {y}"),
                source=section.source,
                sentence=section.heading,
                expected=Decimal(y),
                actual=Decimal(c),
            )
    for table in doc.tables:
        printed = [int(m.group(1)) for m in YEAR_RE.finditer(table.title)]
        for c in printed:
            yield Finding(
                kind="audit",
                code="N-YEARS",
                status="PASS" if c == y else "FAIL",
                message_zh=f"表《{table.title}》标题年度 {c}"
                + ("" if c == y else f" 与文件年度 {y} 不符"),
                message=f"table title {table.title!r} names {c}"
                + ("" if c == y else f", the document is for {y}"),
                table=table.title,
                source=table.source,
                expected=Decimal(y),
                actual=Decimal(c),
            )
