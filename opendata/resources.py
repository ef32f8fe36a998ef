"""Where the toolkit's data files are: the one place that finds ``schemas/`` and ``vocab/``.

In a checkout they sit beside the ``opendata`` package; in an installed wheel they are copied
into ``opendata/_data/`` (``pyproject.toml``'s ``force-include``).
"""

from __future__ import annotations

from pathlib import Path

#: The toolkit's version (the package root's ``__version__``).
VERSION = "0.1.0"

_HERE = Path(__file__).resolve().parent


def toolkit_file(relative: str) -> Path:
    """A file shipped with the toolkit (``schemas/…``, ``vocab/…``), from a checkout or a wheel."""
    for candidate in (_HERE.parent / relative, _HERE / "_data" / relative):
        if candidate.exists():
            return candidate
    return _HERE.parent / relative


def toolkit_folder(relative: str, marker: str) -> Path:
    """A folder shipped with the toolkit that holds ``marker``; FileNotFoundError when none does."""
    candidates = (_HERE.parent / relative, _HERE / "_data" / relative)
    for folder in candidates:
        if (folder / marker).is_file():
            return folder
    raise FileNotFoundError(
        f"{relative} not found; looked in " + ", ".join(str(f) for f in candidates)
    )


def shapes_text() -> str:
    """The SHACL shapes of the package graph (``schemas/shapes.ttl``)."""
    return toolkit_file("schemas/shapes.ttl").read_text(encoding="utf-8")
