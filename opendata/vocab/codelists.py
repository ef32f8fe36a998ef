"""The project's code lists as SKOS: the 2022 procurement catalogue, COFOG 1999, and an alignment.

* 《政府采购品目分类目录》(财政部, 2022年印发): ``vocab/codelists/procurement-2022.csv``
  (code, name, level, parent, page), built by ``scripts/build_codelists.py`` from the official
  PDF, which is the authority, cross-checked against a third-party parse.
* COFOG 1999, the UN Classification of the Functions of Government: ``vocab/codelists/
  cofog-1999.csv`` (code, level, label), from the MIT-licensed ``cofog`` package
  (``COFOG-LICENSE.txt``).
* :data:`FUNCTIONAL_TO_COFOG`: each 类 of 政府收支分类科目 支出功能分类 aligned to a COFOG
  concept with a SKOS mapping property and a documented basis. :func:`alignment_markdown`
  renders it for ``docs/cofog-alignment.md``.

URIs follow :mod:`opendata.vocab.uris`: ``{base}codelist/procurement/2022/{code}``,
``{base}codelist/cofog/1999/{code}``, ``{base}codelist/functional/{year}/{code}``.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from opendata.resources import toolkit_folder
from opendata.vocab.uris import scheme_uri

PROCUREMENT_CSV = "procurement-2022.csv"
COFOG_CSV = "cofog-1999.csv"
PROCUREMENT_TITLE = "政府采购品目分类目录（2022年版）"
PROCUREMENT_SOURCE = "财政部《政府采购品目分类目录》（2022年印发）"
COFOG_TITLE = "Classification of the Functions of Government (COFOG 1999)"
COFOG_SOURCE = (
    "United Nations Statistics Division, COFOG 1999; codes and labels from the MIT-licensed "
    "cofog package (Copyright 2022 Oliver Roberts)"
)
MATCH_TYPES = ("closeMatch", "broadMatch", "relatedMatch")


class ProcurementEntry(NamedTuple):
    """One item of the procurement catalogue; ``parent`` is "" for the top concepts A, B, C."""

    code: str
    name: str
    level: int
    parent: str
    page: int  # the page of the official PDF (counted from 1) that prints the item


class CofogEntry(NamedTuple):
    """One COFOG 1999 code: division (level 1, ``01``), group (2, ``01.1``), class (3)."""

    code: str
    level: int
    label: str


def data_dir() -> Path:
    """The folder of the code-list CSVs: the repository's, else the installed wheel's copy."""
    return toolkit_folder("vocab/codelists", PROCUREMENT_CSV)


# -- the procurement catalogue ---------------------------------------------------------------------
def procurement_level(code: str) -> int:
    """The level of a catalogue code: 0 for A/B/C, then 1–4 by its trailing pairs of zeros."""
    if len(code) == 1:
        return 0
    digits = code[1:]
    if digits[2:] == "000000":
        return 1
    if digits[4:] == "0000":
        return 2
    if digits[6:] == "00":
        return 3
    return 4


def procurement_parent(code: str) -> str:
    """The parent code that the catalogue's numbering implies ("" for A, B, C)."""
    level = procurement_level(code)
    if level == 0:
        return ""
    if level == 1:
        return code[0]
    kept = 1 + 2 * (level - 1)  # the letter and the digit pairs of the levels above
    return code[:kept].ljust(9, "0")


@cache
def procurement_entries() -> tuple[ProcurementEntry, ...]:
    """All entries of the catalogue, in the catalogue's order."""
    with (data_dir() / PROCUREMENT_CSV).open(encoding="utf-8", newline="") as handle:
        return tuple(
            ProcurementEntry(r["code"], r["name"], int(r["level"]), r["parent"], int(r["page"]))
            for r in csv.DictReader(handle)
        )


@cache
def _procurement_index() -> dict[str, ProcurementEntry]:
    return {e.code: e for e in procurement_entries()}


def procurement_entry(code: str) -> tuple[str, str] | None:
    """(name, parent code; "" for A, B, C) of a catalogue code, or None when there is none."""
    entry = _procurement_index().get(code.strip())
    return None if entry is None else (entry.name, entry.parent)


