"""The corpus catalogue: every package of an output folder, for portals and for people.

:func:`write_catalog` writes ``OUT/catalog/``:

- ``catalog.ttl``: a DCAT ``dcat:Catalog`` with one ``dcat:Dataset`` per package, under the
  same URI as the package's own graph (:attr:`opendata.uris.Minter.disclosure`), with its
  title, fiscal year (``cnb:fiscalYear``), publisher (the department) and distributions
  (``datapackage.json``, the facts table and the graph, as download URLs relative to the
  catalogue);
- ``index.csv``: one row per package (department, year, kind, tables, rows, amounts, total
  expenditure, audit and reader counts, sources), described by ``datapackage.json``, a
  Frictionless Tabular Data Package with its Table Schema.

It is built from the packages on disk only, so it is always complete and can be rebuilt at
any time (``opendata catalog OUT``). It is written like a package: into a staging folder,
then moved into place, and left as it is when nothing changed.
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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from opendata import __version__
from opendata.errors import OutputError
from opendata.model import UNIT_TO_YUAN
from opendata.namespace import CNB
from opendata.outdir import CATALOG, package_dirs
from opendata.uris import Minter, base_uri, department_key, key

IANA = "https://www.iana.org/assignments/media-types/"
DATAPACKAGE_SPEC = "https://specs.frictionlessdata.io/data-package/"
EXPENDITURE_KINDS = ("expenditure", "final_expenditure")  # 支出总表 / 支出决算表
DISTRIBUTIONS = {
    "datapackage.json": ("application/json", "Data package (Frictionless)"),
    "data/facts.csv": ("text/csv", "Every printed amount (facts table)"),
    "rdf/graph.ttl": ("text/turtle", "Linked data (Turtle)"),
}


def _field(name: str, type_: str, title: str, description: str) -> dict[str, str]:
    return {"name": name, "type": type_, "title": title, "description": description}


INDEX_SCHEMA: dict[str, Any] = {
    "fields": [
        _field("name", "string", "包名", "Package name (its folder in the output folder)."),
        _field(
            "path",
            "string",
            "路径",
            "The package's datapackage.json, relative to this catalogue folder.",
        ),
        _field("uri", "string", "URI", "The disclosure's dcat:Dataset URI (as in its graph)."),
        _field("title", "string", "标题", "Title as printed."),
        _field("department", "string", "部门", "Department (or unit) as printed."),
        _field("department_code", "string", "部门编码", "Department code as printed."),
        _field("year", "integer", "年度", "Fiscal year."),
        _field("kind", "string", "类型", "预算 (budget) or 决算 (final account)."),
        _field("level", "string", "层级", "部门 (department) or 单位 (unit)."),
        _field("tables", "integer", "表数", "Disclosure tables read."),
        _field("rows", "integer", "行数", "Rows of those tables."),
        _field("amounts", "integer", "金额数", "Printed amounts (rows of the facts table)."),
        _field(
            "expenditure_total",
            "number",
            "支出合计（元）",
            "The 合计/总计 row of the expenditure table (支出总表 or 支出决算表), in 元; "
            "blank when the disclosure has no such table.",
        ),
        _field(
            "expenditure_total_printed",
            "string",
            "支出合计（印刷）",
            "The same amount as printed, with its unit.",
        ),
        _field("audit_fail", "integer", "审核错误", "Audit checks that failed (FAIL)."),
        _field("audit_warn", "integer", "审核警告", "Audit warnings (WARN)."),
        _field("audit_skip", "integer", "审核跳过", "Audit checks that could not run (SKIP)."),
        _field("audit_pass", "integer", "审核通过", "Audit checks that passed (PASS)."),
        _field("reader_errors", "integer", "读取错误", "Reader findings of severity error."),
        _field("reader_warnings", "integer", "读取警告", "Reader findings of severity warning."),
        _field("sources", "string", "来源文件", "Source file names, separated by ' | '."),
        _field("sources_sha256", "string", "来源SHA-256", "Their SHA-256, in the same order."),
        _field("created", "string", "生成时间", "When the package was written."),
        _field("opendata_version", "string", "opendata 版本", "Version that wrote the package."),
    ],
    "primaryKey": ["name"],
}


@dataclass(frozen=True)
class CatalogResult:
    """Where the catalogue was written, how many packages it lists, and its status."""

    path: Path
    packages: int
    status: str  # "created" | "updated" | "unchanged"


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _expenditure_total(folder: Path) -> tuple[str, str]:
    """(amount in 元, printed amount and unit) of the expenditure table's total row."""
    facts = folder / "data" / "facts.csv"
    if not facts.is_file():
        return "", ""
    with facts.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (
                row["table_kind"] in EXPENDITURE_KINDS
                and row["role"] == "total"
                and row["column"] == "total"
                and row["label"].replace(" ", "").replace("\u3000", "") in ("合计", "总计")
            ):
                yuan = row["amount_yuan"]
                if not yuan and row["amount"] and row["unit"] in UNIT_TO_YUAN:
                    try:
                        yuan = format(Decimal(row["amount"]) * UNIT_TO_YUAN[row["unit"]], "f")
                    except InvalidOperation:
                        yuan = ""
                return yuan, f"{row['printed']} {row['unit']}".strip()
    return "", ""


