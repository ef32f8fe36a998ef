"""A package search answered from PostgreSQL through CKAN's model, and an index that does nothing.

``PgPackageSearchQuery.run`` takes the parameters CKAN's ``package_search`` passes to Solr
(``q``, ``fq``, ``fq_list``, ``rows``, ``start``, ``sort``, ``fl``, ``facet.field`` …) and sets
``results``, ``count`` and ``facets`` the way ``ckan.lib.search.query.PackageSearchQuery`` does.
Datasets are read from the database and filtered in Python: simple and exact, meant for small
portals and tests, not for millions of datasets.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.model as model
from ckan.lib.search.common import SearchError
from ckan.lib.search.index import SearchIndex
from ckan.lib.search.query import SearchQuery

# field:value, field:"quoted value", field:(a OR b), with an optional + or - in front
_FILTER = re.compile(r'([+-]?)([A-Za-z_][\w.]*):("(?:[^"\\]|\\.)*"|\([^)]*\)|[^\s()]+)')
_LOCAL_PARAMS = re.compile(r"\{![^}]*\}")
_SORTABLE = {"metadata_modified", "metadata_created", "name", "title_string", "title", "score"}


class NoopPackageIndex(SearchIndex):
    """Indexing does nothing: the database is the index."""

    def index_package(self, pkg_dict: Any, defer_commit: bool = False) -> None:
        return None

    def update_dict(self, data: dict[str, Any], defer_commit: bool = False) -> None:
        return None

    def remove_dict(self, data: dict[str, Any]) -> None:
        return None

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        return None

    def commit(self) -> None:
        return None

    def clear(self) -> None:
        return None


def _unquote(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("(") and value.endswith(")"):
        parts = re.split(r"\s+OR\s+", value[1:-1].strip())
        return [v for part in parts for v in _unquote(part)]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"')
    return [value.replace("\\", "")]


def _filters(text: str) -> tuple[list[tuple[bool, str, list[str]]], str]:
    """The field filters in a query string, and what is left of it (free text)."""
    text = _LOCAL_PARAMS.sub(" ", text or "")
    found: list[tuple[bool, str, list[str]]] = []
    for sign, field, value in _FILTER.findall(text):
        found.append((sign == "-", field, _unquote(value)))
    rest = _FILTER.sub(" ", text)
    rest = rest.replace("*:*", " ")
    return found, " ".join(w for w in rest.split() if w not in {"AND", "OR", "+", "-", "*"})


def _doc(pkg: model.Package) -> dict[str, Any]:
    """The searchable fields of one dataset."""
    org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
    extras = {key: value for key, value in (pkg.extras or {}).items()}
    return {
        "id": pkg.id,
        "name": pkg.name,
        "title": pkg.title or "",
        "title_string": (pkg.title or "").lower(),
        "notes": pkg.notes or "",
        "owner_org": pkg.owner_org or "",
        "organization": org.name if org else "",
        "groups": [g.name for g in pkg.get_groups("group")],
        "tags": [t.name for t in pkg.get_tags()],
        "res_format": [r.format for r in pkg.resources if r.format],
        "license_id": pkg.license_id or "",
        "state": pkg.state,
        "private": "true" if pkg.private else "false",
        "capacity": "private" if pkg.private else "public",
        "dataset_type": pkg.type,
        "type": pkg.type,
        "creator_user_id": pkg.creator_user_id or "",
        "metadata_modified": pkg.metadata_modified.isoformat() if pkg.metadata_modified else "",
        "metadata_created": pkg.metadata_created.isoformat() if pkg.metadata_created else "",
        "extras": extras,
    }


def _matches(doc: dict[str, Any], field: str, values: list[str]) -> bool:
    if field.startswith("extras_"):
        have: Any = doc["extras"].get(field[len("extras_") :], "")
    else:
        have = doc.get(field)
        if have is None:
            have = doc["extras"].get(field, "")
    have_list = have if isinstance(have, list) else [have]
    for value in values:
        if value == "*" and any(have_list):
            return True
        if value in have_list:
            return True
    return False


def _visible(doc: dict[str, Any], labels: list[str] | None) -> bool:
    """CKAN's default permission labels: public, creator-<user id>, member-<organisation id>."""
    if labels is None:
        return True
    mine = {f"creator-{doc['creator_user_id']}", f"member-{doc['owner_org']}"}
    if doc["private"] == "false":
        mine.add("public")
    return bool(mine & set(labels))