def procurement_scheme(base: str) -> Graph:
    """The catalogue as a ``skos:ConceptScheme`` ``<{base}codelist/procurement/2022>``."""
    graph = _graph()
    scheme = URIRef(scheme_uri(base, "procurement", 2022))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(PROCUREMENT_TITLE, lang="zh")))
    graph.add((scheme, DCTERMS.source, Literal(PROCUREMENT_SOURCE, lang="zh")))
    for entry in procurement_entries():
        concept = URIRef(f"{scheme}/{entry.code}")
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.notation, Literal(entry.code)))
        graph.add((concept, SKOS.prefLabel, Literal(entry.name, lang="zh")))
        graph.add((concept, SKOS.inScheme, scheme))
        _place(graph, scheme, concept, entry.parent)
    return graph


# -- COFOG -----------------------------------------------------------------------------------------
@cache
def cofog_entries() -> tuple[CofogEntry, ...]:
    """All COFOG 1999 codes, in the classification's order."""
    with (data_dir() / COFOG_CSV).open(encoding="utf-8", newline="") as handle:
        return tuple(
            CofogEntry(r["code"], int(r["level"]), r["label"]) for r in csv.DictReader(handle)
        )


@cache
def _cofog_index() -> dict[str, CofogEntry]:
    return {e.code: e for e in cofog_entries()}


def cofog_label(code: str) -> str | None:
    """The English label of a COFOG code, or None when there is no such code."""
    entry = _cofog_index().get(code)
    return None if entry is None else entry.label


def cofog_parent(code: str) -> str:
    """The broader COFOG code, from the dotted prefix ("" for a division)."""
    return code.rpartition(".")[0]


def cofog_scheme(base: str) -> Graph:
    """COFOG as a ``skos:ConceptScheme`` ``<{base}codelist/cofog/1999>``."""
    graph = _graph()
    scheme = URIRef(scheme_uri(base, "cofog", 1999))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(COFOG_TITLE, lang="en")))
    graph.add((scheme, DCTERMS.source, Literal(COFOG_SOURCE, lang="en")))
    for entry in cofog_entries():
        concept = URIRef(f"{scheme}/{entry.code}")
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.notation, Literal(entry.code)))
        graph.add((concept, SKOS.prefLabel, Literal(entry.label, lang="en")))
        graph.add((concept, SKOS.inScheme, scheme))
        _place(graph, scheme, concept, cofog_parent(entry.code))
    return graph


def codelists_graph(base: str) -> Graph:
    """The year-independent code lists: the procurement catalogue and COFOG."""
    graph = procurement_scheme(base)
    graph += cofog_scheme(base)
    return graph


# -- the functional classification aligned to COFOG -----------------------------------------------
FUNCTIONAL_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}
"""The 类 of 支出功能分类 as named since 2020 (the 2019 revision, plus 234 from 2020)."""

