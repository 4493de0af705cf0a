"""The guard behind every browser test can fail: outside requests, 404s and dialogs are caught."""
from __future__ import annotations

from gongkai import paths as P


def test_guard_records_outside_request_404_and_dialog(site, open_page):
    page = open_page(site)
    page.goto(site.url())
    page.evaluate("""async () => {
        try { await fetch('https://fonts.googleapis.com/css?family=Noto+Sans+SC'); } catch (e) {}
        try { await fetch('/no-such-file.js'); } catch (e) {}
        alert('hello');
        const inline = document.createElement('script');  // what markup slipping through a report would be
        inline.textContent = 'window.__ran = true;';
        document.body.appendChild(inline);
        const styled = document.createElement('p');
        styled.setAttribute('style', 'color: red');
        document.body.appendChild(styled);
        await new Promise(r => setTimeout(r, 200));
    }""")
    guard = page.guard
    # The policy's connect-src refuses the outside fetch before routing would see it; either wall records it.
    assert any("fonts.googleapis.com" in u for u in guard.blocked + guard.csp), guard
    assert any(u.startswith("404 ") and "no-such-file.js" in u for u in guard.broken), guard
    assert guard.dialogs == ["alert: hello"], guard
    # The Content-Security-Policy refused the inline script (it did not run) and the inline style.
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in c for c in guard.csp) and any("style-src" in c for c in guard.csp), guard.csp
    # Cleared by hand so this test passes: the point was to see each of them recorded.
    guard.blocked.clear(), guard.broken.clear(), guard.dialogs.clear(), guard.csp.clear()


def test_pages_load_only_from_the_site(site, open_page):
    """Home, each top-level page and one agency and report page render styled, with nothing fetched
    from outside (the guard fails the test on any outside request, 404 or JS error)."""
    seed_rep = [r for r in site.result.reports if r.source.name == "000_8719cb9f3c2be4e4.txt"][0]
    paths = ["", "agencies/", "quality/", "dictionary/", "downloads/", "methodology/",
             P.page_url(P.agency_page(seed_rep.slug)), P.page_url(P.report_page(seed_rep.slug, seed_rep.meta.year))]
    page = open_page(site)
    for rel in paths:
        response = page.goto(site.url(rel), wait_until="load")
        assert response.status == 200, rel
        # Material's stylesheet applied: the header is a fixed/sticky bar, not unstyled flow content.
        position = page.eval_on_selector("header.md-header", "el => getComputedStyle(el).position")
        assert position in ("sticky", "fixed"), (rel, position)
        assert page.locator("article h1").first.is_visible(), rel