def index_row(folder: Path, base: str) -> dict[str, str]:
    """One package's row of the index, from its files."""
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in d.get("resources", []) if r.get("table_kind")]
    rows = sum(_count_rows(folder / r["path"]) for r in tables if (folder / r["path"]).is_file())
    facts = folder / "data" / "facts.csv"
    total, printed = _expenditure_total(folder)
    audit = d.get("audit") or {}
    findings = d.get("reader_findings") or {}
    sources = d.get("sources") or []

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "name": folder.name,
        "path": f"../{folder.name}/datapackage.json",
        "uri": Minter(base, folder.name, "", None).disclosure,
        "title": text(d.get("title")),
        "department": text(d.get("department")),
        "department_code": text(d.get("department_code")),
        "year": text(d.get("year")),
        "kind": text(d.get("kind")),
        "level": text(d.get("level")),
        "tables": str(len(tables)),
        "rows": str(rows),
        "amounts": str(_count_rows(facts)) if facts.is_file() else "0",
        "expenditure_total": total,
        "expenditure_total_printed": printed,
        "audit_fail": text(audit.get("FAIL", 0)),
        "audit_warn": text(audit.get("WARN", 0)),
        "audit_skip": text(audit.get("SKIP", 0)),
        "audit_pass": text(audit.get("PASS", 0)),
        "reader_errors": text(findings.get("error", 0)),
        "reader_warnings": text(findings.get("warning", 0)),
        "sources": " | ".join(s.get("path", "") for s in sources),
        "sources_sha256": " | ".join(s.get("sha256", "") for s in sources),
        "created": text(d.get("created")),
        "opendata_version": text(d.get("opendata_version")),
    }


