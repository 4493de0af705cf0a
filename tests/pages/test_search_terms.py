"""The hidden search words: words a prefix search would miss inside longer dictionary words."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.pages.search_terms import hidden_block, hidden_words, page_text


def test_a_word_inside_a_longer_word_is_listed():
    # 办公厅 is printed only inside 国务院办公厅, 复议 only inside 行政复议 (phrases from the sample reports).
    words = hidden_words("按照国务院办公厅要求，办理行政复议案件")
    assert "办公厅" in words
    assert "复议" in words


def test_a_word_at_the_start_of_a_longer_word_is_not_listed_again():
    # 国务院 starts 国务院办公厅: a prefix search finds it, so it adds nothing to the index.
    assert "国务院" not in hidden_words("国务院办公厅")


def test_text_without_long_words_lists_nothing():
    assert hidden_words("公开") == []
    assert hidden_words("2024 年 annual report") == []
    assert hidden_block("<p>公开</p>") == ""


def test_tables_are_left_out_as_they_are_left_out_of_the_index():
    html = "<p>国务院办公厅</p><table><tr><td>行政复议</td></tr></table>"
    assert "行政复议" not in page_text(html)
    block = hidden_block(html)
    assert "办公厅" in block and "复议" not in block
    assert block.startswith('<div class="gk-search-terms" hidden')


def test_markup_in_the_article_is_not_read_as_text():
    assert hidden_words(page_text('<a href="/国务院办公厅/">链接</a>')) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="国务院办公厅行政复议省政府人民法院诉讼申请公开，。 0123", max_size=60))
def test_every_listed_word_is_in_the_text(text):
    """The block never makes a page match a word the page does not contain."""
    words = hidden_words(text)
    assert words == sorted(set(words))
    for word in words:
        assert word in text and len(word) >= 2


REPORT_TEXT = ("本机关依据《中华人民共和国政府信息公开条例》编制本年度报告。按照国务院办公厅要求，办理行政复议案件，"
               "推进政务公开标准化规范化，主动公开规范性文件，依申请公开政府信息，行政诉讼结果纠正。")


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="国务院办公厅行政复议省政府人民法院诉讼申请公开标准化规范，。 0123", max_size=60))
def test_a_pages_own_words_give_the_words_of_the_whole_dictionary(text):
    """A run of a few pages looks each page's words up alone (dictionary_for, from the SQLite copy of the
    dictionary): the same hidden words as with the whole dictionary, whatever was memoised before."""
    import jieba

    from gongkai.pages import search_terms as T

    for sample in (text, REPORT_TEXT + text):
        whole = T.hidden_words(sample)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(jieba.dt, "initialized", False)  # as in a fresh MkDocs process
            mp.setattr(T, "_INNER", {})
            own = T.dictionary_for(sample)
            assert own is not jieba.dt.FREQ and len(own) < 10_000
            assert T.hidden_words(sample, own) == whole


def test_a_few_pages_do_not_load_the_whole_dictionary():
    """1.5-2.5 CPU-s of every MkDocs run that renders an edit's changed pages alone (issue 17), and jieba comes
    without pkg_resources (a third of such a run)."""
    import subprocess
    import sys

    code = ("from gongkai.pages.search_terms import hidden_block\n"
            f"block = hidden_block('<p>{REPORT_TEXT}</p>', few=True)\n"
            "import sys, jieba\n"
            "print(jieba.dt.initialized, 'pkg_resources' in sys.modules, '办公厅' in block, '复议' in block)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True", "True"]
