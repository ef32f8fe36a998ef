"""Bad input and failing output: what ``opendata`` does with files that are not whole, clean
disclosures, and with outputs that cannot be written.

Every broken input is generated in ``tmp_path`` from the real sample, so each test states the
exact damage it does. Each test checks the exact exit code (see the table in
:mod:`opendata.cli.main`), that the message names the file (and line where there is one), and that
nothing (no package folder, no hidden staging folder) is left behind when nothing should be
written. A few checks run the installed console script in a subprocess to prove the user never
sees a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from click.testing import Result

from opendata.errors import OutputError
from opendata.kinds.match import find_kind, normalise_title
from opendata.read.document import read_document
from opendata.validate.report import validate_package
from opendata.write.package import write_package
from tests.cli_helpers import invoke, run_script
from tests.conftest import SAMPLE

CREATED = "2024-01-01T00:00:00Z"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

# Lines of the sample (1-based) used below.
INCOME_ROW_4 = 118  # 4  2013101  行政运行  439.20  439.20  439.20 … (部门预算收入总表)
EXPENDITURE_ROW_4 = 166  # 4  2013101  行政运行  439.20  439.20 … (部门预算支出总表, 9 columns)
EXPENDITURE_ROW_10 = 172  # 10  207  文化旅游体育与传媒支出  46.64    46.64 …
# The table of contents entries of the tables that follow 部门预算收入总表 (ends at line 150).
CONTENTS_AFTER_INCOME = {
    12: ("部门预算支出总表", "expenditure"),
    13: ("部门预算财政拨款收支总表", "fiscal_summary"),
    14: ("部门预算一般公共预算财政拨款支出表", "general_budget_expenditure"),
    15: ("部门预算一般公共预算财政拨款基本支出表", "general_budget_basic"),
    16: ("部门预算政府基金预算财政拨款支出表", "gov_fund_expenditure"),
    17: ("部门预算国有资本经营预算财政拨款支出表", "soe_capital_expenditure"),
    18: ("部门预算财政拨款“三公”经费支出表", "three_public"),
}


# -- helpers -------------------------------------------------------------------------------
@cache
def sample_lines() -> tuple[str, ...]:
    """The sample's lines without their newlines (the file ends with one)."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return tuple(text[:-1].split("\n"))


def write_sample(path: Path, lines: list[str] | tuple[str, ...], *, newline: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + ("\n" if newline else "")).encode("utf-8"))
    return path


def edited(path: Path, edits: dict[int, Callable[[str], str]]) -> Path:
    """A copy of the sample with the lines numbered in ``edits`` (1-based) rewritten."""
    lines = list(sample_lines())
    for number, edit in edits.items():
        lines[number - 1] = edit(lines[number - 1])
    return write_sample(path, lines)


def entries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


def hidden(out: Path) -> list[str]:
    return [name for name in entries(out) if name.startswith(".")]


def packages(out: Path) -> list[Path]:
    return [out / name for name in entries(out) if not name.startswith(".")]


def assert_nothing_written(out: Path) -> None:
    """No package folder and no hidden staging / backup folder (the folder may not exist)."""
    assert entries(out) == []


def only_package(out: Path) -> Path:
    found = packages(out)
    assert len(found) == 1, entries(out)
    assert hidden(out) == []
    assert (found[0] / "datapackage.json").is_file()
    return found[0]


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def error_line(result: Result, path: Path) -> str:
    """The ``error: <path>…`` line printed for ``path``; fails when there is none."""
    lines = [x for x in result.stderr.splitlines() if x.startswith(f"error: {path}")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def error_message(result: Result, path: Path) -> str:
    """The message of the error printed for ``path``, after ``error: <path>[:<line>]: ``."""
    line = error_line(result, path)
    match = re.match(rf"error: {re.escape(str(path))}(?::\d+)?: ", line)
    assert match, line
    return line[match.end() :]


# -- 1. empty input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"  \n\t\n \r\n\x0c\n\n", id="ascii-whitespace"),
        pytest.param(
            b"\xef\xbb\xbf",
            id="bom-only",
        ),
        pytest.param(
            "\u3000\u3000\n\u3000\n".encode(),
            id="ideographic-spaces",
        ),
    ],
)
def test_empty_input_exits_3_and_writes_nothing(tmp_path: Path, data: bytes) -> None:
    src = tmp_path / "empty.txt"
    src.write_bytes(data)
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "empty" in error_message(result, src)
    assert_nothing_written(out)


