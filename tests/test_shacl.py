"""The fast SHACL engine (shapes compiled to SPARQL, run by pyoxigraph) against pySHACL, the
referee: the same results on the sample graph, on every corpus graph, and on a broken graph for
every shape; and it refuses shapes it does not implement rather than ignore them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from opendata.errors import OpendataError
from opendata.shacl import UnsupportedShape, compile_shapes, validate_ntriples
from opendata.validate import validate_graph
from tests.conftest import ROOT
from tests.test_linked_data import SHAPE_CASES

SHAPES = (ROOT / "schemas" / "shapes.ttl").read_text(encoding="utf-8")
GOLDEN = ROOT / "tests" / "golden"


def _results(path: Path, engine: str) -> tuple[bool, set[tuple[str, str]]]:
    conforms, _, errors = validate_graph(path, engine=engine)
    return conforms, {(e.message.split(": ", 1)[0], e.type) for e in errors}


def _both(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    fast, referee = _results(path, "fast"), _results(path, "pyshacl")
    assert fast == referee


@pytest.mark.parametrize("shape", sorted(SHAPE_CASES))
def test_both_engines_find_the_same_violations_in_a_broken_graph(
    shape: str, sample_graph: Graph, tmp_path: Path
) -> None:
    broken = Graph()
    for triple in sample_graph:
        broken.add(triple)
    SHAPE_CASES[shape](broken)
    _both(broken, tmp_path)
    assert not _results(tmp_path / "graph.ttl", "fast")[0]


@pytest.mark.parametrize("package", sorted(p.name for p in GOLDEN.iterdir()))
def test_both_engines_pass_every_corpus_graph(package: str) -> None:
    graph = next((GOLDEN / package).iterdir()) / "rdf" / "graph.ttl"
    assert _results(graph, "fast") == _results(graph, "pyshacl") == (True, set())


def test_the_fast_engine_reads_n_triples_and_counts_triples(golden_package: Path) -> None:
    data = (golden_package / "rdf" / "graph.nt").read_bytes()
    conforms, triples, violations = validate_ntriples(data, SHAPES)
    assert conforms and not violations
    assert triples == data.count(b"\n")


@pytest.mark.parametrize(
    "feature",
    [
        "sh:closed true",
        "sh:maxLength 3",
        "sh:property [ sh:path ( <http://example.org/a> <http://example.org/b> ) ]",
        "sh:property [ sh:path <http://example.org/a> ; sh:nodeKind sh:Literal ]",
    ],
)
def test_a_feature_the_fast_engine_lacks_is_refused_not_ignored(feature: str) -> None:
    shapes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<http://example.org/S> a sh:NodeShape ; sh:targetClass <http://example.org/C> ; {feature} ."
    )
    compile_shapes.cache_clear()
    with pytest.raises(UnsupportedShape) as caught:
        validate_ntriples(b"", shapes)
    assert isinstance(caught.value, OpendataError)


def test_the_toolkit_shapes_compile() -> None:
    assert len(compile_shapes(SHAPES)) == SHAPES.count("a sh:NodeShape")


def test_a_literal_broader_concept_is_a_violation_for_both_engines(
    sample_graph: Graph, tmp_path: Path
) -> None:
    """Regression: indicator categories named their 一级指标 parent as a literal string."""
    from rdflib import Literal
    from rdflib.namespace import SKOS

    broken = Graph()
    for triple in sample_graph:
        broken.add(triple)
    child, parent = next(iter(broken.subject_objects(SKOS.broader)))
    broken.remove((child, SKOS.broader, parent))
    broken.add((child, SKOS.broader, Literal(str(parent))))
    _both(broken, tmp_path)
    conforms, found = _results(tmp_path / "graph.ttl", "fast")
    assert not conforms and (str(child), "shacl:NodeKindConstraintComponent") in found, found


def test_every_broader_concept_in_the_golden_graphs_is_an_iri() -> None:
    for path in GOLDEN.glob("*/*/rdf/graph.ttl"):
        graph = Graph().parse(path, format="turtle")
        from rdflib import URIRef
        from rdflib.namespace import SKOS

        objects = list(graph.objects(None, SKOS.broader))
        assert all(isinstance(o, URIRef) for o in objects), path


@pytest.mark.parametrize("with_axiom", [True, False])
def test_instances_of_a_subclass_count_only_with_the_subclass_axiom(
    with_axiom: bool, sample_graph: Graph, tmp_path: Path
) -> None:
    """The fast engine matches class members by rdf:type alone when the data graph has no
    rdfs:subClassOf; with one, by the full path. Both must agree with pySHACL."""
    from rdflib import URIRef
    from rdflib.namespace import QB, RDF, RDFS

    graph = Graph()
    for triple in sample_graph:
        graph.add(triple)
    special = URIRef("http://example.org/SpecialDataSet")
    for dataset in list(graph.subjects(RDF.type, QB.DataSet)):
        graph.remove((dataset, RDF.type, QB.DataSet))
        graph.add((dataset, RDF.type, special))
    if with_axiom:
        graph.add((special, RDFS.subClassOf, QB.DataSet))
    _both(graph, tmp_path)
    conforms, found = _results(tmp_path / "graph.ttl", "fast")
    assert conforms is with_axiom, found
