"""The plan of a run: the jobs (one per disclosure) that the inputs give, streamed from a spool.

:func:`plan` expands the inputs (files, folders, patterns; :mod:`opendata.batch.discover`), groups
the parts of a disclosure, and, when the run is incremental, lists the packages already in the
output folder by their source file names. All of it goes into a :class:`~opendata.batch.spool.Spool`
(SQLite on disk), not into lists, so planning a million documents takes no more memory than
planning ten: :meth:`Plan.jobs` reads the jobs back one at a time, in the order of their first
file, each with the packages that may already hold it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from opendata.batch.convert import ConvertResult
from opendata.batch.discover import (
    ADD_FILE,
    FILES_SCHEMA,
    expand,
    is_expanded,
    order_key,
    spooled_groups,
)
from opendata.batch.outdir import FileClaims, Known, MemoryClaims, iter_package_dirs, read_known
from opendata.batch.spool import Spool
from opendata.errors import InputError
from opendata.read.bounds import MAX_PAGES
from opendata.read.lines import source_name


@dataclass(frozen=True)
class Options:
    """What every job of a run shares."""

    out_dir: Path
    name: str | None = None
    created: str | None = None
    strict: bool = False
    base: str | None = None
    incremental: bool = False  # skip a document whose package is up to date
    max_pages: int = MAX_PAGES  # of a PDF, the pages read (0: every page)


@dataclass(frozen=True)
class Job:
    """One disclosure to convert: its files, and the packages that may already hold it."""

    paths: tuple[Path, ...]
    options: Options
    known: tuple[Known, ...] = ()  # packages whose source names match, when incremental
    claims: FileClaims | MemoryClaims | None = None

    @property
    def inputs(self) -> list[str]:
        return [str(p) for p in self.paths]


_SCHEMA = (
    FILES_SCHEMA
    + """
CREATE TABLE jobs (number INTEGER, sort BLOB, paths TEXT);  -- paths: a JSON list
CREATE INDEX jobs_order ON jobs (number, sort);
CREATE TABLE known (
    names TEXT, name TEXT, sources TEXT, version TEXT, errors INTEGER,
    digest TEXT, size INTEGER, mtime INTEGER);  -- the descriptor's SHA-256, bytes, mtime (ns)
CREATE INDEX known_names ON known (names);
CREATE INDEX known_name ON known (name);
"""
)


def _names(names: list[str]) -> str:
    """Source file names as the key of the known packages (JSON, ASCII: any file name)."""
    return json.dumps(names)


@dataclass
class Plan:
    """The jobs of a run (in a spool: iterate :meth:`jobs`) and the inputs that gave none."""

    options: Options
    count: int  # jobs
    errors: list[ConvertResult] = field(default_factory=list)
    batch: bool = False  # grouped, incremental, catalogued
    leftovers: list[str] = field(default_factory=list)  # removed from the output folder
    spool: Spool | None = None

    def jobs(self) -> Iterator[Job]:
        """The jobs, in the order of their first file, read from the spool as they are used."""
        if self.spool is None:
            return
        spool = self.spool
        for (paths,) in spool.rows("SELECT paths FROM jobs ORDER BY number, sort"):
            names = [Path(p) for p in json.loads(paths)]
            known: tuple[Known, ...] = ()
            if self.options.incremental:
                key = _names([source_name(p) for p in names])
                known = tuple(
                    Known(name, tuple(map(tuple, json.loads(sources))), version, errors)
                    for name, sources, version, errors in spool.rows(
                        "SELECT name, sources, version, errors FROM known WHERE names = ? "
                        "ORDER BY name",
                        (key,),
                    )
                )
            yield Job(tuple(names), self.options, known)

    def digest_of(self, descriptor: Path) -> str | None:
        """The SHA-256 of a package's ``datapackage.json`` as planning read it, if the file has
        the same size and modification time now (else None: read it again). The catalogue uses
        it so that a rerun reads each unchanged descriptor once, not twice."""
        if self.spool is None:
            return None
        try:
            stat = descriptor.stat()
        except OSError:
            return None
        return self.spool.value(
            "SELECT digest FROM known WHERE name = ? AND size = ? AND mtime = ?",
            (descriptor.parent.name, stat.st_size, stat.st_mtime_ns),
        )

    def __enter__(self) -> Plan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


def plan(
    inputs: list[Path],
    options: Options,
    *,
    as_one: bool = False,
    batch: bool | None = None,
    force: bool = False,
) -> Plan:
    """The jobs for ``inputs``: one per file, per group of parts (batch) or one (``as_one``).

    ``batch`` (default: when an input is a folder or a pattern) groups tables and narrative
    parts and makes the run incremental, unless ``force``. Close the plan when done.
    """
    batch = any(is_expanded(given) for given in inputs) if batch is None else batch
    if batch and not force:
        options = replace(options, incremental=True)
    spool = Spool(_SCHEMA)
    errors: list[ConvertResult] = []

    def files() -> Iterator[tuple[bytes, int, bytes, bytes, bytes]]:
        for entry in expand(inputs, exclude=options.out_dir):
            if isinstance(entry, InputError):
                errors.append(ConvertResult([entry.path or ""], error=entry))
                continue
            path = entry.path
            resolved = os.fsencode(entry.resolved)
            yield (
                resolved,
                entry.number,
                order_key(path),
                os.fsencode(path),
                os.fsencode(path.parent),
            )

    spool.insert(ADD_FILE, files())
    spool.insert("INSERT INTO jobs VALUES (?, ?, ?)", _jobs(spool, as_one=as_one, batch=batch))
    count = spool.value("SELECT COUNT(*) FROM jobs")
    if options.incremental and count:
        spool.insert("INSERT INTO known VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _known(options.out_dir))
    return Plan(options, count, errors, batch, spool=spool)


def _jobs(spool: Spool, *, as_one: bool, batch: bool) -> Iterator[tuple[int, bytes, str]]:
    """(first file's input number, its sort key, the job's paths as JSON) for every job."""
    if as_one:
        listed = list(spool.rows("SELECT path, number, sort FROM files ORDER BY number, sort"))
        if listed:
            paths = [os.fsdecode(p) for p, _, _ in listed]
            yield listed[0][1], listed[0][2], json.dumps(paths)
    elif not batch:
        for path, number, sort in spool.rows("SELECT path, number, sort FROM files"):
            yield number, sort, json.dumps([os.fsdecode(path)])
    else:  # tables and narrative parts of a disclosure together
        for number, sort, paths in spooled_groups(spool):
            yield number, sort, json.dumps(paths)


def _known(out_dir: Path) -> Iterator[tuple[str, str, str, str, int, str, int, int]]:
    """(source names as JSON, package name, sources as JSON, version, reader errors, and the
    descriptor's SHA-256, size and modification time) for every package in the output folder."""
    for folder in iter_package_dirs(out_dir):
        try:
            with (folder / "datapackage.json").open("rb") as handle:
                stat = os.fstat(handle.fileno())
                data = handle.read()
        except OSError:
            continue
        known = read_known(folder, data)
        if known is not None:
            names = _names([n for n, _ in known.sources])
            sources = json.dumps(known.sources)
            digest = hashlib.sha256(data).hexdigest()
            yield (
                names,
                known.name,
                sources,
                known.version,
                known.reader_errors,
                digest,
                stat.st_size,
                stat.st_mtime_ns,
            )
