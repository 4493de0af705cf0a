"""gongkai/parse/tables.py: editions from labels, row fitting and cells, each on inputs seen in the real corpus."""
from __future__ import annotations

from gongkai.schema import registry as R
from gongkai.parse.labels import LabelIndex
from gongkai.readers.html import html_to_document
from gongkai.readers.txt import text_to_document
from gongkai.parse.tables import detect_edition, fit_span, parse_tables


def test_fit_span_trims_layout_only_empty_cells():
    # seed: '一、本年新收…\t\t14\t0\t0\t0\t0\t0\t14\t'
    start, vals, problem = fit_span(["", "14", "0", "0", "0", "0", "0", "14", ""], 7)
    assert (start, vals, problem) == (1, ["14", "0", "0", "0", "0", "0", "14"], None)
    start, vals, problem = fit_span(["1571", "", ""], 1)
    assert (start, vals, problem) == (0, ["1571"], None)
    start, vals, problem = fit_span(["0", "0", "0", "0"], 7)  # a truncated row
    assert len(vals) == 4 and problem == "4 of 7 cells"
    assert fit_span(["1", "2", "3"], 2) == (0, [], "3 cells where the form has 2")


def test_edition_from_labels_not_year():
    assert detect_edition(["信息内容 本年制发件数 本年废止件数 现行有效件数"]) == R.EDITION_2021
    assert detect_edition(["信息内容 本年新 制作数量 本年新 公开数量 对外公开总数量"]) == R.EDITION_2019
    assert detect_edition(["一、概述"]) is None


def test_html_blank_cells_are_cells():
    doc = html_to_document("<table><tr><td>（六）其他处理</td>" + "<td>&nbsp;</td>" * 7 + "</tr></table>")
    tables = parse_tables(doc.rows, ["规范性文件 本年新制作数量"])
    cells = tables.cells["applications"]
    assert len(cells) == 7 and all(c.status == "blank" for c in cells.values())


def test_truncated_text_keeps_what_it_has():
    doc = text_to_document("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n行政规范性文件 | 0 | 0")
    tables = parse_tables(doc.rows, doc.lines)
    found = tables.cells["active_disclosure"]
    assert found[("rules", "in_force")].value == 0
    assert ("normative_documents", "in_force") not in found
    assert any("2 of 3 cells" in w for w in tables.warnings)


def test_renamed_labels_still_give_the_edition_and_columns():
    # Variants seen in real 2021-edition reports: half-width brackets, a renamed in-force column.
    texts = ["第二十条(一)项", "信息内容 本年制发件数 本年废止件数 现行有效件数 (历史累计)"]
    assert detect_edition(texts) == "2021"
    assert LabelIndex(R.AD_MEASURES).match("现行有效件数 (历史累计)").code == "in_force"
    assert detect_edition(["本年新制作数量 本年新公开数量 对外公开总数量"]) == "2019"


def _ocr_rows(rows):
    from gongkai.model import Row

    return [Row(tuple(cells), page=4, table=0, index=i, confidence=(0.99,) * len(cells))
            for i, cells in enumerate(rows)]


def test_a_short_row_read_from_a_picture_is_withheld_not_shifted():
    """002's noisy scan lost a vertical rule in table 四's value row: 14 cells for 15.  Stored in order,
    every value after the merged cell would sit one column off (直接起诉 维持 2 read as 0, …)."""
    values = ["0", "1", "0", "0", "1", "1", "0", "0", "1", "2", "0", "1", "0", "3"]  # one of 15 lost
    rows = _ocr_rows([["行政复议", "行政诉讼"], ["结果维持", "复议后起诉"], values])
    tables = parse_tables(rows, ["四、政府信息公开行政复议、行政诉讼情况"])
    cells = tables.cells["reviews_litigation"]
    assert len(cells) == 15 and {c.status for c in cells.values()} == {"ambiguous"}
    assert all(c.value is None for c in cells.values())


def test_the_last_row_read_from_a_picture_short_of_cells_is_withheld():
    # Text cut at the end of a document keeps its leading cells (test above); a picture's short row is a
    # merged cell, wherever it is.
    rows = _ocr_rows([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0"]])
    tables = parse_tables(rows, ["信息内容 本年制发件数 本年废止件数 现行有效件数"])
    found = tables.cells["active_disclosure"]
    assert {found[("rules", m)].status for m in ("issued", "repealed", "in_force")} == {"ambiguous"}
