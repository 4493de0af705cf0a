"""Search as a visitor uses it: type into the site's search box and wait for the results.

The selectors cover Material's built-in search and a Pagefind UI, so the test outlives a
change of search engine; it needs only a visible search box and result links.
"""
from __future__ import annotations

import pytest

SEARCH_BOX = "input.md-search__input, input.pagefind-ui__search-input, input[type=search]"
RESULTS = ".md-search-result, .pagefind-ui__results, [data-gk-search-results]"


def _search(page, query: str) -> None:
    box = page.locator(SEARCH_BOX).first
    opener = page.locator("label.md-header__button[for=__search], button.pagefind-ui__toggle").first
    if opener.count() and opener.is_visible():  # on a phone, search opens from the header's icon
        opener.click()
    box.click()
    # Chinese is typed through an input method: the word arrives at once as committed text, and the
    # key release that follows is what Material's search box listens for.  Playwright's per-key
    # typing of CJK characters sends neither, and Material then never runs the query.
    page.keyboard.insert_text(query)
    box.press("End")


@pytest.mark.parametrize("query,width", [("司法", 1280), ("司法厅", 1280), ("司法", 390)])
def test_search_finds_the_seed_agency(site, open_page, seed, query, width):
    """Desktop, and a phone, where the search box opens from the header's icon."""
    page = open_page(site, width=width)
    page.goto(site.url())
    _search(page, query)
    hit = page.locator(f":is({RESULTS}) a[href*='{seed.slug}/']").first
    hit.wait_for(state="visible", timeout=20_000)
    # The seed's agency, 宁夏回族自治区司法厅 (its sidecar names it), is named in the results.
    results = page.locator(RESULTS).first.inner_text().replace("\u200b", "")
    assert "宁夏回族自治区司法厅" in results
    assert query in hit.inner_text().replace("\u200b", "")


def test_search_for_an_absent_word_lists_no_seed_page(site, open_page, seed):
    """The test above can fail: a word in no report (潜水艇, submarine) gives no link to the seed."""
    page = open_page(site)
    page.goto(site.url())
    _search(page, "潜水艇")
    page.wait_for_timeout(1500)
    assert page.locator(f":is({RESULTS}) a[href*='{seed.slug}/']").count() == 0