# -- 2. binary data and PDF --------------------------------------------------------------------
def test_binary_input_exits_3(tmp_path: Path) -> None:
    src = tmp_path / "scan.png"
    src.write_bytes(PNG_HEADER + b"\x00" * 256)
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "binary" in error_message(result, src)
    assert_nothing_written(out)


@pytest.mark.parametrize(
    "name",
    [
        "budget.pdf",
        pytest.param(
            "budget.txt",
        ),
    ],
)
def test_broken_pdf_exits_3(tmp_path: Path, name: str) -> None:
    """A PDF is recognised by its content, whatever its name; a broken one is an input error."""
    src = tmp_path / name
    src.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "PDF cannot be opened" in error_message(result, src)
    assert_nothing_written(out)


def test_nul_bytes_after_the_first_8k_are_refused(tmp_path: Path) -> None:
    src = tmp_path / "padded.txt"
    src.write_bytes(SAMPLE.read_bytes() + b"\x00" * 4096)
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    error_line(result, src)
    assert_nothing_written(out)


def test_control_character_exits_3_naming_file_and_line(tmp_path: Path) -> None:
    src = edited(tmp_path / "bell.txt", {40: lambda s: s + "\x07"})
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert error_line(result, src).startswith(f"error: {src}:40: control character")
    assert_nothing_written(out)


def test_undecodable_bytes_exit_3(tmp_path: Path) -> None:
    src = tmp_path / "latin.txt"
    src.write_bytes("部门预算收支总表\n".encode() + b"\xff\xfe\xfd\x80\n")
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "neither UTF-8 nor GB18030" in error_message(result, src)
    assert_nothing_written(out)


