"""Issue 14, family 2: text converted from a PDF by a machine.  Each input is built from lines of the
pdftotext and markdown conversions of 001 and 041 (tests/fixtures/derived/), changed to show one
pattern; the expected values are 001's and 041's as printed (tests/golden/)."""
from __future__ import annotations

from decimal import Decimal

from gongkai.readers.txt import text_to_document
from gongkai.parse.tables import parse_tables

HEAD = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 0 0 0", "行政规范性文件 0 5 5", "第二十条第（五）项", "信息内容 本年处理决定数量", "行政许可 550",
        "三、收到和处理政府信息公开申请情况", "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
        "（一）予以公开 0 0 0 0 0 0 0", "（七）总计 21 0 0 0 0 0 21"]


def _tables(lines):
    doc = text_to_document("\n".join(lines))
    return parse_tables(doc.rows, doc.lines)


def _row(tables, row, table="applications"):
    cols = ("natural_person", "commercial", "research", "public_interest", "legal_services",
            "other_organisation", "total")
    if table == "reviews_litigation":
        return [(c.value, c.status) for c in tables.cells[table].values()]
    return [(tables.cells[table][(row, c)].value, tables.cells[table][(row, c)].status) for c in cols]


def _reported(*values):
    return [(None if v is None else Decimal(v), "reported" if v is not None else "blank") for v in values]


def test_page_footers_inside_a_table_are_not_rows():
    t = _tables(HEAD + ["一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21", "- 3 -", "— 5 —",
                        "11/25/26, 1:08 PM", "file:///tmp/report.html 4/6",
                        "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0"])
    assert _row(t, "new_received") == _reported(21, 0, 0, 0, 0, 0, 21)
    assert _row(t, "carried_over") == _reported(0, 0, 0, 0, 0, 0, 0)


def test_a_label_over_two_lines_with_its_values_as_a_bare_row_below():
    t = _tables(HEAD + ["一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21",
                        "（二）部分公开（区分处理的，只计这一情 形，不", "计其他情形）", "4 0 0 0 0 0 4",
                        "5.要求行政机关确认或重 新出具", "已获取信息", "0 0 0 0 0 0 0"])
    assert _row(t, "partial") == _reported(4, 0, 0, 0, 0, 0, 4)
    assert _row(t, "not_processed_confirmation") == _reported(0, 0, 0, 0, 0, 0, 0)


def test_a_bare_row_of_values_just_above_its_label():
    t = _tables(HEAD + ["一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21", "10 0 0 0 0 0 10",
                        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作 3 0 0 0 0 0 3"])
    assert _row(t, "unable_not_held") == _reported(10, 0, 0, 0, 0, 0, 10)
    assert _row(t, "unable_needs_creating") == _reported(3, 0, 0, 0, 0, 0, 3)


def test_a_label_whose_last_words_follow_its_values():
    t = _tables(HEAD + ["（二）部分公开（区分处理的，只计这 4 0 0 0 0 0 4",
                        "一情形，不计其他情形）", "（三）不予公开"])
    assert _row(t, "partial") == _reported(4, 0, 0, 0, 0, 0, 4)


def test_group_labels_broken_into_pieces_next_to_the_rows():
    # 041 -layout: （三）不予 / 公开 printed in the column before the row labels
    t = _tables(HEAD + ["         （三）不予 4.保护第三方合法权益    0    0    0    0    0    0    0",
                        "         公开    5.属于三类内部事务信息 5    0    0    0    0    0    5",
                        "（四）无法提供 1.本机关不掌握相关政府信息 31 0 0 0 0 0 31"])
    assert _row(t, "refused_third_party") == _reported(0, 0, 0, 0, 0, 0, 0)
    assert _row(t, "refused_internal_affairs") == _reported(5, 0, 0, 0, 0, 0, 5)
    assert _row(t, "unable_not_held") == _reported(31, 0, 0, 0, 0, 0, 31)


def test_a_row_label_printed_alone_between_rows_is_a_blank_row_but_a_heading_is_not():
    t = _tables(HEAD + ["1.属于国家秘密 14", "2.其他法律行政法规禁止", "公开", "3.危及“三安全一稳定” 0 0 0 0 0 0 0",
                        "自然人 商业企业 总计"])
    assert _row(t, "refused_law_prohibited") == _reported(None, None, None, None, None, None, None)
    # 14 alone cannot be placed in one of seven columns: flagged, not guessed
    assert {s for _v, s in _row(t, "refused_state_secret")} == {"ambiguous"}
    assert not any("'total' printed twice" in w for w in t.warnings)  # the heading 总计 is not （七）总计


def test_the_fifteen_review_and_litigation_values_as_one_row_under_a_scattered_header():
    t = _tables(HEAD + ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "结果", "维持", "结果", "纠正",
                        "总 计", "未经复议直接起诉 复议后起诉", "结果", "维持", "总 计",
                        "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0"])
    values = [v for v, _s in _row(t, None, "reviews_litigation")]
    assert values == [Decimal(x) for x in (10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0)]


def test_markdown_header_fragments_and_empty_cells_at_both_ends():
    # 041 as a converter writes it: a merged heading split in two cells, and table 三's second page with
    # an empty column on each side of the values
    lines = ["二、主动公开政府信息情况", "| 第二十条第（一）项 |  |  |  |  |", "|---|---|---|---|---|",
             "| 信息内容 | 本年新 制作数量 | 本年新 公开数量 |  | 对外公开总数量 |", "| 规章 | 13 | 13 |  | 524 |",
             "| 信息内容 | 上一年项目数量 | 本年增/减 |  | 处理决定数量 |", "| 行政许可 | 0 |  | 0 | 0 |",
             "三、收到和处理政府信息公开申请情况",
             "| 三、本年度 办理结果 | （一）予以公开 |  | 258 | 12 |  |  | 1 | 1 |  |",
             "|  | （二）部分公开（区分处理的，只计这一情形，不计其他情形） |  | 3 |  |  |  |  |  |  |",
             "|  | （七）总计 |  | 767 | 35 |  |  | 2 | 1 | 805 |"]
    doc = text_to_document("\n".join(lines))
    t = parse_tables(doc.rows, doc.lines + ["本年新制作数量 本年新公开数量 对外公开总数量 上一年项目数量"])
    assert [t.cells["active_disclosure"][("rules", m)].value for m in ("made", "published", "total_published")] \
        == [13, 13, 524]
    assert [t.cells["active_disclosure"][("licensing", m)].value for m in ("prev_items", "change", "decisions")] \
        == [0, 0, 0]
    # 总计 ends with a value, so this table's values start one cell after the label's empty neighbour
    assert _row(t, "total") == _reported(767, 35, None, None, 2, 1, 805)
    assert _row(t, "granted") == _reported(258, 12, None, None, 1, 1, None)
    assert _row(t, "partial") == _reported(3, None, None, None, None, None, None)


def test_empty_cells_on_both_sides_with_nothing_to_decide_are_flagged():
    lines = ["三、收到和处理政府信息公开申请情况", "| （一）予以公开 |  | 258 | 12 |  |  | 1 | 1 |  |",
             "| 1.属于国家秘密 | 14 |  |  |  |  |  | 14 |", "| 2.重复申请 | 5 | 4 |  |  |  |  | 9 |"]
    doc = text_to_document("\n".join(lines))
    t = parse_tables(doc.rows, doc.lines)
    assert {s for _v, s in _row(t, "granted")} == {"ambiguous"}


# --- Issue 14, family 4: an HTML table with merged, vertically centred group cells printed by Chromium
# (tests/fixtures/derived/000_8719cb9f3c2be4e4_rowspan_chromium.pdf, made by scripts/make_variants.py and
# scored cell by cell in tests/test_golden.py).  pdfplumber's table there loses （二）部分公开: the row under
# 三、本年度办理结果, a cell merged over twenty rows, whose page break cuts the row's label; the page text
# still prints it ('(二)部分公开(区 0 0 0 0 0 0 0' / '分处理的,只计').
def test_missing_rows_only_adds_rows_no_table_has():
    from gongkai.readers.textlines import missing_rows

    lines = ["三、本年度办理结果 (一)予以公开 9 0 0 0 0 0 9", "(二)部分公开(区 0 0 0 0 0 0 0", "分处理的,只计",
             "(七)总计 15 0 0 0 0 0 15"]
    rows = missing_rows(lines, {"予以公开"}, page=2)
    assert [r.cells[0] for r in rows] == ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "(七)总计"]
    assert rows[0].cells[1:] == ("0",) * 7 and rows[0].page == 2
    # a cut label that could begin two rows is not completed
    assert missing_rows(["1.属于 0 0 0 0 0 0 0"], set(), page=1) == []


