"""Hostile input (issue 16): secrets never printed, damaged packages refused clearly (exit 3),
no file read outside a package, and remote services' odd answers reported, not raised."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run_script

# -- damaged packages (item 7) and paths leaving the package (item 8) -------------------------


def _copy(golden_package: Path, tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    shutil.copytree(golden_package, package)
    return package


def _edit(package: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{}", 'no package name; expected a "name" string'),
        ("[]", "is a JSON list; expected an object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{not json", "is not JSON"),
        ('{"name": "x", "resources": [{"name": "a", "path": 7}]}', "is not a file name"),
    ],
)
def test_damaged_descriptor_is_an_input_error_for_every_reader(
    tmp_path: Path, text: str, expected: str
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "datapackage.json").write_text(text, "utf-8")
    for command in (["validate"], ["audit"], ["load", "--store", tmp_path / "store"]):
        done = run_script(*command, package, cwd=tmp_path)
        assert done.returncode == 3, (command, done.stderr)
        assert expected in done.stderr, (command, done.stderr)
        assert "datapackage.json" in done.stderr


def test_missing_table_and_overlong_field_name_the_file(
    golden_package: Path, tmp_path: Path
) -> None:
    package = _copy(golden_package, tmp_path)
    (package / "data" / "facts.csv").unlink()
    done = run_script("audit", package, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "data/facts.csv is missing" in done.stderr

    package = _copy(golden_package, tmp_path / "long")
    sections = package / "data" / "sections.csv"
    sections.write_text(sections.read_text("utf-8") + '"' + "x" * 200_000 + '"\n', "utf-8")
    done = run_script("audit", package, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "data/sections.csv is not a readable CSV table" in done.stderr, done.stderr
    # validate imports frictionless, which lifts the field limit: the short row is refused
    done = run_script("validate", package, cwd=tmp_path)
    assert done.returncode == 3, done.stderr


def test_descriptor_refused_by_frictionless_is_reported_not_raised(
    golden_package: Path, tmp_path: Path
) -> None:
    package = _copy(golden_package, tmp_path)
    _edit(package, lambda d: d.update(licenses="not a list"))
    result = invoke("validate", "--no-shacl", package)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    assert "INVALID" in result.output


@pytest.mark.parametrize("where", ["../outside.csv", "/etc/passwd"])
def test_audit_and_validate_read_nothing_outside_the_package(
    golden_package: Path, tmp_path: Path, where: str
) -> None:
    package = _copy(golden_package, tmp_path)
    (tmp_path / "outside.csv").write_text("secret,data\n1,2\n", "utf-8")

    def point_outside(descriptor: dict) -> None:  # type: ignore[type-arg]
        for resource in descriptor["resources"]:
            if resource["name"] == "sections":
                resource["path"] = where

    _edit(package, point_outside)
    for command in (["audit"], ["validate"], ["load", "--store", tmp_path / "store"]):
        done = run_script(*command, package, cwd=tmp_path)
        assert done.returncode == 3, (command, done.stdout, done.stderr)
        assert "leaves the package" in done.stderr, (command, done.stderr)
