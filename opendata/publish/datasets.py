"""Publish data packages to a CKAN portal: plan, then do only what the plan says, safely repeated.

One package becomes one CKAN dataset, named after the package (ASCII), in the given organisation.
Its resources are the package's CSV tables (each with its Table Schema as a JSON ``schema``
field), ``datapackage.json``, the graph as Turtle and JSON-LD (not N-Triples), any other file
the package lists, and the package's DCAT description (``dcat.ttl``, cut from the graph).
Dataset metadata follows ckanext-dcat's DCAT-AP mapping (:mod:`opendata.publish.dcat`).

Publishing is idempotent:

- ``package_show`` first; the plan says, per dataset and per resource, ``create``, ``update``
  (with the reason), ``unchanged`` or ``delete``.
- A file is uploaded only when its SHA-256 differs from the resource's ``hash`` (or the resource
  is not an upload). A changed file replaces the resource of the same name (``resource_patch``).
- Only the fields the tool manages are sent, with patch semantics (``package_patch``,
  ``resource_patch``): other fields, extras, tags and resources added on the portal survive.
- The hash is written with the upload, last, so a publish that stopped midway is completed by
  running it again. Resources of the same name found twice (a request that reached CKAN but whose
  answer was lost) are cut back to one; resources the tool made for files no longer in the
  package are deleted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from opendata.errors import InputError, OpendataError, PortalError
from opendata.publish.ckan import DEFAULT_BACKOFF, DEFAULT_RETRIES, CkanClient
from opendata.publish.dcat import DcatDescription, dataset_fields, dcat_description, resource_fields
from opendata.read.datapackage import DESCRIPTOR, read_descriptor, read_json, resource_path

# the graph files published, by package resource name: (CKAN format, media type)
GRAPH_RESOURCES = {"graph-ttl": ("Turtle", "text/turtle"), "graph-jsonld": ("JSON-LD", None)}
# not published: the same graph as graph-ttl, three times the size
SKIPPED_RESOURCES = {"graph-nt"}
DCAT_RESOURCE = "dcat"
DESCRIPTOR_RESOURCE = "datapackage"
MANAGED_BY = "opendata_package"  # resource field naming the package a resource belongs to


@dataclass
class LocalFile:
    """One file to publish as a CKAN resource."""

    name: str
    filename: str
    data: bytes
    fields: dict[str, Any]  # managed scalar fields (see opendata.publish.dcat.resource_fields)
    schema: dict[str, Any] | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Step:
    """What the plan does with one resource."""

    name: str
    action: str  # create | update | unchanged | delete
    reason: str = ""
    upload: bool = False
    local: LocalFile | None = None
    remote: dict[str, Any] | None = None


@dataclass
class DatasetPlan:
    """What the plan does with one package's dataset."""

    package: Path
    package_name: str
    name: str
    action: str  # create | update | unchanged
    reason: str
    fields: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    remote: dict[str, Any] | None = None
    url: str = ""

    @property
    def uploads(self) -> int:
        return sum(1 for s in self.steps if s.upload)


@dataclass
class PublishResult:
    """The plans, whether they were carried out, and what that cost."""

    plans: list[DatasetPlan]
    failures: list[tuple[Path, OpendataError]]
    dry_run: bool
    uploads: int
    requests: dict[str, int]


def dataset_name(package_name: str) -> str:
    """A CKAN dataset name: lowercase ASCII ``[a-z0-9_-]``, 2–100 characters.

    Other characters become dashes, as CKAN does with Chinese titles; a name with nothing left
    becomes ``package-`` and 8 hex digits of its SHA-256.
    """
    name = re.sub(r"[^a-z0-9_-]+", "-", package_name.lower())
    name = re.sub(r"-{2,}", "-", name).strip("-_")[:100].strip("-_")
    if len(name) < 2:
        name = "package-" + hashlib.sha256(package_name.encode("utf-8")).hexdigest()[:8]
    return name


