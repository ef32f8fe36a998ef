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
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

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


def _documents_under(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in DOCUMENT_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


def find_inputs(inputs: list[Path], *, exclude: Path | None = None) -> Found:
    """Expand folders and patterns into files; what they find under ``exclude`` (the output
    folder) is left out. A file given by name is always kept."""
    result = Found()
    seen: set[Path] = set()
    skip = exclude.resolve() if exclude is not None else None

    def add(path: Path, expanded: bool = False) -> None:
        key = path.resolve()
        if expanded and skip is not None and key.is_relative_to(skip):
            return  # never convert what this run writes (a folder given with its output in it)
        if key not in seen:
            seen.add(key)
            result.files.append(path)

    for given in inputs:
        text = str(given)
        if given.is_dir():
            result.expanded = True
            files = _documents_under(given)
            if not files:
                result.errors.append(InputError("no .pdf or .txt file in this folder", path=given))
            for path in files:
                add(path, expanded=True)
        elif not given.exists() and is_pattern(text):
            result.expanded = True
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            files = []
            for match in matches:
                files.extend(_documents_under(match) if match.is_dir() else [match])
            if not files:
                result.errors.append(InputError("no file matches this pattern", path=given))
            for path in files:
                add(path, expanded=True)
        else:  # a file, or a path that does not exist: reading it reports the problem
            add(given)
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


def group_files(files: list[Path]) -> list[list[Path]]:
    """Disclosures: tables + narrative parts together (see the module's rule), others alone.

    Groups come in the order of their first file.
    """
    candidates: dict[tuple[Path, str], list[tuple[str, Path]]] = defaultdict(list)
    for path in files:
        for stem, part in parts_of(path):
            candidates[(path.parent, stem)].append((part, path))
    pairs: list[list[Path]] = []
    for parts in candidates.values():
        if sorted(kind for kind, _ in parts) == [NARRATIVE, TABLES]:
            pairs.append(
                [p for kind, p in parts if kind == TABLES]
                + [p for kind, p in parts if kind == NARRATIVE]
            )
    uses: dict[Path, int] = defaultdict(int)
    for pair in pairs:
        for p in pair:
            uses[p] += 1
    partner = {p: pair for pair in pairs if all(uses[x] == 1 for x in pair) for p in pair}
    groups: list[list[Path]] = []
    done: set[Path] = set()
    for path in files:
        if path in done:
            continue
        group = partner.get(path, [path])
        done.update(group)
        groups.append(group)
    return groups
