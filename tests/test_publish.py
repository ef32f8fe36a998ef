"""Publishing to a real CKAN 2.11 (scripts/ckan.sh): create, re-publish, change, resume, fail.

Every test starts from the sample package with its dataset purged from the portal, and reads
every file back from CKAN to compare bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from opendata.errors import PortalError
from opendata.publish.datasets import publish, read_package
from tests.ckan_portal import CountingSession, Portal
from tests.cli_helpers import run_script

ORG = "opendata-tests"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture
def package(portal: Portal, golden_package: Path, tmp_path: Path) -> Path:
    """A copy of the sample package, its dataset absent from the portal, the organization there."""
    if portal.action("organization_show", id=ORG) is None:
        portal.action("organization_create", name=ORG, title="opendata tests")
    copy = tmp_path / golden_package.name
    shutil.copytree(golden_package, copy)
    if portal.action("package_show", id=copy.name) is not None:
        portal.action("dataset_purge", id=copy.name)
    return copy


def run(portal: Portal, package: Path, **kwargs: object):
    kwargs.setdefault("token", portal.token)
    kwargs.setdefault("backoff", 0.01)
    return publish([package], portal.url, ORG, **kwargs)  # type: ignore[arg-type]


def assert_published(portal: Portal, package: Path) -> dict:
    """The dataset has every file of the package exactly once, with the same bytes."""
    _, files, _ = read_package(package)
    dataset = portal.action("package_show", id=package.name)
    names = [r["name"] for r in dataset["resources"]]
    assert sorted(names) == sorted(f.name for f in files), names
    by_name = {r["name"]: r for r in dataset["resources"]}
    for local in files:
        remote = by_name[local.name]
        assert remote["url_type"] == "upload"
        assert remote["hash"] == local.sha256
        assert portal.download(remote["url"]) == local.data, local.name
        assert remote["schema"] == local.schema if local.schema else "schema" not in remote
    return dataset


def test_dry_run_prints_the_plan_and_changes_nothing(portal: Portal, package: Path) -> None:
    session = CountingSession()
    result = run(portal, package, dry_run=True, session=session)
    (plan,) = result.plans
    assert plan.action == "create"
    assert {s.action for s in plan.steps} == {"create"}
    _, files, _ = read_package(package)
    assert [s.name for s in plan.steps] == [f.name for f in files]
    assert {"income", "graph-ttl", "graph-jsonld", "datapackage", "dcat"} <= {f.name for f in files}
    assert session.actions() == ["organization_show", "package_show"]
    assert portal.action("package_show", id=package.name) is None

    done = run_script(
        "publish", package, "--portal", portal.url, "--organization", ORG, "--dry-run",
        cwd=package.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"-> {portal.url}/dataset/{package.name} [create]" in done.stdout
    assert "  create    income\n" in done.stdout
    assert "planned (dry run, nothing changed): 2 requests, 0 uploads" in done.stdout


def test_publish_creates_the_dataset_with_dcat_ap_fields(portal: Portal, package: Path) -> None:
    result = run(portal, package)
    assert not result.failures
    assert result.uploads == len(read_package(package)[1])
    dataset = assert_published(portal, package)
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    assert dataset["name"] == "department-budget-2023-203-ba858886"
    assert dataset["title"] == descriptor["title"]
    assert dataset["license_id"] == "notspecified"
    assert dataset["organization"]["name"] == ORG
    assert descriptor["description"] in dataset["notes"]
    assert {t["name"] for t in dataset["tags"]} == {"部门预算", descriptor["department"], "2023"}
    extras = {e["key"]: e["value"] for e in dataset["extras"]}
    assert extras["department"] == descriptor["department"]
    assert extras["year"] == "2023"
    assert extras["kind"] == "预算"
    assert extras["source_sha256"] == descriptor["sources"][0]["sha256"]
    # DCAT-AP as ckanext-dcat reads it: the package graph's own URIs
    assert extras["uri"] == f"https://w3id.org/opendata-cn/id/disclosure/{package.name}"
    assert extras["publisher_uri"] == "https://w3id.org/opendata-cn/id/department/203-ba858886"
    assert extras["temporal_start"] == "2023-01-01"
    assert json.loads(extras["language"]) == [
        "http://publications.europa.eu/resource/authority/language/ZHO"
    ]
    resources = {r["name"]: r for r in dataset["resources"]}
    assert (resources["income"]["format"], resources["income"]["mimetype"]) == ("CSV", "text/csv")
    assert isinstance(resources["income"]["schema"], dict)  # JSON, not a form string
    assert resources["income"]["schema"]["fields"][0]["name"] == "row"
    assert resources["income"]["uri"].endswith("/file/data/income.csv")
    assert (resources["graph-ttl"]["format"], resources["graph-ttl"]["mimetype"]) == (
        "Turtle",
        "text/turtle",
    )
    assert resources["graph-jsonld"]["mimetype"] == "application/ld+json"
    assert resources["datapackage"]["format"] == "JSON"
    dcat = portal.download(resources["dcat"]["url"])
    triples = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(dcat, format=ox.RdfFormat.TURTLE)
    }
    assert (extras["uri"], RDF_TYPE, "http://www.w3.org/ns/dcat#Dataset") in triples
    income_uri = resources["income"]["uri"]
    assert (extras["uri"], "http://www.w3.org/ns/dcat#distribution", income_uri) in triples


def test_republish_unchanged_uploads_nothing(portal: Portal, package: Path) -> None:
    run(portal, package)
    before = portal.action("package_show", id=package.name)
    session = CountingSession()
    result = run(portal, package, session=session)
    (plan,) = result.plans
    assert plan.action == "unchanged"
    assert {s.action for s in plan.steps} == {"unchanged"}
    assert session.uploads == 0 and result.uploads == 0
    assert session.actions() == ["organization_show", "organization_list_for_user", "package_show"]
    after = portal.action("package_show", id=package.name)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]


def _change_income(package: Path) -> bytes:
    """Change one amount in data/income.csv and record the new hash in datapackage.json."""
    path = package / "data" / "income.csv"
    data = path.read_bytes().replace(b"1241.14", b"1241.15", 1)
    path.write_bytes(data)
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    for res in descriptor["resources"]:
        if res["name"] == "income":
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            res["bytes"] = len(data)
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (package / "datapackage.json").write_text(text, "utf-8")
    return data


def test_republish_after_a_change_replaces_only_that_resource(
    portal: Portal, package: Path
) -> None:
    run(portal, package)
    # things added on the portal by hand, which the tool does not manage
    dataset = portal.action("package_show", id=package.name)
    extras = [*dataset["extras"], {"key": "portal_note", "value": "kept"}]
    tags = [*dataset["tags"], {"name": "editor-tag"}]
    portal.action("package_patch", id=dataset["id"], extras=extras, tags=tags, version="2")
    portal.action(
        "resource_create", package_id=dataset["id"], name="editor-link", url="http://example.org/"
    )
    before = {r["name"]: r for r in portal.action("package_show", id=package.name)["resources"]}

    data = _change_income(package)
    session = CountingSession()
    result = run(portal, package, session=session)
    (plan,) = result.plans
    changed = {s.name: s.reason for s in plan.steps if s.action != "unchanged"}
    assert changed.keys() == {"income", "datapackage"}
    assert "file changed" in changed["income"]
    assert session.uploads == 2 and result.uploads == 2
    assert "resource_create" not in session.actions()

    after = assert_published_with_extra(portal, package)
    assert after["income"]["id"] == before["income"]["id"]  # replaced in place
    assert portal.download(after["income"]["url"]) == data
    assert after["facts"]["last_modified"] == before["facts"]["last_modified"]
    dataset = portal.action("package_show", id=package.name)
    assert {"key": "portal_note", "value": "kept"} in dataset["extras"]
    assert "editor-tag" in {t["name"] for t in dataset["tags"]}
    assert dataset["version"] == "2"


def assert_published_with_extra(portal: Portal, package: Path) -> dict:
    """Like assert_published, allowing the hand-made 'editor-link' resource."""
    dataset = portal.action("package_show", id=package.name)
    mine = [r for r in dataset["resources"] if r["name"] != "editor-link"]
    assert len(mine) == len(dataset["resources"]) - 1
    _, files, _ = read_package(package)
    assert sorted(r["name"] for r in mine) == sorted(f.name for f in files)
    for local in files:
        (remote,) = [r for r in mine if r["name"] == local.name]
        assert remote["hash"] == local.sha256
        assert portal.download(remote["url"]) == local.data
    return {r["name"]: r for r in dataset["resources"]}


def test_interrupted_publish_is_completed_by_running_again(portal: Portal, package: Path) -> None:
    def cut_after_ten_uploads(action: str, upload: bool, earlier: int) -> int | None:
        if upload and earlier >= 10:
            raise requests.ConnectionError("injected: connection lost")
        return None

    first = run(portal, package, session=CountingSession(cut_after_ten_uploads), retries=0)
    ((_, error),) = first.failures
    assert isinstance(error, PortalError)
    assert "resource_create failed after 1 attempts" in str(error)
    assert f"dataset {package.name}, resource " in str(error)
    partial = portal.action("package_show", id=package.name)
    assert len(partial["resources"]) == 10

    session = CountingSession()
    second = run(portal, package, session=session)
    assert not second.failures
    assert session.uploads == len(read_package(package)[1]) - 10  # only what was missing
    assert_published(portal, package)


def test_a_lost_answer_leaves_no_duplicate(portal: Portal, package: Path) -> None:
    """resource_create reached CKAN but its answer was lost: the retry made a second copy."""

    def lose_third_create(action: str, upload: bool, earlier: int) -> bool:
        return action == "resource_create" and earlier == 2

    first = run(portal, package, session=CountingSession(lose_answer=lose_third_create))
    ((_, error),) = first.failures
    assert "the portal has it 2 times" in str(error)

    session = CountingSession()
    second = run(portal, package, session=session)
    assert not second.failures
    (plan,) = second.plans
    assert [s.reason for s in plan.steps if s.action == "delete"] == ["duplicate"]
    assert session.uploads == 0
    assert_published(portal, package)


def test_5xx_answers_are_retried(portal: Portal, package: Path) -> None:
    def first_try_fails(action: str, upload: bool, earlier: int) -> int | None:
        return 503 if earlier == 0 else None

    session = CountingSession(first_try_fails)
    result = run(portal, package, session=session)
    assert not result.failures
    assert result.requests["resource_create"] == len(read_package(package)[1]) + 1  # one retry
    assert_published(portal, package)


def test_a_bad_token_is_a_clear_error(portal: Portal, package: Path) -> None:
    with pytest.raises(PortalError, match="API token's user may not create datasets"):
        run(portal, package, token="not-a-valid-token")
    assert portal.action("package_show", id=package.name) is None

    token_file = package.parent / "token"
    token_file.write_text("secret-not-a-valid-token\n")
    done = run_script(
        "publish", package, "--portal", portal.url, "--organization", ORG,
        "--token-file", token_file, cwd=package.parent,
    )  # fmt: skip
    assert done.returncode == 6
    assert "error: organization opendata-tests: the API token's user may not" in done.stderr
    assert "secret-not-a-valid-token" not in done.stdout + done.stderr


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_portal_down_is_a_clear_error_after_retries(golden_package: Path) -> None:
    package = golden_package
    url = f"http://127.0.0.1:{_closed_port()}"
    session = CountingSession()
    started = time.monotonic()
    with pytest.raises(PortalError) as caught:
        publish([package], url, ORG, token="t", retries=3, backoff=0.01, session=session)
    assert time.monotonic() - started < 10
    assert session.actions() == ["organization_show"] * 4
    assert str(caught.value) == (
        f"organization {ORG}: organization_show failed after 4 attempts: "
        f"could not reach {url} (ConnectionError: Connection refused)"
    )
    done = run_script(
        "publish", package, "--portal", url, "--organization", ORG, "--retries", "1",
        "--backoff", "0", cwd=package.parent, env={"CKAN_API_TOKEN": "t"},
    )  # fmt: skip
    assert done.returncode == 6
    assert "failed after 2 attempts: could not reach" in done.stderr


def test_a_dataset_deleted_on_the_portal_comes_back(portal: Portal, package: Path) -> None:
    run(portal, package)
    portal.action("package_delete", id=package.name)
    result = run(portal, package)
    (plan,) = result.plans
    assert (plan.action, plan.reason) == ("update", "state")
    assert result.uploads == 0
    assert portal.action("package_show", id=package.name)["state"] == "active"
    assert_published(portal, package)