def read_package(path: Path) -> tuple[dict[str, Any], list[LocalFile], DcatDescription]:
    """The descriptor and the files to publish of the package at ``path``."""
    root, descriptor = read_descriptor(path)
    raw = _read(root, DESCRIPTOR)
    dcat = dcat_description(path, descriptor["name"])

    def uri(relative: str) -> str | None:
        return f"{dcat.uri}/file/{relative}" if dcat.uri else None

    files: list[LocalFile] = []
    for res in descriptor.get("resources", []):
        name, relative = res.get("name"), res.get("path")
        tabular = res.get("profile") == "tabular-data-resource"
        if not isinstance(relative, str) or name in SKIPPED_RESOURCES:
            continue
        data = _read(root, relative)
        expected = str(res.get("hash", "")).removeprefix("sha256:")
        if expected and hashlib.sha256(data).hexdigest() != expected:
            raise InputError(
                f"{relative} does not match its hash in datapackage.json "
                "(the package changed after it was written; run opendata validate)",
                path=path,
            )
        if tabular:
            fmt, media = "CSV", "text/csv"
        else:  # the graph, or any other file the package lists
            suffix = Path(relative).suffix.lstrip(".")
            fmt, media = GRAPH_RESOURCES.get(name, (str(res.get("format") or suffix).upper(), None))
        schema = res.get("schema")
        if isinstance(schema, str):
            schema = read_json(root, schema)
        files.append(
            LocalFile(
                name=name,
                filename=Path(relative).name,
                data=data,
                fields=resource_fields(
                    name=name,
                    title=str(res.get("title") or name),
                    description=str(res.get("description") or ""),
                    fmt=fmt,
                    mimetype=media or str(res.get("mediatype") or "application/octet-stream"),
                    uri=uri(relative),
                    tabular=tabular,
                ),
                schema=schema if tabular else None,
            )
        )
    files.append(
        LocalFile(
            name=DESCRIPTOR_RESOURCE,
            filename="datapackage.json",
            data=raw,
            fields=resource_fields(
                name=DESCRIPTOR_RESOURCE,
                title="datapackage.json",
                description="The Frictionless Data Package descriptor: every file, its Table "
                "Schema, SHA-256 and the disclosure's metadata.",
                fmt="JSON",
                mimetype="application/json",
                uri=uri("datapackage.json"),
                tabular=False,
            ),
        )
    )
    if dcat.turtle:
        files.append(
            LocalFile(
                name=DCAT_RESOURCE,
                filename="dcat.ttl",
                data=dcat.turtle,
                fields=resource_fields(
                    name=DCAT_RESOURCE,
                    title="DCAT description",
                    description="The package's own DCAT description (dcat:Dataset, its "
                    "distributions, sources and publisher), cut from the graph.",
                    fmt="Turtle",
                    mimetype="text/turtle",
                    uri=None,
                    tabular=False,
                ),
            )
        )
    return descriptor, files, dcat


def _read(package: Path, relative: str) -> bytes:
    target = resource_path(package, relative)
    try:
        return target.read_bytes()
    except OSError as exc:
        raise InputError(f"{relative} cannot be read: {exc.strerror}", path=package) from None


# -- planning --------------------------------------------------------------------------------


def _extras(remote: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in remote.get("extras") or []}


def _dataset_changes(fields: dict[str, Any], remote: dict[str, Any], owner: str) -> list[str]:
    changes = [k for k in ("title", "notes", "license_id") if remote.get(k) != fields[k]]
    if remote.get("owner_org") != owner:
        changes.append("organization")
    if remote.get("state", "active") != "active":
        changes.append("state")  # deleted on the portal: publishing brings it back
    have_tags = {t["name"] for t in remote.get("tags") or []}
    if not set(fields["tags"]) <= have_tags:
        changes.append("tags")
    have = _extras(remote)
    changes += [f"extras.{k}" for k, v in fields["extras"].items() if have.get(k) != v]
    return changes


def _resource_changes(local: LocalFile, remote: dict[str, Any]) -> tuple[bool, list[str]]:
    """(upload needed, metadata fields that differ)."""
    upload = remote.get("hash") != local.sha256 or remote.get("url_type") != "upload"
    wanted = {**local.fields, MANAGED_BY: None}
    changed = [
        k for k, v in wanted.items() if k != MANAGED_BY and str(remote.get(k) or "") != str(v)
    ]
    if local.schema is not None and remote.get("schema") != local.schema:
        changed.append("schema")
    return upload, changed


