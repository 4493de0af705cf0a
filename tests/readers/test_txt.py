"""gongkai/readers/txt.py: tab- and pipe-separated rows split into cells; prose lines are not rows."""
from __future__ import annotations

from conftest import ROOT
from gongkai.readers.txt import read, split_line


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
