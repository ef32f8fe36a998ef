"""The founding sample, read end to end: metadata, the nine tables, units, performance, narrative.

The counts here (277 numeric cells, 175 indicators) come from an independent reading of the
raw text in this file, not from the reader under test.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from opendata.model import Document
from tests.conftest import SAMPLE, SHARED_SAMPLE

NINE = {
    "部门预算收支总表": "budget_summary",
    "部门预算收入总表": "income",
    "部门预算支出总表": "expenditure",
    "部门预算财政拨款收支总表": "fiscal_summary",
    "部门预算一般公共预算财政拨款支出表": "general_budget_expenditure",
    "部门预算一般公共预算财政拨款基本支出表": "general_budget_basic",
    "部门预算政府基金预算财政拨款支出表": "gov_fund_expenditure",
    "部门预算国有资本经营预算财政拨款支出表": "soe_capital_expenditure",
    "部门预算财政拨款“三公”经费支出表": "three_public",
}
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def raw_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").split("\n")


def oracle_numeric_cells() -> list[tuple[str, int, str, list[str]]]:
    """(table title, line, value, other cells) for every numeric cell of the nine tables."""
    cells = []
    title = None
    for number, line in enumerate(raw_lines(), start=1):
        text = line.strip()
        if "\t" not in line:
            if text in NINE:
                title = text
            elif text.endswith("情况说明"):
                title = None
            continue
        parts = [c.strip() for c in line.split("\t")]
        if title is None or not parts[0].isdigit():
            continue  # header rows, the 栏次 row and continuation rows have no 序号
        for j, part in enumerate(parts[1:], start=1):
            if NUMBER.match(part) and not (j == 1 and len(part) in (3, 5, 7) and "." not in part):
                cells.append((title, number, part, [p for p in parts if p and p != part]))
    return cells


def read_resource(package: Path, title: str) -> list[dict[str, str]]:
    import json

    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["title"] == title)
    with (package / resource["path"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bundled_sample_is_the_corpus_document() -> None:
    if not SHARED_SAMPLE.exists():
        pytest.skip("../shared/corpus not beside the project")
    assert SAMPLE.read_bytes() == SHARED_SAMPLE.read_bytes()


def test_metadata(sample_doc: Document) -> None:
    assert sample_doc.department_code == "203"
    assert sample_doc.department == "中共秦皇岛经济技术开发区工作委员会党建工作部"
    assert (sample_doc.year, sample_doc.kind, sample_doc.level) == (2023, "预算", "部门")
    assert {t.unit for t in sample_doc.tables if t.kind in NINE.values()} == {"万元"}
    assert [f for f in sample_doc.findings if f.severity != "info"] == []
    assert {f.code for f in sample_doc.findings} == {"table-recognised"}


def test_nine_tables_with_printed_titles(sample_doc: Document) -> None:
    found = {t.title: t.kind for t in sample_doc.tables if t.title in NINE}
    assert found == NINE


def test_every_numeric_cell_is_in_its_resource(sample_doc: Document, golden_package: Path) -> None:
    cells = oracle_numeric_cells()
    assert len(cells) == 277
    for title, line, value, others in cells:
        rows = [r for r in read_resource(golden_package, title) if r["line"] == str(line)]
        assert len(rows) == 1, (title, line)
        row = rows[0]
        assert Decimal(value) in {Decimal(v) for v in row.values() if NUMBER.match(v or "")}
        labels = {v for v in row.values() if v}
        assert any(o in labels for o in others if not NUMBER.match(o)), (title, line, others)


def test_facts_hold_every_numeric_cell(golden_package: Path) -> None:
    facts = read_resource(golden_package, "金额事实表")
    nine = [f for f in facts if f["table_title"] in NINE]
    assert len(nine) == 277
    assert all(
        Decimal(f["amount_yuan"]) == Decimal(f["amount"]) * 10000
        for f in facts
        if f["unit"] == "万元"
    )
    assert {f["printed"] for f in nine} <= {c[2] for c in oracle_numeric_cells()}


def oracle_indicators() -> list[tuple[int, str, str]]:
    """(line, 三级指标, 指标值) of every indicator row of the 27 project tables."""
    result = []
    in_project = False
    for number, line in enumerate(raw_lines(), start=1):
        if line.strip().endswith("绩效目标表"):
            in_project = True
            continue
        if in_project and "\t" not in line and line.strip():
            in_project = False
        parts = [c.strip() for c in line.split("\t")]
        if in_project and len(parts) == 6 and parts[0] not in ("一级指标", "绩效目标"):
            result.append((number, parts[2], parts[4]))
    return result


def test_every_indicator_value_with_its_level3(sample_doc: Document, golden_package: Path) -> None:
    expected = oracle_indicators()
    assert len(expected) == 175
    assert len(sample_doc.projects) == 27
    rows = {r["line"]: r for r in read_resource(golden_package, "绩效指标")}
    assert len(rows) == 175
    for line, level3, value in expected:
        assert (rows[str(line)]["level3"], rows[str(line)]["target"]) == (level3, value)


def test_wrapped_label_is_joined(sample_doc: Document) -> None:
    table = sample_doc.table("fiscal_summary")
    assert table is not None
    row = next(r for r in table.rows if r.cells[0].text == "15")
    assert row.cells[3].text == "十五、资源勘探工业信息等支出"
    assert len(table.rows) == 37


def test_split_header_cells_are_mended(sample_doc: Document) -> None:
    table = sample_doc.table("expenditure")
    assert table is not None
    headers = {c.name: c.header for c in table.columns}
    assert headers["code"] == "功能分类科目/科目编码"
    assert headers["remit_superior"] == "上解上级支出"
    assert all(c.known for c in table.columns)


@pytest.mark.parametrize("kind", ["gov_fund_expenditure", "soe_capital_expenditure"])
def test_empty_tables_keep_their_note(sample_doc: Document, kind: str) -> None:
    table = sample_doc.table(kind)
    assert table is not None and table.empty
    assert table.notes and table.notes[0].endswith("空表列示。")


def test_row_roles(sample_doc: Document) -> None:
    three = sample_doc.table("three_public")
    assert three is not None
    roles = [(r.cells[1].text, r.role) for r in three.rows]
    assert roles[:5] == [
        ("合计", "total"),
        ("“三公”经费小计", "subtotal"),
        ("一、因公出国（境）费", "detail"),
        ("其中：教学科研人员因公出国（境）费", "of_which"),
        ("其他因公出国（境）费", "of_which"),
    ]
    summary = sample_doc.table("budget_summary")
    assert summary is not None
    assert [r.role for r in summary.rows if r.role != "detail"] == ["total", "total"]


def test_code_hierarchy(sample_doc: Document) -> None:
    income = sample_doc.table("income")
    basic = sample_doc.table("general_budget_basic")
    assert income is not None and basic is not None
    levels = {r.code: (r.code_level, r.parent_code) for r in income.rows if r.code}
    assert levels["201"] == ("class", None)
    assert levels["20131"] == ("category", "201")
    assert levels["2013101"] == ("item", "20131")
    econ = {r.code: (r.code_level, r.parent_code) for r in basic.rows if r.code}
    assert econ["301"] == ("class", None) and econ["30101"] == ("category", "301")
    total = income.rows[0]
    assert (total.role, total.code, total.cells[3].value) == ("total", None, Decimal("1241.14"))


def test_blank_is_not_zero(sample_doc: Document) -> None:
    income = sample_doc.table("income")
    assert income is not None
    row = next(r for r in income.rows if r.code == "20134")
    values = {c.name: cell.value for c, cell in zip(income.columns, row.cells, strict=True)}
    assert values["total"] == Decimal("0.88")
    assert values["fiscal_appropriation"] is None
    assert values["carryover"] == Decimal("0.88")


def test_units(sample_doc: Document) -> None:
    assert [(u.nature, u.rank, u.funding) for u in sample_doc.units] == [
        ("行政", "副处(县)级", "财政拨款"),
        ("事业", "正科级", "财政性资金基本保证"),
    ]


def test_procurement(sample_doc: Document) -> None:
    table = sample_doc.table("procurement")
    assert table is not None
    names = [c.name for c in table.columns]
    assert len(names) == 16 and all(c.known for c in table.columns)
    item = table.rows[-1]
    values = dict(zip(names, item.cells, strict=True))
    assert values["catalogue_code"].text == "C16020300"
    assert values["total"].value == Decimal("34.92")
    assert values["sme_reserved"].value == Decimal("34.92")
    assert [r.role for r in table.rows] == ["total", "subtotal", "detail"]
    assert table.notes and table.notes[0].startswith("注：同一采购目录序号")


def test_fixed_assets(sample_doc: Document) -> None:
    table = sample_doc.table("fixed_assets")
    assert table is not None
    assert table.as_of == "2022-12-31" and table.unit == "万元"
    first = table.rows[0]
    assert first.cells[1].not_applicable and first.cells[1].value is None
    general = next(r for r in table.rows if r.label == "二、通用设备")
    assert (general.cells[1].value, general.cells[2].value) == (Decimal(74), Decimal("44.2793"))
    assert table.rows[-1].role == "total" and table.rows[-1].cells[2].value == Decimal("50.8903")


def test_project_goals_in_any_column(sample_doc: Document) -> None:
    goals = {p.number: p.goal for p in sample_doc.projects}
    assert goals[1] is not None and goals[1].startswith("1.制作数字化档案数量不少于 800 卷")
    assert goals[2] is not None and goals[2].startswith("1.确保大组工网工作正常运转")
    assert goals[10] is not None and goals[10].startswith("1.保障人民群众基本文化权益")
    assert all(p.goal for p in sample_doc.projects)


def test_indicator_fill_down_and_parsing(sample_doc: Document) -> None:
    first = sample_doc.projects[0]
    assert [(i.level1, i.level2) for i in first.indicators][:4] == [("产出指标", "数量指标"),
        ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标")]  # fmt: skip
    target = first.indicators[0].target
    assert (target.comparator, target.value, target.unit) == (">=", Decimal(800), "卷")
    kinds = {i.target.verbatim: i.target.kind for p in sample_doc.projects for i in p.indicators}
    assert kinds["有效"] == "qualitative" and kinds["2023年10月31日前"] == "date"


def test_overall_targets_glossary_and_sections(sample_doc: Document) -> None:
    assert sample_doc.overall_goal is not None and sample_doc.overall_goal.startswith("2023年")
    assert len(sample_doc.overall_targets) == 9
    assert sample_doc.overall_targets[0].group == "全面加强领导班子和干部队伍建设"
    assert sample_doc.overall_targets[0].indicator is not None
    assert [g.term for g in sample_doc.glossary][:3] == [
        "一般公共预算拨款收入",
        "事业收入",
        "其他收入",
    ]
    assert len(sample_doc.glossary) == 10
    headings = [s.heading for s in sample_doc.sections]
    for heading in (
        "一、部门职责及机构设置情况",
        "二、部门预算安排的总体情况",
        "九、其他需要说明的事项",
    ):
        assert heading in headings
    overall = next(s for s in sample_doc.sections if s.heading == "二、部门预算安排的总体情况")
    assert "1240.26万元" in overall.text
