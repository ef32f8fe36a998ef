"""Accuracy self-check on the development corpus: what the reader found in each document.

Run: ``.venv/bin/python benchmarks/corpus_accuracy.py [CORPUS_DIR] [--truth DIR] [--only STEM]``
(default ``../shared/corpus``, its ``pdf/*.pdf`` and ``text/*.txt``; truth files in
``CORPUS_DIR/../truth``; ``--only`` keeps the documents of that file stem, and may repeat). Files
published apart as ``<stem>-tables`` and ``<stem>-narrative`` are also read together, as one
disclosure. For every document it prints, as plain text:

- the tables by kind, by the evidence that decided each kind (the reader's ``table-recognised``
  findings: title, wrapped title, title above its preamble, header; and ``kind-by-header``, a
  header that overrode the title), and the unknown (``generic``) tables;
- the amounts in the table resources of the written package (every cell of an amount column that
  holds a value) against the rows of its ``facts`` resource: ``EQUAL``, or what differs;
- the amounts left as text (``amount-as-text``), the reader's errors and warnings by code;
- whether the package is valid (:func:`opendata.validate.report.validate_package`; the package is
  written into a temporary folder);
- where ``<truth>/<stem>.json`` exists, the value recall of the table resources and of the facts,
  scored by ``<truth>/recall.py`` (facts with its ``STRICT_CODES``, as its ``--facts`` does);
- the seconds per page (reading alone, and reading, writing and validating).

A last line sums it up. Exit status 0 when every document was read, its amounts equal its facts
and its package is valid; 1 otherwise (a document that cannot be read, amounts and facts that
differ, an invalid package).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: this checkout's opendata, not an installed one
    sys.path.insert(0, str(ROOT))

from opendata.errors import OpendataError  # noqa: E402
from opendata.kinds.catalogue import KINDS_BY_KEY  # noqa: E402
from opendata.model import Document  # noqa: E402
from opendata.read.document import read_document  # noqa: E402
from opendata.validate.report import validate_package  # noqa: E402
from opendata.write.package import write_package  # noqa: E402

CREATED = "2000-01-01T00:00:00Z"  # a fixed date: the package is the same on every run
RECOGNISED = re.compile(r"read as (\S+) by its (.*)$", re.S)
EVIDENCE = ("title", "wrapped title", "title above preamble", "header", "kind-by-header")
Cell = tuple[str, str, str]  # (resource, row, column)


@dataclass
class Result:
    """What one document gave: the figures of the summary line."""

    ok: bool = True
    tables: int = 0
    unknown: int = 0
    amounts: int = 0
    facts: int = 0
    equal: bool = True
    valid: bool = True
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)  # tables|facts: (hit, of)


def evidence_of(message: str) -> str:
    """The evidence named by a ``table-recognised`` message, as one of :data:`EVIDENCE`."""
    match = RECOGNISED.search(message)
    said = match.group(2) if match else ""
    if said == "title":
        return "title"
    if said.startswith("title (wrapped"):
        return "wrapped title"
    if said.startswith("title above"):
        return "title above preamble"
    if said.startswith("header"):
        return "header"
    return "other"


def pages(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    count = 0
    for path in paths:
        if path.suffix == ".pdf":
            document = pdfium.PdfDocument(str(path))
            count += len(document)
            document.close()
        else:
            count += max(1, path.read_text(encoding="utf-8").count("\x0c") + 1)
    return count


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


def _schema(package: Path, resource: dict[str, Any]) -> dict[str, Any]:
    schema = resource.get("schema", {})
    if isinstance(schema, str):
        schema = json.loads((package / schema).read_text(encoding="utf-8"))
    return schema


def _rows(package: Path, resource: dict[str, Any]) -> list[dict[str, str]]:
    with open(package / resource["path"], encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def table_amounts(package: Path) -> dict[Cell, Decimal | None]:
    """Every amount in the table resources of a written package: the cells of its number
    fields (a catalogue kind's quantity fields aside) that hold a value."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    found: dict[Cell, Decimal | None] = {}
    for resource in descriptor["resources"]:
        if "table_kind" not in resource:
            continue
        schema = _schema(package, resource)
        kind = KINDS_BY_KEY.get(resource["table_kind"])
        quantities = {f.name for f in kind.fields if f.kind == "quantity"} if kind else set()
        amounts = [
            f["name"]
            for f in schema.get("fields", [])
            if f.get("type") == "number" and f["name"] not in quantities
        ]
        missing = set(schema.get("missingValues", [""]))
        for row in _rows(package, resource):
            for name in amounts:
                value = row.get(name) or ""
                if value not in missing:
                    found[(resource["name"], row["row"], name)] = _decimal(value)
    return found


def fact_amounts(package: Path) -> dict[Cell, Decimal | None]:
    """Every row of the package's facts resource, by the table cell it comes from."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    facts = next((r for r in descriptor["resources"] if r["name"] == "facts"), None)
    if facts is None:
        return {}
    return {
        (r["resource"], r["row"], r["column"]): _decimal(r["amount"]) for r in _rows(package, facts)
    }


def compare(tables: dict[Cell, Any], facts: dict[Cell, Any]) -> list[str]:
    """What differs between the amounts of the tables and the facts (empty: they are equal)."""
    lines = []
    only_tables = sorted(set(tables) - set(facts))
    only_facts = sorted(set(facts) - set(tables))
    changed = sorted(k for k in set(tables) & set(facts) if tables[k] != facts[k])
    for what, cells in (
        ("in a table, not in the facts", only_tables),
        ("in the facts, not in a table", only_facts),
        ("different amounts", changed),
    ):
        if cells:
            shown = ", ".join("/".join(c) for c in cells[:3])
            lines.append(f"{len(cells)} {what} ({shown}{', ...' if len(cells) > 3 else ''})")
    return lines


def load_recall(truth_dir: Path) -> ModuleType | None:
    path = truth_dir / "recall.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("truth_recall", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer: ModuleType, truth_path: Path, package: Path) -> dict[str, dict[str, Any]]:
    """The recall report of the table resources and of the facts: {title: (hit, of, found)}."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    if "tables" in truth:
        truth = {title: table["pairs"] for title, table in truth["tables"].items()}
    scorer.STRICT_CODES = False
    tables = scorer.recall(truth, scorer.load_rows(package))
    scorer.STRICT_CODES = True  # as recall.py --facts: a coded key must be the fact's code
    try:
        facts = scorer.recall(truth, scorer.load_facts(package))
    finally:
        scorer.STRICT_CODES = False
    return {"tables": tables, "facts": facts}


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(counter.items())) or "none"