def plan_dataset(client: CkanClient, package: Path, organization: dict[str, Any]) -> DatasetPlan:
    """Compare one package with its dataset on the portal (one ``package_show``)."""
    descriptor, files, dcat = read_package(package)
    name = dataset_name(str(descriptor["name"]))
    fields = dataset_fields(descriptor, dcat)
    where = f"dataset {name}"
    remote = client.call("package_show", {"id": name}, where=where, missing_ok=True)
    package_name = str(descriptor["name"])
    plan = DatasetPlan(package, package_name, name, "create", "new", fields, remote=remote)
    plan.url = client.dataset_url(name)
    if remote is not None:
        changes = _dataset_changes(fields, remote, organization["id"])
        plan.action = "update" if changes else "unchanged"
        plan.reason = ", ".join(changes)
    existing: dict[str, list[dict[str, Any]]] = {}
    for res in (remote or {}).get("resources") or []:
        existing.setdefault(res.get("name") or "", []).append(res)
    wanted = {f.name for f in files}
    for local in files:
        found = existing.get(local.name, [])
        # keep the copy whose file is right, if several were made
        found.sort(key=lambda r: r.get("hash") != local.sha256)
        if not found:
            plan.steps.append(Step(local.name, "create", "new", True, local))
            continue
        upload, changed = _resource_changes(local, found[0])
        if upload or changed:
            reason = ", ".join((["file changed"] if upload else []) + changed)
            plan.steps.append(Step(local.name, "update", reason, upload, local, found[0]))
        else:
            plan.steps.append(Step(local.name, "unchanged", "", False, local, found[0]))
        for extra in found[1:]:
            plan.steps.append(Step(local.name, "delete", "duplicate", remote=extra))
    for res_name, copies in existing.items():
        for res in copies:
            if res_name not in wanted and res.get(MANAGED_BY) == package_name:
                plan.steps.append(Step(res_name, "delete", "no longer in the package", remote=res))
    if plan.action == "unchanged" and any(s.action != "unchanged" for s in plan.steps):
        plan.action = "update"
        plan.reason = "resources"
    return plan


# -- carrying out ------------------------------------------------------------------------------


def _merged_extras(fields: dict[str, Any], remote: dict[str, Any] | None) -> list[dict[str, str]]:
    extras = _extras(remote or {})
    extras.update(fields["extras"])
    return [{"key": k, "value": v} for k, v in sorted(extras.items())]


def _merged_tags(fields: dict[str, Any], remote: dict[str, Any] | None) -> list[dict[str, str]]:
    names = {t["name"] for t in (remote or {}).get("tags") or []} | set(fields["tags"])
    return [{"name": n} for n in sorted(names)]


def execute(client: CkanClient, plan: DatasetPlan, organization: dict[str, Any]) -> None:
    """Carry out one dataset's plan; then check every resource is there once."""
    package_name = plan.package_name
    where = f"dataset {plan.name}"
    body = {
        "title": plan.fields["title"],
        "notes": plan.fields["notes"],
        "license_id": plan.fields["license_id"],
        "owner_org": organization["id"],
        "tags": _merged_tags(plan.fields, plan.remote),
        "extras": _merged_extras(plan.fields, plan.remote),
        "state": "active",
    }
    if plan.remote is None:
        created = client.call("package_create", {"name": plan.name, **body}, where=where)
        dataset_id = created["id"]
    else:
        dataset_id = plan.remote["id"]
        if plan.reason and plan.reason != "resources":
            client.call("package_patch", {"id": dataset_id, **body}, where=where)
    for step in plan.steps:
        res_where = f"{where}, resource {step.name}"
        if step.action == "delete":
            assert step.remote is not None
            client.call("resource_delete", {"id": step.remote["id"]}, where=res_where)
            continue
        if step.action == "unchanged":
            continue
        local = step.local
        assert local is not None
        managed = {**local.fields, MANAGED_BY: package_name}
        upload = (local.filename, local.data, str(local.fields["mimetype"]))
        if step.action == "create":
            made = client.call(
                "resource_create",
                {
                    "package_id": dataset_id,
                    **managed,
                    "hash": local.sha256,
                    "size": len(local.data),
                },
                upload=upload,
                where=res_where,
            )
            if local.schema is not None:
                client.call(
                    "resource_patch", {"id": made["id"], "schema": local.schema}, where=res_where
                )
            continue
        assert step.remote is not None
        resource_id = step.remote["id"]
        metadata: dict[str, Any] = {"id": resource_id, **managed}
        if local.schema is not None and step.remote.get("schema") != local.schema:
            metadata["schema"] = local.schema
        if step.upload:
            # the file first, with the scalar fields; the hash says the upload is complete
            client.call(
                "resource_patch",
                {**managed, "id": resource_id, "hash": local.sha256, "size": len(local.data)},
                upload=upload,
                where=res_where,
            )
            if "schema" in metadata:
                client.call(
                    "resource_patch",
                    {"id": resource_id, "schema": metadata["schema"]},
                    where=res_where,
                )
        else:
            client.call("resource_patch", metadata, where=res_where)
    _check(client, plan)


