"""The corpus catalogue: every package of an output folder, for portals and for people.

:func:`write_catalog` writes ``OUT/catalog/``:

- ``catalog.ttl``: a DCAT ``dcat:Catalog`` with one ``dcat:Dataset`` per package, under the
  same URI as the package's own graph (:attr:`opendata.vocab.uris.Minter.disclosure`), with its
  title, fiscal year (``cnb:fiscalYear``), publisher (the department) and distributions
  (``datapackage.json``, the facts table and the graph, as download URLs relative to the
  catalogue);
- ``index.csv``: one row per package (department, year, kind, tables, rows, amounts, total
  expenditure, audit and reader counts, sources), described by ``datapackage.json``, a
  Frictionless Tabular Data Package with its Table Schema.

It is built from the packages on disk only, so it is always complete and can be rebuilt at
any time (``opendata catalog OUT``). A package whose ``datapackage.json`` has not changed
keeps its row from the previous index without its tables being read again. It is written
like a package: into a staging folder, then moved into place, and left as it is when nothing
changed.
"""

from __future__ import annotations

import csv
import filecmp
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from opendata.batch.outdir import CATALOG, iter_package_dirs
from opendata.batch.spool import Spool
from opendata.errors import OutputError
from opendata.model import UNIT_TO_YUAN
from opendata.resources import VERSION
from opendata.vocab.namespace import CNB
from opendata.vocab.uris import Minter, base_uri, department_key, key

IANA = "https://www.iana.org/assignments/media-types/"
DigestOf = Callable[[Path], "str | None"]
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
        _field(
            "descriptor_sha256",
            "string",
            "描述文件SHA-256",
            "SHA-256 of the package's datapackage.json, which pins every file of the package "
            "(a rebuild of the catalogue reuses the row while it is the same).",
        ),
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


def _uri(base: str, name: str) -> str:
    return Minter(base, name, "", None).disclosure


def index_row(folder: Path, base: str, descriptor: bytes | None = None) -> dict[str, str]:
    """One package's row of the index, from its files."""
    if descriptor is None:
        descriptor = (folder / "datapackage.json").read_bytes()
    d = json.loads(descriptor.decode("utf-8"))
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
        "uri": _uri(base, folder.name),
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
        "descriptor_sha256": hashlib.sha256(descriptor).hexdigest(),
    }


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "cnb": str(CNB._NS),
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": XSD,
}
# Download URLs are relative to the catalogue (wherever the folder is published). pyoxigraph
# writes absolute IRIs only, so they are minted under this placeholder and made relative after.
_HERE = "http://opendata.invalid/output-folder/"


def _package_triples(row: dict[str, str], base: str, catalog: str) -> Iterator[Any]:
    """One package's triples: its dataset, distributions and publisher."""
    import pyoxigraph as ox

    def t(s: str, prefix: str, local: str, o: Any) -> Any:
        pred = RDF_TYPE if prefix == "rdf" else PREFIXES[prefix] + local
        return ox.Triple(ox.NamedNode(s), ox.NamedNode(pred), o)

    def iri(value: str) -> Any:
        return ox.NamedNode(value)

    def zh(text: str) -> Any:
        return ox.Literal(text, language="zh")

    dcat = PREFIXES["dcat"]
    dataset = row["uri"]
    yield t(catalog, "dcat", "dataset", iri(dataset))
    yield t(dataset, "rdf", "", iri(dcat + "Dataset"))
    yield t(dataset, "dct", "identifier", ox.Literal(row["name"]))
    yield t(dataset, "dct", "title", zh(row["title"] or row["name"]))
    if row["year"]:
        yield t(dataset, "cnb", "fiscalYear", ox.Literal(row["year"], datatype=iri(XSD + "gYear")))
    for word in ("部门预算" if row["kind"] == "预算" else "部门决算", row["department"]):
        if word:
            yield t(dataset, "dcat", "keyword", zh(word))
    minter = Minter(base, row["name"], "", None)
    for path in DISTRIBUTIONS:
        yield t(dataset, "dcat", "distribution", iri(minter.distribution(path)))
    publisher = None
    if row["department"]:
        publisher = f"{base}id/department/" + department_key(
            row["department_code"] or None, row["department"]
        )
        yield t(dataset, "dct", "publisher", iri(publisher))
    for path, (media, title) in DISTRIBUTIONS.items():
        dist = minter.distribution(path)
        yield t(dist, "rdf", "", iri(dcat + "Distribution"))
        yield t(dist, "dct", "title", ox.Literal(title, language="en"))
        yield t(dist, "dcat", "mediaType", iri(IANA + media))
        yield t(dist, "dcat", "downloadURL", iri(f"{_HERE}{row['name']}/{path}"))
        if path == "datapackage.json":
            yield t(dist, "dct", "conformsTo", iri(DATAPACKAGE_SPEC))
    if publisher is not None:  # repeated for each of its packages: the same triples, one fact
        yield t(publisher, "rdf", "", iri(PREFIXES["foaf"] + "Agent"))
        yield t(publisher, "foaf", "name", zh(row["department"]))
        yield t(publisher, "skos", "prefLabel", zh(row["department"]))


