"""Batches and their workers: a time limit per document, and no worker outliving its run.

The slow document is a real input, not a test hook: the sample disclosure repeated 200 times
in one file (12 MB, 2,400 tables). Its conversion grows with its size (20 repetitions take
5.4 s on the 2-core test machine), far over the 8 s limit the test gives, while one sample
takes about a second. Nothing is timed to the second: the run and the processes are polled with
generous limits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opendata.batch.outdir import package_dirs, restore_moved_aside
from tests.batch_helpers import variant
from tests.cli_helpers import console_script, run_script
from tests.conftest import SAMPLE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def slow_document(path: Path, repeats: int = 200) -> Path:
    """One text disclosure holding the sample ``repeats`` times: a minute's work."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((SAMPLE.read_text(encoding="utf-8") + "\n") * repeats, encoding="utf-8")
    return path


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (zombies do not run: not counted)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state not in ("Z", "X"):
            found.add(int(entry.name))
    return found


def workers_of(pid: int) -> set[int]:
    """The worker processes of a run (spawned by multiprocessing; not its resource tracker)."""
    found = set()
    for child in children(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (not gone, not a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def created(stdout: str) -> int:
    """Packages printed as created."""
    return sum(1 for x in stdout.splitlines() if x.startswith("  -> ") and "[created]" in x)


def poll(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_document_over_the_time_limit_is_reported_and_the_others_convert(
    tmp_path: Path,
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    slow = slow_document(src / "slow.txt")
    for n in (1, 2, 3):
        variant(src, n)
    done = run_script(
        "convert", src, "-o", out, "-j", "2", "--timeout", "8", cwd=tmp_path, timeout=300
    )
    assert done.returncode == 7, done.stderr  # the worst: a document that was stopped
    assert (
        f"error: {slow}: converting this document took longer than the time limit (8 s, "
        "--timeout); it was stopped" in done.stderr
    )
    assert created(done.stdout) == 3, done.stdout
    assert len(package_dirs(out)) == 3
    assert "catalogue: " in done.stdout and "(3 packages)" in done.stdout
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_no_time_limit_with_timeout_0(tmp_path: Path) -> None:
    """``--timeout 0``: no limit; a document that takes a few seconds is converted."""
    src, out = tmp_path / "in", tmp_path / "out"
    slow_document(src / "slower.txt", repeats=3)
    variant(src, 1)
    done = run_script("convert", src, "-o", out, "-j", "2", "--timeout", "0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert created(done.stdout) == 2, done.stdout


def test_kill_9_of_the_run_leaves_no_worker_running(tmp_path: Path) -> None:
    """The parent alone is killed (not its process group): its workers die with it."""
    src, out = tmp_path / "in", tmp_path / "out"
    for n in range(4):
        slow_document(src / f"slow-{n}.txt")
    process = subprocess.Popen(
        [*console_script(), "convert", str(src), "-o", str(out), "-j", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert poll(lambda: len(workers_of(process.pid)) == 2, 60), children(process.pid)
        workers = workers_of(process.pid)
        time.sleep(0.5)  # into the documents
    finally:
        process.kill()  # SIGKILL, to the parent only
        process.wait(timeout=30)
    assert poll(lambda: not any(alive(pid) for pid in workers), 15), [
        pid for pid in workers if alive(pid)
    ]
    before = sorted(p.name for p in out.iterdir()) if out.exists() else []
    time.sleep(1)
    after = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert before == after  # nothing is writing any more


def test_a_package_moved_aside_by_a_killed_worker_is_put_back(tmp_path: Path) -> None:
    """What a worker killed while replacing a package leaves (its ``.NAME.old-PID``) is put
    back when the replacement never arrived, and removed when it did."""
    (tmp_path / ".a.old-4242").mkdir()
    (tmp_path / ".a.old-4242" / "datapackage.json").write_text("{}")
    (tmp_path / ".b.old-4242").mkdir()
    (tmp_path / ".b.old-4242" / "datapackage.json").write_text("{}")
    (tmp_path / "b").mkdir()  # its replacement arrived
    (tmp_path / ".c.old-77").mkdir()  # another process's: not touched
    done = restore_moved_aside(tmp_path, 4242)
    assert sorted(done) == [".a.old-4242 -> a", ".b.old-4242"]
    assert sorted(os.listdir(tmp_path)) == [".c.old-77", "a", "b"]


def test_a_worker_dies_with_its_parent_even_on_sigkill(tmp_path: Path) -> None:
    """die_with_parent in a grandchild: kill -9 of its parent kills it (prctl PDEATHSIG)."""
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import os, time; from opendata.batch.pool import die_with_parent; "
        "die_with_parent(os.getppid()); print(os.getpid(), flush=True); time.sleep(600)'], "
        "stdout=sys.stdout)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        grandchild = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert alive(grandchild)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
    assert poll(lambda: not alive(grandchild), 10)
