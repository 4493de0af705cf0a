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
from gongkai import paths as P

SEED = "000_8719cb9f3c2be4e4.txt"
# Every payload that could run sets window.gkPwned, so running at all is caught, not only alert().
AGENCY = '宁夏回族自治区司法厅<script>window.gkPwned=1;alert("agency")</script><img src=x onerror="window.gkPwned=1">'
NARRATIVE = ('注入测试 <script>window.gkPwned=1;alert("narrative")</script> '
             '<img src=x onerror="window.gkPwned=1;alert(2)"> [点此](javascript:window.gkPwned=1) '
             '<a href="javascript:window.gkPwned=1">链接</a> <iframe src="javascript:window.gkPwned=1"></iframe> '
             '<svg onload="window.gkPwned=1"></svg> ![x](javascript:window.gkPwned=1)')
CELL = '<b onmouseover="window.gkPwned=1">0</b>'
HTML_SEED = "041_shanghai_shizhengfu_bgt_2019.html"
HOSTILE_HTML = "901_hostile_table.html"
DOCX = "041_shanghai_shizhengfu_bgt_2019_libreoffice.docx"
TABLE_HEAD = '<tr><td colspan="5"><p>第二十条第（一）项</p></td></tr>'
# In the first table's heading row: live markup (dropped by the reader, never shown) and the same written
# as text (&lt;…&gt;: the cell's text is markup, shown as text), a javascript: link, a CSS expression.
WRITTEN = ('&lt;img src=x onerror="window.gkPwned=1"&gt;&lt;script&gt;window.gkPwned=1&lt;/script&gt;'
           '&lt;iframe src="javascript:window.gkPwned=1"&gt;&lt;/iframe&gt;')
HOSTILE_HEAD = ('<tr><td colspan="5" style="width:expression(window.gkPwned=1)"><p>第二十条第（一）项'
                '<script>window.gkPwned=1</script><img src=x onerror="window.gkPwned=1">'
                '<a href="javascript:window.gkPwned=1">链接</a><iframe src="javascript:window.gkPwned=1"></iframe>'
                f'{WRITTEN}</p></td></tr>')


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
    # A web page whose table carries live markup and markup written out as text (which a view that put cell
    # texts into innerHTML would bring to life), under another agency's name; and a Word report (the sample
    # corpus has none) for the evidence view of a DOCX table.
    page = (ROOT / "reports" / HTML_SEED).read_text(encoding="utf-8")
    assert TABLE_HEAD in page
    (root / "reports" / HOSTILE_HTML).write_text(page.replace(TABLE_HEAD, HOSTILE_HEAD, 1), encoding="utf-8")
    side = yaml.safe_load((ROOT / "reports" / f"{HTML_SEED}.yml").read_text(encoding="utf-8"))
    side.update(agency="恶意网页测试机关")
    (root / "reports" / f"{HOSTILE_HTML}.yml").write_text(yaml.safe_dump(side, allow_unicode=True), encoding="utf-8")
    for src in (DOCX, f"{DOCX}.yml"):
        (root / "reports" / src).write_bytes((ROOT / "tests" / "fixtures" / "derived" / src).read_bytes())
    root, result, proc = make_site(root)
    assert sorted(r.source.name for r in result.reports) == sorted([name, HOSTILE_HTML, DOCX]), result.failures
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


def _seed(site):
    (rep,) = [r for r in site.result.reports if r.source.name == "900_hostile.txt"]
    return rep


def test_hostile_report_renders_inert_in_the_browser(hostile_site, open_page):
    rep = _seed(hostile_site)
    pages = ["", "agencies/", "quality/", P.page_url(P.agency_page(rep.slug)), P.page_url(P.report_page(rep.slug, rep.meta.year))]
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

    rep = _seed(hostile_site)
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


def test_a_hostile_source_table_renders_inert_in_the_evidence_view(hostile_site, open_page):
    """The evidence view rebuilds the table from the parsed cell texts: the live markup is gone, the markup
    written as text stays text, and nothing runs (the guard fails the test on a dialog, an error, a fetch of
    img src=x or a refused script)."""
    from .test_evidence import PANEL, open_cell

    (rep,) = [r for r in hostile_site.result.reports if r.source.name == HOSTILE_HTML]
    page = open_page(hostile_site)
    open_cell(page, hostile_site, rep, "normative_documents.published", "table")
    assert page.locator(f"{PANEL} td.gk-ev-hit").inner_text() == "60"
    head = page.locator(f"{PANEL} tr").first.inner_text()
    assert '<img src=x onerror="window.gkPwned=1"><script>window.gkPwned=1</script>' in head
    assert page.locator(f"{PANEL} img, {PANEL} script, {PANEL} iframe, {PANEL} [style*=expression]").count() == 0
    assert page.evaluate(INERT_CHECK) == []


def test_a_docx_number_shows_the_word_table_with_the_cell_marked(hostile_site, open_page):
    """The DOCX variant of 上海市人民政府办公厅 2019: the first table's row 4 is 规范性文件 | 60 | 60 | 368."""
    from .test_evidence import PANEL, open_cell

    (rep,) = [r for r in hostile_site.result.reports if r.source.name == DOCX]
    page = open_page(hostile_site)
    open_cell(page, hostile_site, rep, "normative_documents.published", "table")
    hit = page.locator(f"{PANEL} td.gk-ev-hit")
    assert hit.inner_text() == "60"
    assert [c.strip() for c in hit.locator("xpath=..").inner_text().split("\t")] == ["4", "规范性文件", "60", "60",
                                                                                     "368"]