def _catalog_triples(catalog: str, name: str, modified: str) -> Iterator[Any]:
    """The catalogue's own triples (its datasets are listed with each package)."""
    import pyoxigraph as ox

    node = ox.NamedNode(catalog)
    yield ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(PREFIXES["dcat"] + "Catalog"))
    title = ox.NamedNode(PREFIXES["dct"] + "title")
    yield ox.Triple(node, title, ox.Literal(f"opendata catalogue: {name}", language="en"))
    yield ox.Triple(node, title, ox.Literal(f"预决算公开数据目录：{name}", language="zh"))
    homepage = ox.NamedNode(PREFIXES["foaf"] + "homepage")
    yield ox.Triple(node, homepage, ox.NamedNode(f"{_HERE}{CATALOG}/index.csv"))
    if modified:
        dt = ox.Literal(modified, datatype=ox.NamedNode(XSD + "dateTime"))
        yield ox.Triple(node, ox.NamedNode(PREFIXES["dct"] + "modified"), dt)


_SPOOL = """
CREATE TABLE previous (name TEXT PRIMARY KEY, digest TEXT, row TEXT);
CREATE TABLE rows (name TEXT PRIMARY KEY, row TEXT);
"""


def _previous_rows(index: Path) -> Iterator[tuple[str, str, str]]:
    """(name, descriptor digest, row as JSON) of each row of the index being replaced; nothing
    when it is missing, unreadable or of another layout."""
    names = [f["name"] for f in INDEX_SCHEMA["fields"]]
    try:
        with index.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != names:
                return
            for row in reader:
                yield row["name"], row["descriptor_sha256"], json.dumps(row, ensure_ascii=False)
    except (OSError, csv.Error, UnicodeDecodeError):
        return


def _spool_rows(
    out_dir: Path, base: str, spool: Spool, digest_of: DigestOf | None
) -> Iterator[tuple[str, str]]:
    """(name, row as JSON) of every package: its previous row while its descriptor is the
    same, else a row read from its files."""
    for package in iter_package_dirs(out_dir):
        path = package / "datapackage.json"
        descriptor = None
        digest = digest_of(path) if digest_of is not None else None
        if digest is None:
            descriptor = path.read_bytes()
            digest = hashlib.sha256(descriptor).hexdigest()
        kept = spool.value(
            "SELECT row FROM previous WHERE name = ? AND digest = ?", (package.name, digest)
        )
        row = json.loads(kept) if kept is not None else None
        if row is None or row["uri"] != _uri(base, package.name):
            row = index_row(package, base, descriptor)
        yield package.name, json.dumps(row, ensure_ascii=False)


def _file_resource(path: Path, **extra: Any) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return {
        "path": path.name,
        "encoding": "utf-8",
        "bytes": size,
        "hash": "sha256:" + digest.hexdigest(),
        **extra,
    }


