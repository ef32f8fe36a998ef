"""A data package's metadata as CKAN fields, following the DCAT-AP mapping of ckanext-dcat.

ckanext-dcat (profiles ``euro_dcat_ap``, ``euro_dcat_ap_2``, ``euro_dcat_ap_3``) reads DCAT-AP
from a CKAN dataset's core fields and its extras: ``title`` → dct:title, ``notes`` →
dct:description, ``tags`` → dcat:keyword, ``license_id`` → dct:license, and extras such as
``uri``, ``identifier``, ``publisher_name``/``publisher_uri``, ``temporal_start``/``temporal_end``,
``language``, ``theme``, ``frequency``, ``access_rights``, ``conforms_to``, ``provenance`` and
``modified``; list-valued extras hold JSON lists. For a distribution it reads ``uri``,
``name``, ``description``, ``format``, ``mimetype``, ``size``, ``hash``/``hash_algorithm``
(spdx:checksum), ``language`` and ``conforms_to``. The URIs used here are the package graph's own
(the disclosure, its department, each file), so the portal's DCAT and the package's graph describe
the same things.

:func:`dcat_description` cuts the package's own DCAT description (the dcat:Dataset, its
distributions, sources and publisher) out of ``rdf/graph.nt`` as Turtle, to publish with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from opendata.vocab.namespace import CONTEXT

EU = "http://publications.europa.eu/resource/authority/"
LANGUAGE_ZH = EU + "language/ZHO"
THEMES = [EU + "data-theme/GOVE", EU + "data-theme/ECON"]
FREQUENCY_ANNUAL = EU + "frequency/ANNUAL"
ACCESS_PUBLIC = EU + "access-right/PUBLIC"
SHA256_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
TABLE_SCHEMA_SPEC = "https://specs.frictionlessdata.io/table-schema/"
DATA_PACKAGE_SPEC = "https://specs.frictionlessdata.io/data-package/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
DCT_PUBLISHER = "http://purl.org/dc/terms/publisher"
LINKS = {
    "http://www.w3.org/ns/dcat#distribution",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
    DCT_PUBLISHER,
}
KEEP_OF_PUBLISHER = {
    RDF_TYPE,
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://w3id.org/opendata-cn/vocab#departmentCode",
}


class DcatDescription:
    """The DCAT part of a package's graph: the dataset's URI, its publisher's, and Turtle."""

    def __init__(self, uri: str | None, publisher: str | None, turtle: bytes) -> None:
        self.uri = uri
        self.publisher = publisher
        self.turtle = turtle


def dcat_description(package_dir: Path, package_name: str) -> DcatDescription:
    """The dcat:Dataset of ``package_name`` in ``rdf/graph.nt`` with what it links to, as Turtle.

    Deterministic (sorted triples), so an unchanged package gives the same bytes. A package
    without a graph gives an empty description.
    """
    import pyoxigraph as ox

    graph = package_dir / "rdf" / "graph.nt"
    if not graph.is_file():
        return DcatDescription(None, None, b"")
    triples = list(ox.parse(path=str(graph), format=ox.RdfFormat.N_TRIPLES))
    datasets = {
        t.subject
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == DCAT_DATASET
    }
    dataset = next(
        (
            t.subject
            for t in triples
            if t.subject in datasets
            and t.predicate.value == DCT_IDENTIFIER
            and t.object.value == package_name
        ),
        None,
    )
    if dataset is None:
        return DcatDescription(None, None, b"")
    linked = {t.object for t in triples if t.subject == dataset and t.predicate.value in LINKS}
    publisher = next(
        (t.object for t in triples if t.subject == dataset and t.predicate.value == DCT_PUBLISHER),
        None,
    )
    keep = [
        t
        for t in triples
        if t.subject == dataset
        or (
            t.subject in linked
            and (t.subject != publisher or t.predicate.value in KEEP_OF_PUBLISHER)
        )
    ]
    keep.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    turtle = ox.serialize(keep, format=ox.RdfFormat.TURTLE, prefixes=CONTEXT).decode("utf-8")
    prefixes = sorted(line for line in turtle.splitlines() if line.startswith("@prefix"))
    body = [line for line in turtle.splitlines() if not line.startswith("@prefix")]
    text = "\n".join([*prefixes, "", *body]) + "\n"
    return DcatDescription(
        dataset.value, publisher.value if publisher is not None else None, text.encode("utf-8")
    )


