"""opendata: turn Chinese public-sector budget disclosures into open, linked, validated data.

The library is the product; the ``opendata`` command is a thin layer over it::

    from opendata import read_document, write_package, validate_package

    doc = read_document("budget.txt")
    result = write_package(doc, "datapackages")
    report = validate_package(result.path)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opendata.resources import VERSION as __version__

# The public API, imported when first used (PEP 562): ``import opendata`` and the command's
# start-up stay light, and no stage imports the package root's view of the others.
_API = {
    "InputError": "opendata.errors",
    "OpendataError": "opendata.errors",
    "OutputError": "opendata.errors",
    "read_document": "opendata.read.document",
    "validate_package": "opendata.validate.report",
    "write_package": "opendata.write.package",
}

if TYPE_CHECKING:
    from opendata.errors import InputError, OpendataError, OutputError
    from opendata.read.document import read_document
    from opendata.validate.report import validate_package
    from opendata.write.package import write_package


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'opendata' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__all__ = [
    "InputError",
    "OpendataError",
    "OutputError",
    "__version__",
    "read_document",
    "validate_package",
    "write_package",
]
