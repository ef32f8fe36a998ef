"""The code lists: the cleaned procurement catalogue, COFOG, their SKOS, and the COFOG alignment."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from opendata.vocab import codelists
from opendata.vocab.codelists import (
    FUNCTIONAL_CLASSES,
    FUNCTIONAL_TO_COFOG,
    FUNCTIONAL_UNMAPPED,
    alignment_graph,
    alignment_markdown,
    codelists_graph,
    cofog_entries,
    cofog_scheme,
    procurement_entries,
    procurement_entry,
    procurement_level,
    procurement_parent,
)
from opendata.vocab.cofog_alignment import MATCH_TYPES

ROOT = Path(__file__).resolve().parent.parent
VOCAB = ROOT / "vocab" / "codelists"
SHARED = ROOT.parent / "shared" / "codelists"
BASE = "https://example.org/od/"

# The codes the third-party JSON lacks, recovered from the official PDF, with the PDF's names.
RECOVERED: dict[str, str] = {
    "A02090502": "机动电视转播及电视播出采访设备",
    "A02090804": "普及型卫星广播电视接收附加装置",
    "A02180500": "石棉、耐火制品及其他非金属矿物制品设备",
    "A02291000": "缝纫、服饰、制革和毛皮加工机械零部件",
    "A02299900": "其他缝纫、服饰、制革和毛皮加工机械",
    "A07010308": "钢筋混凝土井管、烟道管，相关钢筋混凝土管",
    "A07022102": "注射用重组人粒细胞巨噬细胞集落刺激因子",
    "A07022103": "注射用重组人白介素-2（冻干粉针剂）",
    "A07022205": "含有皮质甾类激素及其衍生物粉针剂",
    "A07022303": "含有皮质甾类激素及其衍生物注射液",
    "A07022805": "含有维生素及其衍生物缓释控释片",
    "A07022806": "含有皮质甾类激素及其衍生物缓释控释片",
    "A07022807": "含有生物碱及其衍生物缓释控释片",
    "A07025802": "吸附百日咳菌苗白喉类毒素混合制剂",
    "A07026004": "吸附精制破伤风气性坏疽四联类毒类",
    "A07026899": "其他非病人用诊断检验、实验用试剂",
    "A07050200": "煤气、水煤气、发生炉煤气和类似的可燃气",
    "A07050299": "其他煤气、水煤气、发生炉煤气和类似的可燃气",
    "A07059900": "其他电力、城市燃气、蒸汽和热水、水",
    "A07090308": "电气、电子设备用玻璃部件，相关工业品用玻璃部件",
    "B02130300": "长距离通信和电力线路（电缆）铺设",
    "C01031300": "电子、通信与自动控制技术研究服务",
    "C01039900": "其他工程和技术的研究与试验开发服务",
    "C01049900": "其他农业科学研究与试验发展服务",
    "C10020500": "纺织品、服装和皮革制品制造业服务",
    "C10020600": "木材和软木制品及草编织品和编制材料制造业服务",
    "C11051300": "长距离管道、通信和电力工程总承包服务",
    "C11051500": "矿山、工农林牧副渔业工程总承包服务",
    "C23120400": "农业和林业机械设备维修和保养服务",
    "C23120900": "货币处理专用设备维修和保养服务",
    "C23140600": "汽车、摩托车、燃料和零配件专门零售服务",
    "C23140700": "家用电器和电子产品专门零售服务",
}
# Names the third-party JSON had wrong beyond run-in text (truncated, 说明 instead of the name,
# a name wrapped over a page break), as the PDF prints them.
PDF_NAMES = {
    "A02030618": "通信指挥车",
    "A02080705": "会议电话调度设备及市话中继设备",
    "A02110202": "敏感元件、磁性材料、电感元件测量仪",
    "A02151200": "合成纤维及合纤聚合物生产装置",
    "A07022001": "专用于人或兽药凝胶制品",
    "C01010600": "语言学和语言的研究和试验开发服务",
    "C03020000": "就业指导服务",
    "C23140800": "五金、家具和室内装修材料专门零售服务",
    # run-in 说明 text cut off
    "C23130600": "矿产品、建材和化工产品批发服务",
    "C01031500": "航空、航天科学技术研究服务",
    "A02021107": "KVM设备",
    "A02021005": "3D打印机",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- the procurement catalogue CSV ------------------------------------------------------------------
def test_procurement_csv_shape() -> None:
    rows = read_csv(VOCAB / "procurement-2022.csv")
    assert list(rows[0]) == ["code", "name", "level", "parent", "page"]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) == 4304
    assert codes == sorted(codes)
    assert [r["code"] for r in rows if r["level"] == "0"] == ["A", "B", "C"]


def test_names_carry_no_run_in_description() -> None:
    """A name is the short item name: no 说明 sentence, enumeration or wrapped fragment."""
    for entry in procurement_entries():
        name = entry.name
        assert name, entry.code
        assert len(name) <= 25, entry
        assert not re.search(r"\s", name), entry  # the JSON glued 说明 text on after a space
        assert not re.search(r"[。；：:]|——|包括|等。|入此", name), entry
        assert not re.match(r"(包括|见《|指(?!接材))", name), entry  # 指接材 is an item
        assert not re.search(r"[、，,（(]$", name), entry  # cut in the middle
        assert not re.match(r"[、，,）)]", name), entry


def test_recovered_codes_are_present() -> None:
    assert len(RECOVERED) == 32
    for code, name in RECOVERED.items():
        found = procurement_entry(code)
        assert found == (name, procurement_parent(code)), code


@pytest.mark.parametrize(("code", "name"), sorted(PDF_NAMES.items()))
def test_names_are_the_pdfs(code: str, name: str) -> None:
    assert procurement_entry(code) == (name, procurement_parent(code))


def test_known_entry() -> None:
    assert procurement_entry("C16020300") == ("软件集成实施服务", "C16020000")
    assert procurement_entry(" C16020300 ") == ("软件集成实施服务", "C16020000")
    assert procurement_entry("A") == ("货物", "")
    assert procurement_entry("C16020399") is None
    assert procurement_entry("") is None


def test_hierarchy_is_consistent() -> None:
    entries = {e.code: e for e in procurement_entries()}
    for e in entries.values():
        assert re.fullmatch(r"[ABC](\d{8})?", e.code), e
        assert e.level == procurement_level(e.code), e
        assert (e.level == 0) == (len(e.code) == 1), e
        assert e.parent == procurement_parent(e.code), e
        if e.level == 0:
            assert e.parent == ""
        else:
            assert e.parent in entries, e
            assert entries[e.parent].level == e.level - 1, e
            assert e.code.startswith(e.parent[: 1 + 2 * (e.level - 1)]), e
        assert 11 <= e.page <= 147, e


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("A", 0, ""),
        ("A02000000", 1, "A"),
        ("A02010000", 2, "A02000000"),
        ("A02010100", 3, "A02010000"),
        ("A02010101", 4, "A02010100"),
        ("C99000000", 1, "C"),
        ("C01019900", 3, "C01010000"),
    ],
)
def test_level_and_parent_from_code(code: str, level: int, parent: str) -> None:
    assert procurement_level(code) == level
    assert procurement_parent(code) == parent


# -- COFOG ------------------------------------------------------------------------------------------
def test_cofog_csv() -> None:
    rows = read_csv(VOCAB / "cofog-1999.csv")
    assert list(rows[0]) == ["code", "level", "label"]
    assert len(rows) == len(cofog_entries()) == 188
    for r in rows:
        assert int(r["level"]) == r["code"].count(".") + 1, r
    licence = (VOCAB / "COFOG-LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Oliver Roberts" in licence


# -- the committed files are the build's output ------------------------------------------------------
@cache
def load_build_script() -> ModuleType:
    """``scripts/build_codelists.py`` as a module (registered, as its dataclasses need)."""
    path = ROOT / "scripts" / "build_codelists.py"
    spec = importlib.util.spec_from_file_location("build_codelists", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/codelists is not available")
def test_committed_files_equal_the_build(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out, docs = tmp_path / "codelists", tmp_path / "cofog-alignment.md"
    script = load_build_script()
    status = script.main(["--source", str(SHARED), "--out", str(out), "--docs", str(docs)])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "codes recovered from the PDF: 32" in printed
    assert "unresolved: 0" in printed
    for name in ("procurement-2022.csv", "cofog-1999.csv", "COFOG-LICENSE.txt"):
        assert (out / name).read_bytes() == (VOCAB / name).read_bytes(), name
    assert docs.read_text(encoding="utf-8") == alignment_markdown()
    source = read_csv(SHARED / "cofog-1999" / "cofog.csv")
    assert [(r["code"], r["level"], r["label"]) for r in source] == [
        (r["code"], r["level"], r["label"]) for r in read_csv(out / "cofog-1999.csv")
    ]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("塔 视用塔，交通航空用塔，气象、水", "塔"),
        ("KVM 设备", "KVM设备"),
        ("医用 X 线诊断设备 层诊断设备、X 线电子计算机断层", "医用X线诊断设备"),
        ("A3 黑白打印机", "A3黑白打印机"),
        ("软件集成实施服务", "软件集成实施服务"),
    ],
)
def test_clean_json_name(raw: str, name: str) -> None:
    assert load_build_script().clean_json_name(raw) == name


def test_alignment_document_is_generated() -> None:
    committed = (ROOT / "docs" / "cofog-alignment.md").read_text(encoding="utf-8")
    assert committed == alignment_markdown()


# -- SKOS ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def skos() -> Graph:
    return codelists_graph(BASE)


@pytest.fixture(scope="module")
def graph(skos: Graph) -> Graph:
    return skos + alignment_graph(BASE, 2022)


def check_scheme(graph: Graph, scheme: URIRef, count: int, lang: str, tops: set[str]) -> None:
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert len(concepts) == count
    assert concepts == {
        c for c in graph.subjects(RDF.type, SKOS.Concept) if str(c).startswith(f"{scheme}/")
    }
    broader: dict[URIRef, URIRef] = {}
    for concept in concepts:
        notations = list(graph.objects(concept, SKOS.notation))
        labels = list(graph.objects(concept, SKOS.prefLabel))
        assert len(notations) == 1 and notations[0].datatype is None, concept
        assert str(concept) == f"{scheme}/{notations[0]}"
        assert len(labels) == 1 and labels[0].language == lang, concept
        assert len(list(graph.objects(concept, SKOS.inScheme))) == 1
        parents = list(graph.objects(concept, SKOS.broader))
        assert len(parents) <= 1, concept
        if parents:
            assert parents[0] in concepts, concept
            broader[concept] = parents[0]
        else:
            assert (concept, SKOS.topConceptOf, scheme) in graph
            assert (scheme, SKOS.hasTopConcept, concept) in graph
    top_concepts = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert {str(t).rsplit("/", 1)[1] for t in top_concepts} == tops
    for concept in concepts:  # every broader chain ends at a top concept
        seen = {concept}
        while concept in broader:
            concept = broader[concept]
            assert concept not in seen, "broader cycle"
            seen.add(concept)
        assert concept in top_concepts


def test_procurement_skos(graph: Graph) -> None:
    scheme = URIRef(f"{BASE}codelist/procurement/2022")
    check_scheme(graph, scheme, 4304, "zh", {"A", "B", "C"})
    titles = list(graph.objects(scheme, URIRef("http://purl.org/dc/terms/title")))
    assert [(str(t), t.language) for t in titles] == [("政府采购品目分类目录（2022年版）", "zh")]
    concept = URIRef(f"{scheme}/C16020300")
    assert str(graph.value(concept, SKOS.prefLabel)) == "软件集成实施服务"
    assert graph.value(concept, SKOS.broader) == URIRef(f"{scheme}/C16020000")


def test_cofog_skos(graph: Graph) -> None:
    scheme = URIRef(f"{BASE}codelist/cofog/1999")
    check_scheme(graph, scheme, 188, "en", {f"{n:02d}" for n in range(1, 11)})
    assert graph.value(URIRef(f"{scheme}/01.1.3"), SKOS.broader) == URIRef(f"{scheme}/01.1")
    assert graph.value(URIRef(f"{scheme}/01.1"), SKOS.broader) == URIRef(f"{scheme}/01")


def test_codelists_graph_is_both_schemes(skos: Graph) -> None:
    cofog = cofog_scheme(BASE)
    assert all(triple in skos for triple in cofog)
    assert len(skos) == len(cofog) + 5 * 4304 + 3 + 3  # scheme: type, title, source; 3 tops
    assert not any("/functional/" in str(s) for s in skos.subjects())  # nothing year-specific


# -- the alignment ------------------------------------------------------------------------------------
def test_mapping_targets_exist() -> None:
    cofog = {e.code for e in cofog_entries()}
    assert set(FUNCTIONAL_TO_COFOG) | set(FUNCTIONAL_UNMAPPED) == set(FUNCTIONAL_CLASSES)
    assert not set(FUNCTIONAL_TO_COFOG) & set(FUNCTIONAL_UNMAPPED)
    assert len(FUNCTIONAL_CLASSES) == 30
    for code, (target, match, basis) in FUNCTIONAL_TO_COFOG.items():
        assert target in cofog, code
        assert match in MATCH_TYPES, code
        assert basis.startswith(f"{code} {FUNCTIONAL_CLASSES[code]} "), code
        assert "|" not in basis
    for code, reason in FUNCTIONAL_UNMAPPED.items():
        assert reason.startswith(f"{code} {FUNCTIONAL_CLASSES[code]} "), code


def test_alignment_graph() -> None:
    g = alignment_graph(BASE, 2023)
    cofog = f"{BASE}codelist/cofog/1999/"
    for code, (target, match, basis) in FUNCTIONAL_TO_COFOG.items():
        concept = URIRef(f"{BASE}codelist/functional/2023/{code}")
        assert (concept, SKOS[match], URIRef(cofog + target)) in g
        notes = list(g.objects(concept, SKOS.editorialNote))
        assert [(str(n), n.language) for n in notes] == [(basis, "en")]
    for code in FUNCTIONAL_UNMAPPED:
        concept = URIRef(f"{BASE}codelist/functional/2023/{code}")
        assert len(list(g.predicate_objects(concept))) == 1  # the note, no match


def test_sparql_division_of_education(graph: Graph) -> None:
    query = """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?notation ?label WHERE {
            ?class skos:closeMatch|skos:broadMatch|skos:relatedMatch ?cofog .
            ?cofog skos:broader* ?division .
            ?division skos:topConceptOf ?scheme ;
                      skos:notation ?notation ;
                      skos:prefLabel ?label .
        }
    """
    functional = URIRef(f"{BASE}codelist/functional/2022/205")
    rows = list(graph.query(query, initBindings={"class": functional}))
    assert [(str(n), str(label)) for n, label in rows] == [("09", "Education")]
    rows = list(
        graph.query(query, initBindings={"class": URIRef(f"{BASE}codelist/functional/2022/232")})
    )
    assert [str(n) for n, _ in rows] == ["01"]


def test_data_dir_is_the_repositorys() -> None:
    assert codelists.data_dir() == VOCAB
