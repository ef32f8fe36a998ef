"""Recognising tables by their content: one regression test per layout the reader learnt.

Each test writes a small tab-separated text disclosure (the reader's own line format) and
checks the kind it is read as, the evidence it gives and the facts it yields.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from opendata.model import Document
from opendata.read.document import read_document
from opendata.write.package import write_package

HEAD = "2023年部门预算\n"


def read(tmp_path: Path, text: str) -> Document:
    path = tmp_path / "doc.txt"
    path.write_text(HEAD + text, encoding="utf-8")
    return read_document(path)


def facts_of(tmp_path: Path, text: str) -> list[dict[str, str]]:
    doc = read(tmp_path, text)
    result = write_package(doc, tmp_path / "out", created="2000-01-01T00:00:00Z")
    with (result.path / "data" / "facts.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def evidence(doc: Document) -> list[str]:
    return [f.message for f in doc.findings if f.code == "table-recognised"]


CODED = (
    "科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
    "\t合计\t300.00\t200.00\t100.00\n"
    "201\t一般公共服务支出\t300.00\t200.00\t100.00\n"
    "20105\t统计信息事务\t300.00\t200.00\t100.00\n"
    "2010501\t行政运行\t200.00\t200.00\t\n"
    "2010507\t专项普查活动\t100.00\t\t100.00\n"
)


def test_a_title_wrapped_over_two_lines_names_its_kind(tmp_path: Path) -> None:
    doc = read(tmp_path, "一般公共预算支出预\n算表\n单位：万元\n" + CODED)
    (table,) = doc.tables
    assert table.kind == "general_budget_expenditure"
    assert table.title == "一般公共预算支出预算表"
    assert "wrapped" in evidence(doc)[0]


def test_a_heading_above_a_title_is_not_joined_to_it(tmp_path: Path) -> None:
    doc = read(tmp_path, "合计\n一般公共预算支出预算表\n单位：万元\n" + CODED)
    assert [t.title for t in doc.tables] == ["一般公共预算支出预算表"]


def test_a_caption_after_the_title_is_skipped(tmp_path: Path) -> None:
    doc = read(tmp_path, "一般公共预算支出预算表\n公开表八\n单位：万元\n" + CODED)
    (table,) = doc.tables
    assert (table.kind, table.unit, len(table.rows)) == ("general_budget_expenditure", "万元", 5)


def test_rows_under_no_title_are_recognised_by_their_header(tmp_path: Path) -> None:
    doc = read(tmp_path, "下表列示本年支出。\n单位：万元\n" + CODED)
    (table,) = doc.tables
    assert table.kind in {"expenditure", "general_budget_expenditure", "fiscal_expenditure"}
    assert "by its header" in evidence(doc)[0]
    assert table.unit == "万元"


def test_a_table_of_no_known_kind_keeps_its_amounts_typed_and_in_the_facts(
    tmp_path: Path,
) -> None:
    text = (
        "说明如下。\n单位：万元\n"
        "资产类别\t数量\t原值\t净值\n"
        "车辆\t3\t120.50\t60.25\n"
        "办公设备\t40\t35.00\t\n"
    )
    doc = read(tmp_path, text)
    (table,) = doc.tables
    assert table.kind == "generic"
    # small whole numbers in every row read as counts or sequence numbers: text, not amounts
    assert [c.kind for c in table.columns] == ["text", "text", "amount", "amount"]
    assert table.rows[0].cells[2].value == Decimal("120.50")
    facts = facts_of(tmp_path, text)
    assert [(f["label"], f["header"], f["amount"], f["unit"]) for f in facts] == [
        ("车辆", "原值", "120.50", "万元"),
        ("车辆", "净值", "60.25", "万元"),
        ("办公设备", "原值", "35.00", "万元"),
    ]
    assert any(f.code == "unknown-table" for f in doc.findings)


def test_a_header_that_fits_another_kind_overrules_the_title(tmp_path: Path) -> None:
    three_public = (
        "合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费\n"
        "\t\t小计\t公务用车购置费\t公务用车运行维护费\t\n"
        "11.60\t1.00\t8.20\t5.00\t3.20\t2.40\n"
    )
    doc = read(tmp_path, "支出预算表\n单位：万元\n" + three_public)
    (table,) = doc.tables
    assert table.kind == "three_public"
    assert any(f.code == "kind-by-header" for f in doc.findings)


def test_code_parts_merged_down_their_group_are_carried(tmp_path: Path) -> None:
    text = (
        "一般公共预算支出预算表\n单位：万元\n"
        "科目编码\t\t\t科目名称\t合计\t基本支出\t项目支出\n"
        "类\t款\t项\t\t\t\t\n"
        "\t\t\t合计\t300.00\t200.00\t100.00\n"
        "201\t\t\t一般公共服务支出\t300.00\t200.00\t100.00\n"
        "\t05\t\t统计信息事务\t300.00\t200.00\t100.00\n"
        "\t\t01\t行政运行\t200.00\t200.00\t\n"
        "\t\t07\t专项普查活动\t100.00\t\t100.00\n"
    )
    doc = read(tmp_path, text)
    assert [r.code for r in doc.tables[0].rows] == [None, "201", "20105", "2010501", "2010507"]
    assert [f for f in doc.findings if f.severity == "error"] == []


def test_class_category_item_headers_on_the_total_line_are_a_header(tmp_path: Path) -> None:
    text = (
        "一般公共预算支出预算表\n单位：万元\n"
        "科目编码\t\t\t科目名称\t合计\t基本支出\t项目支出\n"
        "类\t款\t项\t合计\t300.00\t200.00\t100.00\n"
        "201\t\t\t一般公共服务支出\t300.00\t200.00\t100.00\n"
        "\t05\t\t统计信息事务\t300.00\t200.00\t100.00\n"
        "\t\t01\t行政运行\t300.00\t200.00\t100.00\n"
    )
    doc = read(tmp_path, text)
    (table,) = doc.tables
    assert all(c.known for c in table.columns)
    assert [(r.label, r.code) for r in table.rows] == [
        ("合计", None),
        ("一般公共服务支出", "201"),
        ("统计信息事务", "20105"),
        ("行政运行", "2010501"),
    ]
    facts = facts_of(tmp_path, text)
    assert [f["code"] for f in facts if f["column"] == "total"] == ["", "201", "20105", "2010501"]


def test_a_fact_label_joins_its_row_label_cells(tmp_path: Path) -> None:
    text = (
        "收入预算总表\n部门：某某厅 单位：万元\n"
        "项目名称\t\t金额\n"
        "收入总计\t\t9146.79\n"
        "一般公共预算资金\t小计\t9066.79\n"
        "\t公共财政拨款(补助)资金\t9066.79\n"
        "其他资金\t小计\t80.00\n"
    )
    labels = [(f["label"], f["role"]) for f in facts_of(tmp_path, text)]
    assert labels == [
        ("收入总计", "total"),
        ("一般公共预算资金/小计", "subtotal"),
        ("公共财政拨款(补助)资金", "detail"),
        ("其他资金/小计", "subtotal"),
    ]


def test_a_short_header_row_spreads_over_the_columns() -> None:
    from opendata.read.cells import header_paths

    rows = [["收入", "支出"], ["项目名称", "金额", "支出用途", ""], ["", "", "项目名称", "金额"]]
    assert header_paths(rows, 4) == [
        "收入/项目名称",
        "收入/金额",
        "支出/支出用途/项目名称",
        "支出/支出用途/金额",
    ]


def test_a_title_printed_after_its_table_names_it(tmp_path: Path) -> None:
    doc = read(
        tmp_path, "说明如下。\n单位：万元\n" + CODED + "一般公共预算支出预算表\n以上为本年支出。\n"
    )
    (table,) = doc.tables
    assert (table.kind, table.title) == ("general_budget_expenditure", "一般公共预算支出预算表")
    assert "title printed after it" in evidence(doc)[0]


def test_a_title_after_a_table_that_heads_the_next_table_stays_with_it(tmp_path: Path) -> None:
    doc = read(
        tmp_path,
        "说明如下。\n单位：万元\n" + CODED + "一般公共预算基本支出预算表\n单位：万元\n"
        "科目编码\t科目名称\t合计\t人员经费\t公用经费\n301\t工资福利支出\t120.50\t120.50\t\n",
    )
    assert [t.title for t in doc.tables][1] == "一般公共预算基本支出预算表"
    assert doc.tables[0].title != "一般公共预算基本支出预算表"


def test_a_project_title_wrapped_over_three_lines_names_its_form(tmp_path: Path) -> None:
    # a long numbered title the PDF wraps twice, the middle line a single character
    form = (
        "绩效目标\t1.完成档案整理。\t\t\t\t\n"
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\n"
        "产出指标\t数量指标\t整理档案\t\t≥800 卷\t\n"
    )
    doc = read(
        tmp_path,
        "一般公共预算支出预算表\n单位：万元\n"
        + CODED
        + "3、2021 年追加办公厅（室）档案整理经费绩\n效\n目标表\n"
        + form,
    )
    assert [t.kind for t in doc.tables] == ["general_budget_expenditure"]
    (project,) = doc.projects
    assert (project.name, len(project.indicators)) == ("2021 年追加办公厅（室）档案整理经费", 1)
    assert not [f for f in doc.findings if f.code == "unknown-table"]
