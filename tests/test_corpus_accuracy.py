"""benchmarks/corpus_accuracy.py on one small corpus document: the lines it prints, its status."""

from __future__ import annotations

import re

import pytest

from benchmarks.corpus_accuracy import main
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"
STEM = "js-cppcc-office-2017-budget-tables"  # 13 pages, with a truth file

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def test_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS), "--only", STEM]) == 0
    out = capsys.readouterr().out
    assert f"{STEM}.pdf: " in out
    assert re.search(r"^  kinds: (\w+ \d+)(, \w+ \d+)*$", out, re.M)
    assert re.search(
        r"^  evidence: title \d+, wrapped title \d+, title above preamble \d+, header \d+, "
        r"kind-by-header \d+; unknown \(generic\) \d+$",
        out,
        re.M,
    )
    amounts = re.search(r"^  amounts: tables (\d+), facts (\d+) EQUAL$", out, re.M)
    assert amounts and amounts[1] == amounts[2] and int(amounts[1]) > 0
    assert re.search(r"^  amount-as-text \d+; errors: .+; warnings: .+$", out, re.M)
    assert re.search(r"^  package: valid$", out, re.M)
    if (CORPUS.parent / "truth" / f"{STEM}.json").is_file():
        assert re.search(
            r"^  recall: tables recall \d+/\d+ = [01]\.\d{3}, facts recall \d+/\d+ = [01]\.\d{3}$",
            out,
            re.M,
        )
    assert re.search(
        r"^  seconds per page: read \d+\.\d{3}, read\+write\+validate \d+\.\d{3}$", out, re.M
    )
    summary = re.search(
        r"^SUMMARY 1 documents, \d+ tables, \d+ unknown tables, (\d+) amounts, (\d+) facts, "
        r"all equal yes, all valid yes, mean recall over \d truth files: tables \S+, facts \S+$",
        out,
        re.M,
    )
    assert summary and summary[1] == summary[2] == amounts[1]
