"""Rules that hold the narrative (说明) against the tables and against itself.

An amount in a sentence is tied to a figure by the words just before it (its *subject*): the
subject patterns below are tried most specific first and must end where the amount's clause
ends (after fillers such as 为 / 共计 / 预算). A statement about another year than the
document's (``2022 年“三公经费”为 13.52 万元``) is not compared with the tables; it is kept
for the change rule. Statements of change (增加 / 减少) are checked against the two levels
they compare where the text states both, and component changes against the total change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from opendata.audit.across import BASIC, EXPENDITURE, FISCAL, SUMMARY
from opendata.audit.core import (
    column_index,
    compare,
    fmt,
    norm,
    skip,
    sum_tolerance,
    tables_of,
    to_yuan,
    yuan_tolerance,
)
from opendata.audit.text import (
    YEAR_RE,
    Amount,
    Sentence,
    amounts,
    memoised,
    sentences,
    year_before,
)
from opendata.model import CellRef, Document, Finding, Row, Table

Figure = tuple[Decimal, str, str, tuple[CellRef, ...]]  # value, unit, where (zh), cells

_FILLER = re.compile(
    r"(为|是|共计|合计|总计|总额|总计为|安排|共|计|约|达到|达|预算数|预算|支出数|金额|资金|"
    r"[:：\s“”\"（）()])+$"
)
_CHANGE = re.compile(r"(增加|减少|增长|下降|降低|减支|增支|持平)")
_DECREASE = ("减少", "下降", "降低", "减支")


@dataclass
class Statement:
    subject: str
    amount: Amount
    year: int | None
    sentence: Sentence
    change: str | None  # 增加 / 减少 …, None for a level


def _subject_patterns(doc: Document) -> list[tuple[str, str]]:
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
    return memoised("statements", doc, _statements)


def _statements(doc: Document) -> Iterator[Statement]:
    # each subject pattern must end where the clause ends: compiled once, not per amount
    patterns = [(key, re.compile(f"(?:{p})$")) for key, p in _subject_patterns(doc)]
    for sentence in sentences(doc):
        for amount in amounts(sentence.text):
            before = amount.before
            change = None
            if m := list(_CHANGE.finditer(before)):
                change = m[-1].group(1)
                before = before[: m[-1].start()]
                before = re.sub(r"(比|较|与|同)\s*(\d{4}\s*年度?|上年|去年)[^，,]*$", "", before)
            trimmed = _FILLER.sub("", re.sub(r"\s+", "", before))
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


# -- where each subject's figure is printed in the tables ----------------------------------------


def _first_row(
    doc: Document,
    kinds: tuple[str, ...],
    column: str,
    wanted: Callable[[Row], bool],
    where: Callable[[Table, Row], str],
) -> Figure | None:
    """The first printed cell of ``column`` in a row ``wanted`` picks, in tables of ``kinds``."""
    for index, table in tables_of(doc, *kinds):
        j = column_index(table, column)
        if j is None:
            continue
        for i, row in enumerate(table.rows):
            if wanted(row) and row.cells[j].value is not None:
                return (
                    row.cells[j].value,
                    table.unit or "",
                    where(table, row),
                    (CellRef(index, i, column),),
                )
    return None


def _total_cell(doc: Document, kinds: tuple[str, ...], column: str) -> Figure | None:
    return _first_row(
        doc,
        kinds,
        column,
        lambda row: row.role == "total" and not row.code,
        lambda table, _: f"《{table.title}》合计行",
    )


def _labelled(doc: Document, kinds: tuple[str, ...], column: str, pattern: str) -> Figure | None:
    for index, table in tables_of(doc, *kinds):
        j = column_index(table, column)
        if j is None:
            continue
        from opendata.audit.within import _label_of

        lab = _label_of(table, j)
        for i, row in enumerate(table.rows):
            label = norm(row.cells[lab].text if lab is not None else row.label)
            if re.search(pattern, label) and row.cells[j].value is not None:
                return (
                    row.cells[j].value,
                    table.unit or "",
                    f"《{table.title}》“{label}”",
                    (CellRef(index, i, column),),
                )
    return None


def _three_public(doc: Document, key: str) -> Figure | None:
    final = doc.kind == "决算"
    for index, table in tables_of(doc, "three_public", "final_three_public"):
        name = "total" if key == "three_public" else key
        if key == "three_public" and column_index(table, "subtotal") is not None:
            name = "subtotal"  # 合计 also holds 会议费 and 培训费 there
        if table.kind == "final_three_public":
            name = f"{name}_final" if final else f"{name}_budget"
        j = column_index(table, name)
        if j is not None:
            for i, row in enumerate(table.rows):
                if row.cells[j].value is not None:
                    return (
                        row.cells[j].value,
                        table.unit or "",
                        f"《{table.title}》{table.columns[j].concept or table.columns[j].header}",
                        (CellRef(index, i, name),),
                    )
        from opendata.audit.within import _tp_rows

        rows = _tp_rows(table)
        wanted = "subtotal" if key == "three_public" and "subtotal" in rows else key
        if key == "three_public" and "subtotal" not in rows:
            wanted = "total"
        t = column_index(table, "total")
        if wanted in rows and t is not None:
            i = rows[wanted]
            cell = table.rows[i].cells[t].value
            if key == "three_public" and "subtotal" in rows and "total" in rows:
                cell = table.rows[rows["total"]].cells[t].value
                i = rows["total"]
            if cell is not None:
                return (
                    cell,
                    table.unit or "",
                    f"《{table.title}》“{norm(table.rows[i].label)}”",
                    (CellRef(index, i, "total"),),
                )
    return None


def _economic(doc: Document, code: str) -> Figure | None:
    return _first_row(
        doc,
        (*BASIC, "fiscal_basic"),
        "total",
        lambda row: row.code == code,
        lambda table, row: f"《{table.title}》{code} {row.label or ''}",
    )


def _class(doc: Document, name: str) -> Figure | None:
    return _first_row(
        doc,
        (*EXPENDITURE, "general_budget_expenditure"),
        "total",
        lambda row: row.code_level == "class" and norm(row.label) == name,
        lambda table, row: f"《{table.title}》{row.code} {name}",
    )


TP_SUBJECTS = (
    "three_public",
    "reception",
    "overseas",
    "vehicles",
    "vehicle_purchase",
    "vehicle_operation",
)


def _candidates(doc: Document, subject: str) -> list[Figure]:
    """The table figures a subject may be compared with (any one agreeing is a pass)."""
    year_income = r"(本年|当年)收入(合计|小计)"
    year_spent = r"(本年|当年)支出(合计|小计)"
    found: list[Figure | None]
    if subject in TP_SUBJECTS:
        found = [_three_public(doc, subject)]
    elif subject == "training":
        found = [_three_public(doc, "training") or _economic(doc, "30216")]
    elif subject == "meetings":
        found = [_three_public(doc, "meetings") or _economic(doc, "30215")]
    elif subject == "running_costs":
        found = [
            _three_public(doc, "running_costs") or _total_cell(doc, ("running_costs",), "total")
        ]
    elif subject == "procurement":
        found = [_total_cell(doc, ("procurement",), "total")]
    elif subject == "fixed_assets":
        found = [_total_cell(doc, ("fixed_assets",), "value")]
    elif subject in ("personnel", "public"):
        label = "^人员经费(合计)?$" if subject == "personnel" else "^公用经费(合计)?$"
        found = [_total_cell(doc, BASIC, subject) or _labelled(doc, BASIC, "total", label)]
    elif subject in ("basic", "project"):
        found = [
            _total_cell(doc, EXPENDITURE, subject),
            _labelled(
                doc, SUMMARY, "purpose_amount", f"^{'基本' if subject == 'basic' else '项目'}支出$"
            ),
        ]
    elif subject.startswith("class:"):
        found = [_class(doc, subject[6:])]
    elif subject == "income":
        found = [
            _labelled(doc, SUMMARY, "income_amount", year_income),
            _labelled(doc, SUMMARY, "income_amount", r"^收入(总计|合计)$"),
        ]
    elif subject == "expenditure":
        found = [
            _labelled(doc, SUMMARY, "expenditure_amount", year_spent),
            _labelled(doc, SUMMARY, "expenditure_amount", r"^支出(总计|合计)$"),
            _labelled(doc, SUMMARY, "purpose_amount", year_spent),
            _total_cell(doc, EXPENDITURE, "total"),
        ]
    else:
        found = []
    return [f for f in found if f is not None]


def _carried(doc: Document) -> list[tuple[Decimal, str, str]]:
    """Balances brought forward printed in the summaries (for explaining a difference)."""
    result = []
    for _, table in tables_of(doc, *SUMMARY, *FISCAL):
        lab = column_index(table, "income_item")
        j = column_index(table, "income_amount")
        if lab is None or j is None:
            continue
        for row in table.rows:
            label = norm(row.cells[lab].text)
            if re.search(r"(上年|年初).*(结转|结余)", label) and row.cells[j].value:
                result.append((row.cells[j].value, table.unit or "", label))
    return result


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
        for carry, carry_unit, label in _carried(doc):
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
        figures = _candidates(doc, st.subject)
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


def _levels(doc: Document) -> dict[tuple[str, str, int], Statement]:
    levels = {}
    for st in statements(doc):
        if st.change is None and st.year is not None:
            levels.setdefault((st.sentence.section, st.subject, st.year), st)
    return levels


def changes(doc: Document) -> Iterator[Finding]:
    """增加/减少 X against the two levels it compares, and component changes against the total."""
    ran = False
    levels = _levels(doc)
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


_SHARE = re.compile(r"占(?P<of>[^，。；%％]{0,24}?)的?(?P<y>\d+(?:\.\d+)?)\s*[%％]")


def shares(doc: Document) -> Iterator[Finding]:
    """“X 万元，占 <total> 的 Y%”: Y against X and the total (stated, else printed)."""
    ran = False
    patterns = _subject_patterns(doc)
    levels = _levels(doc)
    for sentence in sentences(doc):
        found = amounts(sentence.text)
        for m in _SHARE.finditer(sentence.text):
            before = [a for a in found if a.end <= m.start() and m.start() - a.end <= 3]
            if not before:
                continue
            part = before[-1]
            of = _FILLER.sub("", re.sub(r"^比|\s+|的$", "", m.group("of")))
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
                figures = _candidates(doc, subject)
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


NARRATIVE_RULES: list[tuple[str, str, str, str, Callable[[Document], Iterator[Finding]]]] = [
    (
        "N-FIGURES",
        "error",
        "说明与表格数字一致",
        "narrative figures agree with the tables",
        figures_against_tables,
    ),
    (
        "N-CHANGES",
        "error",
        "增减变动与所比较的数字一致",
        "stated changes agree with what they compare",
        changes,
    ),
    (
        "N-VERDICT",
        "error",
        "决算与预算比较的结论与数字一致",
        "final-vs-budget verdicts agree with the numbers",
        verdicts,
    ),
    ("N-YEARS", "error", "年度正确", "years in the text and titles fit the document's year", years),
    (
        "N-PROCUREMENT",
        "error",
        "政府采购总额=货物+工程+服务",
        "procurement total = goods + works + services",
        procurement_parts,
    ),
    ("N-SHARES", "warning", "占比与金额一致", "percentage shares agree with their amounts", shares),
]

__all__ = ["NARRATIVE_RULES", "Table"]