# -- 3. not a disclosure -----------------------------------------------------------------------
def test_prose_without_tables_exits_3(tmp_path: Path) -> None:
    src = tmp_path / "notice.txt"
    src.write_text(
        "关于开展春季植树活动的通知\n\n各部门：\n为改善办公环境，定于三月十二日组织植树活动。\n"
        "请各部门按时参加。\n\n办公室\n2023年3月1日\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "no budget disclosure table" in error_message(result, src)
    assert_nothing_written(out)


def test_contents_without_tables_exits_3(tmp_path: Path) -> None:
    """Only the title and the table of contents: the listed tables are not there at all."""
    src = write_sample(tmp_path / "contents.txt", sample_lines()[:33])
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "no budget disclosure table" in error_message(result, src)
    assert_nothing_written(out)


# -- 4. truncated documents --------------------------------------------------------------------
@pytest.mark.parametrize("cut", [140, 150, 151])
def test_truncated_document_reports_missing_tables(tmp_path: Path, cut: int) -> None:
    """Cut inside 部门预算收入总表 (140), at its last row (150) or just after it (151)."""
    src = write_sample(tmp_path / "cut.txt", sample_lines()[:cut])
    doc = read_document(src)
    assert [t.kind for t in doc.tables] == ["budget_summary", "income"]
    missing = [f for f in doc.findings if f.code == "missing-table"]
    assert {f.severity for f in missing} == {"error"}
    assert {f.source.file for f in missing} == {"cut.txt"}
    assert sorted(f.source.line for f in missing) == sorted(CONTENTS_AFTER_INCOME)
    kinds = set()
    for f in missing:
        title, kind = CONTENTS_AFTER_INCOME[f.source.line]
        assert title in f.message
        found = find_kind(normalise_title(f.text.split("\t")[0]))
        assert found is not None and found.key == kind
        kinds.add(found.key)
    assert kinds == {
        "expenditure",
        "fiscal_summary",
        "general_budget_expenditure",
        "general_budget_basic",
        "gov_fund_expenditure",
        "soe_capital_expenditure",
        "three_public",
    }
    assert [f for f in doc.findings if f.code != "missing-table" and f.severity != "info"] == []

    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 1, result.output
    for line, (title, _) in CONTENTS_AFTER_INCOME.items():
        assert f"error: cut.txt:{line}: [missing-table]" in result.stdout
        assert title in result.stdout
    assert "reader findings: 7 errors" in result.stdout
    only_package(out)  # a truncated document is still written, with its findings


def test_line_cut_short_gives_row_width_finding(tmp_path: Path) -> None:
    """The file ends inside line 150: its last row has 4 of the table's 13 cells."""
    lines = list(sample_lines()[:150])
    lines[-1] = "\t".join(lines[-1].split("\t")[:4])
    src = write_sample(tmp_path / "short.txt", lines, newline=False)
    doc = read_document(src)
    width = [f for f in doc.findings if f.code == "row-width"]
    assert [(f.source.line, f.severity) for f in width] == [(150, "error")]
    assert "row has 4 cells, the table has 13 columns" in width[0].message
    assert sum(f.code == "missing-table" for f in doc.findings) == len(CONTENTS_AFTER_INCOME)

    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 1, result.output
    assert "error: short.txt:150: [row-width]" in result.stdout
    income = csv_rows(only_package(out) / "data" / "income.csv")
    last = income[-1]
    assert (last["line"], last["code"], last["total"], last["subtotal"]) == (
        "150",
        "2210201",
        "38.13",
        "",
    )


def test_file_cut_inside_a_character_is_reported_as_truncated(tmp_path: Path) -> None:
    data = "\n".join(sample_lines()[:150]).encode("utf-8")
    src = tmp_path / "bytes.txt"
    src.write_bytes(data + "\n部门".encode()[:-1])  # the last character loses its last byte
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    if result.exit_code == 3:
        assert "truncated" in error_message(result, src)
    else:
        assert result.exit_code == 1, result.output
        assert "[missing-table]" in result.stdout


# -- 5. rows with the wrong number of cells ------------------------------------------------------
def test_row_width_findings_are_reported_and_kept(tmp_path: Path) -> None:
    src = edited(
        tmp_path / "width.txt",
        {
            EXPENDITURE_ROW_4: lambda s: s + "\t999",  # 10 cells, one extra non-empty
            EXPENDITURE_ROW_10: lambda s: "\t".join(s.split("\t")[:5]),  # 5 of 9 cells
        },
    )
    doc = read_document(src)
    problems = [f for f in doc.findings if f.severity != "info"]
    assert [(f.code, f.severity, f.source.file, f.source.line) for f in problems] == [
        ("row-width", "error", "width.txt", EXPENDITURE_ROW_4),
        ("row-width", "error", "width.txt", EXPENDITURE_ROW_10),
    ]
    assert "row has 10 cells, the table has 9 columns" in problems[0].message
    assert "'999'" in problems[0].message
    assert "row has 5 cells, the table has 9 columns" in problems[1].message

    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out, "--created", CREATED)
    assert result.exit_code == 1, result.output
    assert f"error: width.txt:{EXPENDITURE_ROW_4}: [row-width]" in result.stdout
    assert f"error: width.txt:{EXPENDITURE_ROW_10}: [row-width]" in result.stdout
    assert "reader findings: 2 errors" in result.stdout

    package = only_package(out)
    report = validate_package(package, shacl=False)
    assert report.valid, report.errors
    findings = csv_rows(package / "data" / "reader_findings.csv")
    findings = [r for r in findings if r["severity"] != "info"]
    assert [(r["code"], r["severity"], r["file"], r["line"]) for r in findings] == [
        ("row-width", "error", "width.txt", str(EXPENDITURE_ROW_4)),
        ("row-width", "error", "width.txt", str(EXPENDITURE_ROW_10)),
    ]
    rows = {r["line"]: r for r in csv_rows(package / "data" / "expenditure.csv")}
    short = rows[str(EXPENDITURE_ROW_10)]
    assert (short["code"], short["total"], short["basic"], short["project"]) == (
        "207",
        "46.64",
        "",
        "",
    )
    wide = rows[str(EXPENDITURE_ROW_4)]
    assert (wide["total"], wide["basic"]) == ("439.20", "439.20")
    assert "999" not in wide.values()


# -- 6. a non-numeric amount -----------------------------------------------------------------------
def non_numeric_sample(tmp_path: Path) -> Path:
    return edited(
        tmp_path / "words.txt", {INCOME_ROW_4: lambda s: s.replace("439.20", "四三九", 1)}
    )


