"""Robustness: damaged PDFs and fuzzed text never end in a traceback, only in a package or an error.

PDF inputs are generated in ``tmp_path`` from the corpus with pikepdf (encryption, inserted
or broken pages) and Pillow (a scanned, image-only page); byte-level damage (truncation,
garbage, deleted regions) is applied directly. The console script runs in a subprocess where
the point of a test is that the user never sees a traceback. Two hypothesis fuzzers mutate
the text sample and the corpus PDFs: every outcome must be a valid package or an
:class:`~opendata.errors.OpendataError` naming the file.
"""

from __future__ import annotations

import csv
import inspect
import io
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from opendata.batch.convert import convert
from opendata.errors import InputError, OpendataError
from opendata.read.document import read_document
from opendata.validate.report import ValidationReport, validate_package
from tests.cli_helpers import invoke, run_script
from tests.conftest import ROOT, SAMPLE

CORPUS = ROOT.parent / "shared" / "corpus"
PDF_DIR = CORPUS / "pdf"
# 12 pages, one table per page (收支预算总表 on page 1 … 政府采购预算表 on page 12); small and fast.
TABLES_PDF = PDF_DIR / "js-provincial-party-office-2019-budget-tables.pdf"
CORPUS_PDFS = sorted(PDF_DIR.glob("*.pdf")) if PDF_DIR.is_dir() else []

needs_corpus = pytest.mark.skipif(not TABLES_PDF.is_file(), reason="../shared/corpus not present")


# -- helpers -------------------------------------------------------------------------------


def error_message(result: Result, path: Path) -> str:
    """The message printed for ``path`` after ``error: <path>: ``; fails when there is none."""
    prefix = f"error: {path}: "
    lines = [x for x in result.stderr.splitlines() if x.startswith(prefix)]
    assert len(lines) == 1, result.output
    return lines[0][len(prefix) :]


