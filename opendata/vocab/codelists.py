"""The project's code lists as SKOS: the 2022 procurement catalogue, COFOG 1999, and an alignment.

* 《政府采购品目分类目录》(财政部, 2022年印发): ``vocab/codelists/procurement-2022.csv``
  (code, name, level, parent, page), built by ``scripts/build_codelists.py`` from the official
  PDF, which is the authority, cross-checked against a third-party parse.
* COFOG 1999, the UN Classification of the Functions of Government: ``vocab/codelists/
  cofog-1999.csv`` (code, level, label), from the MIT-licensed ``cofog`` package
  (``COFOG-LICENSE.txt``).
* :data:`FUNCTIONAL_TO_COFOG`: each 类 of 政府收支分类科目 支出功能分类 aligned to a COFOG
  concept with a SKOS mapping property and a documented basis (the table is in
  :mod:`opendata.vocab.cofog_alignment`). :func:`alignment_graph` renders it as SKOS and
  :func:`alignment_markdown` for ``docs/cofog-alignment.md``.

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
from opendata.vocab.cofog_alignment import (
    FUNCTIONAL_CLASSES,
    FUNCTIONAL_TO_COFOG,
    FUNCTIONAL_UNMAPPED,
)
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