def _csv(rows: list[dict[str, str]]) -> str:
    names = [f["name"] for f in INDEX_SCHEMA["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def catalog_graph(rows: list[dict[str, str]], base: str, name: str) -> Graph:
    """The DCAT catalogue of the rows' packages."""
    g = Graph(bind_namespaces="none")
    g.bind("cnb", CNB._NS)
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("skos", SKOS)):
        g.bind(prefix, ns)
    g.bind("xsd", XSD)
    catalog = URIRef(f"{base}id/catalog/{key(name)}")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"opendata catalogue: {name}", lang="en")))
    g.add((catalog, DCTERMS.title, Literal(f"预决算公开数据目录：{name}", lang="zh")))
    g.add((catalog, FOAF.homepage, URIRef("index.csv")))
    modified = max((r["created"] for r in rows if r["created"]), default="")
    if modified:
        g.add((catalog, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    for row in rows:
        dataset = URIRef(row["uri"])
        g.add((catalog, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCTERMS.identifier, Literal(row["name"])))
        g.add((dataset, DCTERMS.title, Literal(row["title"] or row["name"], lang="zh")))
        if row["year"]:
            g.add((dataset, CNB.fiscalYear, Literal(row["year"], datatype=XSD.gYear)))
        for word in ("部门预算" if row["kind"] == "预算" else "部门决算", row["department"]):
            if word:
                g.add((dataset, DCAT.keyword, Literal(word, lang="zh")))
        if row["department"]:
            publisher = URIRef(
                f"{base}id/department/"
                + department_key(row["department_code"] or None, row["department"])
            )
            g.add((dataset, DCTERMS.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, FOAF.name, Literal(row["department"], lang="zh")))
            g.add((publisher, SKOS.prefLabel, Literal(row["department"], lang="zh")))
        minter = Minter(base, row["name"], "", None)
        for path, (media, title) in DISTRIBUTIONS.items():
            dist = URIRef(minter.distribution(path))
            g.add((dataset, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCTERMS.title, Literal(title, lang="en")))
            g.add((dist, DCAT.mediaType, URIRef(IANA + media)))
            g.add((dist, DCAT.downloadURL, URIRef(f"../{row['name']}/{path}")))
            if path == "datapackage.json":
                g.add((dist, DCTERMS.conformsTo, URIRef(DATAPACKAGE_SPEC)))
    return g


def build_catalog(out_dir: Path, base: str | None = None) -> dict[str, str]:
    """All files of the catalogue as {relative path: text}."""
    b = base_uri(base)
    rows = [index_row(folder, b) for folder in package_dirs(out_dir)]
    name = out_dir.resolve().name or "catalog"
    ttl = catalog_graph(rows, b, name).serialize(format="turtle")
    index = _csv(rows)
    files = {"catalog.ttl": ttl, "index.csv": index}

    def resource(path: str, text: str, **extra: Any) -> dict[str, Any]:
        data = text.encode("utf-8")
        return {
            "path": path,
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            **extra,
        }

    descriptor = {
        "profile": "data-package",
        "name": f"opendata-catalog-{key(name)}".lower().replace("_", "-"),
        "title": f"Catalogue of the disclosures converted into {name}",
        "description": "One row per data package in this output folder, with its department, "
        "year, kind, size, total expenditure and audit counts; catalog.ttl has the same "
        "packages as a DCAT catalogue. Built by opendata from the packages on disk.",
        "opendata_version": __version__,
        "resources": [
            resource(
                "index.csv",
                index,
                name="index",
                profile="tabular-data-resource",
                title="Packages",
                format="csv",
                mediatype="text/csv",
                schema=INDEX_SCHEMA,
            ),
            resource(
                "catalog.ttl",
                ttl,
                name="catalog",
                profile="data-resource",
                title="DCAT catalogue",
                format="ttl",
                mediatype="text/turtle",
            ),
        ],
    }
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    return files


def write_catalog(out_dir: Path | str, base: str | None = None) -> CatalogResult:
    """Write ``out_dir/catalog/`` atomically from the packages in ``out_dir``."""
    out_dir = Path(out_dir)
    target = out_dir / CATALOG
    files = build_catalog(out_dir, base)
    packages = files["index.csv"].count("\r\n") - 1
    existing = None
    if target.is_dir():
        existing = {
            p.name: p.read_bytes().decode("utf-8", "replace")
            for p in target.iterdir()
            if p.is_file()
        }
        if existing == files:
            return CatalogResult(target, packages, "unchanged")
    elif target.exists():
        raise OutputError("a file is in the way of the catalogue folder", path=target)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{CATALOG}.", dir=out_dir))
        try:
            for rel, text in files.items():
                (staging / rel).write_text(text, encoding="utf-8", newline="")
            staging.chmod(0o755)
            old = None
            if target.exists():
                old = out_dir / f".{CATALOG}.old-{os.getpid()}"
                target.rename(old)
            staging.rename(target)
            if old is not None:
                shutil.rmtree(old)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write the catalogue: {exc}", path=target) from exc
    return CatalogResult(target, packages, "updated" if existing is not None else "created")
