"""gongkai/pages/markup.py: report text is inert in HTML and in Markdown; cells show their status, never a
silent 0; only http(s) links are published."""
from __future__ import annotations

from decimal import Decimal

import markdown
import pytest
import yaml

from gongkai.pages import markup as K
from gongkai.schema import registry as R

HOSTILE = '<script>alert(1)</script> | `x` [a](javascript:alert(1)) **b** "q"'


def test_esc_makes_html_inert_and_keeps_a_markdown_table_cell_whole():
    out = K.esc(HOSTILE)
    assert "<script>" not in out and "|" not in out and "`" not in out and '"' not in out
    assert K.esc(None) == "" and K.esc(7) == "7"
    rendered = markdown.markdown(f"| a | b |\n|---|---|\n| {out} | 2 |", extensions=["tables"])
    assert rendered.count("<td>") == 2 and "<script>" not in rendered


def test_md_text_is_inert_markdown():
    rendered = markdown.markdown(K.md_link(HOSTILE, "x.md"))
    assert "<script>" not in rendered and "<strong>" not in rendered and "javascript:" not in rendered.split('href="')[0]
    assert rendered.count("<a ") == 1 and 'href="x.md"' in rendered
    assert K.md_text("  a\n b ") == "a b" and K.md_text(None) == ""


@pytest.mark.parametrize("url,ok", [
    ("https://www.shanghai.gov.cn/nw12344/20200131/x.html", True), (" http://a.gov.cn/x ", True),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("file:///etc/passwd", False),
    ('https://a.cn/"onmouseover=x', False), ("", False), (None, False),
])
def test_only_http_links_are_published(url, ok):
    assert (K.safe_href(url) is not None) == ok


def test_text_block_escapes_each_paragraph():
    assert K.text_block("一、<b>总体</b>\n\n  第二段  ") == '<div class="gk-text"><p>一、&lt;b&gt;总体&lt;/b&gt;</p><p>第二段</p></div>'
    assert K.text_block(None) == '<div class="gk-text"></div>'


def test_cells_show_values_and_statuses_and_blank_is_not_zero():
    assert K.cell_td({"status": "reported", "value": Decimal("26.55"), "source_page": 3}) == \
        '<td class="gk-num" data-page="3">26.55</td>'
    blank = K.cell_td({"status": "blank", "value": None, "raw": ""})
    assert blank.startswith('<td class="gk-blank"') and ">0<" not in blank and blank.endswith("></td>")
    missing = K.cell_td({"status": "missing", "value": None})
    assert missing.endswith(">—</td>")
    unreadable = K.cell_td({"status": "unreadable", "value": None, "raw": "<b>十四</b>"})
    assert "&lt;b&gt;十四&lt;/b&gt;" in unreadable and unreadable.endswith(">?</td>")
    assert K.cell_td(None) == '<td class="gk-na">·</td>'
    assert K.number(None) == "" and K.number(12) == "12"


def test_source_note_names_pages_or_tables_or_lines():
    assert K.source_note([{"source_page": 2}, {"source_page": 3}, {"source_page": 2}]) == \
        '<p class="gk-source">数据来源位置：源文件第 2、3 页。</p>'
    assert "源文件中的第 1 个表格" in K.source_note([{"source_table": 1, "source_row": 4}])
    assert "源文本第 47–71 行" in K.source_note([{"source_row": 71}, {"source_row": 47}])
    assert K.source_note([{}]) == ""


def test_front_matter_and_headings_carry_no_markup():
    fm = K.front_matter('<script>"某局"</script>', {"search": {"exclude": True}})
    assert yaml.safe_load(fm.split("---\n")[1]) == {"title": "script某局/script", "search": {"exclude": True}}
    assert K.h1("a<b") == "<h1>a&lt;b</h1>\n\n"
    assert K.align(1, 2) == "|---|---:|---:|\n"
    assert K.link("x?a=1&b=2", "<i>") == '<a href="x?a=1&amp;b=2">&lt;i&gt;</a>'


def test_every_number_and_every_printed_question_mark_can_be_linked_to_its_evidence():
    """The cells carry no link themselves (evidence.js makes them): the rows and tables carry the codes, in the
    order of their value cells; a '?' with something printed is marked data-ev, a blank or missing one is not."""
    assert K.cell_td({"code": "granted.total", "status": "reported", "value": Decimal(12), "raw": "12"}) == \
        '<td class="gk-num">12</td>'
    ambiguous = K.cell_td({"code": "rules.issued", "status": "ambiguous", "value": None, "raw": "5845546"})
    assert ambiguous.endswith(" data-ev>?</td>")
    assert "data-ev" not in K.cell_td({"code": "x.y", "status": "missing", "value": None, "raw": ""})
    recs = [{"code": f"new_received.{a.code}", "row_code": "new_received", "applicant_code": a.code,
             "status": "reported", "value": Decimal(1), "raw": "1"} for a in R.APPLICANTS]
    table = K.table_applications(recs)
    assert f'data-cols="{" ".join(a.code for a in R.APPLICANTS)}"' in table and 'tr data-row="new_received"' in table
    reviews = K.table_reviews([{"code": f"{c.code}.{r.code}", "category_code": c.code, "result_code": r.code,
                                "status": "reported", "value": Decimal(0), "raw": "0"}
                               for c in R.RL_CATEGORIES for r in R.RL_RESULTS])
    first = f"{R.RL_CATEGORIES[0].code}.{R.RL_RESULTS[0].code}"
    assert f'<tr data-cols="{first} ' in reviews