# The match types read as SKOS does: closeMatch, the scopes largely coincide; broadMatch, the
# COFOG concept is broader than (contains) the Chinese class; relatedMatch, they overlap but
# neither contains the other, the COFOG concept being the nearest counterpart. COFOG classifies
# by purpose, so where a class mixes purposes the basis names where its other parts belong.
FUNCTIONAL_TO_COFOG: dict[str, tuple[str, str, str]] = {
    "201": (
        "01",
        "closeMatch",
        "201 一般公共服务支出 covers legislative and executive organs, government offices, "
        "fiscal, tax, audit and customs administration, statistics, archives and party and mass "
        "organisations = COFOG 01 General public services; it leaves foreign affairs (202), "
        "basic research (206) and public debt (231-233) to other classes, and its commerce and "
        "market-regulation items belong to COFOG 04.1.1",
    ),
    "202": (
        "01",
        "broadMatch",
        "202 外交支出 covers foreign-affairs administration, diplomatic missions and "
        "contributions to international organisations (COFOG 01.1.3 External affairs) and also "
        "对外援助 foreign economic aid (COFOG 01.2); both lie in COFOG 01 General public "
        "services, the narrowest COFOG concept that contains the whole class",
    ),
    "203": (
        "02",
        "closeMatch",
        "203 国防支出 covers the armed forces, defence research and 国防动员 (including civil air "
        "defence) = COFOG 02 Defence (military defence, civil defence, R&D defence)",
    ),
    "204": (
        "03",
        "closeMatch",
        "204 公共安全支出 covers the armed police, police, state security, procuratorates, courts, "
        "justice and prisons = COFOG 03 Public order and safety; fire services (COFOG 03.2) have "
        "been in 224 since 2019",
    ),
    "205": (
        "09",
        "closeMatch",
        "205 教育支出 covers education services at all levels (pre-school to higher, vocational, "
        "adult and special education) and their administration = COFOG 09 Education",
    ),
    "206": (
        "01.4",
        "relatedMatch",
        "206 科学技术支出 holds science and technology as one class; only its 基础研究 basic "
        "research matches COFOG 01.4 Basic research, while COFOG classifies applied research and "
        "development by the function served (R&D groups 01.5, 02.4, 03.5, 04.8, 05.5, 07.5 ...), "
        "which this class does not distinguish",
    ),
    "207": (
        "08",
        "closeMatch",
        "207 文化旅游体育与传媒支出 covers culture, cultural heritage, sport, press, publishing, "
        "film, radio and television = COFOG 08 Recreation, culture and religion; its tourism "
        "administration belongs to COFOG 04.7.3 Tourism",
    ),
    "208": (
        "10",
        "closeMatch",
        "208 社会保障和就业支出 covers pensions of government employees, subsidies to the "
        "social-insurance funds, social assistance, welfare, disability, veterans and employment "
        "subsidies = COFOG 10 Social protection; employment-service administration belongs to "
        "COFOG 04.1.2 General labour affairs",
    ),
    "209": (
        "10",
        "relatedMatch",
        "209 社会保险基金支出 is the spending of the social-insurance funds: pension, "
        "unemployment, work-injury and maternity benefits are COFOG 10 Social protection, but "
        "COFOG classifies benefits of the medical-insurance funds to the health care they pay "
        "for (COFOG 07 Health), so the class straddles two divisions",
    ),
    "210": (
        "07",
        "closeMatch",
        "210 卫生健康支出 covers public hospitals, primary care, public health, traditional "
        "Chinese medicine, medical assistance and subsidies to the basic medical-insurance funds "
        "= COFOG 07 Health",
    ),
    "211": (
        "05",
        "closeMatch",
        "211 节能环保支出 covers pollution control, environmental monitoring, natural ecological "
        "protection, forest and grassland protection and emission reduction = COFOG 05 "
        "Environmental protection; its energy-saving and renewable-energy items belong to COFOG "
        "04.3 Fuel and energy",
    ),
    "212": (
        "06",
        "closeMatch",
        "212 城乡社区支出 covers urban and rural community administration, planning and public "
        "facilities = COFOG 06 Housing and community amenities (community development, water "
        "supply, street lighting); housing itself is in 221, and its sanitation items belong to "
        "COFOG 05.1 Waste management",
    ),
    "213": (
        "04.2",
        "closeMatch",
        "213 农林水支出 covers agriculture and rural affairs, forestry and grassland, water "
        "conservancy and rural revitalisation = COFOG 04.2 Agriculture, forestry, fishing and "
        "hunting, which includes flood control, irrigation and drainage (04.2.1)",
    ),
    "214": (
        "04.5",
        "closeMatch",
        "214 交通运输支出 covers road, waterway, railway and civil-aviation transport = COFOG "
        "04.5 Transport; its postal item belongs to COFOG 04.6 Communication",
    ),
    "215": (
        "04",
        "broadMatch",
        "215 资源勘探工业信息等支出 covers resource exploration, manufacturing and construction "
        "(COFOG 04.4 Mining, manufacturing and construction), industry and information-industry "
        "regulation (04.6, 04.1.1), state-asset supervision and support for small enterprises "
        "(04.1.1): all within COFOG 04 Economic affairs",
    ),
    "216": (
        "04",
        "broadMatch",
        "216 商业服务业等支出 covers domestic trade and distribution (COFOG 04.7.1 Distributive "
        "trades, storage and warehousing) and foreign-trade development services (04.1.1 "
        "General economic and commercial affairs): both within COFOG 04 Economic affairs",
    ),
    "217": (
        "04.1.1",
        "broadMatch",
        "217 金融支出 covers the administration, supervision and development of the financial "
        "sector; COFOG puts supervision of the banking industry in 04.1.1 General economic and "
        "commercial affairs (not in 01.1.2, which is the government's own fiscal affairs)",
    ),
    "219": (
        "01.8",
        "relatedMatch",
        "219 援助其他地区支出 is counterpart aid from one local government to another region; "
        "COFOG has no horizontal transfers and would classify the aid by its final use, so the "
        "nearest concept is 01.8 Transfers of a general character between different levels of "
        "government",
    ),
    "220": (
        "04.1.1",
        "relatedMatch",
        "220 自然资源海洋气象等支出 covers natural-resource, land, surveying and mapping, ocean "
        "and meteorological affairs; COFOG 04.1.1 explicitly includes weather forecasting and "
        "geodesic and hydrologic surveys, while mineral-resource administration is 04.4.1, "
        "land-use regulation 06.2 and marine protection 05.4, so no COFOG concept contains it",
    ),
    "221": (
        "06.1",
        "closeMatch",
        "221 住房保障支出 is mostly 保障性安居工程 (public rental housing, shanty-town and "
        "rural dilapidated-house renovation) = COFOG 06.1 Housing development; its means-tested "
        "rent subsidies belong to COFOG 10.6 Housing and its 住房改革支出 (housing provident "
        "fund, housing allowances) is compensation of employees, classified with their function",
    ),
    "222": (
        "04",
        "broadMatch",
        "222 粮油物资储备支出 covers grain, edible-oil, commodity and energy reserves held to "
        "stabilise markets: storage and price stabilisation (COFOG 04.7.1), farm prices (04.2.1) "
        "and energy (04.3), within COFOG 04 Economic affairs; stocks held for disaster relief "
        "would be COFOG 10.9",
    ),
    "223": (
        "04",
        "relatedMatch",
        "223 国有资本经营预算支出 is spending from the state capital operation budget: capital "
        "injections and policy subsidies to state-owned enterprises (COFOG 04 by their "
        "industry) and the costs of enterprise reform, partly social protection (10); it is a "
        "budget, not a function",
    ),
    "224": (
        "03.2",
        "relatedMatch",
        "224 灾害防治及应急管理支出 covers emergency management, fire and rescue services "
        "(COFOG 03.2 Fire-protection services, which includes civil protection), forest fire "
        "fighting (04.2.2), mine safety (04.3.1, 04.4.1), earthquake and natural-disaster "
        "prevention, and relief to disaster victims (10.9)",
    ),
    "230": (
        "01.8",
        "relatedMatch",
        "230 转移性支出 records transfers between levels of government (返还性支出, 一般性转移"
        "支付 = COFOG 01.8 Transfers of a general character between different levels of "
        "government) together with earmarked transfers, which COFOG classifies by function, and "
        "budget-accounting items (上解, 调出资金, 结余)",
    ),
    "231": (
        "01.7",
        "relatedMatch",
        "231 债务还本支出 is repayment of debt principal, a financing transaction that COFOG "
        "does not classify as expenditure; COFOG 01.7 Public debt transactions (interest and "
        "flotation costs) is the related concept",
    ),
    "232": (
        "01.7",
        "closeMatch",
        "232 债务付息支出 is interest on government debt = COFOG 01.7 Public debt transactions "
        "(interest payments and outlays for underwriting and floating loans; the latter are 233)",
    ),
    "233": (
        "01.7",
        "broadMatch",
        "233 债务发行费用支出 is the cost of issuing government debt, the underwriting and "
        "flotation part of COFOG 01.7 Public debt transactions",
    ),
    "234": (
        "07.4",
        "relatedMatch",
        "234 抗疫特别国债安排的支出 was spending from the 2020 anti-epidemic special treasury "
        "bonds: its epidemic-control and public-health items are COFOG 07.4 Public health "
        "services, but it also financed infrastructure (04.5, 06) and relief (10)",
    ),
}

