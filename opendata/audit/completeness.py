"""Rules on completeness: required tables, notes on empty tables, units, template leftovers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opendata.audit.core import skip
from opendata.audit.text import sentences
from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import Document, Finding

#: The standard tables of a disclosure, as groups of interchangeable kinds.
REQUIRED: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "预算": [
        ("收支总表", ("budget_summary",)),
        ("收入总表", ("income", "income_sources")),
        ("支出总表", ("expenditure",)),
        ("财政拨款收支总表", ("fiscal_summary",)),
        ("一般公共预算财政拨款支出表", ("general_budget_expenditure",)),
        ("一般公共预算财政拨款基本支出表", ("general_budget_basic",)),
        ("政府性基金预算财政拨款支出表", ("gov_fund_expenditure",)),
        ("“三公”经费支出表", ("three_public",)),
    ],
    "决算": [
        ("收入支出决算总表", ("final_summary",)),
        ("收入决算表", ("final_income",)),
        ("支出决算表", ("final_expenditure",)),
        ("财政拨款收入支出决算总表", ("final_fiscal_summary",)),
        ("一般公共预算财政拨款支出决算表", ("final_general_budget_expenditure",)),
        ("一般公共预算财政拨款基本支出决算表", ("final_general_budget_basic",)),
        ("政府性基金预算财政拨款收入支出决算表", ("final_gov_fund",)),
        ("国有资本经营预算财政拨款收入支出决算表", ("final_soe_capital",)),
        ("“三公”经费支出决算表", ("final_three_public",)),
    ],
}

#: What the note of an empty table must name.
FUND_OF: dict[str, tuple[str, str]] = {
    "gov_fund_expenditure": (r"政府性?基金", "政府性基金"),
    "final_gov_fund": (r"政府性?基金", "政府性基金"),
    "soe_capital_expenditure": (r"国有资本", "国有资本经营"),
    "final_soe_capital": (r"国有资本", "国有资本经营"),
    "three_public": (r"三公", "“三公”经费"),
    "final_three_public": (r"三公", "“三公”经费"),
}

PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(XX+|ＸＸ+|××+|xxx+|TBD)(?![A-Za-z])|待填写|请填写|[（(]略[)）]|[【\[]待[】\]]"
    r"|\{[单部]位\}"
    # a template's alternatives left unchosen: 增加（减少）, 大于（小于）, 增加持平
    r"|(增加|减少|增长|下降|大于|小于)[（(](增加|减少|增长|下降|大于|小于)[)）]|(增加|减少)持平"
)


def _names_fund(text: str) -> bool:
    return any(re.search(p, text) for p, _ in FUND_OF.values())


def required_tables(doc: Document) -> Iterator[Finding]:
    """The standard tables of the document's kind are all there."""
    if not doc.tables:
        yield skip(
            "P-TABLES",
            "本文件没有表格（仅有说明文字），未核对表格是否齐全",
            "no table in this file (narrative only): completeness not checked",
        )
        return
    kinds = {t.kind for t in doc.tables}
    for title, group in REQUIRED.get(doc.kind or "预算", REQUIRED["预算"]):
        present = bool(kinds & set(group))
        yield Finding(
            kind="audit",
            code="P-TABLES",
            status="PASS" if present else "FAIL",
            message_zh=f"缺少{title}" if not present else f"{title}已公开",
            message=f"the {title} is missing" if not present else f"{title} is present",
            table=title,
        )


