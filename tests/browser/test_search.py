"""Search as a visitor uses it: type into the header's search box, press Enter, read the 搜索 page.

The header form sends the query to search/?q=…, where Pagefind's UI runs it against the index in
pagefind/.  The guard (conftest) blocks every request off our server, so this also proves search
works offline, and a sub-path copy proves the links are relative.
"""
from __future__ import annotations

import re
import shutil

import pytest

from .conftest import serve
from gongkai import paths as P

SEARCH_BOX = "input.gk-search__input"
RESULTS = ".pagefind-ui__results"


def _search(page, query: str) -> None:
    box = page.locator(SEARCH_BOX).first
    box.click()
    # Chinese is typed through an input method: the word arrives at once as committed text.  Playwright's
    # per-key typing of CJK characters is not what a visitor's browser receives.
    page.keyboard.insert_text(query)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")


def _seed_hit(page, seed):
    hit = page.locator(f"{RESULTS} .pagefind-ui__result-title a[href*='{seed.slug}/']").first
    hit.wait_for(state="visible", timeout=20_000)
    # Results arrive one by one (each fetches its fragment): wait for the placeholders of the first page to go.
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')",
                           timeout=20_000)
    return hit


@pytest.mark.parametrize("query,width", [("司法", 1280), ("司法厅", 1280), ("司法", 390)])
def test_search_finds_the_seed_agency(site, open_page, seed, query, width):
    """Desktop, and a phone-sized window."""
    page = open_page(site, width=width)
    page.goto(site.url())
    _search(page, query)
    hit = _seed_hit(page, seed)
    # The seed's agency, 宁夏回族自治区司法厅 (its sidecar names it), is named in the results.
    results = page.locator(RESULTS).first.inner_text().replace("\u200b", "")
    assert "宁夏回族自治区司法厅" in results
    assert query in hit.inner_text().replace("\u200b", "")
    # Both the agency page and the report page are found, and the report link opens the report.
    links = {a.get_attribute("href") for a in page.locator(f"{RESULTS} .pagefind-ui__result-title a").all()}
    report = P.page_url(P.report_page(seed.slug, seed.meta.year))
    assert any(h.endswith(report) for h in links) and any(h.endswith(P.page_url(P.agency_page(seed.slug))) for h in links)
    page.locator(f"{RESULTS} .pagefind-ui__result-title a[href$='{report}']").first.click()
    page.wait_for_url(f"**/{report}")
    assert "宁夏回族自治区司法厅" in page.locator("article h1").inner_text()


