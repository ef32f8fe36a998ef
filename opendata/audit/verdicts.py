"""The narrative's verdicts on the final account against the budget: N-VERDICT.

“决算数大于/小于/等于预算数” and “完成预算的 Y%” are checked against the budget and final
figures the same paragraph states just before them (年初, 全年 or 调整 budget as named).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from opendata.audit.core import compare, skip, to_yuan
from opendata.audit.text import Sentence, sentences
from opendata.model import Document, Finding

_NUM = r"(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)"
_BUDGET_FIGURE = re.compile(r"(?P<which>年初|全年|调整)?预算(数)?为\s*" + _NUM)
_FINAL_FIGURE = re.compile(r"决算(数)?为\s*" + _NUM)
_VERDICT = re.compile(
    r"决算数(与(?P<w1>年初|全年)?预算数?)?(?P<v>大于|小于|等于|持平|相等|一致)(?P<w2>年初|全年)?(预算数?)?"
)
_COMPLETION = re.compile(r"完成(?P<which>年初|全年)?预算(数)?的\s*(?P<y>\d+(?:\.\d+)?)\s*[%％]")


def _paragraphs(doc: Document) -> Iterator[tuple[str, list[tuple[int, Sentence]]]]:
    """Each section's text with its sentences and their offsets."""
    current: list[tuple[int, Sentence]] = []
    key = None
    text = ""
    for sentence in sentences(doc):
        if (sentence.section, sentence.source.file) != key and current:
            yield text, current
            current, text = [], ""
        key = (sentence.section, sentence.source.file)
        current.append((len(text), sentence))
        text += sentence.text
    if current:
        yield text, current


def _sentence_at(sentences_: list[tuple[int, Sentence]], offset: int) -> Sentence:
    return next(s for off, s in reversed(sentences_) if off <= offset)


def verdicts(doc: Document) -> Iterator[Finding]:
    """决算数大于/小于/等于预算数 and 完成预算的 Y% against the two numbers they follow."""
    ran = False
    for text, sents in _paragraphs(doc):
        budgets: dict[str, Decimal] = {}
        printed: dict[str, str] = {}
        final: Decimal | None = None
        final_printed = ""
        events = sorted(
            [(m.start(), "b", m) for m in _BUDGET_FIGURE.finditer(text)]
            + [(m.start(), "f", m) for m in _FINAL_FIGURE.finditer(text)]
            + [(m.start(), "v", m) for m in _VERDICT.finditer(text)]
            + [(m.start(), "c", m) for m in _COMPLETION.finditer(text)],
            key=lambda e: e[0],
        )
        last_budget = ""
        for offset, what, m in events:
            if what == "b":
                value = to_yuan(Decimal(m.group(3).replace(",", "")), m.group(4))
                if value is not None:
                    last_budget = m.group("which") or ""
                    budgets[last_budget] = value
                    printed[last_budget] = m.group(3) + m.group(4)
                continue
            if what == "f":
                final = to_yuan(Decimal(m.group(2).replace(",", "")), m.group(3))
                final_printed = m.group(2) + m.group(3)
                continue
            which = (
                m.groupdict().get("w1")
                or m.groupdict().get("w2")
                or m.groupdict().get("which")
                or ""
            )
            key = which if which in budgets else last_budget if not which else None
            budget = budgets.get(key) if key is not None else None
            budget_printed = printed.get(key or "", "")
            if final is None or budget is None:
                continue
            sentence = _sentence_at(sents, offset)
            ran = True
            label = f"{which}预算" if which else "预算"
            if what == "v":
                truth = "大于" if final > budget else "小于" if final < budget else "等于"
                said = m.group("v")
                said = "等于" if said in ("持平", "相等", "一致") else said
                final = None  # the verdict closes this item: its figures are not reused
                yield Finding(
                    kind="audit",
                    code="N-VERDICT",
                    status="PASS" if said == truth else "FAIL",
                    message_zh=f"说明称决算数{m.group('v')}{label}数：决算 "
                    f"{final_printed}{truth}{label} "
                    f"{budget_printed}",
                    message=f"the text says the final amount is {said} the budget; final "
                    f"{final_printed} "
                    f"is {truth} {label} {budget_printed}",
                    source=sentence.source,
                    sentence=sentence.text,
                )
            else:
                y = Decimal(m.group("y"))
                if budget == 0:
                    other = [
                        (k, b)
                        for k, b in budgets.items()
                        if b and abs(final / b * 100 - y) <= Decimal("0.01")
                    ]
                    hint = (
                        f"；{y}% 合决算/{other[0][0]}预算 {printed[other[0][0]]}" if other else ""
                    )
                    yield Finding(
                        kind="audit",
                        code="N-VERDICT",
                        status="FAIL",
                        message_zh=f"说明称完成{label}的 {y}%，但{label}为 0{hint}",
                        message=f"the text says {y}% of the {label} was spent, but the {label} is 0"
                        + (
                            f"; {y}% is final / {other[0][0]} budget {printed[other[0][0]]}"
                            if other
                            else ""
                        ),
                        source=sentence.source,
                        sentence=sentence.text,
                        expected=Decimal(0),
                        actual=y,
                        unit="%",
                    )
                    continue
                rate = (final / budget * 100).quantize(Decimal("0.01"))
                yield compare(
                    "N-VERDICT",
                    "error",
                    rate,
                    y,
                    Decimal("0.01") + Decimal(1).scaleb(-max(0, -int(y.as_tuple().exponent))) / 2,
                    zh=f"说明称完成{label}的 {y}%，决算 {final_printed} / {label} "
                    f"{budget_printed} = {rate}%",
                    en=f"the text says {y}% of the budget; final {final_printed} / {label} "
                    f"{budget_printed} = {rate}%",
                    source=sentence.source,
                    sentence=sentence.text,
                    unit="%",
                )
    if not ran:
        yield skip(
            "N-VERDICT",
            "说明中没有“决算数大于/小于/等于预算数”或“完成预算的%”的表述",
            "the text states no final-against-budget verdict or completion rate",
        )