def empty_tables(doc: Document) -> Iterator[Finding]:
    """An empty fund or “三公” table carries a note naming its own fund."""
    ran = False
    for table in doc.tables:
        if table.kind not in FUND_OF:
            continue
        blank = all(c.value is None for r in table.rows for c in r.cells)
        if not blank:
            continue
        ran = True
        pattern, fund = FUND_OF[table.kind]
        explained = [n for n in table.notes if re.search(r"无|没有|空表|为空|无数据", n)]
        if not explained:  # the narrative may say so instead
            explained = [
                s.text
                for s in sentences(doc)
                if re.search(r"(无|没有)[^，。；]{0,12}" + pattern, s.text)
            ][:1]
        right = [n for n in explained if re.search(pattern, n) or not _names_fund(n)]
        wrong = [
            n
            for n in explained
            if any(re.search(p, n) for k, (p, _) in FUND_OF.items() if p != pattern)
            and not re.search(pattern, n)
        ]
        if right and not wrong:
            status, zh, en = "PASS", f"空表已说明：{right[0]}", f"empty table explained: {right[0]}"
        elif wrong:
            status = "FAIL"
            zh = f"《{table.title}》为空表，但说明写的是别的资金：{wrong[0]}"
            en = f"{table.title} is empty and its note names another fund: {wrong[0]}"
        else:
            status = "FAIL"
            zh = f"《{table.title}》为空表，没有说明无{fund}安排的注释"
            en = f"{table.title} is empty and has no note saying there is no {fund} spending"
        yield Finding(
            kind="audit",
            code="P-EMPTY-NOTE",
            status=status,
            message_zh=zh,
            message=en,
            table=table.title,
            source=table.source,
        )
    if not ran:
        yield skip("P-EMPTY-NOTE", "没有空表", "no empty fund or “三公” table")


def units(doc: Document) -> Iterator[Finding]:
    """Every table with amounts states its unit (元 / 万元)."""
    ran = False
    for table in doc.tables:
        kind = KINDS_BY_KEY.get(table.kind)
        amounts = any(c.kind == "amount" for c in table.columns) or (
            kind is not None and any(f.kind == "amount" for f in kind.fields)
        )
        if not amounts:
            continue
        ran = True
        yield Finding(
            kind="audit",
            code="P-UNITS",
            status="PASS" if table.unit else "FAIL",
            message_zh=f"《{table.title}》"
            + ("单位：" + table.unit if table.unit else "未标明金额单位"),
            message=f"{table.title}: " + (f"unit {table.unit}" if table.unit else "no unit stated"),
            table=table.title,
            source=table.source,
        )
    if not ran:
        yield skip("P-UNITS", "没有金额表", "no table with amounts")


def contents(doc: Document) -> Iterator[Finding]:
    """Every table the contents (目录) list is in the document."""
    missing = [f for f in doc.findings if f.code == "missing-table"]
    for f in missing:
        yield Finding(
            kind="audit",
            code="P-CONTENTS",
            status="FAIL",
            message_zh=f"目录列有“{f.text.strip()}”，但文件中没有该表",
            message=f"the contents list {f.text.strip()!r} but the document has no such table",
            source=f.source,
            sentence=f.text,
        )
    if not missing:
        yield Finding(
            kind="audit",
            code="P-CONTENTS",
            status="PASS",
            message_zh="目录所列表格均已找到（或没有目录）",
            message="every table the contents list was found (or there are no contents)",
        )


def placeholders(doc: Document) -> Iterator[Finding]:
    """No template placeholder (XX, ××, 待填写 …) is left in the text or the tables."""
    found = False
    for sentence in sentences(doc):
        if marks := sorted({m.group(0) for m in PLACEHOLDER.finditer(sentence.text)}):
            found = True
            yield Finding(
                kind="audit",
                code="P-PLACEHOLDERS",
                status="FAIL",
                message_zh=f"模板占位符“{'”“'.join(marks)}”未替换",
                message=f"template placeholder {', '.join(marks)} left in the text",
                source=sentence.source,
                sentence=sentence.text,
            )
    for table in doc.tables:
        for text, source in [(table.title, table.source)] + [
            (r.label or "", r.source) for r in table.rows
        ]:
            if marks := sorted({m.group(0) for m in PLACEHOLDER.finditer(text)}):
                found = True
                yield Finding(
                    kind="audit",
                    code="P-PLACEHOLDERS",
                    status="FAIL",
                    message_zh=f"《{table.title}》中模板占位符“{'”“'.join(marks)}”未替换",
                    message=f"template placeholder {', '.join(marks)} left in {table.title}",
                    table=table.title,
                    row=text,
                    source=source,
                )
    if not found:
        yield Finding(
            kind="audit",
            code="P-PLACEHOLDERS",
            status="PASS",
            message_zh="没有模板占位符",
            message="no template placeholder",
        )