def _text_match(doc: dict[str, Any], words: list[str]) -> bool:
    haystack = " ".join([doc["name"], doc["title"], doc["notes"], *doc["tags"]]).lower()
    return all(word.lower().strip('"') in haystack for word in words)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return [str(v) for v in parsed] if isinstance(parsed, list) else [value]
    return [str(v) for v in value]


class PgPackageSearchQuery(SearchQuery):
    """``package_search`` over the database (see the module docstring)."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        query = model.Session.query(model.Package.id).filter(model.Package.state == "active")
        return [row[0] for row in query.limit(max_results)]

    def get_index(self, reference: str) -> dict[str, Any]:
        # package_show falls back to the database when the index has nothing.
        raise SearchError(f"no search index (opendata_pgsearch): {reference}")

    def run(
        self,
        query: dict[str, Any],
        permission_labels: list[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        filters, free = _filters(str(query.get("q") or ""))
        fq_parts = [str(query.get("fq") or ""), *_as_list(query.get("fq_list"))]
        for part in fq_parts:
            found, _ = _filters(part)
            filters.extend(found)
        words = free.split()

        docs = []
        for pkg in model.Session.query(model.Package):
            doc = _doc(pkg)
            if not _visible(doc, permission_labels):
                continue
            if not any(f == "state" for _, f, _ in filters) and doc["state"] != "active":
                continue
            if all(_matches(doc, f, v) != negate for negate, f, v in filters) and _text_match(
                doc, words
            ):
                docs.append(doc)

        for clause in reversed(str(query.get("sort") or "metadata_modified desc").split(",")):
            parts = clause.split()
            if not parts:
                continue
            field = parts[0] if parts[0] in _SORTABLE else "metadata_modified"
            if field == "score":
                field = "metadata_modified"
            reverse = len(parts) > 1 and parts[1].lower() == "desc"
            docs.sort(key=lambda d, f=field: d[f], reverse=reverse)

        self.count = len(docs)
        self.facets = self._facets(docs, query)
        start = int(query.get("start") or 0)
        rows = int(query.get("rows") if query.get("rows") is not None else 10)
        page = docs[start : start + rows]

        fl = str(query.get("fl") or "id validated_data_dict").replace(",", " ").split()
        self.results = [self._result(doc, fl) for doc in page]
        if len(fl) == 1 and fl[0] not in ("*", "validated_data_dict", "data_dict"):
            self.results = [r.get(fl[0]) for r in self.results]
        return {"results": self.results, "count": self.count}

    def _result(self, doc: dict[str, Any], fl: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        wants_dict = any(f in ("*", "validated_data_dict", "data_dict") for f in fl)
        if wants_dict:
            import ckan.logic as logic

            context = {"ignore_auth": True, "use_cache": False, "model": model}
            shown = logic.get_action("package_show")(context, {"id": doc["id"]})
            text = json.dumps(shown)
            result["validated_data_dict"] = text
            result["data_dict"] = text
        for field in fl:
            if field in doc:
                result[field] = doc[field]
        result.setdefault("id", doc["id"])
        return result

    def _facets(self, docs: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Any]:
        fields = _as_list(query.get("facet.field"))
        if str(query.get("facet", "true")).lower() == "false":
            return {}
        limit = int(query.get("facet.limit") or 50)
        mincount = int(query.get("facet.mincount") or 1)
        facets: dict[str, dict[str, int]] = {}
        for field in fields:
            counts: dict[str, int] = {}
            for doc in docs:
                value = doc.get(field, doc["extras"].get(field))
                for item in value if isinstance(value, list) else [value]:
                    if item:
                        counts[item] = counts.get(item, 0) + 1
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            ordered = [(k, v) for k, v in ordered if v >= mincount]
            facets[field] = dict(ordered if limit < 0 else ordered[:limit])
        return facets