def packages(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else []


def only_package(out: Path) -> Path:
    found = packages(out)
    assert len(found) == 1, found
    assert (found[0] / "datapackage.json").is_file()
    return found[0]


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def validate_tables(package: Path) -> ValidationReport:
    """``validate_package`` on the tables (frictionless), without the slower SHACL graph check.

    A fuzzed document changes what is in the tables; the graph is built from the same model
    and has tests of its own. Skipping pySHACL halves the cost of each example.
    """
    if "shacl" in inspect.signature(validate_package).parameters:
        return validate_package(package, shacl=False)
    return validate_package(package)  # pragma: no cover - before the graph existed


def image_pdf(path: Path, text: str = "2023 budget, scanned") -> Path:
    """A one-page PDF holding only a picture of some text (no text layer), made with Pillow."""
    pytest.importorskip("PIL")
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    for k in range(12):
        draw.text((60, 60 + 40 * k), f"{text} {k}\t1,234.56\t789.00", fill="black")
    draw.rectangle((50, 50, 545, 560), outline="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PDF", resolution=72.0)
    return path


def encrypted(src: Path, dest: Path, *, user: str, owner: str = "owner-secret") -> Path:
    pikepdf = pytest.importorskip("pikepdf")

    dest.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.open(src) as pdf:
        pdf.save(dest, encryption=pikepdf.Encryption(owner=owner, user=user, R=6))
    return dest


# -- 1. encrypted PDFs -----------------------------------------------------------------------
@needs_corpus
def test_pdf_with_a_user_password_exits_3(tmp_path: Path) -> None:
    src = encrypted(TABLES_PDF, tmp_path / "locked.pdf", user="secret")
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "encrypted" in error_message(result, src)
    assert packages(out) == []


@needs_corpus
def test_pdf_with_a_user_password_no_traceback(tmp_path: Path) -> None:
    src = encrypted(TABLES_PDF, tmp_path / "locked.pdf", user="secret")
    done = run_script("convert", src, "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "encrypted" in done.stderr


@needs_corpus
def test_pdf_with_owner_only_restrictions_converts_like_the_plain_one(tmp_path: Path) -> None:
    """An empty user password opens without asking: the PDF reads exactly like the original."""
    plain_out, locked_out = tmp_path / "plain-out", tmp_path / "locked-out"
    # same file name, so that every column (file names included) can be compared
    locked = encrypted(TABLES_PDF, tmp_path / "locked" / TABLES_PDF.name, user="")
    first = invoke("convert", TABLES_PDF, "-o", plain_out, "--created", "2000-01-01T00:00:00Z")
    second = invoke("convert", locked, "-o", locked_out, "--created", "2000-01-01T00:00:00Z")
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    plain, restricted = only_package(plain_out), only_package(locked_out)
    assert plain.name == restricted.name
    facts = (restricted / "data" / "facts.csv").read_bytes()
    assert len(csv_rows(restricted / "data" / "facts.csv")) > 100
    assert facts == (plain / "data" / "facts.csv").read_bytes()
    assert sorted(p.name for p in (restricted / "data").iterdir()) == sorted(
        p.name for p in (plain / "data").iterdir()
    )


# -- 2. image-only PDFs ------------------------------------------------------------------------
def test_image_only_pdf_exits_3(tmp_path: Path) -> None:
    src = image_pdf(tmp_path / "scan.pdf")
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "no text layer" in error_message(result, src)
    assert packages(out) == []


def test_image_only_pdf_no_traceback(tmp_path: Path) -> None:
    src = image_pdf(tmp_path / "scan.pdf")
    done = run_script("convert", src, "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "no text layer" in done.stderr


def test_multi_page_image_only_pdf_exits_3(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    from PIL import Image

    pages = [Image.new("RGB", (200, 300), colour) for colour in ("white", "grey", "white")]
    src = tmp_path / "scans.pdf"
    pages[0].save(src, "PDF", save_all=True, append_images=pages[1:])
    result = invoke("convert", src, "-o", tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert "no text layer" in error_message(result, src)


# -- 3. one bad page among good pages -------------------------------------------------------
BAD_PAGE = 4  # 1-based: the page inserted / broken in the tables PDF (was 财政拨款收支总表)


def _with_image_page(tmp_path: Path) -> Path:
    pikepdf = pytest.importorskip("pikepdf")

    scan = image_pdf(tmp_path / "scan.pdf")
    dest = tmp_path / "mixed" / TABLES_PDF.name
    dest.parent.mkdir(parents=True)
    with pikepdf.open(TABLES_PDF) as pdf, pikepdf.open(scan) as picture:
        pdf.pages.insert(BAD_PAGE - 1, picture.pages[0])
        pdf.save(dest)
    return dest


def _with_broken_page(tmp_path: Path) -> Path:
    """Page 4's content stream replaced by bytes that are not the deflate data they claim."""
    pikepdf = pytest.importorskip("pikepdf")

    dest = tmp_path / "broken" / TABLES_PDF.name
    dest.parent.mkdir(parents=True)
    with pikepdf.open(TABLES_PDF) as pdf:
        stream = pdf.make_stream(b"x\x9c\x00\x01 not deflate at all \xff\xfe" * 16)
        stream.Filter = pikepdf.Name.FlateDecode
        pdf.pages[BAD_PAGE - 1].obj.Contents = stream
        pdf.save(dest)
    return dest


def _tables(package: Path) -> dict[str, int]:
    """Resource name -> row count of every data resource but the derived facts, reader findings
    and audit (a lost table changes what the audit can check)."""
    return {
        p.stem: len(csv_rows(p))
        for p in sorted((package / "data").glob("*.csv"))
        if p.stem not in ("facts", "reader_findings", "audit")
    }


@needs_corpus
@pytest.mark.parametrize("damage", ["image-page-inserted", "page-content-broken"])
def test_one_unreadable_page_is_reported_and_the_rest_converts(tmp_path: Path, damage: str) -> None:
    src = (_with_image_page if damage == "image-page-inserted" else _with_broken_page)(tmp_path)
    out, plain_out = tmp_path / "out", tmp_path / "plain-out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 0, result.output
    assert invoke("convert", TABLES_PDF, "-o", plain_out).exit_code == 0
    package, plain = only_package(out), only_package(plain_out)
    findings = csv_rows(package / "data" / "reader_findings.csv")
    unreadable = [f for f in findings if f["code"] == "page-unreadable"]
    assert len(unreadable) == 1, findings
    assert unreadable[0]["page"] == str(BAD_PAGE)
    assert f"page {BAD_PAGE}" in unreadable[0]["message"]
    assert unreadable[0]["file"] == src.name
    assert [f for f in findings if f["severity"] == "error"] == []
    got, want = _tables(package), _tables(plain)
    if damage == "image-page-inserted":
        # nothing is lost: every table, every fact, only the pages after the picture move on
        assert got == want
        facts = csv_rows(package / "data" / "facts.csv")
        expected = csv_rows(plain / "data" / "facts.csv")
        for fact in expected:
            if fact["page"] and int(fact["page"]) >= BAD_PAGE:
                fact["page"] = str(int(fact["page"]) + 1)
        assert facts == expected
    else:
        # only the table printed on the broken page is gone
        lost = {name for name in want if name not in got or got[name] != want[name]}
        assert lost == {"fiscal_summary"}, (got, want)
    assert validate_tables(package).valid


@needs_corpus
def test_one_unreadable_page_no_traceback(tmp_path: Path) -> None:
    src = _with_image_page(tmp_path)
    done = run_script("convert", "-v", src, "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"[page-unreadable] page {BAD_PAGE}" in done.stdout


@needs_corpus
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_page_rotated_for_display_reads_like_the_upright_page(
    tmp_path: Path, rotation: int
) -> None:
    """Content drawn turned back and shown with /Rotate looks the same: so must its data be."""
    pikepdf = pytest.importorskip("pikepdf")

    dest = tmp_path / "rotated" / TABLES_PDF.name
    dest.parent.mkdir()
    with pikepdf.open(TABLES_PDF) as pdf:
        for page in pdf.pages:
            x0, y0, width, height = (float(v) for v in page.obj.MediaBox)
            assert (x0, y0) == (0, 0)
            matrix = {
                90: (0, 1, -1, 0, height, 0),
                180: (-1, 0, 0, -1, width, height),
                270: (0, -1, 1, 0, 0, width),
            }[rotation]
            page.contents_add(pdf.make_stream(b"q %g %g %g %g %g %g cm\n" % matrix), prepend=True)
            page.contents_add(pdf.make_stream(b"\nQ"))
            box = pikepdf.Array([0, 0, width, height] if rotation == 180 else [0, 0, height, width])
            page.obj.MediaBox = page.obj.CropBox = box
            page.obj.Rotate = (int(page.obj.get("/Rotate", 0)) + rotation) % 360
        pdf.save(dest)
    plain_out, rotated_out = tmp_path / "plain-out", tmp_path / "rotated-out"
    assert invoke("convert", TABLES_PDF, "-o", plain_out).exit_code == 0
    result = invoke("convert", dest, "-o", rotated_out)
    assert result.exit_code == 0, result.output
    plain, rotated = only_package(plain_out), only_package(rotated_out)
    for csv_file in sorted((plain / "data").glob("*.csv")):
        assert (rotated / "data" / csv_file.name).read_bytes() == csv_file.read_bytes(), (
            csv_file.name
        )


# -- 4. damaged PDF bytes ----------------------------------------------------------------------
def _truncated(data: bytes) -> bytes:
    return data[: int(len(data) * 0.6)]


def _garbage_in_middle(data: bytes) -> bytes:
    import random

    middle = len(data) // 2
    noise = random.Random(20240101).randbytes(4096)
    return data[:middle] + noise + data[middle + len(noise) :]


@needs_corpus
@pytest.mark.parametrize(
    "damage", [_truncated, _garbage_in_middle], ids=["truncated-60%", "garbage"]
)
@pytest.mark.parametrize("src", CORPUS_PDFS, ids=lambda p: p.stem)
def test_damaged_pdf_gives_a_package_or_a_clear_error(tmp_path: Path, src: Path, damage) -> None:
    damaged = tmp_path / src.name
    damaged.write_bytes(damage(src.read_bytes()))
    out = tmp_path / "out"
    done = run_script("convert", damaged, "-o", out, cwd=tmp_path)
    assert done.returncode in (0, 1, 3), (done.returncode, done.stderr)
    if done.returncode == 3:
        assert done.stderr.startswith(f"error: {damaged}: "), done.stderr
        assert packages(out) == []
    else:
        assert validate_tables(only_package(out)).valid


# -- 5. regression tests: the bugs the fuzzers below found, reproduced deterministically ---
SAMPLE_LINES = SAMPLE.read_text(encoding="utf-8").split("\n")
CLASS_221_LINE = 196  # 24  221  住房保障支出  38.13 … in 部门预算支出总表 (parent of 22102)
# 4、党建阵地及示范点建设、党群活动中心专项经费绩效目标表: its title line … its last indicator
PROJECT_4 = (584, 595)


def _convert_lines(tmp_path: Path, lines: list[str]) -> tuple[Path, list]:
    src = tmp_path / "edited.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    (result,) = convert([src], tmp_path / "out", created="2000-01-01T00:00:00Z")
    assert result.error is None, result.error
    return result.written.path, result.findings


def test_missing_parent_row_still_gives_a_valid_package(tmp_path: Path) -> None:
    """22102 without its class row 221: parent_code 221 resolves to no row.

    It used to break the package: parent_code was declared a foreign key to code.
    """
    lines = list(SAMPLE_LINES)
    assert lines[CLASS_221_LINE - 1].split("\t")[1:3] == ["221", "住房保障支出"]
    del lines[CLASS_221_LINE - 1]
    package, _ = _convert_lines(tmp_path, lines)
    report = validate_tables(package)
    assert report.valid, report.errors


def test_repeated_project_number_still_gives_a_valid_package(tmp_path: Path) -> None:
    """Two 绩效目标表 printed as 4、…: they used to share the key p04 (primary keys broken)."""
    lines = list(SAMPLE_LINES)
    first, last = PROJECT_4
    assert lines[first - 1].startswith("4、党建阵地")
    block = lines[first - 1 : last]
    package, _ = _convert_lines(tmp_path, lines[:last] + block + lines[last:])
    report = validate_tables(package)
    assert report.valid, report.errors


def test_gb18030_file_cut_inside_a_character_is_reported_as_truncated(tmp_path: Path) -> None:
    """It used to be refused as 'neither UTF-8 nor GB18030 text' (exit 3), unlike UTF-8."""
    src = tmp_path / "gb18030.txt"
    text = "\n".join(SAMPLE_LINES[:150]) + "\n部门"
    src.write_bytes(text.encode("gb18030")[:-1])  # the last character loses its last byte
    result = invoke("convert", src, "-o", tmp_path / "out")
    assert "truncated" in result.output, result.output
    assert result.exit_code == 1, result.output


def test_utf8_file_cut_inside_a_character_is_reported_as_truncated(tmp_path: Path) -> None:
    """The UTF-8 counterpart of the test above."""
    src = tmp_path / "utf8.txt"
    text = "\n".join(SAMPLE_LINES[:150]) + "\n部门"
    src.write_bytes(text.encode("utf-8")[:-1])
    result = invoke("convert", src, "-o", tmp_path / "out", "-v")
    assert "truncated" in result.output, result.output
    assert result.exit_code == 1, result.output


# 部门预算支出总表 whose second header row starts with 合计 and is shorter than the first: the
# reader splits that 合计 off as the first data row (the 决算 template layout); it used to crash.
SHORT_TOTAL_ROW = [
    "部门预算支出总表",
    "203 测试部门",
    "预算年度：2023",
    "单位：万元",
    "序号\t科目编码\t科目名称\t合计\t基本支出",
    "合计\t\t小计",
    "1\t201\t一般公共服务支出\t1.00\t1.00",
]


def test_short_total_row_in_the_header_is_no_crash(tmp_path: Path) -> None:
    """The 合计 row split off the header used to reach _row short: zip(strict=True) raised."""
    src = tmp_path / "short-total.txt"
    src.write_text("\n".join(SHORT_TOTAL_ROW) + "\n", encoding="utf-8")
    done = run_script("convert", src, "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr


# -- 6. fuzzing the text sample --------------------------------------------------------------
# Shrinking a failing example through a full conversion took over five minutes; a failure is
# reported unshrunk (it prints the operations, which reproduce it exactly).
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]
# More examples for a longer hunt: OPENDATA_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest …
TEXT_EXAMPLES = int(os.environ.get("OPENDATA_FUZZ_EXAMPLES", "40"))
PDF_EXAMPLES = int(os.environ.get("OPENDATA_FUZZ_EXAMPLES", "15"))

_fraction = st.floats(min_value=0, max_value=1, exclude_max=True)
_line_op = st.one_of(
    st.tuples(st.just("delete-lines"), _fraction, st.integers(1, 40)),
    st.tuples(st.just("duplicate-lines"), _fraction, st.integers(1, 40)),
    st.tuples(st.just("swap-lines"), _fraction, _fraction),
    st.tuples(st.just("delete-cell"), _fraction, _fraction),
    st.tuples(st.just("duplicate-cell"), _fraction, _fraction),
    st.tuples(st.just("replace-cell"), _fraction, _fraction, st.text(max_size=8)),
)
_byte_op = st.one_of(
    st.tuples(st.just("truncate"), _fraction),
    st.tuples(st.just("insert-bytes"), _fraction, st.binary(min_size=1, max_size=12)),
    st.tuples(
        st.just("insert-bytes"), _fraction, st.sampled_from([b"\n", b"\t", b"\x0c", b"\r\n"])
    ),
)
_encoding = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "latin-1", "latin-1-mojibake"])


def _at(items: list, where: float) -> int:
    return int(where * len(items)) if items else 0


def mutate_lines(lines: list[str], ops: list[tuple]) -> list[str]:
    lines = list(lines)
    for op in ops:
        if not lines:
            break
        name, where = op[0], op[1]
        i = _at(lines, where)
        if name == "delete-lines":
            del lines[i : i + op[2]]
        elif name == "duplicate-lines":
            lines[i:i] = lines[i : i + op[2]]
        elif name == "swap-lines":
            j = _at(lines, op[2])
            lines[i], lines[j] = lines[j], lines[i]
        else:
            cells = lines[i].split("\t")
            k = _at(cells, op[2])
            if name == "delete-cell":
                del cells[k]
            elif name == "duplicate-cell":
                cells.insert(k, cells[k])
            else:
                cells[k] = op[3]
            lines[i] = "\t".join(cells)
    return lines


def encode(text: str, encoding: str) -> bytes:
    if encoding == "latin-1":
        return text.encode("latin-1", errors="replace")  # every CJK character becomes "?"
    if encoding == "latin-1-mojibake":
        return text.encode("utf-8").decode("latin-1").encode("utf-8")
    return text.encode(encoding)


def mutate_bytes(data: bytes, ops: list[tuple]) -> bytes:
    for op in ops:
        at = int(op[1] * len(data))
        data = data[:at] if op[0] == "truncate" else data[:at] + op[2] + data[at:]
    return data


def check_outcome(path: Path, out: Path) -> None:
    """Convert ``path``: a valid package or an OpendataError naming the file; nothing else."""
    (result,) = convert([path], out, created="2000-01-01T00:00:00Z")
    if result.error is not None:
        assert isinstance(result.error, OpendataError)
        assert result.error.path is not None and Path(result.error.path) == path, result.error
        assert str(result.error).startswith(f"{path}"), result.error
        assert result.written is None
    else:
        assert result.written is not None
        report = validate_tables(result.written.path)
        assert report.valid, report.errors[:5]


@settings(
    max_examples=TEXT_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=NO_SHRINK,
)
@given(
    line_ops=st.lists(_line_op, max_size=5),
    byte_ops=st.lists(_byte_op, max_size=1),
    encoding=_encoding,
)
def test_fuzzed_text_gives_a_valid_package_or_an_error(
    line_ops: list[tuple], byte_ops: list[tuple], encoding: str
) -> None:
    text = "\n".join(mutate_lines(SAMPLE_LINES, line_ops))
    data = mutate_bytes(encode(text, encoding), byte_ops)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.txt"
        path.write_bytes(data)
        check_outcome(path, Path(tmp) / "out")


# -- 7. fuzzing the corpus PDFs --------------------------------------------------------------
_pdf_op = st.one_of(
    st.tuples(st.just("truncate"), _fraction),
    st.tuples(st.just("flip"), _fraction, st.integers(1, 4096), st.integers(1, 255)),
    st.tuples(st.just("delete"), _fraction, st.integers(1, 8192)),
)


def mutate_pdf(data: bytes, ops: list[tuple]) -> bytes:
    for op in ops:
        at = int(op[1] * len(data))
        if op[0] == "truncate":
            data = data[:at]
        elif op[0] == "flip":
            region = bytes(b ^ op[3] for b in data[at : at + op[2]])
            data = data[:at] + region + data[at + op[2] :]
        else:
            data = data[:at] + data[at + op[2] :]
    return data


@needs_corpus
@settings(
    max_examples=PDF_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=NO_SHRINK,
)
@given(
    src=st.sampled_from(CORPUS_PDFS or [TABLES_PDF]),
    ops=st.lists(_pdf_op, min_size=1, max_size=3),
)
def test_fuzzed_pdf_reads_or_raises_an_opendata_error(src: Path, ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / src.name
        path.write_bytes(mutate_pdf(src.read_bytes(), ops))
        try:
            doc = read_document(path)
        except OpendataError as exc:
            assert isinstance(exc, InputError), exc
            assert exc.path is not None and Path(exc.path) == path
            return
        assert doc.tables or doc.projects or doc.sections


def test_an_amount_column_without_its_label_column_still_builds() -> None:
    """Regression (found by the fuzz test above): a summary whose 收入 label column was lost
    raised KeyError in the facts table; its amounts now take the row's label."""
    from opendata.write.package import build
    from tests.audit_builders import doc, labelled_table

    table = labelled_table(
        "budget_summary",
        ("income_amount", "expenditure_item", "expenditure_amount"),
        [("100.00", "一、一般公共服务支出", "100.00")],
    )
    files = build(doc(table), "2000-01-01T00:00:00Z")
    facts = files["data/facts.csv"]
    assert facts.count("\n") == 3  # header and two amounts
