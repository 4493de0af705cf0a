"""Hostile text from a report renders inert: no script runs, no dialog opens, no link to javascript:.

A copy of the seed report is given an agency name, narrative text, a table cell and a source URL
that carry <script>, <img onerror>, a javascript: Markdown link, a raw <a href="javascript:…">
and an <iframe>.  The copy is built into its own site in a temporary project and visited.
"""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, copy_project, make_site
from .conftest import serve

SEED = "000_8719cb9f3c2be4e4.txt"
# Every payload that could run sets window.gkPwned, so running at all is caught, not only alert().
AGENCY = '宁夏回族自治区司法厅<script>window.gkPwned=1;alert("agency")</script><img src=x onerror="window.gkPwned=1">'
NARRATIVE = ('注入测试 <script>window.gkPwned=1;alert("narrative")</script> '
             '<img src=x onerror="window.gkPwned=1;alert(2)"> [点此](javascript:window.gkPwned=1) '
             '<a href="javascript:window.gkPwned=1">链接</a> <iframe src="javascript:window.gkPwned=1"></iframe> '
             '<svg onload="window.gkPwned=1"></svg> ![x](javascript:window.gkPwned=1)')
CELL = '<b onmouseover="window.gkPwned=1">0</b>'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile"), reports=[])
    text = (ROOT / "reports" / SEED).read_text(encoding="utf-8")
    for heading in ("一、总体情况\n", "五、存在的问题及改进情况\n"):
        assert heading in text
        text = text.replace(heading, f"{heading}\n{NARRATIVE}\n", 1)
    row = "一、本年新收政府信息公开申请数量\t\t14\t0\t"
    assert row in text
    text = text.replace(row, f"一、本年新收政府信息公开申请数量\t\t14\t{CELL}\t", 1)
    name = "900_hostile.txt"
    (root / "reports" / name).write_text(text, encoding="utf-8")
    sidecar = yaml.safe_load((ROOT / "reports" / f"{SEED}.yml").read_text(encoding="utf-8"))
    sidecar.update(agency=AGENCY, source_url="javascript:window.gkPwned=1", retrieved="<script>x</script>")
    (root / "reports" / f"{name}.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True), encoding="utf-8")
    root, result, proc = make_site(root)
    assert [r.source.name for r in result.reports] == [name], result.failures
    assert proc.returncode == 0, proc.stderr[-3000:]
    with serve(root / "site", result) as served:
        yield served


def test_static_html_has_no_live_payload(hostile_site):
    """In every built page the payload appears only as escaped text, never as markup."""
    live = re.compile(r"<(script|img|iframe|svg|b)\b[^>]*gkPwned|href=[\"']?\s*javascript:|src=[\"']?\s*javascript:", re.I)
    pages = list(hostile_site.root.rglob("*.html"))
    assert len(pages) > 5
    seen_escaped = False
    for page in pages:
        html = page.read_text(encoding="utf-8")
        match = live.search(html)
        assert not match, f"{page.relative_to(hostile_site.root)}: {html[max(0, match.start() - 200):match.end() + 100]}"
        seen_escaped |= "&lt;script&gt;window.gkPwned" in html
    assert seen_escaped, "the payload was dropped, not escaped: the test would pass for the wrong reason"


INERT_CHECK = """() => {
    const bad = [];
    if (window.gkPwned) bad.push('a payload ran');
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            const v = a.value.trim().toLowerCase();
            if (a.name.startsWith('on') && v.includes('gkpwned')) bad.push(`${el.tagName} ${a.name}`);
            if (['href', 'src', 'action', 'formaction', 'data'].includes(a.name) && v.startsWith('javascript:'))
                bad.push(`${el.tagName} ${a.name}=${a.value}`);
        }
        if (['SCRIPT', 'IFRAME'].includes(el.tagName) && (el.textContent + (el.src || '')).includes('gkPwned'))
            bad.push(`injected ${el.tagName}`);
    }
    for (const a of document.querySelectorAll('a[href]'))
        if (a.protocol === 'javascript:') bad.push(`javascript link ${a.getAttribute('href')}`);
    return bad;
}"""


def test_hostile_report_renders_inert_in_the_browser(hostile_site, open_page):
    (rep,) = hostile_site.result.reports
    pages = ["", "agencies/", "quality/", f"agencies/{rep.slug}/", f"reports/{rep.slug}/{rep.meta.year}/"]
    page = open_page(hostile_site)
    for rel in pages:
        assert page.goto(hostile_site.url(rel), wait_until="load").status == 200, rel
        # Cells that could not be read carry their raw text in a tooltip: hover them as a visitor would.
        for cell in page.locator("article td[title]").all()[:20]:
            cell.hover()
        assert page.evaluate(INERT_CHECK) == [], rel
    text = page.locator("article").inner_text()
    # The report page shows the hostile text as text: escaped, not silently dropped.
    assert '<script>window.gkPwned=1;alert("narrative")</script>' in text
    assert "[点此](javascript:window.gkPwned=1)" in text
    assert AGENCY in page.locator("article h1").inner_text()
    # The javascript: source URL is not published as a link.
    assert page.locator("article a[href^='javascript' i]").count() == 0
    # The guard (conftest) fails the test if any dialog opened, a script raised, or <img src=x> was fetched.


def test_hostile_agency_found_by_search_stays_inert(hostile_site, open_page):
    """Search results render page titles and text from the index: they must stay inert too."""
    from .test_search import RESULTS, _search

    (rep,) = hostile_site.result.reports
    page = open_page(hostile_site)
    page.goto(hostile_site.url())
    _search(page, "注入测试")
    page.locator(f":is({RESULTS}) a[href*='{rep.slug}/']").first.wait_for(state="visible", timeout=20_000)
    for item in page.locator(f":is({RESULTS}) a").all()[:10]:
        item.hover()
    # Pagefind UI's own search form carries action="javascript:void(0);" (it handles the submit itself);
    # that one form, from the pinned pagefind-ui.js, is not report text.  Anything else fails.
    ui_form = "FORM action=javascript:void(0);"
    assert page.locator("form.pagefind-ui__form[action='javascript:void(0);']").count() == 1
    bad = page.evaluate(INERT_CHECK)
    assert bad.count(ui_form) <= 1 and [b for b in bad if b != ui_form] == []