def build_catalog(
    out_dir: Path, folder: Path, base: str | None = None, digest_of: DigestOf | None = None
) -> int:
    """Write the catalogue's files into ``folder``, one package at a time (memory stays flat
    however many packages there are). Returns the number of packages.

    ``digest_of`` (a descriptor's path -> its SHA-256 if already known, e.g.
    :meth:`opendata.batch.plan.Plan.digest_of`) spares reading unchanged descriptors again."""
    import pyoxigraph as ox

    b = base_uri(base)
    name = out_dir.resolve().name or "catalog"
    catalog = f"{b}id/catalog/{key(name)}"
    fields = [f["name"] for f in INDEX_SCHEMA["fields"]]
    count = 0
    modified = ""
    raw = folder / "catalog.raw.ttl"
    with Spool(_SPOOL) as spool:  # the rows, sorted by name on disk: memory stays flat
        spool.insert(
            "INSERT OR REPLACE INTO previous VALUES (?, ?, ?)",
            _previous_rows(out_dir / CATALOG / "index.csv"),
        )
        spool.insert("INSERT INTO rows VALUES (?, ?)", _spool_rows(out_dir, b, spool, digest_of))
        with (
            (folder / "index.csv").open("w", encoding="utf-8", newline="") as index,
            raw.open("wb") as out,
        ):
            writer = csv.DictWriter(index, fieldnames=fields, lineterminator="\r\n")
            writer.writeheader()
            chunk: list[Any] = []
            for (text,) in spool.rows("SELECT row FROM rows ORDER BY name"):
                row = json.loads(text)
                writer.writerow(row)
                count += 1
                modified = max(modified, row["created"])
                chunk.extend(_package_triples(row, b, catalog))
                if count % CHUNK == 0:  # bounded memory: the prefixes repeat per chunk
                    ox.serialize(chunk, out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
                    chunk = []
            chunk.extend(_catalog_triples(catalog, name, modified))
            ox.serialize(chunk, out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    with (
        raw.open(encoding="utf-8") as source,
        (folder / "catalog.ttl").open("w", encoding="utf-8", newline="") as ttl,
    ):
        for line in source:
            ttl.write(line.replace(f"<{_HERE}", "<../"))
    raw.unlink()
    descriptor = {
        "profile": "data-package",
        "name": f"opendata-catalog-{key(name)}".lower().replace("_", "-"),
        "title": f"Catalogue of the disclosures converted into {name}",
        "description": "One row per data package in this output folder, with its department, "
        "year, kind, size, total expenditure and audit counts; catalog.ttl has the same "
        "packages as a DCAT catalogue. Built by opendata from the packages on disk.",
        "opendata_version": VERSION,
        "resources": [
            _file_resource(
                folder / "index.csv",
                name="index",
                profile="tabular-data-resource",
                title="Packages",
                format="csv",
                mediatype="text/csv",
                schema=INDEX_SCHEMA,
            ),
            _file_resource(
                folder / "catalog.ttl",
                name="catalog",
                profile="data-resource",
                title="DCAT catalogue",
                format="ttl",
                mediatype="text/turtle",
            ),
        ],
    }
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return count


FILES = ("catalog.ttl", "datapackage.json", "index.csv")
CHUNK = 200  # packages whose triples are serialised at a time


def write_catalog(
    out_dir: Path | str, base: str | None = None, digest_of: DigestOf | None = None
) -> CatalogResult:
    """Write ``out_dir/catalog/`` atomically from the packages in ``out_dir`` (see
    :func:`build_catalog` for ``digest_of``)."""
    out_dir = Path(out_dir)
    target = out_dir / CATALOG
    if target.exists() and not target.is_dir():
        raise OutputError("a file is in the way of the catalogue folder", path=target)
    existing = target.is_dir()
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{CATALOG}.", dir=out_dir))
        try:
            packages = build_catalog(out_dir, staging, base, digest_of)
            if (
                existing
                and sorted(p.name for p in target.iterdir()) == sorted(FILES)
                and all(filecmp.cmp(staging / f, target / f, shallow=False) for f in FILES)
            ):
                return CatalogResult(target, packages, "unchanged")
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
    return CatalogResult(target, packages, "updated" if existing else "created")
