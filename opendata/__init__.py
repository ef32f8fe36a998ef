"""opendata: turn Chinese public-sector budget disclosures into open, linked, validated data.

The library is the product; the ``opendata`` command is a thin layer over it::

    from opendata import read_document, write_package, validate_package

    doc = read_document("budget.txt")
    result = write_package(doc, "datapackages")
    report = validate_package(result.path)
"""

__version__ = "0.1.0"

from opendata.errors import InputError, OpendataError, OutputError
from opendata.package import write_package
from opendata.reader import read_document
from opendata.validate import validate_package

__all__ = [
    "InputError",
    "OpendataError",
    "OutputError",
    "__version__",
    "read_document",
    "validate_package",
    "write_package",
]