FUNCTIONAL_UNMAPPED: dict[str, str] = {
    "227": (
        "227 预备费 is the contingency reserve of a budget: it has no purpose of its own, and "
        "COFOG classifies the spending by function once the reserve is used"
    ),
    "229": (
        "229 其他支出 holds spending not classified elsewhere, of any purpose; each COFOG "
        "division has its own n.e.c. group, so there is no single counterpart"
    ),
}
"""Classes deliberately left without a COFOG mapping, with the reason."""


def alignment_graph(base: str, year: int) -> Graph:
    """The alignment of the functional classes of ``year``'s 科目 to COFOG.

    Each mapped class gets ``skos:closeMatch``, ``skos:broadMatch`` or ``skos:relatedMatch`` to
    its COFOG concept; every class (mapped or not) gets its basis as ``skos:editorialNote``. The
    table is that of the 2019-revised classification; it is not checked against ``year``.
    """
    graph = _graph()
    cofog = scheme_uri(base, "cofog", 1999)
    functional = scheme_uri(base, "functional", year)
    for code, (target, match, basis) in FUNCTIONAL_TO_COFOG.items():
        concept = URIRef(f"{functional}/{code}")
        graph.add((concept, SKOS[match], URIRef(f"{cofog}/{target}")))
        graph.add((concept, SKOS.editorialNote, Literal(basis, lang="en")))
    for code, reason in FUNCTIONAL_UNMAPPED.items():
        graph.add((URIRef(f"{functional}/{code}"), SKOS.editorialNote, Literal(reason, lang="en")))
    return graph


