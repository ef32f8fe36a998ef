"""The preamble between a table's title and its header: department, year, unit, as-of date.

Printed as ``203 XX部`` or ``部门名称：XX部``, ``预算年度：2023`` or a bare ``2023年``,
``单位：万元`` (alone or on the department's line), ``截止时间：…``; repeated on every page of a
long table in some forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opendata.read.lines import Line

DEPT_RE = re.compile(r"^(\d{3,12})\s+(\S.*)$")
DEPT_KEY_RE = re.compile(
    r"^(?:编制单位|部门名称|单位名称|预算单位|编制部门|预算主管部门|主管部门|部门)[:：]\s*"
    r"(\S.*?)(?:\s*(?:金额)?单位[:：].*)?$"
)
#: a department key printed with nothing after it (单位名称：), as forms left blank print it
EMPTY_KEY_RE = re.compile(
    r"^(?:编制单位|部门名称|单位名称|预算单位|编制部门|预算主管部门|主管部门)[:：]\s*$"
)
YEAR_RE = re.compile(r"(?:预算|决算)?年度[:：]\s*(\d{4})?")
BARE_YEAR_RE = re.compile(r"^(\d{4})\s*年?度?$")
UNIT_RE = re.compile(r"(?:金额)?单位[:：]\s*(亿元|万元|元)")
AS_OF_RE = re.compile(r"^截[止至](?:时间|日期)?[:：]\s*(\S+)")


#: A table's number printed before its title or as a caption: 公开01表, 公开表一, 表3
TABLE_NUMBER_RE = re.compile(
    r"^(公开\s*\d+\s*表|公开表\s*[一二三四五六七八九十\d]+|表\s*[一二三四五六七八九十\d]+)"
)


def is_caption(text: str) -> bool:
    """A line that is only a table's number (公开表一, 公开01表), printed above or below its
    title."""
    found = TABLE_NUMBER_RE.match(text.strip())
    return found is not None and found.end() == len(text.strip())


@dataclass
class Preamble:
    """Department, year, unit and as-of date printed between a title and its header."""

    department_code: str | None = None
    department: str | None = None  # printed after the code: 203 XX部
    department_key: str | None = None  # printed after a key: 部门名称：XX部
    year: int | None = None
    unit: str | None = None
    as_of: str | None = None


def read_preamble_line(line: Line, pre: Preamble, expect_year: bool) -> bool:
    """Take one preamble line into ``pre``; False when the line is not preamble."""
    text = line.stripped
    matched = False
    if dept := DEPT_KEY_RE.match(text):
        pre.department_key = dept.group(1).strip()
        matched = True
    elif EMPTY_KEY_RE.match(text):
        matched = True
    if unit := UNIT_RE.search(text):
        pre.unit = unit.group(1)
        matched = True
    if year := YEAR_RE.search(text):
        if year.group(1):
            pre.year = int(year.group(1))
        matched = True
    if as_of := AS_OF_RE.match(text):
        pre.as_of = as_of.group(1)
        matched = True
    if matched:
        return True
    if expect_year and (bare := BARE_YEAR_RE.match(text)):
        pre.year = int(bare.group(1))
        return True
    if dept := DEPT_RE.match(text):
        pre.department_code, pre.department = dept.group(1), dept.group(2).strip()
        return True
    return False
