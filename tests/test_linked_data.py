"""The linked data: closed vocabulary, generated pages, SHACL shapes, and SPARQL over the graphs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, SKOS, XSD

from opendata.model import Document
from opendata.read.document import read_document
from opendata.validate.report import validate_graph
from opendata.vocab.namespace import CNB, VOCAB_URI
from opendata.vocab.page import vocabulary, vocabulary_page
from opendata.vocab.uris import examples
from opendata.write.package import build
from tests.conftest import ROOT
from tests.test_corpus import CORPUS, CREATED, DOCUMENTS, _ids

SHAPES = ROOT / "schemas" / "shapes.ttl"


# -- the vocabulary ------------------------------------------------------------------------------


def test_namespace_is_closed_and_equals_the_vocabulary() -> None:
    with pytest.raises(AttributeError):
        _ = CNB.amout  # a misspelt term fails instead of minting a URI
    ns = VOCAB_URI + "#"
    in_ttl = {str(s)[len(ns) :] for s in vocabulary().subjects() if str(s).startswith(ns)}
    in_python = {name for name in CNB.__annotations__ if not name.startswith("_")}
    assert in_ttl == in_python


def test_every_term_has_chinese_and_english_labels_and_a_comment() -> None:
    from rdflib.namespace import RDFS

    g = vocabulary()
    for term in {s for s in g.subjects() if str(s).startswith(VOCAB_URI + "#")}:
        labels = {getattr(o, "language", None) for o in g.objects(term, RDFS.label)}
        labels |= {getattr(o, "language", None) for o in g.objects(term, SKOS.prefLabel)}
        assert {"zh", "en"} <= labels, term
        assert term == CNB.structure or g.value(term, RDFS.comment) is not None, term


def test_vocabulary_page_and_code_lists_are_not_stale() -> None:
    page = (ROOT / "vocab" / "README.md").read_text(encoding="utf-8")
    assert page == vocabulary_page(), "vocab/README.md is stale: run `opendata vocab`"
    codelists = Graph()
    codelists.parse(ROOT / "vocab" / "codelists.ttl", format="turtle")
    from rdflib.compare import isomorphic

    from opendata.vocab.codelists import codelists_graph

    assert isomorphic(codelists, codelists_graph("https://w3id.org/opendata-cn/")), (
        "vocab/codelists.ttl is stale: run `opendata vocab`"
    )


def test_uri_policy_in_the_docs_matches_the_code() -> None:
    page = (ROOT / "docs" / "linked-data.md").read_text(encoding="utf-8")
    for uri in examples().values():
        assert f"`{uri}`" in page, uri


def test_uris_are_ascii_and_keyed(sample_graph: Graph) -> None:
    for s, _, o in sample_graph:
        for node in (s, o):
            if isinstance(node, URIRef):
                assert str(node).isascii(), node
    observations = list(sample_graph.subjects(RDF.type, QB.Observation))
    assert len(observations) == 293  # every printed amount of the sample
    assert len({str(o) for o in observations}) == 293


def test_base_is_configurable(sample_doc: Document) -> None:
    files = build(sample_doc, CREATED)
    other = build_with_base(sample_doc, "http://example.org/budget/")
    assert "https://w3id.org/opendata-cn/id/" in files["rdf/graph.ttl"]
    assert "https://w3id.org/opendata-cn/id/" not in other
    assert "http://example.org/budget/id/disclosure/" in other


def build_with_base(doc: Document, base: str) -> str:
    from opendata.write.package import build as build_package

    return build_package(doc, CREATED, base=base)["rdf/graph.ttl"]


def test_graph_serialisations_are_the_same_graph(sample_doc: Document) -> None:
    from rdflib.compare import isomorphic

    files = build(sample_doc, CREATED)
    graphs = []
    for path, fmt in (
        ("rdf/graph.ttl", "turtle"),
        ("rdf/graph.nt", "nt"),
        ("rdf/graph.jsonld", "json-ld"),
    ):
        graph = Graph()
        graph.parse(data=files[path], format=fmt)
        graphs.append(graph)
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])


# -- SHACL: every shape rejects a minimal broken graph ----------------------------------------


def _one(graph: Graph, kind: URIRef) -> URIRef:
    return sorted(graph.subjects(RDF.type, kind), key=str)[0]


def _observation_with(graph: Graph, prop: URIRef, value_filter: Callable[[object], bool]) -> URIRef:
    return sorted((s for s, o in graph.subject_objects(prop) if value_filter(o)), key=str)[0]


def _drop(prop: URIRef, kind: URIRef) -> Callable[[Graph], None]:
    def mutate(g: Graph) -> None:
        node = _one(g, kind)
        g.remove((node, prop, None))

    return mutate


def _functional(g: Graph) -> URIRef:
    return _observation_with(g, CNB.functionalClassification, lambda o: o != CNB.notApplicable)


def _economic(g: Graph) -> URIRef:
    return _observation_with(g, CNB.economicClassification, lambda o: o != CNB.notApplicable)


def _bad_functional(g: Graph) -> None:
    concept = g.value(_functional(g), CNB.functionalClassification)
    g.set((concept, SKOS.notation, Literal("2O1")))


def _bad_economic(g: Graph) -> None:
    concept = g.value(_economic(g), CNB.economicClassification)
    g.set((concept, SKOS.notation, Literal("30")))


def _wrong_broader(g: Graph) -> None:
    child = next(
        c
        for c in sorted(g.subjects(SKOS.broader, None), key=str)
        if len(str(g.value(c, SKOS.notation))) == 7
    )
    other = next(
        c
        for c in sorted(g.subjects(SKOS.notation, None), key=str)
        if str(g.value(c, SKOS.notation)) == "207"
    )
    g.set((child, SKOS.broader, other))


def _two_schemes(g: Graph) -> None:
    concept = g.value(_functional(g), CNB.functionalClassification)
    scheme = URIRef("https://w3id.org/opendata-cn/codelist/functional/1999")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((concept, SKOS.inScheme, scheme))


def _second_amount(g: Graph) -> None:
    obs = _one(g, QB.Observation)
    g.add((obs, CNB.amount, Literal("1.00", datatype=XSD.decimal)))


def _bad_currency(g: Graph) -> None:
    dataset = _one(g, QB.DataSet)
    g.set(
        (
            dataset,
            CNB.currency,
            URIRef("http://publications.europa.eu/resource/authority/currency/USD"),
        )
    )


def _untyped_unit_parent(g: Graph) -> None:
    unit = _one(g, CNB.BudgetUnit)
    g.remove((unit, URIRef("http://www.w3.org/ns/org#subOrganizationOf"), None))


def _orphan_project(g: Graph) -> None:
    project = _one(g, CNB.Project)
    g.remove((None, CNB.project, project))


def _quantity_without_number(g: Graph) -> None:
    indicator = _observation_with(g, CNB.targetKind, lambda o: str(o) == "quantity")
    g.remove((indicator, CNB.targetValue, None))


def _bad_catalogue(g: Graph) -> None:
    item = _one(g, CNB.ProcurementItem)
    g.set(
        (
            item,
            CNB.catalogueItem,
            URIRef("https://w3id.org/opendata-cn/codelist/procurement/2022/X1"),
        )
    )


def _finding_with_unknown_status(g: Graph) -> None:
    finding = _one(g, CNB.AuditFinding)
    g.set((finding, CNB.auditStatus, Literal("MAYBE")))


SHAPE_CASES = {
    "AuditFindingShape": _finding_with_unknown_status,
    "ObservationShape": _second_amount,
    "DataSetShape": _bad_currency,
    "FunctionalCodeShape": _bad_functional,
    "EconomicCodeShape": _bad_economic,
    "ClassificationHierarchyShape": _wrong_broader,
    "ConceptShape": _two_schemes,
    "DisclosureShape": _drop(DCTERMS.publisher, CNB.Disclosure),
    "DistributionShape": _drop(
        URIRef("http://www.w3.org/ns/dcat#mediaType"),
        URIRef("http://www.w3.org/ns/dcat#Distribution"),
    ),
    "TableShape": _drop(CNB.tableKind, CNB.DisclosureTable),
    "DepartmentShape": _drop(SKOS.prefLabel, CNB.Department),
    "BudgetUnitShape": _untyped_unit_parent,
    "ProjectShape": _orphan_project,
    "IndicatorShape": _quantity_without_number,
    "ProcurementItemShape": _bad_catalogue,
}


def test_every_shape_has_a_rejection_test() -> None:
    shapes = Graph()
    shapes.parse(SHAPES, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    names = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(RDF.type, URIRef(sh + "NodeShape"))}
    assert names == set(SHAPE_CASES)


@pytest.mark.parametrize("shape", sorted(SHAPE_CASES))
def test_shape_rejects_a_minimal_broken_graph(
    shape: str, sample_graph: Graph, tmp_path: Path
) -> None:
    broken = Graph()
    for triple in sample_graph:
        broken.add(triple)
    SHAPE_CASES[shape](broken)
    path = tmp_path / "graph.ttl"
    broken.serialize(path, format="turtle")
    conforms, _, errors = validate_graph(path)
    assert not conforms
    assert errors


def test_sample_graph_conforms(sample_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.ttl"
    sample_graph.serialize(path, format="turtle")
    conforms, triples, errors = validate_graph(path)
    assert conforms, errors[:3]
    assert triples == len(sample_graph)


# -- SPARQL over the graphs --------------------------------------------------------------------

TOTALS = """
PREFIX cnb: <https://w3id.org/opendata-cn/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?table ?column ?total ?sum ?parts ?unit WHERE {
    { SELECT ?table ?column (SUM(?amount) AS ?total) (SAMPLE(?u) AS ?unit) WHERE {
        ?t cnb:table ?table ; cnb:column ?column ; cnb:rowRole "total" ; cnb:amount ?amount ;
           cnb:printedUnit ?u ; cnb:functionalClassification cnb:notApplicable ;
           cnb:economicClassification cnb:notApplicable .
    } GROUP BY ?table ?column }
    { SELECT ?table ?column (SUM(?amount) AS ?sum) (COUNT(?amount) AS ?parts) WHERE {
        ?o cnb:table ?table ; cnb:column ?column ; cnb:amount ?amount .
        { ?o cnb:functionalClassification ?c } UNION { ?o cnb:economicClassification ?c }
        ?c skos:notation ?code .
        FILTER (STRLEN(?code) = 3)
    } GROUP BY ?table ?column }
}
"""
FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(10**8)}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
@pytest.mark.parametrize("files", DOCUMENTS, ids=_ids)
def test_sparql_sum_reproduces_printed_totals(files: tuple[str, ...]) -> None:
    doc = read_document(*(CORPUS / f for f in files))
    graph = Graph()
    graph.parse(data=build(doc, CREATED)["rdf/graph.ttl"], format="turtle")
    rows = list(graph.query(TOTALS))
    expected = set()  # tables with a printed total and printed class amounts
    for table in doc.tables:
        totals = any(
            r.role == "total" and not r.code and any(c.value is not None for c in r.cells)
            for r in table.rows
        )
        classes = any(
            r.code_level == "class" and any(c.value is not None for c in r.cells)
            for r in table.rows
        )
        if totals and classes:
            expected.add(table.kind)
    assert {str(r.table).rsplit("/", 1)[1] for r in rows} == expected
    for row in rows:
        # the totals (合计, or 人员经费合计 + 公用经费合计) against the 类 rows; each part was
        # rounded to the printed unit: up to half its last place per part
        tolerance = Decimal("0.005") * FACTOR[str(row.unit)] * int(row.parts)
        assert abs(Decimal(str(row.total)) - Decimal(str(row.sum))) <= tolerance, row


PROJECTS = """
PREFIX cnb: <https://w3id.org/opendata-cn/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?project ?indicator ?target ?value ?unit WHERE {
    ?department cnb:project ?p . ?p skos:prefLabel ?project ; cnb:indicator ?i .
    ?i skos:prefLabel ?indicator ; cnb:targetText ?target .
    OPTIONAL { ?i cnb:targetValue ?value } OPTIONAL { ?i cnb:targetUnit ?unit }
} ORDER BY ?project ?indicator
"""


def test_sparql_projects_with_indicators_and_targets(sample_graph: Graph) -> None:
    rows = list(sample_graph.query(PROJECTS))
    assert len(rows) == 175
    assert len({str(r.project) for r in rows}) == 27
    found = {(str(r.project), str(r.indicator)): (str(r.target), r.value, r.unit) for r in rows}
    target, value, unit = found[("党报党刊征订费", "征订种类")]
    assert (target, Decimal(str(value)), str(unit)) == ("12种", Decimal(12), "种")
    target, value, unit = found[("2021 年追加干部人事档案信息化建设工作经费", "制作数字化档案数量")]
    assert (target, Decimal(str(value)), str(unit)) == ("≥800 卷", Decimal(800), "卷")


CLASS_201 = """
PREFIX cnb: <https://w3id.org/opendata-cn/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?name ?amount WHERE {
    ?c skos:notation ?code ; skos:prefLabel ?name ; skos:broader* ?class .
    ?class skos:notation "201" .
    ?o cnb:functionalClassification ?c ; cnb:table ?t ; cnb:column ?col ; cnb:amount ?amount .
    ?t cnb:tableKind "general_budget_expenditure" .
    ?col skos:notation "total" .
} ORDER BY ?code
"""


def test_sparql_class_201_with_its_categories_and_items(sample_graph: Graph) -> None:
    rows = [
        (str(r.code), str(r.name), Decimal(str(r.amount))) for r in sample_graph.query(CLASS_201)
    ]
    assert rows == [
        ("201", "一般公共服务支出", Decimal("10383800")),
        ("20131", "党委办公厅（室）及相关机构事务", Decimal("10375000")),
        ("2013101", "行政运行", Decimal("4392000")),
        ("2013102", "一般行政管理事务", Decimal("100000")),
        ("2013105", "专项业务", Decimal("3907900")),
        ("2013150", "事业运行", Decimal("1975100")),
        ("20134", "统战事务", Decimal("8800")),
        ("2013404", "宗教事务", Decimal("8800")),
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
def test_pyshacl_own_cli_says_every_corpus_graph_conforms(tmp_path: Path) -> None:
    graphs = []
    for files in DOCUMENTS:
        doc = read_document(*(CORPUS / f for f in files))
        path = tmp_path / f"{_ids(files)}.ttl"
        path.write_text(build(doc, CREATED)["rdf/graph.ttl"], encoding="utf-8")
        graphs.append(path)
    for path in graphs:
        done = subprocess.run(
            [sys.executable, "-m", "pyshacl", "-a", "-s", str(SHAPES), "-df", "turtle", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0 and "Conforms: True" in done.stdout, (
            path.name,
            done.stdout[-1500:],
        )