def alignment_markdown() -> str:
    """``docs/cofog-alignment.md``: the alignment table with its reading notes."""
    lines = [
        "# 支出功能分类 (functional classification) aligned to COFOG 1999",
        "",
        "Generated by `opendata.vocab.codelists.alignment_markdown()` from `FUNCTIONAL_TO_COFOG`;",
        "a test checks that this file is its output. In the linked data each class",
        "`<{base}codelist/functional/{year}/{code}>` carries the match to",
        "`<{base}codelist/cofog/1999/{code}>` and the basis as `skos:editorialNote`",
        "(`opendata.vocab.codelists.alignment_graph`).",
        "",
        "Match types, read as SKOS reads them:",
        "",
        "- **closeMatch**: the scopes largely coincide; where parts of the class belong",
        "  elsewhere in COFOG, the basis says where.",
        "- **broadMatch**: the COFOG concept is broader than the class and contains it.",
        "- **relatedMatch**: the two overlap but neither contains the other; the COFOG",
        "  concept is the nearest counterpart.",
        "- **—**: no sensible counterpart; the class is left unmapped.",
        "",
        "COFOG classifies spending by purpose; the Chinese classes partly follow administrative",
        "responsibility and budget accounting, so a class-level mapping is a guide, not a",
        "conversion of amounts.",
        "",
        "| 类 | name | COFOG | COFOG label | match | basis |",
        "|---|---|---|---|---|---|",
    ]
    for code, name in FUNCTIONAL_CLASSES.items():
        if code in FUNCTIONAL_TO_COFOG:
            target, match, basis = FUNCTIONAL_TO_COFOG[code]
            label = cofog_label(target) or "?"
            lines.append(f"| {code} | {name} | {target} | {label} | {match} | {basis} |")
        else:
            lines.append(f"| {code} | {name} | — | — | — | {FUNCTIONAL_UNMAPPED[code]} |")
    return "\n".join(lines) + "\n"


# -- helpers ---------------------------------------------------------------------------------------
def _graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.bind("skos", SKOS)
    graph.bind("dct", DCTERMS)
    return graph


def _place(graph: Graph, scheme: URIRef, concept: URIRef, parent: str) -> None:
    """``skos:broader`` the parent, or top concept of the scheme when there is none."""
    if parent:
        graph.add((concept, SKOS.broader, URIRef(f"{scheme}/{parent}")))
    else:
        graph.add((concept, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, concept))
