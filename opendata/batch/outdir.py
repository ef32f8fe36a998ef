"""The output folder of a batch run: what is already there, leftovers, a lock and name claims.

The packages are the truth. :func:`read_known` reads a package's ``datapackage.json``
(its ``sources`` with their SHA-256 and its ``opendata_version``), so a document whose file
names, bytes and toolkit version match a package is known to be converted already: no state
file can disagree with what is on disk, and a run killed at any moment needs no repair.

:func:`write_package` writes into a hidden staging folder ``.<name>.XXXXXXXX`` and renames it
into place, moving a previous version aside as ``.<name>.old-<pid>`` for a moment. A run killed
in between leaves such hidden folders; :func:`clean_leftovers` removes them (and puts a moved-
aside package back when its replacement never arrived) at the start of the next run, under
:class:`OutputLock` so that it never touches the folders of a run still going on.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from opendata.batch.spool import Spool
from opendata.errors import OutputError

CATALOG = "catalog"  # OUT/catalog/ holds the corpus catalogue, not a package
STATE = ".opendata"  # OUT/.opendata/ holds the claims of running batches
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:old-(?P<pid>\d+)|[a-z0-9_]{8})$")

SourceKey = tuple[tuple[str, str], ...]  # ((file name, sha256), …) in reading order


@dataclass(frozen=True)
class Known:
    """A package on disk, as far as deciding whether to convert again needs it."""

    name: str
    sources: SourceKey
    version: str
    reader_errors: int


def iter_package_dirs(out_dir: Path) -> Iterator[Path]:
    """Every package folder in ``out_dir`` (not hidden, not the catalogue), as listed."""
    if not out_dir.is_dir():
        return
    with os.scandir(out_dir) as entries:
        for entry in entries:
            if entry.name.startswith(".") or entry.name == CATALOG:
                continue
            path = Path(entry.path)
            if entry.is_dir() and (path / "datapackage.json").is_file():
                yield path


def package_dirs(out_dir: Path) -> list[Path]:
    """Every package folder in ``out_dir`` (not hidden, not the catalogue), sorted by name."""
    return sorted(iter_package_dirs(out_dir))


def read_known(folder: Path, data: bytes | None = None) -> Known | None:
    """What a package says about its sources (its ``datapackage.json``, or ``data`` when
    already read); None when the descriptor cannot be read."""
    try:
        if data is None:
            data = (folder / "datapackage.json").read_bytes()
        descriptor = json.loads(data.decode("utf-8"))
        sources = tuple((s["path"], s["sha256"]) for s in descriptor["sources"])
        errors = int((descriptor.get("reader_findings") or {}).get("error", 0))
        return Known(folder.name, sources, str(descriptor.get("opendata_version")), errors)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clean_leftovers(out_dir: Path) -> list[str]:
    """Remove what killed runs left: staging folders, moved-aside packages, old claims.

    A package moved aside (``.<name>.old-<pid>``) whose replacement is missing is put back.
    Returns the names of what was removed or restored. Call it only under :class:`OutputLock`.
    """
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    with os.scandir(out_dir) as listing:  # only hidden names matter: nothing else is kept
        hidden = sorted(Path(e.path) for e in listing if _STAGING.match(e.name))
    for entry in hidden:
        match = _STAGING.match(entry.name)
        if not match or not entry.is_dir() or entry.is_symlink():
            continue
        target = out_dir / match.group("name")
        if match.group("pid") and not target.exists() and (entry / "datapackage.json").is_file():
            entry.rename(target)
            done.append(f"{entry.name} -> {target.name}")
            continue
        shutil.rmtree(entry, ignore_errors=True)
        done.append(entry.name)
    state = out_dir / STATE
    if state.is_dir():
        for claims in state.glob("claims-*"):
            shutil.rmtree(claims, ignore_errors=True)
            done.append(f"{STATE}/{claims.name}")
        with contextlib.suppress(OSError):
            state.rmdir()
    return done


def restore_moved_aside(out_dir: Path, pid: int) -> list[str]:
    """After process ``pid`` was killed while writing: put back a package it had moved aside
    (``.<name>.old-<pid>``) whose replacement never arrived, or remove it if it did. Call it
    only under :class:`OutputLock`. Returns what was restored or removed."""
    done: list[str] = []
    suffix = f".old-{pid}"
    aside: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(out_dir) as listing:
        aside = [Path(e.path) for e in listing if e.name.endswith(suffix)]
    for entry in aside:
        match = _STAGING.match(entry.name)
        if not match or match.group("pid") != str(pid) or entry.is_symlink():
            continue
        target = out_dir / match.group("name")
        if not target.exists() and (entry / "datapackage.json").is_file():
            entry.rename(target)
            done.append(f"{entry.name} -> {target.name}")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            done.append(entry.name)
    return done


class OutputLock:
    """An exclusive lock on the output folder for one run (``flock`` on the folder itself).

    The kernel drops it when the process ends, however it ends, so a killed run never leaves
    a stale lock. Where the file system cannot lock (some network file systems), the run goes
    on without it.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        try:
            self.fd = os.open(self.out_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return self  # not a folder (yet): nothing of another run to protect
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self.fd)
            self.fd = None
            raise OutputError(
                "another opendata run is writing into this folder; wait for it to finish",
                path=self.out_dir,
            ) from exc
        except OSError:
            pass  # locking not supported here
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None


