"""The consistency audit: do a disclosure's numbers and words agree with each other?

:func:`audit_document` applies every rule of :data:`RULES` to a document (read from its
sources, or from a package with :func:`opendata.read.datapackage.load_document`) and returns an
:class:`AuditReport` of checks: ``PASS``, ``FAIL`` (an error-level rule failed), ``WARN`` (a
warning-level rule failed) or ``SKIP`` (the rule could not run here; the check says why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from opendata.audit import (
    across,
    breakdowns,
    codes,
    completeness,
    quality,
    statements,
    verdicts,
    within,
    years,
)
from opendata.audit.core import AuditReport, Rule
from opendata.audit.text import memo
from opendata.model import Document, Finding
from opendata.read.datapackage import load_document

Runner = Callable[[Document], Iterable[Finding]]

#: Every rule: id, group, severity, Chinese and English title, and the function that runs it.
_TABLE: list[tuple[str, str, str, str, str, Runner]] = [
    (
        "T-HIERARCHY",
        "table",
        "error",
        "合计=Σ类，类=Σ款，款=Σ项",
        "totals equal the sum of their sub-codes",
        within.hierarchy,
    ),
    (
        "T-ROW-PARTS",
        "table",
        "error",
        "行合计=各组成之和（如基本支出+项目支出）",
        "a row's total equals the sum of its parts",
        within.row_parts,
    ),
    (
        "T-PERSONNEL-PUBLIC",
        "table",
        "error",
        "人员经费=301+303，公用经费=302+310",
        "personnel = 301 + 303, running = 302 + 310",
        within.personnel_public,
    ),
    (
        "T-SUMMARY-BALANCE",
        "table",
        "error",
        "收支总表平衡",
        "the income-and-expenditure summary balances",
        within.summary_balance,
    ),
    (
        "T-FINAL-BALANCE",
        "table",
        "error",
        "年初结转+本年收入=本年支出+年末结转",
        "opening + income = expenditure + closing",
        within.final_balance,
    ),
    ("T-NEGATIVE", "table", "warning", "金额不为负数", "no negative amounts", within.negatives),
    (
        "T-THREE-PUBLIC",
        "table",
        "error",
        "“三公”=出国+公车+接待，公车=购置+运行",
        "three public = travel + vehicles + reception",
        within.three_public,
    ),
    (
        "X-SUMMARY-TABLES",
        "cross",
        "error",
        "收支总表与收入、支出总表一致",
        "the summary agrees with the income and expenditure tables",
        across.summary_totals,
    ),
    (
        "X-FISCAL-GENERAL",
        "cross",
        "error",
        "财政拨款收支总表与一般公共预算支出表一致",
        "the fiscal summary agrees with the general-budget table",
        across.fiscal_general,
    ),
    (
        "X-BASIC",
        "cross",
        "error",
        "基本支出表合计与支出表基本支出一致",
        "the basic-expenditure table agrees with the expenditure table",
        across.basic_total,
    ),
    (
        "X-FUND-TABLES",
        "cross",
        "error",
        "基金、国有资本经营预算支出与其分表一致",
        "fund columns agree with the fund tables",
        across.fund_tables,
    ),
    (
        "X-CODE-MIRROR",
        "cross",
        "error",
        "同一科目收入与支出一致（预算）",
        "a code's income equals its expenditure (budgets)",
        across.code_mirror,
    ),
    (
        "X-CODE-SUBSET",
        "cross",
        "error",
        "分资金来源的科目金额不超过总支出",
        "a fund's amount for a code does not exceed the total",
        across.code_subset,
    ),
    (
        "N-FIGURES",
        "narrative",
        "error",
        "说明与表格数字一致",
        "narrative figures agree with the tables",
        statements.figures_against_tables,
    ),
    (
        "N-CHANGES",
        "narrative",
        "error",
        "增减变动与所比较的数字一致",
        "stated changes agree with what they compare",
        statements.changes,
    ),
    (
        "N-VERDICT",
        "narrative",
        "error",
        "决算与预算比较的结论与数字一致",
        "final-vs-budget verdicts agree with the numbers",
        verdicts.verdicts,
    ),
    (
        "N-YEARS",
        "narrative",
        "error",
        "年度正确",
        "years in the text and titles fit the document's year",
        years.years,
    ),
    (
        "N-PROCUREMENT",
        "narrative",
        "error",
        "政府采购总额=货物+工程+服务",
        "procurement total = goods + works + services",
        breakdowns.procurement_parts,
    ),
    (
        "N-SHARES",
        "narrative",
        "warning",
        "占比与金额一致",
        "percentage shares agree with their amounts",
        breakdowns.shares,
    ),
    (
        "C-NAMES",
        "codes",
        "error",
        "同一科目名称前后一致",
        "a code has one name throughout",
        codes.names_agree,
    ),
    (
        "C-EDITION",
        "codes",
        "error",
        "科目名称符合当年分类版本",
        "class names fit the year's classification edition",
        codes.edition,
    ),
    (
        "C-PARENTS",
        "codes",
        "error",
        "下级科目有上级科目，表内科目不重复",
        "every sub-code has its parent; no duplicates",
        codes.parents,
    ),
    (
        "P-TABLES",
        "completeness",
        "error",
        "公开表格齐全",
        "the standard tables are all there",
        completeness.required_tables,
    ),
    (
        "P-EMPTY-NOTE",
        "completeness",
        "error",
        "空表有说明且资金名称正确",
        "an empty table's note names the right fund",
        completeness.empty_tables,
    ),
    (
        "P-CONTENTS",
        "completeness",
        "error",
        "目录所列表格均已公开",
        "every table in the contents is there",
        completeness.contents,
    ),
    (
        "P-UNITS",
        "completeness",
        "error",
        "表格标明金额单位",
        "every table states its unit",
        completeness.units,
    ),
    (
        "P-PLACEHOLDERS",
        "completeness",
        "error",
        "无模板占位符",
        "no template placeholder left",
        completeness.placeholders,
    ),
    (
        "Q-PUNCTUATION",
        "text",
        "warning",
        "标点重复或半角逗号",
        "doubled punctuation, ASCII commas",
        quality.text_quality,
    ),
    (
        "Q-BRACKETS",
        "text",
        "warning",
        "引号、括号成对",
        "quotes and brackets are balanced",
        quality.text_quality,
    ),
    ("Q-WORDS", "text", "warning", "词语重复", "duplicated words", quality.text_quality),
    ("Q-SHARES", "text", "warning", "占比不超过100%", "shares within 0-100%", quality.text_quality),
    (
        "Q-FULL-STOP",
        "text",
        "warning",
        "段落以句号结束",
        "paragraphs end with a full stop",
        quality.full_stops,
    ),
]

RULES: dict[str, Rule] = {
    rid: Rule(rid, group, severity, zh, en, fn) for rid, group, severity, zh, en, fn in _TABLE
}


def audit_document(doc: Document, rules: Iterable[str] | None = None) -> AuditReport:
    """Run the rules (all by default) on a document."""
    with memo():
        return _audit(doc, rules)


def _audit(doc: Document, rules: Iterable[str] | None) -> AuditReport:
    wanted = list(rules) if rules is not None else list(RULES)
    report = AuditReport()
    done: set[int] = set()
    for rid in wanted:
        rule = RULES[rid]
        if id(rule.run) in done:
            continue
        done.add(id(rule.run))
        ids = {r.id for r in RULES.values() if r.run is rule.run} & set(wanted)
        try:
            checks = [c for c in rule.run(doc) if c.code in ids]
        except Exception as exc:  # a rule's bug must not stop the audit: report it
            checks = [
                Finding(
                    kind="audit",
                    code=r,
                    status="SKIP",
                    message_zh=f"规则运行出错：{exc!r}",
                    message=f"the rule failed to run: {exc!r}",
                )
                for r in sorted(ids)
            ]
        for missing in sorted(ids - {c.code for c in checks}):  # never a silent skip
            checks.append(
                Finding(
                    kind="audit",
                    code=missing,
                    status="SKIP",
                    message_zh="文件中没有本规则适用的数字或文字",
                    message="nothing in the document this rule applies to (no figures printed)",
                )
            )
        for check in checks:
            check.severity = RULES[check.code].severity
            if check.status == "FAIL" and check.severity == "warning":
                check.status = "WARN"
        report.checks.extend(checks)
    return report


def audit_package(package: str | Path) -> AuditReport:
    """Audit a written package (read back into the model with :mod:`opendata.read.datapackage`)."""
    return audit_document(load_document(package))


__all__ = [
    "RULES",
    "AuditReport",
    "Rule",
    "audit_document",
    "audit_package",
]
