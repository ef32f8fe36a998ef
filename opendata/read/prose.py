"""Narrative: the document title, section headings, text under them and the 名词解释 glossary."""

from __future__ import annotations

import re

from opendata.model import Document, GlossaryTerm, Source
from opendata.read.lines import Line

HEADING_RES = (
    re.compile(r"^[一二三四五六七八九十]+\s*[、．.]\s*\S.{0,38}$"),
    re.compile(r"^第[一二三四五六七八九十]+部分\s*\S.{0,30}$"),
    re.compile(r"^[（(][一二三四五六七八九十]+[)）]、?\s*\S.{0,28}$"),
    re.compile(r"^.{2,60}(?:情况说明|信息公开|公开说明)$"),
    re.compile(r"^\S{0,16}(?:名词解释|主要职能|机构设置|编制说明|部门概况|预算表|决算表)$"),
)
TOC_RE = re.compile(r"^(.+?)(?:[.…·]{2,}|\t)\s*(\d{1,3})\s*$")
TOC_RULE_RE = re.compile(r"^[-—\s\t]+$")
GLOSSARY_RE = re.compile(
    r"^(?:[-*•]\s*)?(?:[（(](?:\d+|[一二三四五六七八九十]+)[)）]|\d+|[一二三四五六七八九十]+)"
    r"\s*[、.．]?\s*(?:\*\*)?(.{1,40}?)(?:\*\*)?\s*[:：]\s*(.+)$"
)
TITLE_YEAR_RE = re.compile(r"(\d{4})\s*年度?")


def is_heading(line: Line) -> bool:
    text = line.stripped.strip("*")
    if line.is_row or text.endswith(("。", "；", "，")) or re.search(r"[：:].{4,}", text):
        return False
    return any(p.match(text) for p in HEADING_RES)


def is_toc_entry(line: Line) -> bool:
    text = line.stripped
    return bool(TOC_RE.match(text) or (TOC_RULE_RE.match(text) and "-" in text))


def read_title(lines: list[Line], doc: Document) -> int:
    """Take the title paragraph at the top (``**2023 年…部门预算信息公开**``); return lines used."""
    parts: list[str] = []
    used = 0
    for line in lines:
        if line.blank:
            used += 1
            if parts:
                break
            continue
        if line.is_row or len(parts) >= 4 or (parts and line.page != lines[0].page):
            break
        parts.append(line.stripped.strip("*# ").strip("*"))
        used += 1
        if re.search(r"预算|决算", parts[-1]) and TITLE_YEAR_RE.search("".join(parts)):
            break
    title = "".join(parts)
    if not title or not TITLE_YEAR_RE.search(title):
        return 0
    doc.title = title
    apply_title(title, doc)
    return used


def apply_title(title: str, doc: Document) -> None:
    """Year, kind, level and department from a title such as 2023年XX部部门预算信息公开."""
    if m := TITLE_YEAR_RE.search(title):
        doc.year = doc.year or int(m.group(1))
    doc.kind = doc.kind or ("决算" if "决算" in title else "预算")
    if m := re.search(r"(部门|单位)(预算|决算)", title):
        doc.level = doc.level or m.group(1)


def department_from_title(title: str) -> str | None:
    """The department a title names: after the year (2023年XX部预算) or before it."""
    m = TITLE_YEAR_RE.search(title)
    if m is None:
        return None
    after = re.sub(
        r"^(?:区级|市级|省级|县级|本级)?(?:部门|单位)?(?:预算|决算).*$",
        "",
        title[m.end() :].strip(),
    )
    after = re.split(r"(?:部门|单位)(?:预算|决算)", after)[0].strip()
    before = title[: m.start()].strip()
    return after or before or None


def glossary(lines: list[Line], file: str) -> tuple[list[GlossaryTerm], list[Line]]:
    """Terms of a 名词解释 section; lines that are no term continue the previous definition."""
    terms: list[GlossaryTerm] = []
    rest: list[Line] = []
    for line in lines:
        if m := GLOSSARY_RE.match(line.stripped):
            term = m.group(1).strip("*").strip()
            terms.append(
                GlossaryTerm(term, m.group(2).strip(), Source(file, line.number, line.page))
            )
        elif terms and not line.is_row:
            terms[-1].definition += line.stripped
        else:
            rest.append(line)
    return terms, rest
