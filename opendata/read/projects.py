"""Performance targets: project 绩效目标表 and the department's overall targets (部门整体绩效目标).

A project table starts with a title such as ``1、XX经费绩效目标表``; its 绩效目标 text may sit in
any column of the 绩效目标 row; the indicator rows have 一级/二级/三级指标 with merged cells
(blank below the first row of a group) filled down, 绩效指标描述, 指标值 (kept verbatim and
parsed, see :mod:`opendata.read.targets`) and 指标值确定依据.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opendata.model import Finding, Indicator, OverallTarget, Project, Source
from opendata.read.lines import Line, mend_spaces
from opendata.read.targets import parse_target

PROJECT_TITLE_RE = re.compile(r"^(?:(\d+)\s*[、.．]\s*)?(.+?)绩效目标(?:申报|填报)?表$")
FORM_TITLE_RE = re.compile(r"^(?:财政)?项目(?:支出)?绩效目标(?:申报|填报)?表$")
GOAL_KEYS = ("绩效目标", "年度绩效目标", "项目绩效目标", "总体目标")
GOAL_COLUMNS = {
    "项目总目标": "goal",
    "总体目标": "goal",
    "年度总体目标": "annual_goal",
    "年度目标": "annual_goal",
    "年度绩效目标": "annual_goal",
}
FORM_KEYS = (
    "项目名称",
    "主管部门",
    "实施单位",
    "项目性质",
    "项目类别",
    "计划开始日期",
    "计划完成日期",
    "项目负责人",
    "联系电话",
    "项目资金（元）",
    "项目资金(元)",
    "项目资金（万元）",
    "项目资金",
    "项目资金总额",
    "年度资金申请总额",
    "其中：财政资金",
    "其中：当年财政拨款",
    "财政资金",
    "当年财政拨款",
    "上年结转资金",
    "其他资金",
    "项目期",
    "资金总额",
    "年度资金总额",
)
INDICATOR_FIELDS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称"),
    "description": ("绩效指标描述", "指标描述", "指标内容"),
    "value": (
        "指标值",
        "目标值",
        "指标值（包含数字及文字描述）",
        "年度(/项目)指标值",
        "年度指标值",
        "项目指标值",
        "年度（/项目）指标值",
    ),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据"),
}


def project_title(line: Line, following: Sequence[Line] = ()) -> tuple[str, int] | None:
    """If ``line`` (maybe joined with the one or two ``following`` lines: a numbered title
    wrapped) is a project table title: (title, the number of lines it takes).

    The title may be a line of its own or the first row of the form's grid.
    """
    if line.is_row:
        filled = [mend_spaces(c) for c in line.cells if c]
        if len(filled) == 1 and PROJECT_TITLE_RE.match(filled[0]):
            return filled[0], 1
        return None
    text = mend_spaces(line.stripped)
    if PROJECT_TITLE_RE.match(text) and not text.startswith("第"):
        return text, 1
    if not re.match(r"^\d+\s*[、.．]", text):
        return None
    joined = text
    for used, after in enumerate(following[:2], 2):
        if after.is_row or len(after.stripped) > 20:
            return None
        joined += mend_spaces(after.stripped)
        if PROJECT_TITLE_RE.match(joined):
            return joined, used
    return None


def _key_values(cells: list[str]) -> list[tuple[str, str]]:
    """Key/value pairs of a form row such as ``项目名称 | | XX | | 项目性质 | 经常性项目``."""
    pairs: list[tuple[str, str]] = []
    key = None
    for cell in (mend_spaces(c) for c in cells):
        if not cell:
            continue
        if cell in FORM_KEYS:
            if key is not None:
                pairs.append((key, ""))
            key = cell
        elif key is not None:
            pairs.append((key, cell))
            key = None
    if key is not None:
        pairs.append((key, ""))
    return pairs


def read_project(
    lines: list[Line], i: int, title: str, title_line: Line, file: str
) -> tuple[Project, int, list[Finding]]:
    """Read the project table whose first row is at ``lines[i]`` (after the title)."""
    match = PROJECT_TITLE_RE.match(title)
    assert match is not None
    number = int(match.group(1)) if match.group(1) else None
    name = "" if FORM_TITLE_RE.match(title) else match.group(2)
    project = Project(number, name, None, [], Source(file, title_line.number, title_line.page))
    findings: list[Finding] = []
    columns: dict[str, int] | None = None
    goal_columns: dict[int, str] = {}
    carry = ["", ""]
    while i < len(lines):
        line = lines[i]
        if line.blank:
            i += 1
            continue
        if not line.is_row or (i > 0 and project_title(line) and columns is not None):
            break
        cells = line.cells
        source = Source(file, line.number, line.page)
        key = mend_spaces(cells[0])
        marks = [mend_spaces(c) for c in cells]
        pairs = _key_values(cells)
        if key in GOAL_KEYS and not any(m in GOAL_COLUMNS for m in marks):
            text = " ".join(c for c in cells[1:] if c)
            project.goal = f"{project.goal} {text}".strip() if project.goal else text
        elif any(m in GOAL_COLUMNS for m in marks):
            goal_columns = {j: GOAL_COLUMNS[m] for j, m in enumerate(marks) if m in GOAL_COLUMNS}
        elif goal_columns and columns is None and "一级指标" not in marks:
            for j, what in goal_columns.items():
                text = cells[j] if j < len(cells) else ""
                if text:
                    setattr(project, what, text)
            goal_columns = {}
        elif "一级指标" in marks:
            columns = _columns(marks)
        elif pairs and columns is None:
            for k, value in pairs:
                if k.startswith("项目资金") and not value:
                    continue  # a group label: 项目资金（元）
                if k == "项目名称" and value and not project.name:
                    project.name = value
                project.attributes[k] = value
        elif columns is None:
            if re.fullmatch(r"[（(]\d{4}年度?[)）]", " ".join(c for c in cells if c)):
                i += 1
                continue  # the form's year line: （2023年度）
            findings.append(
                Finding(
                    "unparsed-line",
                    "row before the indicator header of a performance table",
                    source,
                    line.text,
                )
            )
        else:
            width = max(columns.values()) + 1
            if (len(cells) != width and any(cells[width:])) or len(cells) < width:
                findings.append(
                    Finding(
                        "row-width",
                        f"indicator row has {len(cells)} cells, expected {width}",
                        source,
                        line.text,
                        "error",
                    )
                )
            cells = (cells + [""] * width)[: max(width, len(cells))]
            values = {name: cells[j] for name, j in columns.items()}
            carry[0] = values.get("level1") or carry[0]
            carry[1] = values.get("level2") or carry[1]
            if not values.get("level3") and not values.get("value"):
                findings.append(
                    Finding(
                        "unparsed-line",
                        "indicator row without 三级指标 or 指标值",
                        source,
                        line.text,
                    )
                )
            else:
                project.indicators.append(
                    Indicator(
                        carry[0],
                        carry[1],
                        values.get("level3", ""),
                        values.get("description") or None,
                        parse_target(values.get("value", "")),
                        values.get("basis") or None,
                        source,
                    )
                )
        i += 1
    project.name = project.name or title
    return project, i, findings


def _columns(header: list[str]) -> dict[str, int]:
    result: dict[str, int] = {}
    for j, text in enumerate(header):
        for name, names in INDICATOR_FIELDS.items():
            if text in names and name not in result:
                result[name] = j
    return result


TARGET_GROUP_RE = re.compile(r"^[（(][一二三四五六七八九十]+[)）]、?\s*(.+)$")
TARGET_GOAL_RE = re.compile(r"^\d+\s*[、.．]\s*绩效目标[:：]\s*(.*)$")
TARGET_INDICATOR_RE = re.compile(r"^绩效指标[:：]\s*(.*)$")


def overall_targets(lines: list[Line], file: str) -> tuple[list[OverallTarget], list[Line]]:
    """Sub-targets of 分项绩效目标; returns them and the lines that were not part of one."""
    targets: list[OverallTarget] = []
    rest: list[Line] = []
    group = ""
    for line in lines:
        text = line.stripped
        if m := TARGET_GROUP_RE.match(text):
            group = m.group(1).strip()
        elif m := TARGET_GOAL_RE.match(text):
            targets.append(
                OverallTarget(group, m.group(1).strip(), None, Source(file, line.number, line.page))
            )
        elif (m := TARGET_INDICATOR_RE.match(text)) and targets and targets[-1].indicator is None:
            targets[-1].indicator = m.group(1).strip()
        else:
            rest.append(line)
    return targets, rest
