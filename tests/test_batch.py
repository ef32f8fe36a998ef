"""Batch conversion: folders and patterns, grouping, parallel workers, incremental runs,
crash safety (a real kill -9), the corpus catalogue and the output folder's housekeeping.

Documents are variants of the text sample (another department name and code, so another
package); one test uses the two Jiangsu PDFs for grouping.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from opendata.batch.corpus import write_catalog
from opendata.batch.discover import find_inputs, group_files
from opendata.batch.outdir import OutputLock, clean_leftovers, package_dirs
from opendata.batch.run import SKIPPED, Options, plan, run
from opendata.errors import OutputError, SchedulerError, WorkerError
from opendata.validate.report import validate_package
from tests.batch_helpers import crash_on_doomed, variant
from tests.cli_helpers import console_script, invoke
from tests.conftest import ROOT, SAMPLE

CREATED = "2024-01-01T00:00:00Z"
JS = ROOT.parent / "shared" / "corpus" / "pdf"


def complete(package: Path) -> bool:
    """Every file the descriptor lists is there with its declared bytes and SHA-256."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (package / resource["path"]).read_bytes()
        if len(data) != resource["bytes"]:
            return False
        if resource["hash"] != "sha256:" + hashlib.sha256(data).hexdigest():
            return False
    return True


def index_rows(out: Path) -> list[dict[str, str]]:
    text = (out / "catalog" / "index.csv").read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def statuses(stdout: str) -> list[str]:
    return sorted(
        line.rsplit("[", 1)[1].rstrip("]") for line in stdout.splitlines() if "-> " in line
    )


# -- inputs and grouping ---------------------------------------------------------------------------
def test_folders_patterns_and_files_are_expanded_once_each(tmp_path: Path) -> None:
    for name in ("a/x.txt", "a/b/y.PDF", "a/.hidden/z.txt", "a/notes.md", "c/w.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = find_inputs(
        [tmp_path / "a", Path(f"{tmp_path}/c/*.txt"), tmp_path / "a" / "x.txt"],
        exclude=tmp_path / "out",
    )
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == [
        "a/b/y.PDF",
        "a/x.txt",
        "c/w.txt",
    ]
    assert found.expanded and not found.errors
    missing = find_inputs([Path(f"{tmp_path}/nothing/*.pdf")])
    assert [str(e) for e in missing.errors] == [
        f"{tmp_path}/nothing/*.pdf: no file matches this pattern"
    ]


def test_tables_and_narrative_parts_are_grouped_conservatively() -> None:
    files = [
        Path(p)
        for p in (
            "a/js-2019-budget-tables.pdf",
            "a/js-2019-budget-narrative.pdf",
            "a/other.pdf",
            "b/2019年部门预算公开表.pdf",
            "b/2019年部门预算公开说明.pdf",
            "c/X表.pdf",  # two narrative parts: ambiguous, each alone
            "c/X说明.pdf",
            "c/X情况说明.pdf",
            "d/budget-tables.pdf",  # its narrative is in another folder
            "e/budget-narrative.pdf",
        )
    ]
    groups = [[p.as_posix() for p in g] for g in group_files(files)]
    assert groups == [
        ["a/js-2019-budget-tables.pdf", "a/js-2019-budget-narrative.pdf"],
        ["a/other.pdf"],
        ["b/2019年部门预算公开表.pdf", "b/2019年部门预算公开说明.pdf"],
        ["c/X表.pdf"],
        ["c/X说明.pdf"],
        ["c/X情况说明.pdf"],
        ["d/budget-tables.pdf"],
        ["e/budget-narrative.pdf"],
    ]


