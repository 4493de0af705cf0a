"""gongkai/readers/txt.py: pipe rows of crawler text split into cells; prose lines are not rows."""
from __future__ import annotations

from gongkai.readers.txt import split_line


def test_split_line_pipe_rows():
    assert split_line("规章 | 0 | 0 | 0 |") == ("规章", "0", "0", "0")
    assert split_line("一段正文。") is None
