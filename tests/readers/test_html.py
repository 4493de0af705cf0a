"""gongkai/readers/html.py: paragraphs become lines, each <table> row one row of its printed cells.

041's first table (reports/041_shanghai_shizhengfu_bgt_2019.html) prints
`<tr><td>规章</td><td>13</td><td colspan="2">13</td><td>524</td></tr>`: a merged cell is one cell."""
from __future__ import annotations

from conftest import ROOT
from gongkai.readers.html import html_to_document, read


def test_the_shanghai_report_reads_its_rows_as_printed():
    doc = read(ROOT / "reports" / "041_shanghai_shizhengfu_bgt_2019.html")
    assert doc.format == "html" and doc.meta["images"] == 0
    assert doc.lines[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert "发布日期：2020-01-31" in doc.lines
    rows = [r.cells for r in doc.rows]
    assert rows[0] == ("第二十条第（一）项",)
    assert rows[1] == ("信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量")  # <br> kept in a cell
    assert ("规章", "13", "13", "524") in rows and ("规范性文件", "60", "60", "368") in rows
    assert doc.rows[2].table == 0 and doc.rows[2].index == 2


def test_scripts_styles_and_their_text_are_dropped_and_the_title_is_kept_apart():
    doc = html_to_document("<html><head><title> 某局 年报 </title><style>p{}</style></head><body>"
                           "<script>alert('x')</script><p>第一段</p><div>第二段<br>第三段</div>"
                           "<img src=a.png><img src=b.png></body></html>")
    assert doc.lines == ["第一段", "第二段", "第三段"]
    assert doc.meta == {"html_title": "某局 年报", "images": 2}


def test_nested_and_unclosed_tables_are_read_on_their_own():
    doc = html_to_document("<table><tr><td>外</td><td><table><tr><td>内</td><td>1</td></tr></table></td></tr>"
                           "<tr><td>行政许可</td><td>5")
    tables = {(r.table, r.cells) for r in doc.rows}
    assert (1, ("内", "1")) in tables
    assert (0, ("行政许可", "5")) in tables