@pytest.mark.skipif(not JS.is_dir(), reason="../shared/corpus not present")
def test_a_folder_with_tables_and_narrative_pdfs_converts_them_as_one(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for part in ("tables", "narrative"):
        name = f"js-provincial-party-office-2019-budget-{part}.pdf"
        (src / name).write_bytes((JS / name).read_bytes())
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out, "--created", CREATED)
    assert result.exit_code == 0, result.output
    tables, narrative = (
        src / f"js-provincial-party-office-2019-budget-{p}.pdf" for p in ("tables", "narrative")
    )
    assert (
        f"{tables} + {narrative}\n  -> {out}/department-budget-2019-1ad904ee [created]"
        in result.stdout
    )
    (row,) = index_rows(out)
    assert row["sources"] == f"{tables.name} | {narrative.name}"


# -- parallel, incremental, catalogue --------------------------------------------------------------
def test_batch_run_then_incremental_rerun(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    for n in (1, 2, 3):
        variant(src / f"d{n}", n)
    first = invoke("convert", src, "-o", out, "-j", "2", "--created", CREATED)
    assert first.exit_code == 0, first.output
    assert statuses(first.stdout) == ["created"] * 3
    assert f"catalogue: {out}/catalog (3 packages) [created]" in first.stdout
    packages = package_dirs(out)
    assert len(packages) == 3 and all(complete(p) for p in packages)
    assert sorted(p.name for p in out.iterdir()) == sorted(["catalog", *(p.name for p in packages)])

    second = invoke("convert", src, "-o", out, "-j", "2")
    assert second.exit_code == 0, second.output
    assert statuses(second.stdout) == [SKIPPED] * 3
    assert "12 tables" not in second.stdout  # not read at all
    assert f"catalogue: {out}/catalog (3 packages) [unchanged]" in second.stdout

    variant(src / "d2", 2).write_text(
        (src / "d2" / "budget-002.txt").read_text(encoding="utf-8").replace("439.20", "439.21", 1),
        encoding="utf-8",
    )
    third = invoke("convert", src, "-o", out, "-j", "2")
    assert statuses(third.stdout) == ["skipped: unchanged", "skipped: unchanged", "updated"]
    assert "d2/budget-002.txt\n  -> " in third.stdout
    assert "[updated]" in third.stdout.split("d2/budget-002.txt", 1)[1].split("\n")[1]
    assert f"catalogue: {out}/catalog (3 packages) [updated]" in third.stdout

    forced = invoke("convert", src, "-o", out, "-j", "1", "--force")
    assert statuses(forced.stdout) == ["unchanged"] * 3


def test_a_new_opendata_version_converts_again(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src, 1)
    assert invoke("convert", src, "-o", out, "--created", CREATED).exit_code == 0
    (package,) = package_dirs(out)
    descriptor = package / "datapackage.json"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8").replace(
            '"opendata_version": "', '"opendata_version": "0.0.0-'
        ),
        encoding="utf-8",
    )
    result = invoke("convert", src, "-o", out)
    assert statuses(result.stdout) == ["updated"], result.output
    assert complete(package)


def test_a_failing_document_does_not_stop_the_others(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src, 1)
    variant(src, 2)
    (src / "broken.txt").write_bytes(b"")
    result = invoke("convert", src, "-o", out, "-j", "2")
    assert result.exit_code == 3, result.output
    assert f"error: {src}/broken.txt: " in result.stderr
    assert statuses(result.stdout) == ["created", "created"]
    assert len(index_rows(out)) == 2


