"""Table Schemas (https://specs.frictionlessdata.io/table-schema/) for every resource we write.

Schemas of disclosure tables are generated from :mod:`opendata.kinds.spec`, one per table kind;
schemas of the derived resources (facts, projects, indicators, …) are defined here. The files in
``schemas/`` are this module's output (``opendata schemas``); a test fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from opendata.kinds.catalogue import KINDS
from opendata.kinds.spec import FieldSpec, TableKind

Schema = dict[str, Any]
MISSING = ["", "-"]
ROLES = ["total", "subtotal", "of_which", "detail"]
CODE_PATTERN = {"functional": r"^\d{3}(\d{2}){0,2}$", "economic": r"^\d{3}(\d{2})?$"}
UNITS = ["元", "万元", "亿元"]


def _f(name: str, type_: str, title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "title": title, "description": description, **extra}


def _source_fields() -> list[dict[str, Any]]:
    return [
        _f(
            "line",
            "integer",
            "行号",
            "Line of the source file where this was printed.",
            constraints={"required": True, "minimum": 1},
        ),
        _f(
            "page",
            "integer",
            "页码",
            "Page of the source file, where known (blank for text input).",
        ),
    ]


def _table_field(kind: TableKind, spec: FieldSpec) -> dict[str, Any]:
    if spec.kind == "amount":
        return _f(
            spec.name,
            "number",
            spec.title,
            spec.description + " In the unit of the row's "
            "`unit` column. Blank: nothing printed (not zero); '-': not applicable.",
            **{"opendata:concept": spec.concept},
        )
    if spec.kind == "quantity":
        return _f(spec.name, "number", spec.title, spec.description)
    if spec.kind == "code":
        pattern = CODE_PATTERN[kind.code_scheme or "functional"]
        return _f(
            spec.name, "string", spec.title, spec.description, constraints={"pattern": pattern}
        )
    if spec.kind == "code_part":
        return _f(
            spec.name, "string", spec.title, spec.description, constraints={"pattern": r"^\d{2,3}$"}
        )
    return _f(spec.name, "string", spec.title, spec.description)


def table_schema(kind: TableKind) -> Schema:
    """The Table Schema of one disclosure table kind."""
    fields = [
        _f(
            "row",
            "integer",
            "行",
            "Row number within this table (1 = first row under the header).",
            constraints={"required": True, "unique": True, "minimum": 1},
        ),
        *_source_fields(),
        _f(
            "role",
            "string",
            "行类型",
            "total (合计/总计), subtotal (小计), of_which (其中) or detail.",
            constraints={"required": True, "enum": ROLES},
        ),
    ]
    has_code = kind.has_code
    if has_code:
        pattern = CODE_PATTERN[kind.code_scheme or "functional"]
        fields += [
            _f(
                "code_level",
                "string",
                "科目级次",
                "Level of the code: class (类, 3 digits), category (款, 5), item (项, 7).",
                constraints={"enum": ["class", "category", "item"]},
            ),
            _f(
                "parent_code",
                "string",
                "上级科目编码",
                "Code of the parent subject (code prefix).",
                constraints={"pattern": pattern},
            ),
        ]
    fields += [_table_field(kind, spec) for spec in kind.fields]
    if any(s.kind == "amount" for s in kind.fields):
        fields.append(
            _f(
                "unit",
                "string",
                "金额单位",
                "Unit of the amounts as printed.",
                constraints={"enum": UNITS},
            )
        )
    schema: Schema = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "title": kind.title,
        "description": kind.title_en + ".",
        "fields": fields,
        "missingValues": MISSING,
        "primaryKey": ["row"],
    }
    return schema


def generic_schema(title: str) -> Schema:
    """The schema of a table not in the catalogue: row metadata; its columns are added as text."""
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "title": title,
        "description": "A table of no known kind, kept as printed: its amount columns (judged "
        "by their cells) typed as numbers, the others text.",
        "fields": [
            _f(
                "row",
                "integer",
                "行",
                "Row number within this table.",
                constraints={"required": True, "unique": True, "minimum": 1},
            ),
            *_source_fields(),
            _f(
                "role",
                "string",
                "行类型",
                "total, subtotal, of_which or detail.",
                constraints={"required": True, "enum": ROLES},
            ),
        ],
        "missingValues": MISSING,
        "primaryKey": ["row"],
    }


def _derived() -> dict[str, Schema]:
    amount = "Amount as a decimal number in the printed unit."
    schemas: dict[str, Schema] = {
        "facts": {
            "title": "金额事实表",
            "description": "One row per printed amount of every disclosure table: the long, "
            "normalised layer that analysis and linked data build on.",
            "fields": [
                _f("fact", "integer", "序号", "Fact number.", constraints={"required": True}),
                _f("resource", "string", "表资源", "Name of the table resource."),
                _f("table_kind", "string", "表类型", "Table kind from the catalogue."),
                _f("table_title", "string", "表名", "The table's title as printed."),
                _f("row", "integer", "行", "Row number in the table resource."),
                *_source_fields(),
                _f("code", "string", "科目编码", "Functional or economic code of the row."),
                _f(
                    "code_scheme",
                    "string",
                    "分类",
                    "functional (功能分类) or economic (经济分类).",
                    constraints={"enum": ["functional", "economic"]},
                ),
                _f("code_level", "string", "科目级次", "class, category or item."),
                _f(
                    "code_edition",
                    "integer",
                    "科目版本",
                    "Edition of the classification the "
                    "code and its name are printed from: the fiscal year of the disclosure "
                    "(names change between editions, e.g. 20805 in 2019 and 2023).",
                ),
                _f("label", "string", "项目", "Row label the amount belongs to."),
                _f("role", "string", "行类型", "Role of the row.", constraints={"enum": ROLES}),
                _f("column", "string", "列", "Field name of the amount's column."),
                _f("concept", "string", "列含义", "What the column measures (e.g. 基本支出)."),
                _f("header", "string", "表头", "The column's header path as printed."),
                _f("printed", "string", "原文", "The amount exactly as printed."),
                _f("amount", "number", "金额", amount, constraints={"required": True}),
                _f("unit", "string", "单位", "Printed unit.", constraints={"enum": UNITS}),
                _f("amount_yuan", "number", "金额（元）", "Amount converted to 元 (CNY)."),
            ],
            "primaryKey": ["fact"],
        },
        "projects": {
            "title": "项目绩效目标",
            "description": "Projects with a performance-target table (绩效目标表).",
            "fields": [
                _f(
                    "project",
                    "string",
                    "项目键",
                    "Key of the project within this package.",
                    constraints={"required": True, "unique": True},
                ),
                _f("number", "integer", "序号", "Ordinal as printed."),
                _f("name", "string", "项目名称", "Project name.", constraints={"required": True}),
                _f("goal", "string", "绩效目标", "Performance goal text (项目总目标)."),
                _f(
                    "annual_goal",
                    "string",
                    "年度总体目标",
                    "Goal for the year, where printed apart from the goal.",
                ),
                _f(
                    "attributes",
                    "object",
                    "项目信息",
                    "Other fields of the project's form "
                    "(主管部门, 实施单位, 项目资金 …) as a JSON object, values as printed.",
                ),
                _f("indicators", "integer", "指标数", "Number of indicators."),
                *_source_fields(),
            ],
            "primaryKey": ["project"],
        },
        "indicators": {
            "title": "绩效指标",
            "description": "Performance indicators of the projects; 指标值 verbatim and parsed.",
            "fields": [
                _f(
                    "indicator",
                    "string",
                    "指标键",
                    "Key: project key and position.",
                    constraints={"required": True, "unique": True},
                ),
                _f("project", "string", "项目键", "Key of the project."),
                _f("level1", "string", "一级指标", "Level-1 category."),
                _f("level2", "string", "二级指标", "Level-2 category."),
                _f("level3", "string", "三级指标", "The indicator."),
                _f("description", "string", "绩效指标描述", "Description."),
                _f("target", "string", "指标值", "Target exactly as printed."),
                _f(
                    "target_kind",
                    "string",
                    "指标值类型",
                    "How the target was parsed.",
                    constraints={"enum": ["quantity", "range", "date", "qualitative", "blank"]},
                ),
                _f(
                    "comparator",
                    "string",
                    "比较符",
                    "Comparator of a quantity target.",
                    constraints={"enum": [">=", "<=", ">", "<", "="]},
                ),
                _f(
                    "target_value",
                    "number",
                    "目标数值",
                    "Number of a quantity target (lower bound of a range).",
                ),
                _f("target_upper", "number", "目标上限", "Upper bound of a range target."),
                _f("target_unit", "string", "计量单位", "Unit of a quantity target."),
                _f("target_date", "date", "目标日期", "Date of a date target."),
                _f("target_text", "string", "定性目标", "Qualitative target."),
                _f("basis", "string", "指标值确定依据", "Basis of the target value."),
                *_source_fields(),
            ],
            "primaryKey": ["indicator"],
            "foreignKeys": [
                {
                    "fields": ["project"],
                    "reference": {"resource": "projects", "fields": ["project"]},
                }
            ],
        },
        "department_targets": {
            "title": "部门整体绩效目标",
            "description": "Sub-targets of the department's overall performance targets.",
            "fields": [
                _f("target", "integer", "序号", "Number.", constraints={"required": True}),
                _f("group", "string", "分项", "Group (分项) heading."),
                _f("goal", "string", "绩效目标", "Goal text."),
                _f("indicator", "string", "绩效指标", "Indicator text as printed."),
                *_source_fields(),
            ],
            "primaryKey": ["target"],
        },
        "glossary": {
            "title": "名词解释",
            "description": "Glossary terms defined by the disclosure.",
            "fields": [
                _f("term", "string", "名词", "Term.", constraints={"required": True}),
                _f("definition", "string", "解释", "Definition."),
                *_source_fields(),
            ],
        },
        "sections": {
            "title": "说明文字",
            "description": "Narrative text under its heading.",
            "fields": [
                _f("section", "integer", "序号", "Section number.", constraints={"required": True}),
                _f("heading", "string", "标题", "Heading as printed (blank for the preface)."),
                _f("text", "string", "正文", "Text under the heading, lines joined by newlines."),
                _f("file", "string", "文件", "Source file."),
                *_source_fields(),
                _f(
                    "text_lines",
                    "string",
                    "正文行号",
                    "Source line of each line of `text`, space-separated.",
                ),
                _f(
                    "text_pages",
                    "string",
                    "正文页码",
                    "Source page of each line of `text`, space-separated (blank for text input).",
                ),
            ],
            "primaryKey": ["section"],
        },
        "reader_findings": {
            "title": "读取问题",
            "description": "Lines, cells and notes the reader did not understand or had to mend.",
            "fields": [
                _f("finding", "integer", "序号", "Number.", constraints={"required": True}),
                _f("code", "string", "类型", "Kind of finding."),
                _f(
                    "severity",
                    "string",
                    "级别",
                    "error, warning or info.",
                    constraints={"enum": ["error", "warning", "info"]},
                ),
                _f("message", "string", "说明", "What the reader found."),
                _f("file", "string", "文件", "Source file."),
                _f(
                    "line",
                    "integer",
                    "行号",
                    "Line where the finding is; 0 when it is about a whole page or file.",
                    constraints={"required": True, "minimum": 0},
                ),
                _f("page", "integer", "页码", "Page, where known."),
                _f("text", "string", "原文", "The line as printed."),
            ],
            "primaryKey": ["finding"],
        },
        "audit": {
            "title": "一致性审核",
            "description": "Every check of the consistency audit (opendata audit): the rule, its "
            "status (PASS, FAIL, WARN, SKIP), where it looked, the expected and actual values.",
            "fields": [
                _f("check", "integer", "序号", "Number.", constraints={"required": True}),
                _f(
                    "rule",
                    "string",
                    "规则",
                    "Rule id (see the README).",
                    constraints={"required": True},
                ),
                _f(
                    "status",
                    "string",
                    "结果",
                    "PASS, FAIL (an error), WARN (a warning) or SKIP (the rule could not run).",
                    constraints={"required": True, "enum": ["PASS", "FAIL", "WARN", "SKIP"]},
                ),
                _f(
                    "severity",
                    "string",
                    "级别",
                    "The rule's severity.",
                    constraints={"enum": ["error", "warning"]},
                ),
                _f("table", "string", "表格", "Table (printed title) the check looked at."),
                _f("row", "string", "行", "Row: code or label."),
                _f("column", "string", "列", "Column: concept or header."),
                _f("file", "string", "文件", "Source file."),
                _f("line", "integer", "行号", "Source line.", constraints={"minimum": 1}),
                _f("page", "integer", "页码", "Source page, where known."),
                _f("sentence", "string", "原文", "The sentence of the narrative checked."),
                _f("expected", "number", "应为", "Expected value, in `unit`."),
                _f("actual", "number", "实为", "Actual value, in `unit`."),
                _f("difference", "number", "差额", "Actual minus expected."),
                _f("unit", "string", "单位", "Unit of the values (元, 万元, %)."),
                _f("message_zh", "string", "说明", "The finding in Chinese."),
                _f("message_en", "string", "Message", "The finding in English."),
            ],
            "primaryKey": ["check"],
        },
    }
    for schema in schemas.values():
        schema["$schema"] = "https://specs.frictionlessdata.io/schemas/table-schema.json"
        schema["missingValues"] = [""]
    return schemas


def all_schemas() -> dict[str, Schema]:
    """Every schema by resource name: table kinds first, then derived resources."""
    result = {kind.key: table_schema(kind) for kind in KINDS}
    result.update(_derived())
    return result


_SCHEMA_TEXTS: dict[str, str] = {}


def schema_text(schema: Schema) -> str:
    """The schema as its file holds it (indented). Memoised by the schema's compact JSON: json
    indents in Python, four times slower than the compact form in C, for every package."""
    compact = json.dumps(schema, ensure_ascii=False)
    text = _SCHEMA_TEXTS.get(compact)
    if text is None:
        if len(_SCHEMA_TEXTS) >= 256:  # generic schemas differ by title: keep it bounded
            _SCHEMA_TEXTS.clear()
        text = _SCHEMA_TEXTS[compact] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return text


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema as ``<name>.json`` into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in all_schemas().items():
        path = directory / f"{name}.json"
        path.write_text(schema_text(schema), encoding="utf-8")
        paths.append(path)
    return paths
