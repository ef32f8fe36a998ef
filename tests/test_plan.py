"""The plan of a batch run, spooled to disk: the same jobs, in the same order, as the grouping
rule and the listing order say, for any file names, without holding a row per document.

The grouping rule runs as SQL over the spool; a plain-Python statement of the rule (the one
the toolkit used before it spooled) is the reference the property test compares it with.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opendata.batch.corpus import write_catalog
from opendata.batch.discover import NARRATIVE, TABLES, find_inputs, group_files, parts_of
from opendata.batch.outdir import FileClaims
from opendata.batch.run import Options, plan, run
from tests.batch_helpers import variant
from tests.cli_helpers import run_script


def statuses(stdout: str) -> list[str]:
    return [line.rsplit(" [", 1)[1][:-1] for line in stdout.splitlines() if "  -> " in line]


def reference_groups(files: list[Path]) -> list[list[Path]]:
    """The grouping rule in plain Python (see :mod:`opendata.batch.discover`)."""
    candidates: dict[tuple[Path, str], list[tuple[str, Path]]] = defaultdict(list)
    for path in files:
        for stem, part in parts_of(path):
            candidates[(path.parent, stem)].append((part, path))
    pairs = [
        [p for kind, p in parts if kind == TABLES] + [p for kind, p in parts if kind == NARRATIVE]
        for parts in candidates.values()
        if sorted(kind for kind, _ in parts) == [NARRATIVE, TABLES]
    ]
    uses: dict[Path, int] = defaultdict(int)
    for pair in pairs:
        for p in pair:
            uses[p] += 1
    partner = {p: pair for pair in pairs if all(uses[x] == 1 for x in pair) for p in pair}
    groups: list[list[Path]] = []
    done: set[Path] = set()
    for path in files:
        if path not in done:
            group = partner.get(path, [path])
            done.update(group)
            groups.append(group)
    return groups


STEMS = st.sampled_from(["a", "b", "2019年预算", "x-y"])
SUFFIXES = st.sampled_from(
    ["", "-tables", "_table", "-narrative", "表", "说明", "情况说明", "附表", " tables", "公开表"]
)
NAMES = st.builds(
    lambda folder, stem, suffix, ext: Path(folder) / f"{stem}{suffix}{ext}",
    st.sampled_from(["d1", "d1/sub", "d2"]),
    STEMS,
    SUFFIXES,
    st.sampled_from([".pdf", ".txt"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, max_size=14, unique=True))
def test_spooled_grouping_follows_the_rule(files: list[Path]) -> None:
    assert group_files(files) == reference_groups(files)


def test_the_plan_lists_jobs_in_order_grouped_with_their_known_packages(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src / "b", 2, "x-tables.txt")
    variant(src / "b", 3, "x-narrative.txt")
    variant(src / "a" / "z", 1)
    variant(src, 4, "c.txt")
    with plan([src], Options(out)) as first:
        assert first.batch and first.count == 3
        jobs = [[p.relative_to(src).as_posix() for p in job.paths] for job in first.jobs()]
        assert jobs == [["a/z/budget-001.txt"], ["b/x-tables.txt", "b/x-narrative.txt"], ["c.txt"]]
        assert [job.known for job in first.jobs()] == [(), (), ()]
        assert all(r.error is None for r in run(first, jobs=1))
    with plan([src], Options(out)) as again:
        known = [[k.name for k in job.known] for job in again.jobs()]
        assert all(len(k) == 1 for k in known)
        assert all(len(job.known[0].sources) == len(job.paths) for job in again.jobs())
    assert first.spool is None and again.spool is None  # closed: its file is gone


def test_the_plan_and_find_inputs_agree_on_order_and_duplicates(tmp_path: Path) -> None:
    for name in ("a/x.txt", "a/b/y.pdf", "a/b.pdf", "c/w.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    inputs = [tmp_path / "a" / "x.txt", tmp_path / "a", Path(f"{tmp_path}/*/w.txt")]
    found = find_inputs(inputs, exclude=tmp_path / "out")
    with plan(inputs, Options(tmp_path / "out"), batch=True) as the_plan:
        listed = [p for job in the_plan.jobs() for p in job.paths]
    assert listed == found.files
    assert [p.relative_to(tmp_path).as_posix() for p in listed] == [
        "a/x.txt",
        "a/b/y.pdf",
        "a/b.pdf",
        "c/w.txt",
    ]


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes are a POSIX matter")
def test_a_file_name_that_is_not_utf8_is_planned_and_converted(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    good = variant(src, 1)
    odd = Path(os.fsdecode(os.fsencode(src) + b"/budget-\xff\xfe.txt"))
    good.rename(odd)
    with plan([src], Options(out)) as the_plan:
        assert [job.paths for job in the_plan.jobs()] == [(odd,)]
        (result,) = run(the_plan, jobs=1)
    assert result.error is None and result.written is not None


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes are a POSIX matter")
def test_the_cli_converts_and_reports_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    variant(src, 1)
    variant(src, 2).rename(Path(os.fsdecode(os.fsencode(src) + b"/budget-\xff.txt")))
    done = run_script("convert", src, "-o", out, "-j", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "budget-\\xff.txt" in done.stdout
    assert statuses(done.stdout) == ["created"] * 2, done.stdout
    again = run_script("convert", src, "-o", out, "-j", "2", cwd=tmp_path)
    assert statuses(again.stdout) == ["skipped: unchanged"] * 2, again.stdout


def _claims_behave(claims: FileClaims) -> None:
    assert claims.claim("pkg", "a.txt") is None
    assert claims.claim("pkg", "a.txt") is None  # the same input again (a retried job)
    assert claims.claim("pkg", "b.txt") == "a.txt"
    assert pickle.loads(pickle.dumps(claims)).claim("pkg", "c.txt") == "a.txt"  # a worker
    odd = os.fsdecode(b"d-\xff.txt")
    assert claims.claim("pkg2", odd) is None and claims.claim("pkg2", "x") == odd


def test_file_claims_are_taken_once_whoever_asks(tmp_path: Path) -> None:
    claims = FileClaims.new(tmp_path)
    _claims_behave(claims)
    assert (claims.folder / "pkg").is_symlink()
    claims.remove()
    assert not (tmp_path / ".opendata").exists()


def test_file_claims_are_files_where_links_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise PermissionError("no symbolic links on this file system")

    monkeypatch.setattr(os, "symlink", no_links)
    claims = FileClaims.new(tmp_path)
    _claims_behave(claims)
    assert (claims.folder / "pkg").is_file() and not (claims.folder / "pkg").is_symlink()
    assert sorted(p.name for p in claims.folder.iterdir()) == ["pkg", "pkg2"]  # no drafts left


def test_the_catalogue_reuses_the_plans_digests_only_for_unchanged_descriptors(
    tmp_path: Path,
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    for n in (1, 2):
        variant(src, n)
    with plan([src], Options(out)) as first:
        assert all(r.error is None for r in run(first, jobs=1))
    write_catalog(out)
    expected = (out / "catalog" / "index.csv").read_bytes()
    with plan([src], Options(out)) as again:
        descriptors = sorted(out.glob("department-*/datapackage.json"))
        digests = [again.digest_of(d) for d in descriptors]
        assert digests == [hashlib.sha256(d.read_bytes()).hexdigest() for d in descriptors]
        assert write_catalog(out, digest_of=again.digest_of).status == "unchanged"
        assert (out / "catalog" / "index.csv").read_bytes() == expected
        changed = descriptors[0]
        changed.write_bytes(changed.read_bytes().replace(b'"title"', b'"title" ', 1))
        assert again.digest_of(changed) is None  # another size: read again
        assert write_catalog(out, digest_of=again.digest_of).status == "updated"
    assert (out / "catalog" / "index.csv").read_bytes() != expected
