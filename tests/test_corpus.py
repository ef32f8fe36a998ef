"""Every document of the development corpus converts, matches its golden package, loses nothing.

The golden packages in ``tests/golden/`` are regenerated with ``scripts/regenerate-golden.sh``.
The "nothing lost" check is independent of the layout code: it takes every amount-like number
from PDFium's own plain text of each page and looks for it in the package.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from opendata.read.document import read_document
from opendata.validate.report import validate_package
from opendata.write.package import build
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"
GOLDEN = ROOT / "tests" / "golden"
CREATED = "2000-01-01T00:00:00Z"
PDF = CORPUS / "pdf"
DOCUMENTS = [
    ("text/qinhuangdao-etdz-party-building-2023-budget.txt",),
    ("pdf/js-procuratorate-2019-budget.pdf",),
    ("pdf/js-provincial-party-office-2019-budget-tables.pdf",),
    ("pdf/js-provincial-party-office-2019-budget-narrative.pdf",),
    (
        "pdf/js-provincial-party-office-2019-budget-tables.pdf",
        "pdf/js-provincial-party-office-2019-budget-narrative.pdf",
    ),
    ("pdf/sh-2024-final-account-template.pdf",),
    ("pdf/sh-putuo-party-social-work-dept-2024-final-account.pdf",),
    ("pdf/sh-putuo-wanli-subdistrict-2023-budget.pdf",),
    ("pdf/js-npc-office-2017-budget.pdf",),
    ("pdf/js-npc-office-2018-budget.pdf",),
    ("pdf/js-cppcc-office-2017-budget-tables.pdf",),
    ("pdf/js-cppcc-office-2017-budget-narrative.pdf",),
    ("pdf/js-cppcc-office-2018-budget-tables.pdf",),
    ("pdf/js-cppcc-office-2018-budget-narrative.pdf",),
    ("pdf/js-high-court-2017-budget.pdf",),
    ("pdf/js-high-court-2018-budget.pdf",),
    ("pdf/js-procuratorate-2018-budget.pdf",),
]
#: Reader errors a corpus document is known to give, each a limit of the reader named here
#: (none today: js-npc-office-2017's 收支预算总表 rows of 4 cells on page 9, where the table has
#: 6, are placed by their cells' kinds and reported as row-width warnings).
KNOWN_ERRORS: dict[str, list[str]] = {}
NOT_KEPT = {"rdf/graph.nt", "rdf/graph.jsonld"}  # pinned by their hashes in datapackage.json
AMOUNT = re.compile(
    r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d+\.\d+(?![\d.])"
)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def _ids(files: tuple[str, ...]) -> str:
    return "+".join(Path(f).stem for f in files)


@pytest.fixture(scope="module", params=DOCUMENTS, ids=_ids)
def converted(request: pytest.FixtureRequest) -> tuple[tuple[str, ...], dict[str, str]]:
    files = request.param
    doc = read_document(*(CORPUS / f for f in files))
    return files, build(doc, CREATED)


def _name(files: dict[str, str]) -> str:
    return json.loads(files["datapackage.json"])["name"]


def test_matches_its_golden_package(converted: tuple[tuple[str, ...], dict[str, str]]) -> None:
    files, built = converted
    golden = GOLDEN / _ids(files) / _name(built)
    assert golden.is_dir(), f"no golden package for {files}; run scripts/regenerate-golden.sh"
    expected = {
        str(p.relative_to(golden)): p.read_bytes().decode("utf-8")
        for p in sorted(golden.rglob("*"))
        if p.is_file()
    }
    assert sorted(expected) == sorted(set(built) - NOT_KEPT)
    stale = [name for name in expected if expected[name] != built[name]]
    assert not stale, f"{files}: changed {stale}; run scripts/regenerate-golden.sh and review"


def test_no_reader_errors(converted: tuple[tuple[str, ...], dict[str, str]]) -> None:
    files, built = converted
    findings = list(csv.DictReader(io.StringIO(built["data/reader_findings.csv"])))
    known = KNOWN_ERRORS.get(Path(files[0]).name, []) if len(files) == 1 else []
    assert [f["code"] for f in findings if f["severity"] == "error"] == known
    allowed = {"placeholder", "unknown-table", "no-tables", "table-recognised", "unruled-row"}
    allowed |= {"row-width"}  # warnings only (errors are checked above): cells placed by kind
    # a scanned page (no text layer) is reported, not read: OCR is not part of the reader yet
    allowed |= {"page-unreadable"} | set(known)
    assert {f["code"] for f in findings} <= allowed


def test_converted_package_is_valid(
    converted: tuple[tuple[str, ...], dict[str, str]], tmp_path: Path
) -> None:
    """Frictionless accepts the tables and pySHACL the graph, with the shapes in schemas/."""
    _, built = converted
    for relative, text in built.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
    report = validate_package(tmp_path)
    assert report.valid, report.errors[:5]
    assert report.shacl is True


def _package_values(built: dict[str, str]) -> tuple[set[Decimal], str]:
    numbers: set[Decimal] = set()
    texts: list[str] = []
    for path, content in built.items():
        if not path.endswith(".csv"):
            continue
        for row in csv.reader(io.StringIO(content)):
            for cell in row:
                plain = cell.replace(",", "")
                if re.fullmatch(r"-?\d+(\.\d+)?", plain):
                    numbers.add(Decimal(plain))
                else:
                    texts.append(cell)
    return numbers, "\n".join(texts)


@pytest.mark.parametrize("files", [d for d in DOCUMENTS if d[0].endswith(".pdf")], ids=_ids)
def test_every_printed_amount_is_in_the_package(files: tuple[str, ...]) -> None:
    """Each amount-like number in PDFium's plain text of the PDF is somewhere in the package."""
    import pypdfium2 as pdfium

    built = build(read_document(*(CORPUS / f for f in files)), CREATED)
    numbers, text = _package_values(built)
    missing = []
    for f in files:
        document = pdfium.PdfDocument(str(CORPUS / f))
        for number in range(len(document)):
            plain = document[number].get_textpage().get_text_range()
            for token in AMOUNT.findall(plain):
                value = Decimal(token.replace(",", ""))
                if (
                    value not in numbers
                    and token not in text
                    and token.replace(",", "") not in text
                ):
                    missing.append((f, number + 1, token))
        document.close()
    assert missing == []


def test_every_table_kind_has_a_golden_resource() -> None:
    from opendata.kinds.catalogue import KINDS

    seen = set()
    for descriptor in GOLDEN.glob("*/*/datapackage.json"):
        for resource in json.loads(descriptor.read_text("utf-8"))["resources"]:
            if "table_kind" in resource:
                seen.add(resource["table_kind"])
    assert {k.key for k in KINDS} <= seen
