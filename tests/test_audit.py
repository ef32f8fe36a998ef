"""The consistency audit on real documents: the sample's known findings, the confirmations,
every corpus document's findings (each reviewed by hand against the printed document), the
audit resource and graph, and the ``opendata audit`` command."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from opendata.audit import RULES, audit_document, audit_package
from opendata.audit.core import AuditReport
from opendata.model import Document, Finding, Source, finding_from_record, finding_record
from opendata.vocab.namespace import CNB
from tests.cli_helpers import invoke
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def sample_report(sample_doc: Document) -> AuditReport:
    return audit_document(sample_doc)


def _fails(report: AuditReport) -> list[Finding]:
    return [c for c in report.checks if c.status in ("FAIL", "WARN")]


def test_sample_findings_are_exactly_the_known_ones(sample_report: AuditReport) -> None:
    found = sorted(
        (c.code, c.source.line if c.source else 0, str(c.expected), str(c.actual))
        for c in _fails(sample_report)
    )
    assert found == [
        ("N-FIGURES", 460, "1241.14", "1240.26"),  # 支出: the text leaves out the 0.88 carried
        ("N-FIGURES", 460, "448.31", "447.43"),  # 项目支出: likewise
        ("N-FIGURES", 472, "3.41", "13.41"),  # 培训费: 13.41 in the text, 3.41 in 基本支出表
        ("T-THREE-PUBLIC", 408, "13.76", "0.35"),  # 合计 13.76, rows under it 0.35 (合计 column)
        ("T-THREE-PUBLIC", 408, "13.76", "0.35"),  # … and the 一般公共预算 column
    ]


def test_sample_carry_over_is_named_as_the_cause(sample_report: AuditReport) -> None:
    spending = [c for c in _fails(sample_report) if c.code == "N-FIGURES" and c.source.line == 460]
    for check in spending:
        assert check.difference == Decimal("-0.88")
        assert "0.88" in check.message_zh and "结转" in check.message_zh
        assert "brought forward" in check.message
        assert "1240.26" in check.sentence


def test_sample_three_public_finding_names_table_and_values(sample_report: AuditReport) -> None:
    check = next(c for c in _fails(sample_report) if c.code == "T-THREE-PUBLIC")
    assert check.table == "部门预算财政拨款“三公”经费支出表"
    assert check.difference == Decimal("-13.41")
    assert check.unit == "万元"


def test_sample_confirms_what_agrees(sample_report: AuditReport) -> None:
    passed = [c for c in sample_report.checks if c.status == "PASS"]
    change = [c for c in passed if c.code == "N-CHANGES" and c.expected == Decimal("483.43")]
    assert change and change[0].actual == Decimal("483.43")  # 228.29 + 3.09 + 252.05
    figures = {c.actual for c in passed if c.code == "N-FIGURES"}
    assert {Decimal("50.8903"), Decimal("34.92"), Decimal("743.73"), Decimal("13.76")} <= figures
    for rule in ("T-HIERARCHY", "T-ROW-PARTS", "T-SUMMARY-BALANCE", "X-SUMMARY-TABLES"):
        statuses = {c.status for c in sample_report.checks if c.code == rule}
        assert statuses == {"PASS"}, rule
    totals = [c for c in passed if c.code == "T-HIERARCHY" and c.row == "合计"]
    assert len(totals) >= 10  # every table's 合计 against its classes, column by column


def test_every_rule_reports_something_on_the_sample(sample_report: AuditReport) -> None:
    assert {c.code for c in sample_report.checks} == set(RULES)
    for check in sample_report.checks:
        if check.status == "SKIP":
            assert check.message_zh and check.message  # a skip says why


#: Every finding (FAIL or WARN) the audit reports on each corpus document, reviewed by hand
#: against the printed document: (rule, source line).
CORPUS_FINDINGS: dict[str, list[tuple[str, int]]] = {
    "qinhuangdao-etdz-party-building-2023-budget": [
        ("N-FIGURES", 460),
        ("N-FIGURES", 460),
        ("N-FIGURES", 472),
        ("T-THREE-PUBLIC", 408),
        ("T-THREE-PUBLIC", 408),
    ],
    # “…贯彻厉行节约规定,2019年…”: an ASCII comma in Chinese text (page 30)
    "js-procuratorate-2019-budget": [("Q-PUNCTUATION", 648)],
    "js-provincial-party-office-2019-budget-tables": [],
    "js-provincial-party-office-2019-budget-narrative": [],
    "js-provincial-party-office-2019-budget-tables+js-provincial-party-office-2019-budget-narrative": [],
    # “完成年初预算的95.89%” while 年初预算 is 0; 95.89% is 307.82 / 全年预算 321.02 (page 18)
    "sh-putuo-party-social-work-dept-2024-final-account": [("N-VERDICT", 288)],
    "sh-putuo-wanli-subdistrict-2023-budget": [],
}


def _golden(stem: str) -> Path:
    return next((GOLDEN / stem).iterdir())


@pytest.mark.parametrize("stem", sorted(CORPUS_FINDINGS))
def test_corpus_findings_are_the_reviewed_ones(stem: str) -> None:
    report = audit_package(_golden(stem))
    found = sorted((c.code, c.source.line if c.source else 0) for c in _fails(report))
    assert found == sorted(CORPUS_FINDINGS[stem])
    assert not [c for c in report.checks if "failed to run" in c.message]


def test_the_template_is_flagged_for_its_placeholders_only() -> None:
    report = audit_package(_golden("sh-2024-final-account-template"))
    fails = _fails(report)
    assert len(fails) >= 70
    assert {c.code for c in fails} == {"P-PLACEHOLDERS"}
    assert any("XX" in c.message_zh for c in fails)


@pytest.mark.parametrize("stem", sorted([*CORPUS_FINDINGS, "sh-2024-final-account-template"]))
def test_the_package_keeps_the_audit_it_was_written_with(stem: str) -> None:
    package = _golden(stem)
    with (package / "data" / "audit.csv").open(encoding="utf-8") as handle:
        kept = [(r["rule"], r["status"]) for r in csv.DictReader(handle)]
    again = [(c.code, c.status) for c in audit_package(package).checks]
    assert again == kept  # the model read back from the package gives the same audit
    meta = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    counts = {s: sum(st == s for _, st in kept) for s in ("PASS", "FAIL", "WARN", "SKIP")}
    assert meta["audit"] == counts


def test_findings_are_in_the_graph_and_point_at_the_amounts(golden_package: Path) -> None:
    graph = Graph().parse(golden_package / "rdf" / "graph.ttl")
    findings = set(graph.subjects(RDF.type, CNB.AuditFinding))
    rules = [str(graph.value(f, CNB.auditRule)) for f in findings]
    assert sorted(r for r in rules if r != "T-FINAL-BALANCE") == sorted(
        ["N-FIGURES"] * 3 + ["T-THREE-PUBLIC"] * 2 + ["N-VERDICT", "N-PROCUREMENT", "N-SHARES"]
    )
    three = next(f for f in findings if str(graph.value(f, CNB.auditRule)) == "T-THREE-PUBLIC")
    amounts = {str(graph.value(o, CNB.printedValue)) for o in graph.objects(three, CNB.concerns)}
    assert amounts == {"13.76"}
    assert isinstance(graph.value(three, CNB.findingOf), URIRef)


def test_audit_command_prints_findings_and_exits_1(golden_package: Path) -> None:
    result = invoke("audit", golden_package)
    assert result.exit_code == 1
    assert "5 errors, 0 warnings" in result.output
    assert "T-THREE-PUBLIC" in result.output and "difference -13.41" in result.output


def test_audit_command_json_is_an_array_of_findings(golden_package: Path) -> None:
    result = invoke("audit", "--json", golden_package)
    records = json.loads(result.output)
    assert {r["status"] for r in records} <= {"FAIL", "WARN", "SKIP"}
    fail = next(r for r in records if r["rule"] == "N-FIGURES" and r["actual"] == "13.41")
    assert fail["expected"] == "3.41" and fail["difference"] == "10.00"
    assert fail["line"] == 472 and fail["file"].endswith(".txt")
    assert fail["message_en"] and fail["message_zh"]


def test_audit_command_exits_0_without_errors() -> None:
    result = invoke("audit", _golden("sh-putuo-wanli-subdistrict-2023-budget"))
    assert result.exit_code == 0, result.output


def test_validate_reports_the_audit(golden_package: Path) -> None:
    result = invoke("validate", "--no-shacl", golden_package)
    assert "audit: 5 errors" in result.output
    assert result.exit_code == 0  # the package itself is valid; the audit is reported


def test_a_finding_of_each_kind_reads_back_from_its_record(sample_report: AuditReport) -> None:
    """One way to write a finding (CSV row or JSON object) and one way back, for each kind."""
    reader = Finding("row-width", "row has 10 cells", Source("a.txt", 12, 2), "1\t2", "error")
    validation = Finding(
        kind="validation",
        code="type-error",
        message="bad cell",
        severity="error",
        resource="income",
        row_number=3,
        field_name="total",
    )
    audit = [c for c in sample_report.checks if c.source is not None and c.expected is not None]
    for finding in [reader, audit[0], validation]:
        for csv_text in (True, False):
            record = finding_record(finding, csv=csv_text)
            back = finding_from_record(finding.kind, record)
            assert finding_record(back, csv=csv_text) == record
            assert (back.kind, back.code, back.severity) == (
                finding.kind,
                finding.code,
                finding.severity,
            )
    assert finding_record(validation) == {
        "resource": "income",
        "type": "type-error",
        "message": "bad cell",
        "row": 3,
        "field": "total",
    }