def test_other_handling_alone_is_a_blank_row_but_a_heading_over_its_sub_rows():
    # 041 (2019 edition) prints （六）其他处理 with no values; a 2021 report prints it over three sub-rows
    t = _tables(HEAD + ["（六）其他处理", "（七）总计 21 0 0 0 0 0 21"])
    assert _row(t, "other_total") == _reported(None, None, None, None, None, None, None)
    t = _tables(HEAD + ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0"])
    assert ("other_total", "total") not in t.cells["applications"]
    assert _row(t, "other_no_correction") == _reported(0, 0, 0, 0, 0, 0, 0)


def test_labels_printed_before_their_values_column_by_column_are_never_guessed():
    """A converter that writes the label column first and the values after it: the values could belong
    to any of the labels above, so none is published, and no label is taken for a blank row."""
    t = _tables(HEAD + ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                        "1 0 0 0 0 0 1", "0 0 0 0 0 0 0", "2 0 0 0 0 0 2", "4.保护第三方合法权益 0 0 0 0 0 0 0"])
    cells = t.cells["applications"]
    for row in ("refused_state_secret", "refused_law_prohibited", "refused_three_security"):
        assert all((row, c) not in cells or cells[(row, c)].value is None and cells[(row, c)].status != "blank"
                   for c in ("natural_person", "total")), row
    assert _row(t, "refused_third_party") == _reported(0, 0, 0, 0, 0, 0, 0)


def test_each_value_records_its_own_characters_and_an_amounts_unit_is_left_out():
    """Converted PDF text: a value's span is its token on its own line (the label may be lines above)."""
    lines = HEAD + ["（二）部分公开（区分处理的，只计这一情 形，不", "计其他情形）", "4  0 0 0 0 0 4"]
    doc = text_to_document("\n".join(lines))
    (row,) = [r for r in doc.rows if r.cells and r.cells[0].startswith("（二）部分公开")]
    line = len(HEAD) + 3
    assert row.spans[0] is None  # a label joined from two lines has no single place
    assert row.spans[1:] == ((line, 0, 1), (line, 3, 4), (line, 5, 6), (line, 7, 8), (line, 9, 10), (line, 11, 12),
                             (line, 13, 14))
    doc = text_to_document("\n".join(HEAD + ["行政事业性收费 251000 元"]))
    (fee,) = [r for r in doc.rows if r.cells and r.cells[0] == "行政事业性收费"]
    assert fee.cells[1] == "251000元" and fee.spans[1] == (len(HEAD) + 1, 8, 14)
    assert type(fee.cells[1]) is str  # plain text again: nothing of the parser's bookkeeping is published
