"""PDF round trip: a random, arithmetically consistent budget rendered as a PDF disclosure
(:mod:`tests.render_pdf`) reads back as the same document as its text rendering
(:mod:`tests.render`) does, and as the model itself: the same tables, kinds, units, rows,
labels, codes, roles, Decimal amounts and blanks, projects and indicators.

The models are those of :mod:`tests.test_roundtrip`; the PDF layout varies on top of them
(:class:`tests.render_pdf.PdfOptions`): what continuation pages repeat (preamble and header,
header only, nothing), coded or keyed preamble, 栏次 row or not, tables flowing or one per
page, rows per page, thousands separators, page number style. Also the synthetic corpus in
PDF form (:mod:`benchmarks.synthetic`).
"""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("reportlab")

from benchmarks.synthetic import disclosures, generate, pdf_layouts
from opendata.model import Document
from opendata.read.document import read_document
from tests.render import AmountRow, expenditure_table
from tests.render_pdf import PAGE_NUMBER_STYLES, PdfOptions, render_pdf, wrap
from tests.test_roundtrip import (
    Case,
    assert_consistent,
    cases,
    expected_role,
    no_errors,
    read_back,
)

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

pdf_options = st.builds(
    PdfOptions,
    continuation=st.sampled_from(("all", "header", "none")),
    lane_row=st.booleans(),
    preamble=st.sampled_from(("coded", "keyed")),
    flow=st.booleans(),
    page_rows=st.one_of(st.none(), st.integers(1, 30)),
    page_number=st.sampled_from(PAGE_NUMBER_STYLES),
)


def pdf_of(case: Case, opts: PdfOptions) -> bytes:
    opts = replace(opts, unit=str(case.options["unit"]), thousands=bool(case.options["thousands"]))
    return render_pdf(
        case.department_code, case.department, case.year, case.tables, case.projects, opts
    )


def read_pdf(data: bytes) -> Document:
    with tempfile.TemporaryDirectory(prefix="opendata-synthetic-pdf-") as folder:
        path = Path(folder) / "disclosure.pdf"
        path.write_bytes(data)
        return read_document(path)


def same_document(
    got: Document, want: Document, *, code: bool = True, printed: bool = True
) -> None:
    """Two readings agree on everything but where things were printed; on the department code
    unless ``code`` is false (a keyed preamble prints none), on the printed text of amounts
    unless ``printed`` is false (thousands separators or not)."""
    assert (got.title, got.department, got.year, got.kind) == (
        want.title,
        want.department,
        want.year,
        want.kind,
    )
    assert got.department_code == (want.department_code if code else None)
    assert [t.kind for t in got.tables] == [t.kind for t in want.tables]
    for g, w in zip(got.tables, want.tables, strict=True):
        assert (g.title, g.unit, g.notes) == (w.title, w.unit, w.notes), w.kind
        assert [(c.name, c.kind) for c in g.columns] == [(c.name, c.kind) for c in w.columns]
        assert len(g.rows) == len(w.rows), w.kind
        for k, (gr, wr) in enumerate(zip(g.rows, w.rows, strict=True)):
            where = (w.kind, k, wr.label)
            assert (gr.label, gr.code, gr.role, gr.code_level, gr.parent_code) == (
                wr.label,
                wr.code,
                wr.role,
                wr.code_level,
                wr.parent_code,
            ), where
            assert [c.value for c in gr.cells] == [c.value for c in wr.cells], where
            if printed:
                assert [c.text for c in gr.cells] == [c.text for c in wr.cells], where
    assert len(got.projects) == len(want.projects)
    for g, w in zip(got.projects, want.projects, strict=True):
        assert (g.number, g.name, g.goal) == (w.number, w.name, w.goal)
        assert [
            (i.level1, i.level2, i.level3, i.description, i.target.verbatim, i.basis)
            for i in g.indicators
        ] == [
            (i.level1, i.level2, i.level3, i.description, i.target.verbatim, i.basis)
            for i in w.indicators
        ], w.name


@SETTINGS
@given(cases(), pdf_options)
def test_pdf_reads_like_the_text_rendering(case: Case, opts: PdfOptions) -> None:
    got = read_pdf(pdf_of(case, opts))
    no_errors(got)
    same_document(got, read_back(case), code=opts.preamble == "coded")


@SETTINGS
@given(cases(), pdf_options)
def test_pdf_reads_back_the_model(case: Case, opts: PdfOptions) -> None:
    doc = read_pdf(pdf_of(case, opts))
    assert doc.year == case.year and doc.department == case.department
    for want, got in zip(case.tables, doc.tables, strict=True):
        assert got.kind == want.kind and got.unit == case.options["unit"]
        names = [c.name for c in got.columns]
        assert [r.label for r in got.rows] == [r.label for r in want.rows]
        assert [r.code for r in got.rows] == [r.code for r in want.rows]
        assert [r.role for r in got.rows] == [expected_role(want, i) for i in range(len(want.rows))]
        for w, g in zip(want.rows, got.rows, strict=True):
            assert [g.cells[names.index(c)].value for c in want.columns] == list(w.amounts)
        if want.rows:
            assert_consistent(got)
    assert [p.name for p in doc.projects] == [p.name for p in case.projects]
    for want, got in zip(case.projects, doc.projects, strict=True):
        assert got.goal == want.goal
        assert [(i.level3, i.target.verbatim) for i in got.indicators] == [
            (i.level3, i.value) for i in want.indicators
        ]


def test_long_table_crosses_pages_in_every_continuation_style() -> None:
    """60 rows: the table runs over several pages; every continuation style reads the same."""
    one = AmountRow("行政运行", tuple([None] * 6), None)
    rows = [replace(one, label=f"行政运行{k}") for k in range(60)]
    case = Case("203", "秦皇岛市财政局", 2023, [expenditure_table(rows)], [], 30, {})
    docs = []
    for continuation in ("all", "header", "none"):
        opts = PdfOptions(continuation=continuation)
        data = render_pdf("203", "秦皇岛市财政局", 2023, case.tables, [], opts)
        doc = read_pdf(data)
        table = doc.tables[0]
        assert [r.label for r in table.rows] == [r.label for r in rows]
        pages = {r.source.page for r in table.rows}
        assert len(pages) >= 2, pages
        docs.append(doc)
    same_document(docs[1], docs[0])
    same_document(docs[2], docs[0])


def test_wrap_keeps_numbers_and_spaces_whole() -> None:
    text = "2023年12月底前 完成≥800 卷"
    for width in range(10, 120, 7):
        lines = wrap(text, width, 9)
        assert "".join(lines) == text
        assert all(not line.startswith(" ") and not line.endswith(" ") for line in lines)
        assert not any(a[-1].isdigit() and b[0].isdigit() for a, b in itertools.pairwise(lines))


def test_synthetic_corpus_as_pdf_reads_like_its_text(tmp_path: Path) -> None:
    """``generate(form="pdf")`` writes the documents ``form="text"`` writes, as PDFs."""
    pdfs = generate(4, seed=3, out_dir=tmp_path / "pdf", form="pdf")
    texts = generate(4, seed=3, out_dir=tmp_path / "text")
    assert [p.suffix for p in pdfs] == [".pdf"] * 4
    models, layouts = disclosures(4, 3), pdf_layouts(4, 3)
    for pdf, text, model, layout in zip(pdfs, texts, models, layouts, strict=True):
        got = read_document(pdf)
        no_errors(got)
        same_document(got, read_document(text), code=layout.preamble == "coded", printed=False)
        assert len(got.projects) == len(model.projects)