def test_search_for_an_absent_word_lists_no_seed_page(site, open_page, seed):
    """The test above can fail: a word in no report (潜水艇, submarine) gives no link to the seed."""
    page = open_page(site)
    page.goto(site.url())
    _search(page, "潜水艇")
    page.locator(".pagefind-ui__message").wait_for(state="visible", timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert page.locator(f"{RESULTS} a[href*='{seed.slug}/']").count() == 0


def test_search_works_from_a_sub_path_and_fetches_under_a_megabyte(site, open_page, seed, tmp_path):
    """The site copied under /gongkai/: the form, the index and the result links stay inside it.  The bytes
    fetched from pagefind/ for a first search (a fresh context: empty cache) stay under 1 MB."""
    shutil.copytree(site.root, tmp_path / "gongkai")
    with serve(tmp_path) as served:
        page = open_page(served)
        fetched = {}
        page.on("requestfinished", lambda req: "/pagefind/" in req.url and fetched.setdefault(
            req.url.split("?")[0], (tmp_path / req.url.split("?")[0].replace(served.base, "", 1)).stat().st_size))
        page.goto(served.url(f"gongkai/{P.page_url(P.agency_page(seed.slug))}"))
        _search(page, "司法")
        hit = _seed_hit(page, seed)
        assert page.url.startswith(served.url("gongkai/search/?q="))
        assert hit.get_attribute("href").startswith("/gongkai/")
        page.wait_for_load_state("networkidle")
        assert all(u.startswith(served.url("gongkai/pagefind/")) for u in fetched)
        assert any(u.endswith(".pf_index") for u in fetched) and any(u.endswith(".pf_fragment") for u in fetched)
        assert 100_000 < sum(fetched.values()) < 1_000_000, fetched


def test_results_appear_while_typing_in_the_header(site, open_page, seed):
    """No Enter: the first results are listed under the header's box, as links to the pages, with a link to
    all of them on the 搜索 page."""
    page = open_page(site, width=390)
    page.goto(site.url(P.page_url(P.agency_page(seed.slug))))
    page.locator(SEARCH_BOX).first.click()
    page.keyboard.insert_text("司法厅")
    hit = page.locator(f".gk-live a.gk-live__hit[href$='{P.page_url(P.report_page(seed.slug, seed.meta.year))}']")
    hit.wait_for(state="visible", timeout=20_000)
    assert "宁夏回族自治区司法厅" in hit.inner_text()
    assert page.url == site.url(P.page_url(P.agency_page(seed.slug)))  # still on the page: nothing was submitted
    all_link = page.locator(".gk-live a.gk-live__all")
    assert "search/?q=" in all_link.get_attribute("href")
    hit.click()
    page.wait_for_url(f"**/{P.page_url(P.report_page(seed.slug, seed.meta.year))}")


@pytest.mark.parametrize("key", ["/", "s"])
def test_slash_and_s_focus_the_search_box(site, open_page, key):
    page = open_page(site)
    page.goto(site.url())
    page.locator("article").first.click()
    page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.classList.contains('gk-search__input')")
    assert page.locator(SEARCH_BOX).first.input_value() == ""  # the key itself is not typed into the box


ANSWERED = ("() => { const m = document.querySelector('.pagefind-ui__message');"
            " return m && /找到/.test(m.textContent) && !/正在搜索/.test(m.textContent); }")


def test_search_page_filters_by_year_province_and_level(site, open_page, seed):
    """The 搜索 page offers 年度, 地区 and 层级 filters; ticking a year keeps only that year's pages."""
    page = open_page(site)
    page.goto(site.url("search/?q=" + "人民政府"))
    page.locator(".pagefind-ui__filter-panel").first.wait_for(state="visible", timeout=20_000)
    # The filter groups arrive as their indexes load, after the search's own chunks: on a shared CPU (the suite
    # runs on two workers) that once took longer than 20 s, so this wait has a minute.
    page.wait_for_function("() => document.querySelectorAll('.pagefind-ui__filter-name').length >= 3", timeout=60_000)
    names = [n.strip() for n in page.locator(".pagefind-ui__filter-name").all_inner_texts()]
    assert {"年度", "地区", "层级"} <= set(names), names
    page.wait_for_function(ANSWERED)
    before = page.locator(".pagefind-ui__message").first.inner_text()
    group = page.locator("details.pagefind-ui__filter-block", has_text="年度").first
    group.locator("summary").click()
    group.locator("label", has_text="2023").first.click()
    page.wait_for_function("(b) => { const m = document.querySelector('.pagefind-ui__message');"
                           " return m && m.textContent !== b && /找到/.test(m.textContent); }", arg=before)
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')")
    hrefs = page.evaluate("() => [...document.querySelectorAll("
                          "'.pagefind-ui__result-inner > .pagefind-ui__result-title a')].map(a => a.getAttribute('href'))")
    # Only 2023's report pages and the agencies that have a 2023 report remain.
    assert any(re.search(r"/reports/[0-9a-f]{2}/[^/]+/2023/$", h) for h in hrefs), hrefs
    assert all(re.search(r"/reports/[0-9a-f]{2}/[^/]+/2023/$|/agencies/[0-9a-f]{2}/[^/]+/$", h) for h in hrefs), hrefs
