"""Reading a package back into the model (opendata.read.datapackage) gives the model it was written from."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata.model import Document
from opendata.read.datapackage import load_document
from opendata.read.document import read_document
from tests.test_corpus import CORPUS, DOCUMENTS, GOLDEN, _ids

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def _tables(doc: Document) -> list[tuple[object, ...]]:
    return [
        (
            t.kind,
            t.title,
            t.unit,
            t.notes,
            t.as_of,
            t.number,
            [(c.name, c.kind, c.header) for c in t.columns],
            [
                (
                    r.role,
                    r.code,
                    r.code_level,
                    r.parent_code,
                    r.label,
                    r.source,
                    *(c.value for c in r.cells),
                )
                for r in t.rows
            ],
        )
        for t in doc.tables
    ]


@pytest.mark.parametrize("files", DOCUMENTS, ids=_ids)
def test_a_package_reads_back_into_the_model_it_was_written_from(files: tuple[str, ...]) -> None:
    doc = read_document(*(CORPUS / f for f in files))
    package = next((GOLDEN / _ids(files)).iterdir())
    back = load_document(package)
    assert _tables(back) == _tables(doc)
    assert [(s.heading, s.text, s.source, s.lines) for s in back.sections] == [
        (s.heading, s.text, s.source, s.lines) for s in doc.sections
    ]
    assert [(f.code, f.source, f.severity) for f in back.findings] == [
        (f.code, f.source, f.severity) for f in doc.findings
    ]
    for attr in ("year", "kind", "level", "department", "department_code"):
        assert getattr(back, attr) == getattr(doc, attr), attr


def test_a_missing_package_is_a_clear_input_error(tmp_path: Path) -> None:
    from opendata.errors import InputError

    with pytest.raises(InputError, match=r"no datapackage\.json here"):
        load_document(tmp_path / "nothing")
