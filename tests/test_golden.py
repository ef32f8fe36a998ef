"""Golden files: the committed package in ``datapackages/`` and the schemas in ``schemas/``.

Regenerate both after an intended change with the commands in the README
(``opendata schemas`` and ``opendata convert samples/*.txt -o datapackages``), then review the
diff: every changed byte is a changed output for users.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from opendata.model import Document
from opendata.read.document import read_document
from opendata.validate.report import validate_package
from opendata.write.package import build
from opendata.write.schemas import all_schemas, schema_text
from tests.conftest import ROOT, SAMPLE

REGENERATE = "opendata convert samples/*.txt -o datapackages"


def _golden_files(package: Path) -> dict[str, str]:
    return {
        str(p.relative_to(package)): p.read_bytes().decode("utf-8")
        for p in sorted(package.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rebuilt(sample_doc: Document, golden_package: Path) -> dict[str, str]:
    created = json.loads((golden_package / "datapackage.json").read_text("utf-8"))["created"]
    return build(sample_doc, created, golden_package.name)


def test_package_is_not_stale(rebuilt: dict[str, str], golden_package: Path) -> None:
    golden = _golden_files(golden_package)
    assert sorted(golden) == sorted(rebuilt), f"file list changed; run `{REGENERATE}`"
    stale = [name for name in golden if golden[name] != rebuilt[name]]
    assert not stale, f"stale golden files {stale}; run `{REGENERATE}` and review the diff"


TABLE_KINDS = sorted({t.kind for t in read_document(SAMPLE).tables})


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_every_table_kind_of_the_sample_has_a_golden_resource(
    kind: str, rebuilt: dict[str, str], golden_package: Path
) -> None:
    path = f"data/{kind}.csv"
    golden = (golden_package / path).read_bytes().decode("utf-8")
    assert rebuilt[path] == golden
    assert golden.count("\r\n") >= 1  # at least the header line


def test_schemas_are_not_stale() -> None:
    directory = ROOT / "schemas"
    expected = {f"{name}.json": schema_text(s) for name, s in all_schemas().items()}
    actual = {p.name: p.read_text("utf-8") for p in directory.glob("*.json")}
    assert actual == expected, "schemas/ is stale; run `opendata schemas` and review the diff"


def test_golden_package_is_valid(golden_package: Path) -> None:
    report = validate_package(golden_package)
    assert report.valid, report.errors
    assert report.resources == 23  # 20 tables and derived resources (audit too), 3 graph files
    assert report.shacl is True and report.triples > 5000


def test_frictionless_own_cli_says_valid(golden_package: Path, tmp_path: Path) -> None:
    """The Done-when check, with frictionless's own command line."""
    copy = tmp_path / golden_package.name
    shutil.copytree(golden_package, copy)
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "INVALID" not in done.stdout
