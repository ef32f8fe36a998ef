"""Text-quality warnings: doubled punctuation, unbalanced quotes and brackets, a paragraph
without a closing full stop, duplicated words, ASCII commas in Chinese text, and percentages
outside 0-100 where a share is meant."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from opendata.audit.text import joined, sentences, source_at
from opendata.model import Document, Finding

_DOUBLED = re.compile(r"([，。；：、！？])\1(?!\1)|[，。；：、][，。；：、]")
_WORDS = re.compile(r"(预算|决算|财政拨款|支出|收入|项目|单位|部门|经费|的|了)\1")
_PAIRS = (("“", "”"), ("（", "）"), ("《", "》"), ("【", "】"))
_ASCII_COMMA = re.compile(r"[\u4e00-\u9fff],\s*\d|\d,[\u4e00-\u9fff]")
_SHARE = re.compile(r"占[^，。；]{0,20}?(\d+(?:\.\d+)?)\s*[%％]")


def _warn(rule: str, zh: str, en: str, sentence) -> Finding:  # type: ignore[no-untyped-def]
    return Finding(
        kind="audit",
        code=rule,
        status="WARN",
        message_zh=zh,
        message=en,
        severity="warning",
        source=sentence.source,
        sentence=sentence.text,
    )


def text_quality(doc: Document) -> Iterator[Finding]:
    found = {"Q-PUNCTUATION": 0, "Q-BRACKETS": 0, "Q-WORDS": 0, "Q-SHARES": 0}
    for sentence in sentences(doc):
        text = sentence.text
        if re.search(r"[.…。]{3,}|…", text):  # an ellipsis or a contents leader is not doubled
            text = re.sub(r"[.…。]{3,}|…+", "", text)
        if m := _ASCII_COMMA.search(text):
            found["Q-PUNCTUATION"] += 1
            yield _warn(
                "Q-PUNCTUATION",
                f"中文与数字间用了半角逗号“{m.group(0)}”",
                f"ASCII comma in Chinese text {m.group(0)!r}",
                sentence,
            )
        if m := _WORDS.search(text):
            found["Q-WORDS"] += 1
            yield _warn(
                "Q-WORDS", f"词语重复“{m.group(0)}”", f"duplicated word {m.group(0)!r}", sentence
            )
        for m in re.finditer(r"(\d+\.\d{3,})\s*[%％]", text):
            found["Q-SHARES"] += 1
            yield _warn(
                "Q-SHARES",
                f"百分比 {m.group(1)}% 超过两位小数",
                f"a percentage with more than two decimals: {m.group(1)}%",
                sentence,
            )
        for m in _SHARE.finditer(text):
            if Decimal(m.group(1)) > 100:
                found["Q-SHARES"] += 1
                yield _warn(
                    "Q-SHARES",
                    f"占比 {m.group(1)}% 超过 100%",
                    f"a share of {m.group(1)}% exceeds 100%",
                    sentence,
                )
    for section in doc.sections:  # sentences end at 。！？, so doubled marks are found here
        text, offsets = joined(section)
        for m in _DOUBLED.finditer(re.sub(r"[.…。]{3,}|…+", lambda x: " " * len(x[0]), text)):
            found["Q-PUNCTUATION"] += 1
            where = source_at(offsets, m.start(), section.source)
            yield Finding(
                kind="audit",
                code="Q-PUNCTUATION",
                status="WARN",
                message_zh=f"标点重复“{m.group(0)}”",
                message=f"doubled punctuation {m.group(0)!r}",
                severity="warning",
                source=where,
                sentence=text[max(0, m.start() - 30) : m.end() + 10],
            )
    for section in doc.sections:  # brackets may span sentences, and a heading may wrap
        whole = section.heading + section.text
        for left, right in _PAIRS:
            if whole.count(left) != whole.count(right):
                found["Q-BRACKETS"] += 1
                yield Finding(
                    kind="audit",
                    code="Q-BRACKETS",
                    status="WARN",
                    message_zh=f"“{left}{right}”不成对"
                    f"（{whole.count(left)} 个{left}，{whole.count(right)} 个{right}）",
                    message=f"unbalanced {left}{right}: {whole.count(left)} against "
                    f"{whole.count(right)}",
                    severity="warning",
                    source=section.source,
                    sentence=(section.heading + " " + section.text)[:120],
                )
    for rule, count in found.items():
        if not count:
            yield Finding(
                kind="audit",
                code=rule,
                status="PASS",
                message_zh="未发现问题",
                message="nothing found",
                severity="warning",
            )


def full_stops(doc: Document) -> Iterator[Finding]:
    """A section's text ends with a closing punctuation mark."""
    ran = False
    for section in doc.sections:
        text = section.text.strip()
        if len(text) < 40 or not re.search(r"[，。]", text):
            continue  # a list, a heading run or a table caption: not a paragraph
        ran = True
        last = text[-1]
        ok = last in "。！？；：”）)》…" or text.endswith(("如下", "见下表"))
        yield Finding(
            kind="audit",
            code="Q-FULL-STOP",
            status="PASS" if ok else "WARN",
            message_zh="段落以句号结束" if ok else f"段落末尾缺少句号：“…{text[-20:]}”",
            message="paragraph closed"
            if ok
            else f"paragraph without a closing full stop: …{text[-20:]!r}",
            severity="warning",
            source=section.lines[-1] if section.lines else section.source,
            sentence=text[-60:],
        )
    if not ran:
        yield Finding(
            kind="audit",
            code="Q-FULL-STOP",
            status="SKIP",
            message_zh="没有成段的说明文字",
            message="no narrative paragraph",
        )