def test_a_worker_that_dies_is_reported_and_the_others_convert(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    for n in (1, 2, 3):
        variant(src, n)
    variant(src, 4, "doomed.txt")
    results = list(run(plan([src], Options(out)), jobs=2, worker=crash_on_doomed))
    failed = [r for r in results if r.error is not None]
    assert [r.inputs for r in failed] == [[str(src / "doomed.txt")]], [str(r.error) for r in failed]
    assert isinstance(failed[0].error, WorkerError) and failed[0].error.exit_code == 7
    assert "worker process" in str(failed[0].error)
    assert sorted(r.written.status for r in results if r.written) == ["created"] * 3
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_an_unexpected_error_is_reported_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import opendata.batch.run

    def boom(*paths: Path, **options: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(opendata.batch.run, "read_document", boom)
    result = invoke("convert", SAMPLE, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 7, result.output
    assert (
        f"error: {SAMPLE}: unexpected error while converting (ValueError: a bug)" in result.stderr
    )


def test_two_documents_for_one_package_in_parallel(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src / "a", 1, "same.txt")
    variant(src / "b", 1, "same.txt")
    result = invoke("convert", src, "-o", out, "-j", "2")
    assert result.exit_code == 5, result.output
    assert "was already written from" in result.stderr
    assert len(package_dirs(out)) == 1
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_progress_line_on_stderr(tmp_path: Path) -> None:
    src = tmp_path / "in"
    variant(src, 1)
    result = invoke("convert", src, "-o", tmp_path / "out", "--progress")
    assert result.exit_code == 0, result.output
    assert "1/1 documents, 1 pages, 0 errors, 0 skipped" in result.stderr
    assert "doc/s" in result.stderr


def test_catalogue_is_valid_and_links_each_package(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src, 1)
    variant(src, 2)
    assert invoke("convert", src, "-o", out, "--created", CREATED).exit_code == 0
    report = validate_package(out / "catalog")
    assert report.valid, report.errors
    rows = index_rows(out)
    assert [r["department_code"] for r in rows] == ["301", "302"]
    row = rows[0]
    assert row["year"] == "2023" and row["kind"] == "预算" and row["level"] == "部门"
    assert (row["tables"], row["rows"], row["amounts"]) == ("12", "202", "293")
    assert (row["expenditure_total"], row["expenditure_total_printed"]) == (
        "12411400.00",
        "1241.14 万元",
    )
    assert (row["audit_fail"], row["audit_skip"], row["reader_errors"]) == ("5", "4", "0")
    assert row["path"] == f"../{row['name']}/datapackage.json"

    catalog = Graph().parse(out / "catalog" / "catalog.ttl", format="turtle")
    datasets = set(catalog.objects(None, ns.DCAT.dataset))
    for r in rows:
        package = Graph().parse(out / r["name"] / "rdf" / "graph.ttl", format="turtle")
        assert (URIRef(r["uri"]), ns.RDF.type, ns.DCAT.Dataset) in package
        assert URIRef(r["uri"]) in datasets
        (publisher,) = catalog.objects(URIRef(r["uri"]), ns.DCTERMS.publisher)
        assert (publisher, ns.RDF.type, ns.ORG.Organization) in package
        downloads = {
            str(u)
            for d in catalog.objects(URIRef(r["uri"]), ns.DCAT.distribution)
            for u in catalog.objects(d, ns.DCAT.downloadURL)
        }
        assert (out / "catalog" / "catalog.ttl").resolve().as_uri().rsplit("/", 2)[
            0
        ] + f"/{r['name']}/datapackage.json" in downloads
    assert write_catalog(out).status == "unchanged"


# -- the output folder: leftovers, lock, kill -9 ----------------------------------------------------
def test_leftovers_of_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".department-budget-2023-1.abcd_123").mkdir(parents=True)  # half-written staging
    (out / ".department-budget-2023-1.abcd_123" / "data").mkdir()
    moved = out / ".department-budget-2023-2.old-4242"  # moved aside, replacement never came
    moved.mkdir()
    (moved / "datapackage.json").write_text("{}", encoding="utf-8")
    (out / "department-budget-2023-3").mkdir()  # moved aside after the replacement arrived
    (out / "department-budget-2023-3" / "datapackage.json").write_text("{}", encoding="utf-8")
    (out / ".department-budget-2023-3.old-4242").mkdir()
    (out / ".opendata" / "claims-0123456789ab").mkdir(parents=True)
    (out / ".keep-me").mkdir()
    done = clean_leftovers(out)
    assert sorted(p.name for p in out.iterdir()) == [
        ".keep-me",
        "department-budget-2023-2",
        "department-budget-2023-3",
    ]
    assert len(done) == 4


def test_leftovers_of_write_package_itself_are_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names clean_leftovers knows are the ones write_package really leaves when killed."""
    import shutil

    from opendata.read.document import read_document
    from opendata.write.package import write_package

    out = tmp_path / "out"
    first = write_package(read_document(SAMPLE), out, created=CREATED)
    changed = read_document(variant(tmp_path, 1, "same-name.txt"))
    real_rename = Path.rename

    def killed(self: Path, target: Path) -> Path:  # dies after moving the old package aside
        if ".old-" in self.name or (self.name.startswith(".") and target.name == first.name):
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", killed)
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)  # a kill runs no clean-up
    with pytest.raises(KeyboardInterrupt):
        write_package(changed, out, name=first.name, created=CREATED)
    monkeypatch.undo()
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert len(hidden) == 2 and not first.path.exists()  # a staging folder, the old package
    clean_leftovers(out)
    assert sorted(p.name for p in out.iterdir()) == [first.name]
    assert complete(first.path)


def test_one_run_at_a_time_per_output_folder(tmp_path: Path) -> None:
    with OutputLock(tmp_path), pytest.raises(OutputError, match="another opendata run"):
        OutputLock(tmp_path).__enter__()
    with OutputLock(tmp_path):  # released
        pass


def test_kill_9_leaves_only_complete_packages_and_the_next_run_finishes(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    # enough documents that the kill lands mid-run however fast one converts (with 6, a fast
    # start-up let the whole run finish inside the pause below)
    total = 30
    for n in range(1, total + 1):
        variant(src, n)
    command = [*console_script(), "convert", str(src), "-o", str(out), "-j", "2"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(package_dirs(out)) < 2:
        time.sleep(0.05)
    time.sleep(0.1)  # let the workers get into the middle of other documents
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, like a power cut
    process.wait(timeout=30)
    written = package_dirs(out)
    before = sorted(p.name for p in out.iterdir())
    assert 2 <= len(written) < total, "the kill came too late to test anything"
    assert all(complete(p) for p in written)
    assert validate_package(written[0], shacl=False).valid

    rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    leftovers = [p for p in before if p.startswith(".") and p != ".opendata"]
    if leftovers:
        assert "cleaned up after an interrupted run: " in rerun.stderr
    assert rerun.stdout.count(f"[{SKIPPED}]") >= len(written)
    assert len(package_dirs(out)) == total and all(complete(p) for p in package_dirs(out))
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert len(index_rows(out)) == total


# -- Dask ------------------------------------------------------------------------------------------
def test_dask_local_cluster_converts_into_shared_storage(tmp_path: Path) -> None:
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed not installed (pip install 'opendata[distributed]')"
    )
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src, 1)
    variant(src, 2)
    (src / "broken.txt").write_bytes(b"")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        result = invoke("convert", src, "-o", out, "--dask", address, "--created", CREATED)
    assert result.exit_code == 3, result.output
    assert statuses(result.stdout) == ["created", "created"]
    assert f"error: {src}/broken.txt: " in result.stderr
    assert len(index_rows(out)) == 2
    assert all(complete(p) for p in package_dirs(out))


def test_dask_scheduler_that_cannot_be_reached(tmp_path: Path) -> None:
    pytest.importorskip(
        "distributed", reason="dask.distributed not installed (pip install 'opendata[distributed]')"
    )
    from opendata.batch.cluster import run_on_dask

    src = tmp_path / "in"
    variant(src, 1)
    with pytest.raises(
        SchedulerError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ) as info:
        list(run_on_dask(plan([src], Options(tmp_path / "out")), "tcp://127.0.0.1:9", timeout="1s"))
    assert info.value.exit_code == 6
