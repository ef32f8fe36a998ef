"""Write a :class:`~opendata.model.Document` as a Frictionless Tabular Data Package.

One CSV resource per disclosure table (schema from ``schemas/``, title as printed), the long
``facts`` resource (one row per printed amount), projects, indicators, department targets,
glossary, narrative sections and the reader's findings. Writing is deterministic (a rerun over
the same input gives the same bytes) and atomic (a failed run leaves no half-written package).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from opendata.audit import AuditReport, audit_document
from opendata.errors import OutputError
from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import NOT_APPLICABLE, UNIT_TO_YUAN, Document, Table, finding_record
from opendata.read.tables import classify_label
from opendata.resources import VERSION, shapes_text
from opendata.write.graphfiles import serialise
from opendata.write.rdf import package_graph
from opendata.write.schemas import Schema, all_schemas, generic_schema, schema_text

KIND_EN = {"预算": "budget", "决算": "final-account"}
LEVEL_EN = {"部门": "department", "单位": "unit"}
LICENSE = {
    "name": "notspecified",
    "title": "Licence not specified by the publisher. The source is government information "
    "disclosed under 《中华人民共和国政府信息公开条例》 and 《预算法》; check reuse terms with the "
    "publishing department. The conversion (structure, schemas, code) is Apache-2.0.",
}


@dataclass(frozen=True)
class WriteResult:
    """Where a package was written and whether it was created, updated or left unchanged."""

    path: Path
    name: str
    status: str  # "created" | "updated" | "unchanged"


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def package_name(doc: Document) -> str:
    """A stable ASCII name: level, kind, year, department code and a hash of its name."""
    parts = [LEVEL_EN.get(doc.level or "", "department"), KIND_EN.get(doc.kind or "", "budget")]
    parts.append(str(doc.year) if doc.year else "unknown-year")
    if doc.department_code:
        parts.append(doc.department_code)
    key = doc.department or doc.title or "".join(sorted(doc.sha256.values()))
    parts.append(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8])
    return "-".join(parts)


def _table_rows(table: Table) -> list[dict[str, str]]:
    kind = KINDS_BY_KEY.get(table.kind)
    has_code = kind is not None and kind.has_code
    has_amount = any(c.kind == "amount" for c in table.columns)
    rows = []
    for number, row in enumerate(table.rows, start=1):
        out = {
            "row": str(number),
            "line": str(row.source.line),
            "page": "" if row.source.page is None else str(row.source.page),
            "role": row.role,
        }
        if has_code:
            out["code_level"] = row.code_level or ""
            out["parent_code"] = row.parent_code or ""
            out["code"] = row.code or ""
        for column, cell in zip(table.columns, row.cells, strict=True):
            if column.kind in ("amount", "quantity"):
                out[column.name] = (
                    NOT_APPLICABLE if cell.not_applicable else decimal_text(cell.value)
                )
            elif column.kind != "code":
                out[column.name] = cell.text
        if has_amount:
            out["unit"] = table.unit or ""
        rows.append(out)
    return rows


def facts(doc: Document, names: dict[int, str]) -> list[dict[str, str]]:
    """One row per printed amount of every table (the long, normalised layer)."""
    result = []
    for index, table in enumerate(doc.tables):
        kind = KINDS_BY_KEY.get(table.kind)
        specs = {f.name: f for f in kind.fields} if kind else {}
        multiplier = UNIT_TO_YUAN.get(table.unit or "")
        for number, row in enumerate(table.rows, start=1):
            cells = dict(zip([c.name for c in table.columns], row.cells, strict=True))
            for column, cell in zip(table.columns, row.cells, strict=True):
                if column.kind != "amount" or cell.value is None:
                    continue
                spec = specs.get(column.name)
                label_field = spec.label_field if spec else None
                if label_field not in cells:  # the label column was not printed (or not read)
                    label_field = None
                label = cells[label_field].text if label_field else row.label
                in_yuan = cell.value * multiplier if multiplier is not None else None
                result.append(
                    {
                        "fact": str(len(result) + 1),
                        "resource": names[index],
                        "table_kind": table.kind,
                        "table_title": table.title,
                        "row": str(number),
                        "line": str(row.source.line),
                        "page": "" if row.source.page is None else str(row.source.page),
                        "code": "" if label_field else row.code or "",
                        "code_scheme": (kind.code_scheme or "") if kind and row.code else "",
                        "code_level": "" if label_field else row.code_level or "",
                        "code_edition": str(doc.year)
                        if row.code and doc.year and not label_field
                        else "",
                        "label": label or "",
                        "role": classify_label(label) if label_field else row.role,
                        "column": column.name,
                        "concept": column.concept or "",
                        "header": column.header,
                        "printed": cell.text,
                        "amount": decimal_text(cell.value),
                        "unit": table.unit or "",
                        "amount_yuan": decimal_text(in_yuan),
                    }
                )
    return result


def audit_rows(report: AuditReport) -> list[dict[str, str]]:
    """The audit resource: one row per check."""
    return [
        {"check": str(n), **finding_record(c, csv=True)} for n, c in enumerate(report.checks, 1)
    ]


def _derived_rows(doc: Document) -> dict[str, list[dict[str, str]]]:
    def where(source: Any) -> dict[str, str]:
        return {"line": str(source.line), "page": "" if source.page is None else str(source.page)}

    projects, indicators = [], []
    keys: set[str] = set()
    for index, project in enumerate(doc.projects, start=1):
        key = f"p{project.number if project.number is not None else index:02d}"
        if key in keys:  # the same printed number twice: keep the keys unique
            key = f"{key}-{index}"
        keys.add(key)
        projects.append(
            {
                "project": key,
                "number": str(project.number or ""),
                "name": project.name,
                "goal": project.goal or "",
                "annual_goal": project.annual_goal or "",
                "attributes": json.dumps(project.attributes, ensure_ascii=False)
                if project.attributes
                else "",
                "indicators": str(len(project.indicators)),
                **where(project.source),
            }
        )
        for position, ind in enumerate(project.indicators, start=1):
            t = ind.target
            indicators.append(
                {
                    "indicator": f"{key}-{position:02d}",
                    "project": key,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "description": ind.description or "",
                    "target": t.verbatim,
                    "target_kind": t.kind,
                    "comparator": t.comparator or "",
                    "target_value": decimal_text(t.value),
                    "target_upper": decimal_text(t.upper),
                    "target_unit": t.unit or "",
                    "target_date": t.date.isoformat() if t.date else "",
                    "target_text": t.qualitative or "",
                    "basis": ind.basis or "",
                    **where(ind.source),
                }
            )
    return {
        "projects": projects,
        "indicators": indicators,
        "department_targets": [
            {
                "target": str(n),
                "group": t.group,
                "goal": t.goal,
                "indicator": t.indicator or "",
                **where(t.source),
            }
            for n, t in enumerate(doc.overall_targets, start=1)
        ],
        "glossary": [
            {"term": g.term, "definition": g.definition, **where(g.source)} for g in doc.glossary
        ],
        "sections": [
            {
                "section": str(n),
                "heading": s.heading,
                "text": s.text,
                "file": s.source.file,
                **where(s.source),
                "text_lines": " ".join(str(x.line) for x in s.lines),
                "text_pages": " ".join("" if x.page is None else str(x.page) for x in s.lines)
                if any(x.page is not None for x in s.lines)
                else "",
            }
            for n, s in enumerate(doc.sections, start=1)
        ],
        "reader_findings": [
            {"finding": str(n), **finding_record(f, csv=True)}
            for n, f in enumerate(doc.findings, start=1)
        ],
    }


def csv_text(schema: Schema, rows: list[dict[str, str]]) -> str:
    names = [f["name"] for f in schema["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in names})
    return buffer.getvalue()


RDF_FILES = {
    "rdf/graph.ttl": ("text/turtle", "ttl"),
    "rdf/graph.nt": ("application/n-triples", "nt"),
    "rdf/graph.jsonld": ("application/ld+json", "jsonld"),
}


def build(
    doc: Document, created: str, name: str | None = None, base: str | None = None
) -> dict[str, str]:
    """All files of the package as {relative path: text}."""
    schemas = all_schemas()
    files: dict[str, str] = {}
    resources: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    names: dict[int, str] = {}

    def add(
        res_name: str,
        title: str,
        description: str,
        schema_name: str,
        rows: list[dict[str, str]],
        schema: Schema | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        schema = schema or schemas[schema_name]
        data = csv_text(schema, rows)
        path = f"data/{res_name}.csv"
        files[path] = data
        schema_path = f"schemas/{schema_name}.json"
        files[schema_path] = schema_text(schema)
        encoded = data.encode("utf-8")
        resources.append(
            {
                "name": res_name,
                "path": path,
                "profile": "tabular-data-resource",
                "title": title,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(encoded),
                "hash": "sha256:" + hashlib.sha256(encoded).hexdigest(),
                "schema": schema_path,
                **(extra or {}),
            }
        )

    for index, table in enumerate(doc.tables):
        kind = KINDS_BY_KEY.get(table.kind)
        used[table.kind] = used.get(table.kind, 0) + 1
        res_name = table.kind if used[table.kind] == 1 else f"{table.kind}_{used[table.kind]}"
        if table.kind == "generic":
            res_name = f"generic_{used[table.kind]}"
        names[index] = res_name
        schema_name = table.kind
        schema = schemas.get(table.kind) or generic_schema(table.title)
        if table.kind not in schemas:
            schema_name = res_name
        unknown = [
            c
            for j, c in enumerate(table.columns)
            if not c.known and (c.header or any(r.cells[j].text for r in table.rows))
        ]
        if unknown:
            schema = {
                **schema,
                "fields": schema["fields"]
                + [
                    {
                        "name": c.name,
                        "type": "string",
                        "title": c.header,
                        "description": "Column not in the catalogue for this table kind.",
                    }
                    for c in unknown
                ],
            }
            if table.kind in schemas:
                schema_name = f"{res_name}.extended"
        extra: dict[str, Any] = {
            "table_kind": table.kind,
            "unit": table.unit,
            "source": {"file": table.source.file, "line": table.source.line},
        }
        extra["printed_columns"] = [{"name": c.name, "header": c.header} for c in table.columns]
        if table.notes:
            extra["notes"] = table.notes
        if table.as_of:
            extra["as_of"] = table.as_of
        if table.number:
            extra["number"] = table.number
        description = (
            (kind.title_en if kind else "Table")
            + (f". Amounts in {table.unit}." if table.unit else ".")
            + (" Empty table: nothing printed under the header." if table.empty else "")
        )
        add(res_name, table.title, description, schema_name, _table_rows(table), schema, extra)

    report = audit_document(doc)
    fact_rows = facts(doc, names)
    add("facts", "金额事实表", schemas["facts"]["description"], "facts", fact_rows)
    for res_name, rows in _derived_rows(doc).items():
        add(res_name, schemas[res_name]["title"], schemas[res_name]["description"], res_name, rows)
    add(
        "audit",
        schemas["audit"]["title"],
        schemas["audit"]["description"],
        "audit",
        audit_rows(report),
    )

    pkg_name = name or package_name(doc)
    distributions = {path: "text/csv" for path in files if path.endswith(".csv")}
    distributions.update({path: media for path, (media, _) in RDF_FILES.items()})
    distributions["datapackage.json"] = "application/json"
    graph = package_graph(doc, pkg_name, names, fact_rows, distributions, base, report)
    files["schemas/shapes.ttl"] = shapes_text()
    for path, text in serialise(graph).items():
        files[path] = text
        media, fmt = RDF_FILES[path]
        encoded = text.encode("utf-8")
        resources.append(
            {
                "name": "graph-" + fmt,
                "path": path,
                "profile": "data-resource",
                "title": f"Linked data ({fmt})",
                "description": "The package as RDF: DCAT, ORG, SKOS, W3C Data Cube "
                "observations for every amount, projects and indicators (vocabulary "
                "https://w3id.org/opendata-cn/vocab).",
                "format": fmt,
                "mediatype": media,
                "encoding": "utf-8",
                "bytes": len(encoded),
                "hash": "sha256:" + hashlib.sha256(encoded).hexdigest(),
            }
        )

    package: dict[str, Any] = {
        "profile": "data-package",
        "name": pkg_name,
        "title": doc.title
        or f"{doc.year or ''}年{doc.department or ''}{doc.level or ''}{doc.kind or ''}",
        "description": f"{doc.department or ''} {doc.year or ''} 年{doc.level or ''}"
        f"{doc.kind or ''}公开信息, converted into tables, facts, projects and indicators by "
        "opendata.",
        "year": doc.year,
        "department": doc.department,
        "department_code": doc.department_code,
        "kind": doc.kind,
        "level": doc.level,
        "created": created,
        "keywords": [
            k
            for k in (
                "部门预算" if doc.kind == "预算" else "部门决算",
                doc.department,
                str(doc.year or ""),
            )
            if k
        ],
        "licenses": [LICENSE],
        "sources": [
            {"title": f, "path": f, "sha256": doc.sha256.get(f, "")} for f in doc.source_files
        ],
        "contributors": [{"title": doc.department or "", "role": "publisher"}],
        "performance_goal": doc.overall_goal,
        "reader_findings": {
            s: sum(f.severity == s for f in doc.findings) for s in ("error", "warning", "info")
        },
        "audit": report.counts(),
        "opendata_version": VERSION,
        "resources": resources,
    }
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    return files


def _read_existing(path: Path) -> dict[str, str] | None:
    if not (path / "datapackage.json").is_file():
        return None
    return {
        str(p.relative_to(path)): p.read_bytes().decode("utf-8", "replace")
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def _created_of(files: dict[str, str] | None) -> str | None:
    if not files:
        return None
    try:
        value = json.loads(files["datapackage.json"]).get("created")
    except (json.JSONDecodeError, KeyError):
        return None
    return value if isinstance(value, str) else None


def write_package(
    doc: Document,
    out_dir: Path | str,
    *,
    name: str | None = None,
    created: str | None = None,
    base: str | None = None,
) -> WriteResult:
    """Write ``out_dir/<name>/`` atomically; an unchanged package is left as it is."""
    out_dir = Path(out_dir)
    pkg_name = name or package_name(doc)
    target = out_dir / pkg_name
    if target.exists() and not (target / "datapackage.json").is_file():
        what = "a file" if not target.is_dir() else "a folder that is not a data package"
        raise OutputError(
            f"{what} is in the way of the package; move it away or choose another output folder",
            path=target,
        )
    existing = _read_existing(target)
    now = created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    files = build(doc, _created_of(existing) or now, pkg_name, base)
    if existing == files:
        return WriteResult(target, pkg_name, "unchanged")
    if existing is not None:  # changed: only 'created' differs from the build above
        descriptor = json.loads(files["datapackage.json"])
        descriptor["created"] = now
        files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{pkg_name}.", dir=out_dir))
        try:
            for rel, text in files.items():
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="")
            staging.chmod(0o755)
            old = None
            if target.exists():
                old = out_dir / f".{pkg_name}.old-{os.getpid()}"
                target.rename(old)
            try:
                staging.rename(target)
            except OSError:
                if old is not None:
                    old.rename(target)
                raise
            if old is not None:
                shutil.rmtree(old)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write the package: {exc}", path=target) from exc
    return WriteResult(target, pkg_name, "updated" if existing is not None else "created")
