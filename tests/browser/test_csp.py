"""The Content-Security-Policy (overrides/main.html) lets every part of the site work: charts draw, search
answers (Pagefind's WebAssembly), the compare page loads its data, tables sort.  The guard of every browser
test (conftest.py) fails on any refusal; this test visits each kind of page and uses what runs on it."""
from __future__ import annotations

from gongkai import paths as P


def test_pages_work_within_the_content_security_policy(site, open_page, seed):
    page = open_page(site)
    hz = next(r for r in site.result.reports if r.source.name == "001_huaian_hongzequ_2023.pdf")
    for rel in ("", P.page_url(P.agency_page(hz.slug)), "regions/", P.page_url(P.report_page(seed.slug, seed.meta.year)), "dictionary/",
                "404.html"):
        page.goto(site.url(rel), wait_until="load")
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
        assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "unsafe-inline" not in policy, rel
        charts = page.locator("div.gk-chart[data-src]")
        for i in range(charts.count()):  # charts load when they come into view
            charts.nth(i).scroll_into_view_if_needed()
            page.wait_for_function("el => el.getAttribute('data-gk-state') === 'ready'", arg=charts.nth(i).element_handle())
    # Search: the header box's results while typing, then the 搜索 page (Pagefind's WebAssembly).
    page.goto(site.url(), wait_until="load")
    page.fill(".gk-search__input", "司法")
    page.locator("#gk-live a").first.wait_for()
    page.goto(site.url("search/?q=%E5%8F%B8%E6%B3%95"), wait_until="load")
    page.locator(".pagefind-ui__result").first.wait_for()
    assert page.evaluate("typeof window.__md_get") == "function"  # Material's helpers, from md-storage.js