def _notes(descriptor: dict[str, Any]) -> str:
    parts = [str(descriptor.get("description") or descriptor.get("title") or "")]
    if descriptor.get("performance_goal"):
        parts.append(f"部门整体绩效目标：{descriptor['performance_goal']}")
    sources = descriptor.get("sources") or []
    if sources:
        lines = [
            f"- {s.get('title') or s.get('path')} (SHA-256 {s.get('sha256')})" for s in sources
        ]
        parts.append("来源文件 (sources):\n" + "\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def _tag(text: str) -> str | None:
    """A CKAN tag: 2–100 characters of letters, digits, space, - _ . (any script)."""
    cleaned = "".join(c if c.isalnum() or c in " -_." else " " for c in str(text))
    cleaned = " ".join(cleaned.split())[:100]
    return cleaned if len(cleaned) >= 2 else None


def dataset_fields(descriptor: dict[str, Any], dcat: DcatDescription) -> dict[str, Any]:
    """The CKAN dataset fields the tool manages (no name, organisation or resources).

    ``extras`` is a dict here (key → string); the publisher turns it into CKAN's list of
    ``{"key", "value"}`` merged with the extras already on the portal.
    """
    year = descriptor.get("year")
    sources = descriptor.get("sources") or []
    licenses = descriptor.get("licenses") or [{"name": "notspecified"}]
    extras: dict[str, str] = {
        "department": str(descriptor.get("department") or ""),
        "department_code": str(descriptor.get("department_code") or ""),
        "year": str(year or ""),
        "kind": str(descriptor.get("kind") or ""),
        "level": str(descriptor.get("level") or ""),
        "source_sha256": " ".join(str(s.get("sha256")) for s in sources),
        "source_files": " ".join(str(s.get("path") or s.get("title")) for s in sources),
        "opendata_package": str(descriptor["name"]),
        "opendata_version": str(descriptor.get("opendata_version") or ""),
        # DCAT-AP, as ckanext-dcat's euro_dcat_ap profiles read extras
        "identifier": str(descriptor["name"]),
        "publisher_name": str(descriptor.get("department") or ""),
        "language": json.dumps([LANGUAGE_ZH]),
        "theme": json.dumps(THEMES),
        "frequency": FREQUENCY_ANNUAL,
        "access_rights": ACCESS_PUBLIC,
        "conforms_to": json.dumps([DATA_PACKAGE_SPEC]),
        "provenance": (
            f"Converted by opendata {descriptor.get('opendata_version') or ''} from "
            + ", ".join(f"{s.get('path')} (sha256 {s.get('sha256')})" for s in sources)
        ),
    }
    if descriptor.get("created"):
        extras["modified"] = str(descriptor["created"])
    if year:
        extras["temporal_start"] = f"{year}-01-01"
        extras["temporal_end"] = f"{year}-12-31"
    if dcat.uri:
        extras["uri"] = dcat.uri
    if dcat.publisher:
        extras["publisher_uri"] = dcat.publisher
    tags = [t for t in (_tag(k) for k in descriptor.get("keywords") or []) if t]
    return {
        "title": str(descriptor.get("title") or descriptor["name"]),
        "notes": _notes(descriptor),
        "license_id": str(licenses[0].get("name") or "notspecified"),
        "tags": sorted(set(tags)),
        "extras": {k: v for k, v in extras.items() if v},
    }


def resource_fields(
    *,
    name: str,
    title: str,
    description: str,
    fmt: str,
    mimetype: str,
    uri: str | None,
    tabular: bool,
) -> dict[str, Any]:
    """The CKAN resource fields the tool manages for one file (DCAT-AP distribution)."""
    text = f"{title} — {description}" if description and description != title else title
    fields: dict[str, Any] = {
        "name": name,
        "description": text,
        "format": fmt,
        "mimetype": mimetype,
        "hash_algorithm": SHA256_ALGORITHM,
        "language": json.dumps([LANGUAGE_ZH]),
    }
    if tabular:
        fields["conforms_to"] = json.dumps([TABLE_SCHEMA_SPEC])
    if uri:
        fields["uri"] = uri
    return fields
