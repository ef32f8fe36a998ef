"""Convert disclosures into data packages: the job behind ``opendata convert``.

Each input (or, with ``as_one``, all inputs together) is read into a
:class:`~opendata.model.Document` and written as a package. A document that cannot be read
is reported with its error and does not stop the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from opendata.errors import OpendataError, OutputError
from opendata.model import Document, Finding
from opendata.read.bounds import MAX_PAGES
from opendata.read.document import read_document
from opendata.write.package import WriteResult, package_name, write_package


@dataclass
class ConvertResult:
    """The outcome for one disclosure: its package, counts and findings, or the error."""

    inputs: list[str]
    written: WriteResult | None = None
    error: OpendataError | None = None
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings) + (self.error is not None)


def counts(doc: Document) -> dict[str, int]:
    amounts = sum(
        1
        for t in doc.tables
        for r in t.rows
        for c, cell in zip(t.columns, r.cells, strict=True)
        if c.kind == "amount" and cell.value is not None
    )
    return {
        "tables": len(doc.tables),
        "rows": sum(len(t.rows) for t in doc.tables),
        "amounts": amounts,
        "projects": len(doc.projects),
        "indicators": sum(len(p.indicators) for p in doc.projects),
        "units": len(doc.units),
        "findings": len(doc.findings),
    }


def convert_one(
    paths: list[Path],
    out_dir: Path,
    *,
    name: str | None = None,
    created: str | None = None,
    strict: bool = False,
    taken: dict[str, str] | None = None,
    base: str | None = None,
    max_pages: int = MAX_PAGES,
) -> ConvertResult:
    """Read ``paths`` as one disclosure and write its package under ``out_dir``.

    ``taken`` maps package names already written in this run to their input, so that two
    documents that would get the same package name do not overwrite each other.
    """
    result = ConvertResult([str(p) for p in paths])
    try:
        doc = read_document(*paths, max_pages=max_pages)
        result.counts = counts(doc)
        result.findings = doc.findings
        if strict and any(f.severity == "error" for f in doc.findings):
            return result
        pkg_name = name or package_name(doc)
        if taken is not None:
            if pkg_name in taken:
                raise OutputError(
                    f"package {pkg_name} was already written from {taken[pkg_name]} in this run; "
                    "convert these separately or give each its own --name",
                    path=paths[0],
                )
            taken[pkg_name] = result.inputs[0]
        result.written = write_package(doc, out_dir, name=pkg_name, created=created, base=base)
    except OpendataError as exc:
        result.error = exc
    return result


def convert(
    inputs: list[Path],
    out_dir: Path,
    *,
    as_one: bool = False,
    name: str | None = None,
    created: str | None = None,
    strict: bool = False,
    base: str | None = None,
    max_pages: int = MAX_PAGES,
) -> list[ConvertResult]:
    """Convert each input as its own disclosure, or all of them as one (``as_one``); of a
    PDF, the first ``max_pages`` pages (0: every page)."""
    groups = [inputs] if as_one else [[p] for p in inputs]
    taken: dict[str, str] = {}
    return [
        convert_one(
            group,
            out_dir,
            name=name,
            created=created,
            strict=strict,
            taken=taken,
            base=base,
            max_pages=max_pages,
        )
        for group in groups
    ]
