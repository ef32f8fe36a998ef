"""URI policy: deterministic, ASCII URIs built from keys (never row numbers) under one base.

The base is ``https://w3id.org/opendata-cn/`` unless set (``OPENDATA_BASE`` in the
environment, or ``base=`` where a function takes it). Keys that are Chinese text (department
and project names, row labels) are turned into ASCII by the first 8 hex digits of their
SHA-256, so the same name always gives the same URI. The README's "URI policy" section shows
every pattern; :func:`examples` prints them from this module so the two cannot drift.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/opendata-cn/"


def base_uri(base: str | None = None) -> str:
    """The configured base, always ending in ``/``."""
    value = base or os.environ.get("OPENDATA_BASE") or DEFAULT_BASE
    return value if value.endswith("/") else value + "/"


def key(text: str) -> str:
    """An ASCII key: the text itself when it is a safe ASCII slug, else 8 hex digits of SHA-256."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", text):
        return text
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Minter:
    """Mints the URIs of one package's things under a base."""

    base: str
    package: str  # the package name, itself ASCII and stable (see opendata.write.package)
    department: str  # department key: code and name hash, e.g. 203-ba858886
    year: int | None

    @property
    def disclosure(self) -> str:
        return f"{self.base}id/disclosure/{self.package}"

    @property
    def dataset(self) -> str:
        return f"{self.disclosure}/amounts"

    def table(self, resource: str) -> str:
        return f"{self.disclosure}/table/{resource}"

    def observation(self, resource: str, row_key: str, column: str) -> str:
        return f"{self.disclosure}/amount/{resource}/{key(row_key)}/{column}"

    def distribution(self, path: str) -> str:
        return f"{self.disclosure}/file/{path}"

    @property
    def department_uri(self) -> str:
        return f"{self.base}id/department/{self.department}"

    def unit(self, name: str) -> str:
        return f"{self.department_uri}/unit/{key(name)}"

    def project(self, name: str) -> str:
        return f"{self.department_uri}/project/{self.year or 'unknown'}/{key(name)}"

    def indicator(self, project_name: str, level3: str) -> str:
        return f"{self.project(project_name)}/indicator/{key(level3)}"

    def procurement_item(self, project_name: str, item: str, catalogue_code: str) -> str:
        return (
            f"{self.disclosure}/procurement/{key(project_name + '|' + item + '|' + catalogue_code)}"
        )

    def concept(self, scheme: str, code: str, year: int | None = None) -> str:
        return f"{scheme_uri(self.base, scheme, year)}/{key(code)}"


def scheme_uri(base: str, scheme: str, year: int | None = None) -> str:
    """A code list: functional/economic by year, column, phase, indicator-category …"""
    return f"{base}codelist/{scheme}" + (f"/{year}" if year is not None else "")


def department_key(code: str | None, name: str) -> str:
    """The department's key: its printed code (local to its government) and its name's hash."""
    return "-".join(p for p in (code, key(name)) if p)


def examples(base: str | None = None) -> dict[str, str]:
    """One URI of each kind, for the README's URI policy."""
    b = base_uri(base)
    m = Minter(b, "department-budget-2023-203-ba858886", "203-ba858886", 2023)
    return {
        "disclosure (dcat:Dataset)": m.disclosure,
        "amounts (qb:DataSet)": m.dataset,
        "table": m.table("income"),
        "observation (one printed amount)": m.observation("income", "2013101", "total"),
        "file (dcat:Distribution)": m.distribution("data/income.csv"),
        "department (org:Organization)": m.department_uri,
        "unit": m.unit("中共秦皇岛经济技术开发区工委党校"),
        "project": m.project("党报党刊征订费"),
        "indicator": m.indicator("党报党刊征订费", "征订种类"),
        "procurement item": m.procurement_item(
            "2021年追加干部人事档案信息化建设工作经费", "软件集成实施服务", "C16020300"
        ),
        "functional code 2013101 (2023 edition)": m.concept("functional", "2013101", 2023),
        "economic code 30101 (2023 edition)": m.concept("economic", "30101", 2023),
        "column concept": m.concept("column", "basic"),
        "phase": m.concept("phase", "budget"),
        "indicator category": m.concept("indicator-category", "产出指标"),
        "procurement catalogue (2022)": f"{scheme_uri(b, 'procurement', 2022)}/C16020300",
        "COFOG 1999": f"{scheme_uri(b, 'cofog', 1999)}/01.1",
        "vocabulary term": "https://w3id.org/opendata-cn/vocab#amount",
        "data structure definition": "https://w3id.org/opendata-cn/vocab#structure",
    }
