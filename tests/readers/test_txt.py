"""gongkai/readers/txt.py: tab- and pipe-separated rows split into cells; prose lines are not rows."""
from __future__ import annotations

from conftest import ROOT
from gongkai.readers.txt import locate, read, split_line, text_to_document


def test_split_line_pipe_rows():
    assert split_line("规章 | 0 | 0 | 0 |") == ("规章", "0", "0", "0")
    assert split_line("一段正文。") is None


def test_the_seeds_tab_separated_lines_are_rows_of_cells():
    """reports/000…txt line 47: '一、本年新收政府信息公开申请数量\\t\\t14\\t0\\t0\\t0\\t0\\t0\\t14\\t'."""
    doc = read(ROOT / "reports" / "000_8719cb9f3c2be4e4.txt")
    assert doc.format == "txt"
    row = next(r for r in doc.rows if r.cells and r.cells[0] == "一、本年新收政府信息公开申请数量")
    assert [c for c in row.cells[1:] if c] == ["14", "0", "0", "0", "0", "0", "14"]
    assert "自治区司法厅 2021 年政府信息公开工作年度报告" in doc.lines


def _spanned(doc, text: str) -> dict[str, str]:
    """{cell: the text at its recorded span} for every cell of the rows, read back from `text`'s lines."""
    lines = text.splitlines()
    out = {}
    for row in doc.rows:
        for cell, span in zip(row.cells, row.spans or ()):
            if span is not None:
                line, start, end = span
                out.setdefault(cell, lines[line - 1][start:end])
    return out


def test_each_cell_of_a_separated_row_records_where_its_characters_are():
    """Tabs, pipes and a markdown row: each cell's span gives back exactly that cell; an empty cell has none."""
    text = ("二、主动公开政府信息情况\n规章\t 3 \t\t12\n"
            "| 行政规范性文件 | 45 |  | 7 |\n|---|---|---|---|\n"
            "行政许可 | 550 | 1 |\n")
    doc = text_to_document(text)
    rows = {r.cells[0]: r for r in doc.rows if r.cells}
    assert rows["规章"].spans == ((2, 0, 2), (2, 4, 5), None, (2, 8, 10))
    assert rows["行政规范性文件"].spans[1:] == ((3, 12, 14), None, (3, 20, 21))
    assert _spanned(doc, text) == {"规章": "规章", "3": "3", "12": "12", "行政规范性文件": "行政规范性文件",
                                   "45": "45", "7": "7", "行政许可": "行政许可", "550": "550", "1": "1"}


def test_one_cell_per_line_records_each_lines_own_cell():
    text = "二、主动公开政府信息情况\n  一、本年新收政府信息公开申请数量\n 21 \n0\n五、存在的问题\n"
    doc = text_to_document(text)
    (row,) = [r for r in doc.rows if "21" in r.cells]
    assert row.cells == ("一、本年新收政府信息公开申请数量", "21", "0")
    assert row.spans == ((2, 2, 18), (3, 1, 3), (4, 0, 1))


def test_locate_finds_cells_in_order_even_when_a_later_cell_repeats_an_earlier():
    assert locate("1\t11\t1", ("1", "11", "1")) == ((0, 1), (2, 4), (5, 6))
