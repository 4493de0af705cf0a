"""Search recall on the real search boxes: every page whose indexed text contains a word is listed.

The first word goes through the header's box and Enter; the rest are typed into the 搜索 page's own box
(results while typing).  What a page contains is read from the built HTML (tests/browser/recall.py),
not from Pagefind.  The recall table is written to build/search-recall.md for the record.
"""
from __future__ import annotations

from conftest import ROOT

from .recall import (WORDS, containing, indexed_texts, listed_results, submit_header_search, table,
                     type_on_search_page)


def test_every_page_containing_a_word_is_found(site, open_page):
    texts = indexed_texts(site.root)
    assert len(texts) > 50  # report, agency, region, year and overview pages
    page = open_page(site)
    rows, missed = [], {}
    for i, word in enumerate(WORDS):
        want = containing(texts, word)
        assert want, f"{word}: no built page contains it; the list must hold words the sample uses"
        if i == 0:
            submit_header_search(page, site.url(), word)
        else:
            type_on_search_page(page, word)
        got = listed_results(page, word)
        rows.append((word, len(got), len(want), len(want & got) / len(want)))
        if want - got:
            missed[word] = sorted(want - got)
    out = ROOT / "build" / "search-recall.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table(rows) + "\n", encoding="utf-8")
    assert not missed, missed


def test_a_word_on_no_page_lists_nothing(site, open_page):
    """The other side of recall: a word in no report (潜水艇, submarine) is contained in no page and lists
    no result.  (With Pagefind 1.5.2 the test above fails: 行政复议 found 1 of 34 pages.)"""
    texts = indexed_texts(site.root)
    assert not containing(texts, "潜水艇")
    page = open_page(site)
    submit_header_search(page, site.url(), "潜水艇")
    assert listed_results(page, "潜水艇") == set()
