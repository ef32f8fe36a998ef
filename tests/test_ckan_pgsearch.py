"""The test portal's search without Solr (ckan/ckanext-opendata-pgsearch), through CKAN's API."""

from __future__ import annotations

import json

import requests

from tests.ckan_portal import Portal

ORG = "opendata-pgsearch-tests"


def _search(portal: Portal, anonymous: bool = False, **params: object) -> dict:
    headers = {} if anonymous else {"Authorization": portal.token}
    query = {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    response = requests.get(
        f"{portal.url}/api/3/action/package_search", params=query, headers=headers, timeout=60
    )
    response.raise_for_status()
    return response.json()["result"]


def test_package_search_and_counts_come_from_postgresql(portal: Portal) -> None:
    if portal.action("organization_show", id=ORG) is None:
        portal.action("organization_create", name=ORG, title="pgsearch tests")
    for name in ("pgsearch-public", "pgsearch-private"):
        if portal.action("package_show", id=name) is not None:
            portal.action("dataset_purge", id=name)
    portal.action(
        "package_create",
        name="pgsearch-public",
        title="公开的预算",
        notes="部门预算 检索测试",
        owner_org=ORG,
        tags=[{"name": "预算"}, {"name": "pgsearch"}],
        extras=[{"key": "year", "value": "2023"}],
    )
    portal.action(
        "package_create", name="pgsearch-private", title="内部", owner_org=ORG, private=True
    )

    found = _search(portal, q="检索测试")
    assert [d["name"] for d in found["results"]] == ["pgsearch-public"]
    assert found["results"][0]["title"] == "公开的预算"  # the whole dataset, as package_show

    mine = _search(
        portal,
        fq=f"organization:{ORG}",
        include_private="true",
        sort="name asc",
        **{"facet.field": ["tags", "organization"]},
    )
    assert [d["name"] for d in mine["results"]] == ["pgsearch-private", "pgsearch-public"]
    assert mine["facets"]["organization"] == {ORG: 2}
    assert mine["facets"]["tags"] == {"pgsearch": 1, "预算": 1}

    public = _search(portal, anonymous=True, fq=f"organization:{ORG}", include_private="true")
    assert [d["name"] for d in public["results"]] == ["pgsearch-public"]
    assert _search(portal, fq="tags:pgsearch -name:pgsearch-public")["count"] == 0
    assert _search(portal, q="name:pgsearch-public", rows=0)["count"] == 1

    org = portal.action("organization_show", id=ORG)
    assert org["package_count"] == 2
    listed = {o["name"]: o for o in portal.action("organization_list", all_fields=True)}
    assert listed[ORG]["package_count"] >= 1
    assert requests.get(f"{portal.url}/dataset/", timeout=60).ok  # the web search page