def test_non_numeric_amount_is_a_finding_and_a_blank_cell(tmp_path: Path) -> None:
    src = non_numeric_sample(tmp_path)
    doc = read_document(src)
    problems = [f for f in doc.findings if f.severity != "info"]
    assert [(f.code, f.severity, f.source.line) for f in problems] == [
        ("non-numeric-amount", "error", INCOME_ROW_4)
    ]
    assert "'四三九'" in problems[0].message

    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out, "--created", CREATED)
    assert result.exit_code == 1, result.output
    assert f"error: words.txt:{INCOME_ROW_4}: [non-numeric-amount]" in result.stdout
    package = only_package(out)
    row = next(
        r for r in csv_rows(package / "data" / "income.csv") if r["line"] == str(INCOME_ROW_4)
    )
    assert row["total"] == ""  # blank, not "0"
    assert (row["subtotal"], row["fiscal_appropriation"]) == ("439.20", "439.20")
    facts = [f for f in csv_rows(package / "data" / "facts.csv") if f["line"] == str(INCOME_ROW_4)]
    assert {f["resource"] for f in facts} == {"income"}
    assert sorted(f["column"] for f in facts) == ["fiscal_appropriation", "subtotal"]
    findings = csv_rows(package / "data" / "reader_findings.csv")
    findings = [r for r in findings if r["severity"] != "info"]
    assert [(r["code"], r["line"]) for r in findings] == [("non-numeric-amount", str(INCOME_ROW_4))]
    assert "四三九" in findings[0]["text"]


def test_strict_writes_no_package_for_reader_errors(tmp_path: Path) -> None:
    src = non_numeric_sample(tmp_path)
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out, "--strict")
    assert result.exit_code == 1, result.output
    assert "not written (--strict)" in result.stdout
    assert f"error: words.txt:{INCOME_ROW_4}: [non-numeric-amount]" in result.stdout
    assert_nothing_written(out)


# -- 7. encodings and line endings -------------------------------------------------------------------
@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
    ],
)
def test_other_encodings_give_the_same_facts(
    tmp_path: Path, encode: Callable[[str], bytes]
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    plain = tmp_path / "utf8" / "budget.txt"
    other = tmp_path / "other" / "budget.txt"
    for path, data in ((plain, text.encode("utf-8")), (other, encode(text))):
        path.parent.mkdir()
        path.write_bytes(data)
    assert plain.read_bytes() != other.read_bytes()
    for path in (plain, other):
        result = invoke("convert", path, "-o", path.parent / "out", "--created", CREATED)
        assert result.exit_code == 0, result.output
    a = only_package(plain.parent / "out")
    b = only_package(other.parent / "out")
    assert a.name == b.name
    assert (a / "data" / "facts.csv").read_bytes() == (b / "data" / "facts.csv").read_bytes()
    # every data file, not only the facts; only the source hash in datapackage.json differs
    data_a = {k: v for k, v in tree(a).items() if k.startswith("data/")}
    data_b = {k: v for k, v in tree(b).items() if k.startswith("data/")}
    assert data_a == data_b


# -- 8. unreadable inputs and mixed batches --------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "missing.txt",
        pytest.param(
            "missing.pdf",
        ),
    ],
)
def test_missing_input_exits_3_naming_the_path(tmp_path: Path, name: str) -> None:
    src = tmp_path / "nowhere" / name
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "cannot read the file" in error_message(result, src)
    assert_nothing_written(out)


def test_folder_without_documents_exits_3(tmp_path: Path) -> None:
    """A folder is an input (every *.pdf and *.txt below it): an empty one is an input error."""
    src = tmp_path / "folder.txt"
    src.mkdir()
    out = tmp_path / "out"
    result = invoke("convert", src, "-o", out)
    assert result.exit_code == 3, result.output
    assert "no .pdf or .txt file in this folder" in error_message(result, src)
    assert_nothing_written(out)


@pytest.mark.parametrize("bad_first", [True, False])
def test_good_and_bad_inputs_together(tmp_path: Path, bad_first: bool) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    inputs = [bad, SAMPLE] if bad_first else [SAMPLE, bad]
    out = tmp_path / "out"
    result = invoke("convert", *inputs, "-o", out, "--created", CREATED)
    assert result.exit_code == 3, result.output  # the worst of 0 and 3
    assert "empty" in error_message(result, bad)
    package = only_package(out)
    assert f"-> {package} [created]" in result.stdout
    report_errors = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert len(report_errors) == 1


