"""Tables without vertical rules (:mod:`opendata.read.unruled`), on synthetic characters: an
aligned block becomes rows of tab-separated cells; a justified paragraph and a preamble line
with its unit right-aligned stay running text."""

from __future__ import annotations

from opendata.read.layout import Char, page_lines

SIZE = 9.0


def word(text: str, x: float, top: float, size: float = SIZE, spacing: float = 0.0) -> list[Char]:
    """Characters of ``text`` from ``x``: CJK a full size wide, others half (a space is a gap),
    ``spacing`` added after each character (justified text)."""
    chars = []
    for ch in text:
        width = size if ord(ch) > 0x2000 else size / 2
        if ch != " ":
            chars.append(Char(ch, x, top, x + width, top + size, size))
        x += width + spacing
    return chars


def left(text: str, x: float, top: float) -> list[Char]:
    return word(text, x, top)


def right(text: str, x1: float, top: float) -> list[Char]:
    """``text`` right-aligned at ``x1``."""
    width = sum(SIZE if ord(ch) > 0x2000 else SIZE / 2 for ch in text)
    return word(text, x1 - width, top)


def centred(text: str, x0: float, x1: float, top: float) -> list[Char]:
    width = sum(SIZE if ord(ch) > 0x2000 else SIZE / 2 for ch in text)
    return word(text, (x0 + x1 - width) / 2, top)


# a table of four columns: 科目编码 (left), 科目名称 (left), 合计 and 基本支出 (amounts, right)
COLUMNS = (40.0, 100.0, 260.0, 340.0, 420.0)


def row(top: float, code: str, name: str, *amounts: str) -> list[Char]:
    x = COLUMNS
    chars = left(code, x[0] + 3, top) + left(name, x[1] + 3, top)
    for j, amount in enumerate(amounts):
        if amount:
            chars += right(amount, x[j + 3] - 3, top)
    return chars


def texts(chars: list[Char]) -> list[str]:
    return [line.text for line in page_lines(chars, [])]


def test_an_aligned_block_becomes_rows_of_cells() -> None:
    x = COLUMNS
    chars = centred(
        "部门预算支出总表",
        x[0],
        x[-1],
        10,
    )
    chars += left("单位：万元", x[-1] - 45, 30)
    chars += centred("科目编码", x[0], x[1], 50) + centred("科目名称", x[1], x[2], 50)
    chars += centred("合计", x[2], x[3], 50) + centred("基本支出", x[3], x[4], 50)
    chars += row(70, "", "合计", "1,234.50", "1,000.00")
    chars += row(85, "201", "一般公共服务支出", "234.50", "")  # an empty cell at the end
    chars += row(100, "20101", "人大事务", "", "1,000.00")  # an empty cell in the middle
    chars += left("注：本表无其他内容。", x[0], 130)
    assert texts(chars) == [
        "部门预算支出总表",
        "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出",
        "\t合计\t1,234.50\t1,000.00",
        "201\t一般公共服务支出\t234.50\t",
        "20101\t人大事务\t\t1,000.00",
        "注：本表无其他内容。",
    ]


def test_a_header_over_two_columns_goes_to_the_first_and_stays_apart() -> None:
    x = COLUMNS
    chars = centred("支出", x[2], x[4], 40)  # over 合计 and 基本支出
    chars += centred("科目编码", x[0], x[1], 50) + centred("科目名称", x[1], x[2], 50)
    chars += centred("合计", x[2], x[3], 50) + centred("基本支出", x[3], x[4], 50)
    chars += row(70, "201", "一般公共服务支出", "234.50", "200.00")
    chars += row(85, "20101", "人大事务", "34.50", "")
    # 支出 goes to the first column under it, in a header row above 合计 (never joined to it)
    assert texts(chars) == [
        "科目编码\t科目名称\t支出\t基本支出",
        "\t\t合计\t",
        "201\t一般公共服务支出\t234.50\t200.00",
        "20101\t人大事务\t34.50\t",
    ]


def test_a_justified_paragraph_stays_running_text() -> None:
    chars = []
    for k, top in enumerate((10.0, 24.0, 38.0)):
        text = "本部门认真贯彻落实上级决策部署，收入合计1,234.50万元，支出合计2,000.00万元。"
        chars += word(text[k:], 40, top, spacing=0.4)
    lines = page_lines(chars, [])
    assert len(lines) == 3
    assert not any("\t" in line.text for line in lines)


def test_a_preamble_line_with_its_unit_right_aligned_stays_one_line() -> None:
    chars = left("部门：某某单位", 40, 10) + right("单位：万元", 420, 10)
    chars += left("预算年度：2023", 40, 24) + right("金额单位：万元", 420, 24)
    lines = page_lines(chars, [])
    assert [line.text for line in lines] == [
        "部门：某某单位 单位：万元",
        "预算年度：2023 金额单位：万元",
    ]


def test_one_line_of_amounts_is_not_a_table() -> None:
    chars = left("合计", 40, 10) + right("1,234.50", 300, 10) + right("1,000.00", 400, 10)
    lines = page_lines(chars, [])
    assert [line.text for line in lines] == ["合计 1,234.50 1,000.00"]


def test_justified_sentences_with_amounts_and_their_units_stay_running_text() -> None:
    # a narrative justified to the margins: wide gaps open around each amount, but each
    # amount is followed by its unit (万元, %) as a sentence goes on, as no table cell is
    chars = left("一般公共预算收入", 60, 10) + left("21,940.96", 200, 10)
    chars += left("万元，占", 320, 10)
    chars += left("99.94", 40, 24) + left("%；", 100, 24)
    chars += left("其他资金", 60, 38) + left("14.39", 140, 38) + left("万元，占", 200, 38)
    chars += left("0.06%；", 300, 38)
    lines = page_lines(chars, [])
    assert len(lines) == 3
    assert not any("\t" in line.text for line in lines)