def _ratio(hit: int, of: int) -> str:
    return f"{hit}/{of} = {hit / of if of else 0.0:.3f}"


def report(name: str, paths: list[Path], truth: Path | None, scorer: ModuleType | None) -> Result:
    """Read, write, validate and score one document; print what it gave."""
    result = Result()
    started = time.perf_counter()
    try:
        doc: Document = read_document(*paths)
    except OpendataError as exc:
        print(f"\n{name}\n  ERROR the reader failed: {exc}")
        return Result(ok=False, equal=False, valid=False)
    read_seconds = time.perf_counter() - started
    n_pages = pages(paths)
    print(
        f"\n{name}: {doc.department} {doc.year} {doc.kind}, {n_pages} pages, "
        f"{len(doc.tables)} tables"
    )
    kinds = Counter(t.kind for t in doc.tables)
    evidence = Counter(evidence_of(f.message) for f in doc.findings if f.code == "table-recognised")
    evidence["kind-by-header"] = sum(1 for f in doc.findings if f.code == "kind-by-header")
    generic = [t for t in doc.tables if t.kind == "generic"]
    result.tables, result.unknown = len(doc.tables), len(generic)
    print(f"  kinds: {_counts(kinds)}")
    shown = [e for e in (*EVIDENCE, "other") if evidence[e] or e != "other"]
    said = ", ".join(f"{e} {evidence[e]}" for e in shown)
    print(f"  evidence: {said}; unknown (generic) {len(generic)}")
    for table in generic:
        print(f"    unknown: {table.title!r} ({len(table.rows)} rows)")

    with tempfile.TemporaryDirectory(prefix="corpus-accuracy-") as tmp:
        package = write_package(doc, tmp, created=CREATED).path
        tables, facts = table_amounts(package), fact_amounts(package)
        differences = compare(tables, facts)
        result.amounts, result.facts, result.equal = len(tables), len(facts), not differences
        verdict = "EQUAL" if not differences else f"DIFFER by {len(facts) - len(tables):+d}"
        print(f"  amounts: tables {len(tables)}, facts {len(facts)} {verdict}")
        for line in differences:
            print(f"    {line}")

        as_text = [f for f in doc.findings if f.code == "amount-as-text"]
        errors = Counter(f.code for f in doc.findings if f.severity == "error")
        warnings = Counter(f.code for f in doc.findings if f.severity == "warning")
        print(
            f"  amount-as-text {len(as_text)}; errors: {_counts(errors)}; "
            f"warnings: {_counts(warnings)}"
        )
        for finding in as_text[:3]:
            print(f"    {finding.message}")

        validation = validate_package(package)
        result.valid = validation.valid
        print(
            "  package: "
            + ("valid" if validation.valid else f"INVALID, {len(validation.errors)} errors")
        )
        for error in validation.errors[:3]:
            print(f"    {error.code}: {error.message}")

        if truth is not None and scorer is not None:
            scored = score(scorer, truth, package)
            for what, rep in scored.items():
                result.recall[what] = (
                    sum(h for h, _, _ in rep.values()),
                    sum(n for _, n, _ in rep.values()),
                )
            print(
                "  recall: tables recall "
                + _ratio(*result.recall["tables"])
                + ", facts recall "
                + _ratio(*result.recall["facts"])
            )
            for title, (hit, of, found) in scored["tables"].items():
                f_hit, f_of, _ = scored["facts"][title]
                if hit < of or f_hit < f_of or not found:  # a table printed empty has no facts
                    missing = "" if found else " (no resource with this title)"
                    print(f"    {title}: tables {hit}/{of}{missing}, facts {f_hit}/{f_of}")
        else:
            print("  recall: no truth file")
    seconds = time.perf_counter() - started
    print(
        f"  seconds per page: read {read_seconds / n_pages:.3f}, "
        f"read+write+validate {seconds / n_pages:.3f}"
    )
    result.ok = result.equal and result.valid
    return result