def test_mixed_input_errors_exit_with_the_worst_code(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("convert", empty, pdf, SAMPLE, "-o", out)
    assert result.exit_code == 3, result.output
    error_line(result, empty)
    error_line(result, pdf)
    only_package(out)


def test_as_one_with_a_bad_part_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "blob.bin"
    bad.write_bytes(PNG_HEADER + b"\x00" * 64)
    out = tmp_path / "out"
    result = invoke("convert", SAMPLE, bad, "--as-one", "-o", out)
    assert result.exit_code == 3, result.output
    assert "binary" in error_message(result, bad)
    assert_nothing_written(out)


# -- 9. atomic writes ------------------------------------------------------------------------------
def fail_write_text_on_call(monkeypatch: pytest.MonkeyPatch, n: int) -> dict[str, int]:
    real = Path.write_text
    calls = {"n": 0}

    def flaky(self: Path, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", flaky)
    return calls


def test_failed_write_raises_output_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = read_document(SAMPLE)
    out = tmp_path / "out"
    calls = fail_write_text_on_call(monkeypatch, 5)
    with pytest.raises(OutputError) as info:
        write_package(doc, out, created=CREATED)
    assert calls["n"] == 5
    assert info.value.exit_code == 5
    assert "No space left on device" in str(info.value)
    assert str(out) in str(info.value)
    assert_nothing_written(out)


def test_failed_write_exits_5_in_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    fail_write_text_on_call(monkeypatch, 5)
    result = invoke("convert", SAMPLE, "-o", out)
    assert result.exit_code == 5, result.output
    line = next(x for x in result.stderr.splitlines() if x.startswith("error:"))
    assert f"error: {out}/" in line and "cannot write the package" in line
    assert_nothing_written(out)


def test_failed_write_keeps_the_previous_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = write_package(read_document(SAMPLE), out, created=CREATED)
    before = tree(first.path)
    changed = read_document(non_numeric_sample(tmp_path))
    fail_write_text_on_call(monkeypatch, 5)
    with pytest.raises(OutputError):
        write_package(changed, out, created="2025-01-01T00:00:00Z")
    assert entries(out) == [first.name]
    assert tree(first.path) == before


def test_failed_final_rename_keeps_the_previous_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = write_package(read_document(SAMPLE), out, created=CREATED)
    before = tree(first.path)
    changed = read_document(non_numeric_sample(tmp_path))
    real = Path.rename

    def flaky(self: Path, target: Path) -> Path:
        if self.name.startswith(".") and ".old-" not in self.name:  # the staging folder
            raise OSError(18, "Invalid cross-device link")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", flaky)
    with pytest.raises(OutputError):
        write_package(changed, out, created="2025-01-01T00:00:00Z")
    assert entries(out) == [first.name]
    assert tree(first.path) == before


def test_output_that_is_a_file_exits_5(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_bytes(b"not a folder")
    result = invoke("convert", SAMPLE, "-o", out)
    assert result.exit_code == 5, result.output
    assert "cannot write the package" in result.stderr and str(out) in result.stderr
    assert out.read_bytes() == b"not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_package_path_taken_by_a_file_is_handled_cleanly(tmp_path: Path) -> None:
    name = write_package(read_document(SAMPLE), tmp_path / "probe", created=CREATED).name
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(b"in the way")
    result = invoke("convert", SAMPLE, "-o", out, "--created", CREATED)
    assert hidden(out) == []
    if result.exit_code == 5:  # refused: the file is left as it was
        assert (out / name).read_bytes() == b"in the way"
    else:  # replaced by the package
        assert result.exit_code == 0, result.output
        only_package(out)


# -- 10. determinism ------------------------------------------------------------------------------
def test_rerun_into_the_same_folder_is_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = invoke("convert", SAMPLE, "-o", out)
    assert first.exit_code == 0, first.output
    assert "[created]" in first.stdout
    package = only_package(out)
    before = tree(package)
    second = invoke("convert", SAMPLE, "-o", out)
    assert second.exit_code == 0, second.output
    assert f"-> {package} [unchanged]" in second.stdout
    assert entries(out) == [package.name]
    assert tree(package) == before


def test_rerun_with_a_changed_input_updates_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("convert", SAMPLE, "-o", out, "--created", CREATED).exit_code == 0
    package = only_package(out)
    src = non_numeric_sample(tmp_path)
    result = invoke("convert", src, "-o", out, "--created", CREATED)
    assert result.exit_code == 1, result.output
    assert f"-> {package} [updated]" in result.stdout
    assert only_package(out) == package
    problems = [
        r for r in csv_rows(package / "data" / "reader_findings.csv") if r["severity"] != "info"
    ]
    assert problems[0]["code"] == "non-numeric-amount"


def test_two_folders_with_the_same_created_are_identical(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        result = invoke("convert", SAMPLE, "-o", tmp_path / folder, "--created", CREATED)
        assert result.exit_code == 0, result.output
    a, b = only_package(tmp_path / "a"), only_package(tmp_path / "b")
    assert a.name == b.name
    assert tree(a) == tree(b)


# -- 11. validate ------------------------------------------------------------------------------
def test_validate_without_datapackage_json_exits_3(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-package"
    folder.mkdir()
    done = run_script("validate", folder, cwd=tmp_path)
    assert done.returncode == 3, done
    assert done.stderr.startswith(f"error: {folder}: no datapackage.json")


def test_validate_reports_a_corrupted_amount(tmp_path: Path) -> None:
    package = write_package(read_document(SAMPLE), tmp_path / "out", created=CREATED).path
    income = package / "data" / "income.csv"
    lines = income.read_bytes().decode("utf-8").split("\r\n")
    header = lines[0].split(",")
    number = next(i for i, x in enumerate(lines) if x.startswith(f"4,{INCOME_ROW_4},"))
    cells = lines[number].split(",")
    assert cells[header.index("total")] == "439.20"
    cells[header.index("total")] = "abc"
    lines[number] = ",".join(cells)
    income.write_bytes("\r\n".join(lines).encode("utf-8"))

    result = invoke("validate", package)
    assert result.exit_code == 1, result.output
    assert f"{package}: INVALID" in result.stdout
    # frictionless counts the header as row 1
    assert f"income row {number + 1} field total: [type-error]" in result.stdout


# -- the console script: no tracebacks, the same exit codes ------------------------------------------
@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("empty", 3),
        ("binary", 3),
        ("pdf", 3),
        ("prose", 3),
        ("missing", 3),
        ("output-is-file", 5),
        ("usage", 2),
    ],
)
def test_console_script_never_shows_a_traceback(tmp_path: Path, case: str, code: int) -> None:
    src = tmp_path / {"binary": "scan.png", "pdf": "scan.pdf"}.get(case, "input.txt")
    out = tmp_path / "out"
    args: list[str | Path] = ["convert", src, "-o", out]
    if case == "empty":
        src.write_bytes(b"")
    elif case == "binary":
        src.write_bytes(PNG_HEADER + b"\x00" * 256)
    elif case == "pdf":
        src.write_bytes(b"%PDF-1.7\n")
    elif case == "prose":
        src.write_text("这是一份普通的通知，没有任何表格。\n", encoding="utf-8")
    elif case == "output-is-file":
        shutil.copy(SAMPLE, src)
        out.write_bytes(b"")
    elif case == "usage":
        args = ["convert", src]  # -o is required
    done = run_script(*args, cwd=tmp_path)
    assert done.returncode == code, done
    if case == "usage":
        assert "Missing option" in done.stderr
    elif case == "output-is-file":
        assert f"error: {out}/" in done.stderr
        assert out.read_bytes() == b""
    else:
        assert re.match(rf"error: {re.escape(str(src))}(?::\d+)?: ", done.stderr), done.stderr
        assert_nothing_written(out)
    if case != "output-is-file":
        assert not out.exists()


def test_console_script_reports_findings_without_a_traceback(tmp_path: Path) -> None:
    src = non_numeric_sample(tmp_path)
    out = tmp_path / "out"
    done = run_script("convert", src, "-o", out, "--strict", cwd=tmp_path)
    assert done.returncode == 1, done
    assert f"error: words.txt:{INCOME_ROW_4}: [non-numeric-amount]" in done.stdout
    assert_nothing_written(out)


def test_a_bare_year_after_a_table_does_not_hang_the_reader(tmp_path: Path) -> None:
    """Regression: a line that is preamble only where a year is expected (``2023``) after a
    table's rows made the table reader loop forever (issue: six lines, ``convert`` never
    returned)."""
    src = tmp_path / "hang.txt"
    src.write_text(
        "部门预算收支总表\n单位：万元\n收入\t\t支出\t\n项目\t预算数\t项目\t预算数\n"
        "一、一般公共预算拨款收入\t100.00\t一、一般公共服务支出\t100.00\n2023\n",
        encoding="utf-8",
    )
    done = run_script("convert", src, "-o", tmp_path / "out", cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 tables, 1 rows, 2 amounts" in done.stdout
