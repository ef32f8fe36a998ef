"""Find the documents to convert: files, folders and glob patterns, grouped into disclosures.

An input is a file (taken as it is, whatever its name), a folder (every ``*.pdf`` and ``*.txt``
below it, hidden files and folders left out) or a glob pattern (``corpus/**/*.pdf``; quote it
so that opendata, not the shell, expands it). Files are listed in sorted order, each once.

Grouping rule (conservative, documented in the README): two files are parts of one disclosure
when they are in the same folder and their names are the same once a known part suffix is
removed, one naming the tables and the other the narrative::

    X-tables.pdf  + X-narrative.pdf      X_table.pdf + X_narrative.txt
    X表.pdf        + X说明.pdf            X附表.pdf    + X情况说明.pdf

Exactly one tables part and one narrative part make a group (tables first); any other
combination (two narrative parts, a part without its partner) leaves every file on its own.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from opendata.batch.spool import Spool
from opendata.errors import InputError

DOCUMENT_SUFFIXES = (".pdf", ".txt")
GLOB_CHARS = re.compile(r"[*?\[]")

# The part suffixes: checked in this order, so the longer Chinese forms win over 表 / 说明.
TABLES = "tables"
NARRATIVE = "narrative"
_PART_SUFFIXES: list[tuple[str, str]] = [
    (r"[-_. ]tables?", TABLES),
    (r"[-_. ]narrative", NARRATIVE),
    (r"(?:情况|文字|编制|公开)说明", NARRATIVE),
    (r"说明", NARRATIVE),
    (r"(?:附表|报表|表格)", TABLES),
    (r"表", TABLES),
]
_PART_RE = [
    (re.compile(f"^(?P<stem>.+?){suffix}$", re.IGNORECASE), part) for suffix, part in _PART_SUFFIXES
]


@dataclass
class Found:
    """The files found for the inputs, and the inputs that found nothing."""

    files: list[Path] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    expanded: bool = False  # some input was a folder or a pattern


def is_pattern(text: str) -> bool:
    return bool(GLOB_CHARS.search(text))


def is_expanded(given: Path) -> bool:
    """Whether an input names many files: a folder or a pattern."""
    return given.is_dir() or (not given.exists() and is_pattern(str(given)))


def order_key(path: Path) -> bytes:
    """A file's place in the listing of its input: paths sorted part by part (``a/b/y.pdf``
    before ``a/x.pdf``), as bytes that sort the same way (SQLite compares them so)."""
    return b"\0".join(part.encode("utf-8", "surrogateescape") for part in path.parts)


def _documents_under(folder: Path) -> Iterator[Path]:
    """The documents below a folder, hidden ones left out, as the folders list them (streamed:
    a folder of a million files is read a few entries at a time)."""
    todo = [folder]
    while todo:
        try:
            listing = os.scandir(todo.pop())
        except OSError:
            continue  # unreadable: as if empty
        with listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):  # as rglob: no loops
                        todo.append(Path(entry.path))
                    elif entry.is_file() and Path(entry.name).suffix.lower() in DOCUMENT_SUFFIXES:
                        yield Path(entry.path)
                except OSError:
                    continue


@dataclass(frozen=True)
class Entry:
    """A file an input names: which input (its number), and the file as named and resolved."""

    number: int
    path: Path
    resolved: Path


def expand(inputs: list[Path], *, exclude: Path | None = None) -> Iterator[Entry | InputError]:
    """Each input's files, as they are found (unsorted; a file may come more than once), and
    an :class:`~opendata.errors.InputError` for a folder or pattern that finds nothing. What a
    folder or pattern finds under ``exclude`` (the output folder) is left out; a file given by
    name is always kept. Nothing is held per file: sort and deduplicate as the caller likes."""
    skip = exclude.resolve() if exclude is not None else None

    def found(number: int, paths: Iterable[Path], seen: list[bool]) -> Iterator[Entry]:
        for path in paths:
            seen[0] = True
            resolved = path.resolve()
            # never convert what this run writes (a folder given with its output in it)
            if skip is None or not resolved.is_relative_to(skip):
                yield Entry(number, path, resolved)

    for number, given in enumerate(inputs):
        seen = [False]
        if given.is_dir():
            yield from found(number, _documents_under(given), seen)
            if not seen[0]:
                yield InputError("no .pdf or .txt file in this folder", path=given)
        elif not given.exists() and is_pattern(str(given)):
            matches = map(Path, glob.iglob(str(given), recursive=True))
            paths = (p for m in matches for p in (_documents_under(m) if m.is_dir() else (m,)))
            yield from found(number, paths, seen)
            if not seen[0]:
                yield InputError("no file matches this pattern", path=given)
        else:  # a file, or a path that does not exist: reading it reports the problem
            yield Entry(number, given, given.resolve())


def find_inputs(inputs: list[Path], *, exclude: Path | None = None) -> Found:
    """Expand folders and patterns into files, in order: input by input, each input's files
    sorted (:func:`order_key`), each file once (where it first comes). In memory: batch runs
    spool the same listing to disk (:mod:`opendata.batch.plan`)."""
    result = Found(expanded=any(is_expanded(given) for given in inputs))
    entries = []
    for entry in expand(inputs, exclude=exclude):
        if isinstance(entry, InputError):
            result.errors.append(entry)
        else:
            entries.append((entry.number, order_key(entry.path), entry.path, entry.resolved))
    seen: set[Path] = set()
    for _, _, path, key in sorted(entries, key=lambda e: e[:2]):
        if key not in seen:
            seen.add(key)
            result.files.append(path)
    return result


def parts_of(path: Path) -> list[tuple[str, str]]:
    """Each (stem without a part suffix, "tables" | "narrative") the file's name allows."""
    found = []
    for pattern, part in _PART_RE:
        match = pattern.match(path.stem)
        stem = match.group("stem").rstrip(" -_.") if match else ""
        if stem and (stem, part) not in found:
            found.append((stem, part))
    return found