def documents(corpus: Path) -> list[tuple[str, str, list[Path]]]:
    """(stem, name, files) of every corpus document, and of every tables + narrative pair."""
    files = sorted(corpus.glob("pdf/*.pdf")) + sorted(corpus.glob("text/*.txt"))
    found = [(p.stem, p.name, [p]) for p in files]
    pairs: dict[str, list[Path]] = {}
    for path in files:
        for part in ("-tables", "-narrative"):
            if path.stem.endswith(part):
                pairs.setdefault(path.stem.removesuffix(part), []).append(path)
    for stem, group in sorted(pairs.items()):
        if len(group) == 2:
            group.sort(key=lambda p: "narrative" in p.stem)
            found.append((stem, " + ".join(p.name for p in group), group))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--truth", type=Path, help="truth folder (default CORPUS/../truth)")
    parser.add_argument("--only", action="append", help="keep the documents of this file stem")
    args = parser.parse_args(argv)
    truth_dir = args.truth or args.corpus.parent / "truth"
    scorer = load_recall(truth_dir)
    chosen = [d for d in documents(args.corpus) if not args.only or d[0] in args.only]
    if not chosen:
        print(f"no documents in {args.corpus}")
        return 1
    results = []
    for stem, name, paths in chosen:
        truth = truth_dir / f"{stem}.json"
        results.append(report(name, paths, truth if truth.is_file() else None, scorer))
    scored = [r.recall for r in results if r.recall]

    def mean(what: str) -> str:
        ratios = [hit / of for r in scored if (of := r[what][1]) for hit in [r[what][0]]]
        return f"{sum(ratios) / len(ratios):.3f}" if ratios else "n/a"

    print(
        f"\nSUMMARY {len(results)} documents, {sum(r.tables for r in results)} tables, "
        f"{sum(r.unknown for r in results)} unknown tables, "
        f"{sum(r.amounts for r in results)} amounts, {sum(r.facts for r in results)} facts, "
        f"all equal {'yes' if all(r.equal for r in results) else 'no'}, "
        f"all valid {'yes' if all(r.valid for r in results) else 'no'}, "
        f"mean recall over {len(scored)} truth files: tables {mean('tables')}, "
        f"facts {mean('facts')}"
    )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
