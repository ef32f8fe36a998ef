"""Shared fixtures: the founding sample, its model, and its committed (golden) package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from opendata.model import Document
from opendata.read.document import read_document
from tests.ckan_portal import Portal, portal_fixture

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "qinhuangdao-etdz-party-building-2023-budget.txt"
SHARED_SAMPLE = ROOT.parent / "shared" / "corpus" / "text" / SAMPLE.name
GOLDEN = ROOT / "datapackages"


@pytest.fixture(scope="session")
def sample_doc() -> Document:
    return read_document(SAMPLE)


@pytest.fixture(scope="session")
def sample_graph(sample_doc: Document) -> Graph:
    """The sample's package graph, parsed by rdflib."""
    from opendata.write.package import build

    graph = Graph()
    graph.parse(data=build(sample_doc, "2000-01-01T00:00:00Z")["rdf/graph.ttl"], format="turtle")
    return graph


@pytest.fixture(scope="session")
def golden_package() -> Path:
    packages = [p for p in GOLDEN.iterdir() if (p / "datapackage.json").is_file()]
    assert len(packages) == 1, f"expected one package in {GOLDEN}, found {packages}"
    return packages[0]


@pytest.fixture(scope="session")
def portal() -> Iterator[Portal]:
    """The real CKAN test portal (see tests/ckan_portal.py)."""
    yield from portal_fixture()
