"""Stated parts of a stated whole: percentage shares (N-SHARES) and the procurement total's
goods, works and services (N-PROCUREMENT).

A share (“X 万元，占 <total> 的 Y%”) is checked against its part and the total the text states
for the same subject, else the figure the tables print; a procurement total against the sum of
its parts, and the amount reserved for small and medium enterprises against the total.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from opendata.audit.core import compare, fmt, skip, sum_tolerance, to_yuan
from opendata.audit.figures import candidates
from opendata.audit.statements import FILLER, stated_levels, subject_patterns
from opendata.audit.text import amounts, sentences
from opendata.model import Document, Finding

_SHARE = re.compile(r"占(?P<of>[^，。；%％]{0,24}?)的?(?P<y>\d+(?:\.\d+)?)\s*[%％]")


def shares(doc: Document) -> Iterator[Finding]:
    """“X 万元，占 <total> 的 Y%”: Y against X and the total (stated, else printed)."""
    ran = False
    patterns = subject_patterns(doc)
    levels = stated_levels(doc)
    for sentence in sentences(doc):
        found = amounts(sentence.text)
        for m in _SHARE.finditer(sentence.text):
            before = [a for a in found if a.end <= m.start() and m.start() - a.end <= 3]
            if not before:
                continue
            part = before[-1]
            of = FILLER.sub("", re.sub(r"^比|\s+|的$", "", m.group("of")))
            of = re.sub(r"(总额|总计|合计|总支出|支出总额)$", "", of) or of
            subject = next((k for k, p in patterns if re.search(f"(?:{p})$", of)), None)
            if subject is None and re.search(r"(总支出|支出总额|支出)$", m.group("of")):
                subject = "expenditure"
            stated = levels.get((sentence.section, subject or "", doc.year or 0))
            whole = found[0]
            if (
                not of
                and whole is not part
                and re.search(r"其中|主要用于|用于以下", sentence.text[whole.end : part.start])
            ):
                total, unit = whole.value, whole.unit  # “X 万元，其中：A 万元，占 Y%”
            elif subject is None:
                continue
            elif stated is not None and stated.amount.unit == part.unit:
                total, unit = stated.amount.value, stated.amount.unit
            else:
                figures = candidates(doc, subject)
                if not figures:
                    continue
                total, unit = figures[0][0], figures[0][1]
            part_yuan, total_yuan = to_yuan(part.value, part.unit), to_yuan(total, unit)
            if not part_yuan or not total_yuan:
                continue
            ran = True
            y = Decimal(m.group("y"))
            actual = (part_yuan / total_yuan * 100).quantize(Decimal("0.01"))
            yield compare(
                "N-SHARES",
                "warning",
                y,
                actual,
                Decimal("0.05") + Decimal(1).scaleb(-max(0, -int(y.as_tuple().exponent))) / 2,
                zh=f"说明称占 {y}%，{part.value}{part.unit} / {fmt(total)}{unit} = {actual}%",
                en=f"the text says a share of {y}%; {part.value} {part.unit} / {fmt(total)} "
                f"{unit} = {actual}%",
                source=sentence.source,
                sentence=sentence.text,
                unit="%",
            )
    if not ran:
        yield skip(
            "N-SHARES",
            "说明中没有能核对的占比（找不到其总额）",
            "no percentage share whose total the text or tables give",
        )


_PROCUREMENT = re.compile(
    r"政府采购[^。；]{0,30}?为?\s*(?P<t>\d[\d,]*(?:\.\d+)?)\s*(?P<tu>亿元|万元|元)[^。]{0,12}?其中[:：]?"
    r"(?P<parts>[^。]*)"
)
_PART = re.compile(
    r"(?P<k>货物|工程|服务)(类)?(采购)?(预算|金额)?(为)?\s*(?P<v>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)"
)
_SME = re.compile(
    r"(中小(微)?企业|小微企业)[^，。；]{0,30}?(?P<v>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)"
)


def procurement_parts(doc: Document) -> Iterator[Finding]:
    """政府采购 总额 = 货物 + 工程 + 服务, and the share reserved for SMEs within the total."""
    ran = False
    for sentence in sentences(doc):
        m = _PROCUREMENT.search(sentence.text)
        if not m:
            continue
        total = to_yuan(Decimal(m.group("t").replace(",", "")), m.group("tu"))
        parts = [
            (p.group("k"), to_yuan(Decimal(p.group("v").replace(",", "")), p.group("u")))
            for p in _PART.finditer(m.group("parts"))
        ]
        factor = to_yuan(Decimal(1), m.group("tu")) or Decimal(1)
        if total is None:
            continue
        if len(parts) >= 2:
            ran = True
            values = [v for _, v in parts if v is not None]
            summed = sum(values, Decimal(0))
            yield compare(
                "N-PROCUREMENT",
                "error",
                total / factor,
                summed / factor,
                sum_tolerance(Decimal(m.group("t").replace(",", "")), [v / factor for v in values]),
                zh=f"政府采购总额 {m.group('t')}{m.group('tu')}，"
                f"{'+'.join(k for k, _ in parts)} 之和为 {fmt(summed / factor)}{m.group('tu')}",
                en=f"procurement total {m.group('t')} {m.group('tu')}, the sum of "
                f"{' + '.join(k for k, _ in parts)} is {fmt(summed / factor)}",
                source=sentence.source,
                sentence=sentence.text,
                unit=m.group("tu"),
            )
        for s in _SME.finditer(sentence.text[m.end("t") :]):
            value = to_yuan(Decimal(s.group("v").replace(",", "")), s.group("u"))
            if value is None:
                continue
            ran = True
            yield Finding(
                kind="audit",
                code="N-PROCUREMENT",
                status="PASS" if value <= total else "FAIL",
                message_zh=f"面向中小企业的 {s.group('v')}{s.group('u')} 超过政府采购总额 "
                f"{m.group('t')}{m.group('tu')}",
                message=f"the SME share {s.group('v')} {s.group('u')} exceeds the procurement "
                f"total "
                f"{m.group('t')} {m.group('tu')}",
                source=sentence.source,
                sentence=sentence.text,
                expected=total / factor,
                actual=value / factor,
                unit=m.group("tu"),
            )
    if not ran:
        yield skip(
            "N-PROCUREMENT",
            "说明中没有列出政府采购总额及其货物、工程、服务构成",
            "the text gives no procurement total with its goods, works and services",
        )
