"""The fast table checker against frictionless, the referee: the same verdict and the same
errors (resource, type, row) on every corpus package and on a broken copy for each rule."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from opendata.validate.report import validate_package
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def _errors(package: Path, engine: str) -> tuple[bool, set[tuple[str | None, str, int | None]]]:
    report = validate_package(package, shacl=False, engine=engine)
    return report.valid, {(e.resource, e.code, e.row_number) for e in report.errors}


@pytest.mark.parametrize("stem", sorted(p.name for p in GOLDEN.iterdir()))
def test_both_checkers_pass_every_corpus_package(stem: str, tmp_path: Path) -> None:
    golden = next((GOLDEN / stem).iterdir())
    package = tmp_path / golden.name
    shutil.copytree(golden, package)
    descriptor = package / "datapackage.json"
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    kept = [r for r in meta["resources"] if (package / r["path"]).is_file()]  # .nt, .jsonld
    meta["resources"] = kept  # are not kept in tests/golden
    descriptor.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    fast = validate_package(package, shacl=False)
    reference = validate_package(package, shacl=False, engine="reference")
    assert fast.valid and reference.valid
    assert (fast.resources, fast.rows) == (reference.resources, reference.rows)


def _edit(package: Path, resource: str, change: Callable[[list[list[str]]], None]) -> None:
    """Change a CSV's rows and, like an honest writer, its declared bytes and hash."""
    path = package / "data" / f"{resource}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    path.write_bytes(data)
    descriptor = package / "datapackage.json"
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    for res in meta["resources"]:
        if res["name"] == resource:
            res["bytes"] = len(data)
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    descriptor.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def _set(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    return change


BROKEN: dict[str, Callable[[Path], None]] = {
    "type-error": lambda p: _edit(p, "income", _set(1, "total", "abc")),
    "required": lambda p: _edit(p, "income", _set(2, "line", "")),
    "enum": lambda p: _edit(p, "income", _set(1, "role", "bogus")),
    "minimum": lambda p: _edit(p, "income", _set(3, "row", "0")),
    "pattern": lambda p: _edit(p, "facts", _set(5, "amount_yuan", "12,345")),
    "primary-key": lambda p: _edit(p, "expenditure", lambda rows: rows.insert(2, list(rows[1]))),
    "extra-cell": lambda p: _edit(p, "income", lambda rows: rows[1].append("x")),
    "missing-cell": lambda p: _edit(p, "income", lambda rows: rows[2].pop()),
    "blank-row": lambda p: _edit(p, "income", lambda rows: rows.insert(3, [""] * len(rows[0]))),
    "label": lambda p: _edit(p, "income", _set(0, "total", "合计")),
    "foreign-key": lambda p: _edit(p, "indicators", _set(1, "project", "no-such-project")),
    "hash": lambda p: (p / "data" / "glossary.csv").write_bytes(
        (p / "data" / "glossary.csv").read_bytes() + b"x"
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_both_checkers_find_the_same_errors(
    case: str, golden_package: Path, tmp_path: Path
) -> None:
    package = tmp_path / golden_package.name
    shutil.copytree(golden_package, package)
    BROKEN[case](package)
    fast, reference = _errors(package, "fast"), _errors(package, "reference")
    assert not fast[0] and not reference[0]
    assert fast == reference
