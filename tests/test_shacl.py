"""The fast SHACL engine (shapes compiled to SPARQL, run by pyoxigraph) against pySHACL, the
referee: the same results on the sample graph, on every corpus graph, and on a broken graph for
every shape; and it refuses shapes it does not implement rather than ignore them."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from opendata.errors import OpendataError, UnsupportedShape
from opendata.validate.report import validate_graph
from opendata.validate.shacl import compile_shapes, validate_ntriples
from opendata.validate.shapes import python_pattern
from tests.conftest import ROOT
from tests.test_linked_data import SHAPE_CASES

SHAPES = (ROOT / "schemas" / "shapes.ttl").read_text(encoding="utf-8")
GOLDEN = ROOT / "tests" / "golden"


def _results(path: Path, engine: str) -> tuple[bool, set[tuple[str, str]]]:
    conforms, _, errors = validate_graph(path, engine=engine)
    return conforms, {(e.message.split(": ", 1)[0], e.code) for e in errors}


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


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        " sh:property [ sh:path ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        " sh:property [ sh:path ex:p ; sh:node [ sh:targetClass ex:D ; sh:class ex:E ] ] .",
    ],
)
def test_a_shape_the_fast_engine_would_not_check_as_shacl_does_is_refused(shape: str) -> None:
    shapes = (
        f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n{shape}"
    )
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)


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


# -- the evaluator's pieces: patterns and terms ---------------------------------------------------

SH_PATTERNS = sorted(set(re.findall(r'sh:pattern "([^"]*)"', SHAPES)))
EXTRA_PATTERNS = [r"^a\.b$", "a|b|", "(?:ab)+c{2,}", r"[^0-9\-]x?", r"\/x\n", "^$", "", "é.元"]
PATTERN_TEXT = st.text(alphabet="0123456789abcxABC/-_\n.é元", max_size=12) | st.sampled_from(
    [
        "/codelist/phase/budget",
        "/codelist/phase/budget\n",
        "x/codelist/column/total_1",
        "2013101",
        "A-BC-D",
        "/codelist/procurement/2022/A0201",
        "",
    ]
)


def _regex(store: ox.Store, text: str, pattern: str) -> bool:
    """SPARQL REGEX in pyoxigraph (the terms written in N-Triples syntax, valid in SPARQL)."""
    query = f"SELECT (REGEX({ox.Literal(text)}, {ox.Literal(pattern)}) AS ?r) WHERE {{}}"
    return next(iter(store.query(query)))["r"].value == "true"


@settings(max_examples=150, deadline=None)
@given(text=PATTERN_TEXT, pattern=st.sampled_from(SH_PATTERNS + EXTRA_PATTERNS))
@example(text="/codelist/phase/budget\n", pattern="/codelist/phase/(budget|final-account)$")
def test_patterns_match_what_sparql_regex_matches(text: str, pattern: str) -> None:
    store = ox.Store()
    assert (python_pattern(pattern).search(text) is not None) is _regex(store, text, pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+",
        "[[:alpha:]]",
        "(?i)a",
        "a*?",
        r"\<a",
        "a{,2}",
        "[a&&b]",
        "(a",
        "a)",
        "a\\",
        "*a",
        "[a",
    ],
)
def test_a_pattern_feature_the_engines_could_read_differently_is_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedShape):
        python_pattern(pattern)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8),
    kind=st.sampled_from(["plain", "lang", "typed", "iri"]),
)
def test_terms_read_from_n_triples_are_written_as_violations_wrote_them(
    text: str, kind: str
) -> None:
    from opendata.validate.shacl import _datatype, _language, _sparql, _string
    from opendata.validate.shapes import _term

    if kind == "iri":
        term = ox.NamedNode("http://example.org/" + quote(text))
    elif kind == "lang":
        term = ox.Literal(text, language="zh-cn")
    elif kind == "typed":
        term = ox.Literal(text, datatype=ox.NamedNode("http://example.org/dt"))
    else:
        term = ox.Literal(text)
    store = ox.Store()
    store.add(
        ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), term)
    )
    written = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    nt = written.decode().split(" ", 2)[2][: -len(" .\n")]
    assert nt == str(term)
    assert _sparql(nt) == _term(term)
    assert _string(nt) == term.value
    if kind == "iri":
        assert _datatype(nt) is None and _language(nt) == ""
    else:
        assert _datatype(nt) == term.datatype.value
        assert _language(nt) == (term.language or "")


def test_unique_lang_false_is_no_constraint_and_a_non_boolean_is_refused() -> None:
    base = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<http://example.org/S> a sh:NodeShape ; sh:targetClass <http://example.org/C> ;"
        " sh:property [ sh:path <http://example.org/label> ; sh:uniqueLang %s ] ."
    )
    data = (
        b"<http://example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .\n"
        b'<http://example.org/x> <http://example.org/label> "a"@en .\n'
        b'<http://example.org/x> <http://example.org/label> "b"@EN .\n'
    )
    assert validate_ntriples(data, base % "false")[0]
    conforms, _, violations = validate_ntriples(data, base % "true")
    assert not conforms and [v.component for v in violations] == ["UniqueLangConstraintComponent"]
    with pytest.raises(UnsupportedShape):
        compile_shapes(base % '"yes"')


@pytest.mark.parametrize(
    ("datatype", "text", "valid"),
    [
        ("decimal", "349200.00", True),
        ("decimal", " -0.5 ", True),  # white space collapses
        ("decimal", "1e5", False),  # Python's Decimal reads it; XSD does not
        ("decimal", "12,5", False),
        ("integer", "012", True),
        ("integer", "1.0", False),
        ("gYear", "2023", True),
        ("gYear", "2023+08:00", True),
        ("gYear", "20x3", False),  # rdflib does not check a year: pySHACL lets this through
        ("gYear", "23", False),
        ("date", "2024-02-29", True),
        ("date", "2023-02-29", False),  # rdflib cannot even make this literal
        ("date", "2023-13-01", False),
        ("date", "2023-10-31Z", True),
        ("boolean", "true", True),
        ("boolean", "yes", False),
        ("dateTime", "2024-01-01T08:30:00+08:00", True),
        ("dateTime", "2024-01-01", False),
    ],
)
def test_a_literal_outside_its_datatype_lexical_space_violates_sh_datatype(
    datatype: str, text: str, valid: bool
) -> None:
    from opendata.validate.shacl import XSD, _well_formed

    assert _well_formed(XSD + datatype, text) is valid
    shapes = f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://example.org/S> a sh:NodeShape ; sh:targetClass <http://example.org/C> ;
            sh:property [ sh:path <http://example.org/p> ; sh:datatype xsd:{datatype} ] .
    """
    data = (
        "<http://example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://example.org/C> .\n"
        f'<http://example.org/x> <http://example.org/p> "{text}"'
        f"^^<http://www.w3.org/2001/XMLSchema#{datatype}> .\n"
    )
    conforms, _, violations = validate_ntriples(data.encode(), shapes)
    assert conforms is valid, violations