@dataclass(frozen=True)
class FileClaims:
    """Package names taken in one run, as files, so parallel workers (and machines sharing the
    folder) never write two documents into one package. Picklable: it is only a path."""

    folder: Path

    @classmethod
    def new(cls, out_dir: Path) -> FileClaims:
        return cls(out_dir / STATE / f"claims-{uuid.uuid4().hex[:12]}")

    def claim(self, name: str, who: str) -> str | None:
        """Take ``name`` for input ``who``; returns the input that had it already, or None.

        Taking it again for the same input (a job retried after its worker died) succeeds. A
        claim is a symbolic link whose target is the input's path: made in one atomic step,
        whole when it appears, and read without opening a file. Where links cannot be made,
        a file is written aside and hard-linked into place instead.
        """
        claim = self.folder / name
        try:
            try:
                os.symlink(os.fsencode(who), claim)
            except FileNotFoundError:  # the first claim of the run: make the folder
                self.folder.mkdir(parents=True, exist_ok=True)
                os.symlink(os.fsencode(who), claim)
        except FileExistsError:
            return self._owner(claim, who)
        except OSError:
            return self._claim_as_file(claim, who)
        return None

    def _owner(self, claim: Path, who: str) -> str | None:
        try:
            raw = os.readlink(claim) if claim.is_symlink() else claim.read_bytes()
            owner = os.fsdecode(raw)
        except OSError:
            owner = ""
        return None if owner == who else owner or "another document"

    def _claim_as_file(self, claim: Path, who: str) -> str | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            draft = self.folder / f".{claim.name}.{uuid.uuid4().hex}"
            draft.write_bytes(os.fsencode(who))  # any file name
        except OSError:
            return None  # the folder cannot be written: writing the package will say so
        try:
            os.link(draft, claim)  # atomic, and the claim is whole when it appears
        except FileExistsError:
            return self._owner(claim, who)
        except OSError:
            return None
        finally:
            draft.unlink(missing_ok=True)
        return None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.folder.parent.rmdir()


class MemoryClaims:
    """Package names taken in one run, when every document is converted in this process
    (kept in a :class:`~opendata.batch.spool.Spool`, not in memory, however many there are)."""

    def __init__(self) -> None:
        self.spool = Spool("CREATE TABLE taken (name TEXT PRIMARY KEY, who BLOB)")

    def claim(self, name: str, who: str) -> str | None:
        owner = self.spool.value("SELECT who FROM taken WHERE name = ?", (name,))
        if owner is not None:
            return os.fsdecode(owner) if owner != os.fsencode(who) else None
        self.spool.db.execute("INSERT INTO taken VALUES (?, ?)", (name, os.fsencode(who)))
        return None

    def remove(self) -> None:
        self.spool.close()
