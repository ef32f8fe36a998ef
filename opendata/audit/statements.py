"""The narrative's statements of amounts, and the rules that check them: N-FIGURES, N-CHANGES.

An amount in a sentence is tied to a figure by the words just before it (its *subject*): the
subject patterns below are tried most specific first and must end where the amount's clause
ends (after fillers such as 为 / 共计 / 预算). A statement of the document's year is compared
with the figure the tables print for its subject (:mod:`opendata.audit.figures`); a statement
about another year (``2022 年“三公经费”为 13.52 万元``) is not, and is kept for the change
rule. Statements of change (增加 / 减少) are checked against the two levels they compare where
the text states both, and component changes against the total change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from opendata.audit.across import EXPENDITURE
from opendata.audit.core import (
    compare,
    fmt,
    norm,
    skip,
    sum_tolerance,
    tables_of,
    to_yuan,
    yuan_tolerance,
)
from opendata.audit.figures import Figure, brought_forward, candidates
from opendata.audit.text import YEAR_RE, Amount, Sentence, amounts, memoised, sentences, year_before
from opendata.model import Document, Finding

FILLER = re.compile(
    r"(为|是|共计|合计|总计|总额|总计为|安排|共|计|约|达到|达|预算数|预算|支出数|金额|资金|"
    r"[:：\s“”\"（）()])+$"
)
_CHANGE = re.compile(r"(增加|减少|增长|下降|降低|减支|增支|持平)")
_DECREASE = ("减少", "下降", "降低", "减支")


@dataclass
class Statement:
    """An amount the narrative states, with its subject, its year and the change it states."""

    subject: str
    amount: Amount
    year: int | None
    sentence: Sentence
    change: str | None  # 增加 / 减少 …, None for a level


def subject_patterns(doc: Document) -> list[tuple[str, str]]:
    """Each subject's key and pattern, most specific first (the functional classes the
    document's tables print among them)."""
    classes = set()
    for _, table in tables_of(doc, *EXPENDITURE, "general_budget_expenditure"):
        classes |= {norm(r.label) for r in table.rows if r.code_level == "class" and r.label}
    patterns = [
        ("three_public", r"三公.{0,2}经费(支出)?(合计)?"),
        ("reception", r"公务接待(费)?(支出)?"),
        ("overseas", r"(因公|公务)出国[（(]?境?[)）]?(费)?(支出)?"),
        ("vehicle_purchase", r"(公车|公务用车)购置(费|经费)?(支出)?"),
        ("vehicle_operation", r"(公车|公务用车)运行(维护)?(费|经费)?(支出)?"),
        ("vehicles", r"公务用车购置及运[行维]+(护)?费(支出)?"),
        ("training", r"培训费(支出)?"),
        ("meetings", r"会议费(支出)?"),
        ("running_costs", r"机关运行经费(支出)?"),
        ("procurement", r"政府采购(预算|支出)?(总额)?"),
        ("fixed_assets", r"固定资产(金额|总额|原值|价值)?"),
        ("personnel", r"人员(支出|经费)"),
        ("public", r"(日常)?公用(支出|经费)"),
        ("basic", r"基本支出"),
        ("project", r"项目支出"),
    ]
    patterns += [(f"class:{name}", re.escape(name)) for name in sorted(classes, key=len)[::-1]]
    patterns += [
        ("income", r"(部门预算|部门|单位|年度|年|总)收入"),
        ("expenditure", r"(部门预算|部门|单位|年度|年|总)支出"),
    ]
    return patterns


def statements(doc: Document) -> Iterator[Statement]:
    """Every amount in the narrative that has a subject (memoised per audit)."""
    return memoised("statements", doc, _statements)


def _statements(doc: Document) -> Iterator[Statement]:
    # each subject pattern must end where the clause ends: compiled once, not per amount
    patterns = [(key, re.compile(f"(?:{p})$")) for key, p in subject_patterns(doc)]
    for sentence in sentences(doc):
        for amount in amounts(sentence.text):
            before = amount.before
            change = None
            if m := list(_CHANGE.finditer(before)):
                change = m[-1].group(1)
                before = before[: m[-1].start()]
                before = re.sub(r"(比|较|与|同)\s*(\d{4}\s*年度?|上年|去年)[^，,]*$", "", before)
            trimmed = FILLER.sub("", re.sub(r"\s+", "", before))
            subject = next(
                (key for key, pattern in patterns if pattern.search(trimmed)),
                None,
            )
            if subject is None:
                continue
            if subject == "fixed_assets" and re.search(r"购置|新增|处置|拟|报废", before):
                continue  # a purchase or disposal plan, not the assets held
            year = year_before(sentence.text, amount.start)
            yield Statement(subject, amount, year, sentence, change)