def _check(client: CkanClient, plan: DatasetPlan) -> None:
    """Read the dataset back: every planned resource once, with its hash; else say what is wrong."""
    where = f"dataset {plan.name}"
    shown = client.call("package_show", {"id": plan.name}, where=where)
    resources = shown.get("resources") or []
    for step in plan.steps:
        if step.local is None:
            continue
        copies = [r for r in resources if r.get("name") == step.name]
        if len(copies) != 1 or copies[0].get("hash") != step.local.sha256:
            hashes = [r.get("hash") for r in copies]
            raise PortalError(
                f"{where}, resource {step.name}: after publishing, the portal has it "
                f"{len(copies)} times (hashes {hashes}, expected {step.local.sha256})"
            )


def _check_rights(client: CkanClient, org: dict[str, Any]) -> None:
    """Refuse early when the token's user may not create datasets in the organisation.

    CKAN treats an unknown token as an anonymous visitor, who can read but not write, so a bad
    token is noticed here, before anything is sent, rather than midway.
    """
    where = f"organization {org['name']}"
    mine = client.call("organization_list_for_user", {"permission": "create_dataset"}, where=where)
    if not any(o.get("id") == org["id"] for o in mine or []):
        raise PortalError(
            f"{where}: the API token's user may not create datasets in it on {client.url} "
            "(is the token valid, CKAN_API_TOKEN or --token-file, and is its user an editor "
            "or admin of the organization?)"
        )


def publish(
    packages: list[Path],
    portal: str,
    organization: str,
    *,
    token: str | None,
    dry_run: bool = False,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    session: requests.Session | None = None,
) -> PublishResult:
    """Plan (and unless ``dry_run``, carry out) the publication of each package.

    A package that cannot be read or published is recorded in ``failures`` with its error
    (:class:`PortalError`, :class:`InputError`) and the others still go ahead; running the
    same command again completes the job. An organisation that cannot be found stops everything.
    """
    client = CkanClient(portal, token, retries=retries, backoff=backoff, session=session)
    org = client.call(
        "organization_show",
        {"id": organization, "include_datasets": False},
        where=f"organization {organization}",
        missing_ok=True,
    )
    if org is not None and not (isinstance(org, dict) and isinstance(org.get("id"), str)):
        raise PortalError(
            f"organization {organization}: {client.url} answered organization_show with "
            f"something that is not an organization ({type(org).__name__})"
        )
    if org is None:
        raise PortalError(
            f"organization {organization}: not found on {client.url} "
            "(create it on the portal, or give the name of an existing one)"
        )
    if not dry_run:
        _check_rights(client, org)
    result = PublishResult([], [], dry_run, 0, {})
    for package in packages:
        try:
            plan = plan_dataset(client, package, org)
            result.plans.append(plan)
            if not dry_run and plan.action != "unchanged":
                execute(client, plan, org)
        except OpendataError as exc:
            result.failures.append((package, exc))
        except (TypeError, KeyError, AttributeError, IndexError) as exc:
            # the portal answered with JSON of another shape than CKAN's
            error = PortalError(
                f"{client.url} answered in an unexpected shape ({type(exc).__name__}: {exc})"
            )
            result.failures.append((package, error))
    result.uploads = client.uploads
    result.requests = dict(client.requests)
    return result