#: The files of a run and their part names, in a :class:`~opendata.batch.spool.Spool`.
FILES_SCHEMA = """
CREATE TABLE files (
    resolved BLOB PRIMARY KEY,  -- each file once, where it first comes
    number INTEGER, sort BLOB,  -- its input and its place in that input's listing
    path BLOB, parent BLOB);    -- paths as bytes (os.fsencode): any file name
CREATE TABLE parts (parent BLOB, stem BLOB, part TEXT, resolved BLOB);
CREATE INDEX parts_stem ON parts (parent, stem);
"""

#: Add a file (resolved, number, sort, path, parent), keeping where it first comes.
ADD_FILE = (
    "INSERT INTO files VALUES (?, ?, ?, ?, ?) ON CONFLICT (resolved) DO UPDATE SET "
    "number = excluded.number, sort = excluded.sort, path = excluded.path, "
    "parent = excluded.parent WHERE (excluded.number, excluded.sort) < (number, sort)"
)

# The grouping rule over the spooled files: a folder and stem with exactly one tables part
# and one narrative part make a pair; a pair is kept when neither file is in another pair.
_PAIRS = f"""
CREATE TEMP TABLE pairs AS
WITH stems AS (
    SELECT parent, stem FROM parts GROUP BY parent, stem
    HAVING COUNT(*) = 2 AND SUM(part = '{TABLES}') = 1 AND SUM(part = '{NARRATIVE}') = 1),
candidates AS (
    SELECT t.resolved AS t, n.resolved AS n FROM stems
    JOIN parts t ON t.parent = stems.parent AND t.stem = stems.stem AND t.part = '{TABLES}'
    JOIN parts n ON n.parent = stems.parent AND n.stem = stems.stem AND n.part = '{NARRATIVE}'),
once AS (
    SELECT r FROM (SELECT t AS r FROM candidates UNION ALL SELECT n FROM candidates)
    GROUP BY r HAVING COUNT(*) = 1)
SELECT t, n FROM candidates WHERE t IN once AND n IN once;
CREATE INDEX temp.pairs_t ON pairs (t);
CREATE INDEX temp.pairs_n ON pairs (n);
"""


def spooled_groups(spool: Spool) -> Iterator[tuple[int, bytes, list[str]]]:
    """The disclosures among the files in ``spool`` (:data:`FILES_SCHEMA`), unordered: (input
    number and sort key of its first file, its paths, tables part first)."""
    spool.insert(
        "INSERT INTO parts VALUES (?, ?, ?, ?)",
        (
            (parent, os.fsencode(stem), part, resolved)
            for resolved, path, parent in spool.rows("SELECT resolved, path, parent FROM files")
            for stem, part in parts_of(Path(os.fsdecode(path)))
        ),
    )
    spool.db.executescript(_PAIRS)
    for t, tn, ts, n, nn, ns in spool.rows(
        "SELECT ft.path, ft.number, ft.sort, fn.path, fn.number, fn.sort FROM pairs "
        "JOIN files ft ON ft.resolved = pairs.t JOIN files fn ON fn.resolved = pairs.n"
    ):
        yield *min((tn, ts), (nn, ns)), [os.fsdecode(t), os.fsdecode(n)]
    for path, number, sort in spool.rows(
        "SELECT path, number, sort FROM files WHERE resolved NOT IN (SELECT t FROM pairs) "
        "AND resolved NOT IN (SELECT n FROM pairs)"
    ):
        yield number, sort, [os.fsdecode(path)]


def group_files(files: list[Path]) -> list[list[Path]]:
    """Disclosures: tables + narrative parts together (see the module's rule), others alone.

    Groups come in the order of their first file.
    """
    with Spool(FILES_SCHEMA) as spool:
        spool.insert(
            ADD_FILE,
            (
                (os.fsencode(p), 0, i.to_bytes(8, "big"), os.fsencode(p), os.fsencode(p.parent))
                for i, p in enumerate(files)
            ),
        )
        groups = sorted(spooled_groups(spool), key=lambda g: g[:2])
    return [[Path(p) for p in paths] for _, _, paths in groups]