def _compare_figure(
    doc: Document, st: Statement, figures: list[Figure], rule: str
) -> Finding | None:
    stated = to_yuan(st.amount.value, st.amount.unit)
    if stated is None:
        return None
    best: tuple[Decimal, Figure, Decimal, Decimal] | None = None
    for figure in figures:
        value, unit, _, _ = figure
        printed = to_yuan(value, unit)
        if printed is None:
            continue
        tol = yuan_tolerance(st.amount.value, st.amount.unit, value, unit)
        diff = stated - printed
        if best is None or abs(diff) < abs(best[0]):
            best = (diff, figure, printed, tol)
    if best is None:
        return None
    diff, (value, unit, where, cells), printed, tol = best
    factor = to_yuan(Decimal(1), st.amount.unit) or Decimal(1)
    expected = printed / factor
    hint_zh = hint_en = ""
    if abs(diff) > tol:
        for carry, carry_unit, label in brought_forward(doc):
            carried = to_yuan(carry, carry_unit)
            if carried is not None and abs(abs(diff) - carried) <= tol:
                hint_zh = (
                    f"；差额 {fmt(abs(diff) / factor)} 即{label} {fmt(carry)}，"
                    "说明文字似未含上年结转"
                )
                hint_en = (
                    f"; the difference {fmt(abs(diff) / factor)} equals {label} {fmt(carry)}: "
                    "the text seems to leave out the balance brought forward"
                )
    return compare(
        rule,
        "error",
        expected.normalize() if expected == expected.to_integral() else expected,
        st.amount.value,
        tol / factor,
        zh=f"说明中 {st.amount.value}{st.amount.unit}，{where}为 {fmt(value)}{unit}{hint_zh}",
        en=f"the text says {st.amount.value} {st.amount.unit}; {where} prints {fmt(value)} {unit}"
        f"{hint_en}",
        table=where,
        source=st.sentence.source,
        sentence=st.sentence.text,
        unit=st.amount.unit,
        cells=cells,
    )


def figures_against_tables(doc: Document) -> Iterator[Finding]:
    """Amounts the narrative states for the document's year against the tables."""
    ran = False
    phase_budget = doc.kind != "决算"
    for st in statements(doc):
        if st.change is not None:
            continue
        if st.year is not None and doc.year is not None and st.year != doc.year:
            continue
        before = re.sub(r"一般公共预算|政府性基金预算|国有资本经营预算", "", st.amount.before)
        if not phase_budget and "预算" in before and st.subject != "three_public":
            continue  # a 决算's 年初预算 figure: not in the final-account tables
        figures = candidates(doc, st.subject)
        if not figures:
            continue
        check = _compare_figure(doc, st, figures, "N-FIGURES")
        if check is not None:
            ran = True
            yield check
    if not ran:
        yield skip(
            "N-FIGURES",
            "说明中没有能与表格对应的金额",
            "the narrative states no amount that a table also prints",
        )


def stated_levels(doc: Document) -> dict[tuple[str, str, int], Statement]:
    """The first level (not a change) the text states for each section, subject and year."""
    levels = {}
    for st in statements(doc):
        if st.change is None and st.year is not None:
            levels.setdefault((st.sentence.section, st.subject, st.year), st)
    return levels


def changes(doc: Document) -> Iterator[Finding]:
    """增加/减少 X against the two levels it compares, and component changes against the total."""
    ran = False
    levels = stated_levels(doc)
    by_paragraph: dict[tuple[str, str], dict[str, Statement]] = {}
    for st in statements(doc):
        if st.change is None or st.change == "持平":
            continue
        sign = Decimal(-1) if st.change in _DECREASE else Decimal(1)
        if st.change in ("增长", "下降") and st.amount.unit not in ("元", "万元", "亿元"):
            continue
        by_paragraph.setdefault((st.sentence.section, st.sentence.source.file), {}).setdefault(
            st.subject, st
        )
        years = [int(m.group(1)) for m in YEAR_RE.finditer(st.sentence.text)]
        now = doc.year
        before = next((y for y in years if now is not None and y < now), None)
        key_now = (st.sentence.section, st.subject, now or 0)
        key_before = (st.sentence.section, st.subject, before or 0)
        if before is None or key_now not in levels or key_before not in levels:
            continue
        a, b = levels[key_now].amount, levels[key_before].amount
        if a.unit != b.unit or a.unit != st.amount.unit:
            continue
        ran = True
        actual = sign * st.amount.value
        yield compare(
            "N-CHANGES",
            "error",
            a.value - b.value,
            actual,
            sum_tolerance(a.value, [b.value, st.amount.value]),
            zh=f"说明称{st.change} {st.amount.value}{st.amount.unit}，"
            f"{now}年 {a.value} 与 {before}年 {b.value} 之差为 {fmt(a.value - b.value)}",
            en=f"the text says a change of {fmt(actual)} {st.amount.unit}; {now} {a.value} - "
            f"{before} {b.value} = {fmt(a.value - b.value)}",
            source=st.sentence.source,
            sentence=st.sentence.text,
            unit=st.amount.unit,
        )
    for changes_here in by_paragraph.values():
        total = changes_here.get("expenditure")
        for parts in (("personnel", "public", "project"), ("basic", "project")):
            if total is None or not all(p in changes_here for p in parts):
                continue
            ran = True
            values = [
                (Decimal(-1) if changes_here[p].change in _DECREASE else 1)
                * changes_here[p].amount.value
                for p in parts
            ]
            stated = (Decimal(-1) if total.change in _DECREASE else 1) * total.amount.value
            summed = sum(values, Decimal(0))
            yield compare(
                "N-CHANGES",
                "error",
                stated,
                summed,
                sum_tolerance(stated, values),
                zh=f"说明中总支出变动 {fmt(stated)}，各部分变动之和 "
                f"{' + '.join(fmt(v) for v in values)} = {fmt(summed)}",
                en=f"total change {fmt(stated)} against the sum of the component changes "
                f"{' + '.join(fmt(v) for v in values)} = {fmt(summed)}",
                source=total.sentence.source,
                sentence=total.sentence.text,
                unit=total.amount.unit,
            )
            break
    if not ran:
        yield skip(
            "N-CHANGES",
            "说明中没有可核对的增减变动（缺少比较的两个数）",
            "no stated change whose two figures (or components) the text also gives",
        )
