"""Publishing without a portal: dataset names, the files of a package, the DCAT-AP fields."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from opendata.errors import InputError
from opendata.publish.datasets import dataset_name, read_package
from opendata.publish.dcat import SHA256_ALGORITHM, dataset_fields, dcat_description
from tests.cli_helpers import invoke


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ("department-budget-2023-203-ba858886", "department-budget-2023-203-ba858886"),
        ("Department_Budget 2023", "department_budget-2023"),
        ("部门预算-2023", "2023"),
        ("部门预算", "package-"),
        ("a" * 130, "a" * 100),
    ],
)
def test_dataset_names_are_ckan_names(package: str, expected: str) -> None:
    name = dataset_name(package)
    assert name.startswith(expected)
    assert 2 <= len(name) <= 100
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789-_" for c in name)


def test_the_files_of_a_package(golden_package: Path) -> None:
    descriptor, files, dcat = read_package(golden_package)
    names = [f.name for f in files]
    listed = [r["name"] for r in descriptor["resources"] if r["name"] != "graph-nt"]
    assert names == [*listed, "datapackage", "dcat"]
    assert {"income", "facts", "graph-ttl", "graph-jsonld"} <= set(names)
    by_name = {f.name: f for f in files}
    income = by_name["income"]
    assert income.data == (golden_package / "data" / "income.csv").read_bytes()
    assert income.schema == json.loads((golden_package / "schemas" / "income.json").read_text())
    assert income.fields["format"] == "CSV"
    assert income.fields["hash_algorithm"] == SHA256_ALGORITHM
    assert income.fields["uri"] == f"{dcat.uri}/file/data/income.csv"
    assert by_name["graph-jsonld"].fields["mimetype"] == "application/ld+json"
    assert by_name["graph-ttl"].schema is None
    assert by_name["dcat"].data == dcat.turtle


def test_the_dcat_description_is_the_datasets_part_of_the_graph(golden_package: Path) -> None:
    import pyoxigraph as ox

    name = golden_package.name
    first = dcat_description(golden_package, name)
    assert first.turtle == dcat_description(golden_package, name).turtle  # deterministic
    triples = list(ox.parse(first.turtle, format=ox.RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples}
    assert first.uri in subjects and first.publisher in subjects
    assert not any("/amount/" in s for s in subjects)  # no observations
    assert dcat_description(golden_package, "another-name").turtle == b""


def test_dataset_fields_follow_the_dcat_ap_mapping(golden_package: Path) -> None:
    descriptor, _, dcat = read_package(golden_package)
    fields = dataset_fields(descriptor, dcat)
    assert fields["title"] == descriptor["title"]
    assert fields["license_id"] == "notspecified"
    assert fields["notes"].startswith(descriptor["description"])
    assert descriptor["sources"][0]["sha256"] in fields["notes"]
    extras = fields["extras"]
    assert extras["identifier"] == descriptor["name"]
    assert extras["publisher_name"] == descriptor["department"]
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2023-01-01", "2023-12-31")
    assert extras["frequency"].endswith("/frequency/ANNUAL")
    assert all(isinstance(v, str) and v for v in extras.values())


def test_a_file_that_does_not_match_its_hash_is_refused(
    golden_package: Path, tmp_path: Path
) -> None:
    copy = tmp_path / golden_package.name
    shutil.copytree(golden_package, copy)
    (copy / "data" / "income.csv").write_text("changed\n")
    with pytest.raises(InputError, match=r"data/income\.csv does not match its hash"):
        read_package(copy)
    with pytest.raises(InputError, match="not a data package"):
        read_package(tmp_path)


def test_publish_needs_a_token_unless_dry_run(golden_package: Path, monkeypatch) -> None:
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    result = invoke(
        "publish", golden_package, "--portal", "http://127.0.0.1:9", "--organization", "x"
    )
    assert result.exit_code == 2
    assert "no API token: set CKAN_API_TOKEN or give --token-file" in result.output


def test_the_portal_must_be_an_http_url(golden_package: Path) -> None:
    result = invoke(
        "publish", golden_package, "--portal", "data.example.gov.cn", "--organization", "x"
    )
    assert result.exit_code == 2
    assert "'data.example.gov.cn' is not an http:// or https:// URL" in result.output
