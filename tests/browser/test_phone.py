"""Phones (390 px): no table cell is clipped or broken, numbers stay on one line, wide tables say they
scroll, and the header keeps the site's short name whole."""
from __future__ import annotations

from gongkai import paths as P

# Cells whose content overflows them (clipped), and number cells laid out on more than one line (broken:
# "64.3" above "%"), among the cells a reader can see.
CELLS = """cells => {
  const out = {clipped: [], broken: []};
  for (const c of cells) {
    if (!c.checkVisibility()) continue;
    if (c.scrollWidth > c.clientWidth + 1) out.clipped.push(c.innerText);
    const numeric = c.tagName === 'TD' && (c.getAttribute('align') === 'right' || c.classList.contains('gk-num'));
    if (numeric && c.innerText.trim()) {
      const r = document.createRange();
      r.selectNodeContents(c);
      const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
      if (tops.size > 1) out.broken.push(c.innerText);
    }
  }
  return out;
}"""


def test_tables_on_a_phone_have_no_clipped_or_broken_cell(site, open_page, seed):
    page = open_page(site, width=390, height=844)
    hz = next(r for r in site.result.reports if r.source.name == "001_huaian_hongzequ_2023.pdf")
    for rel in ("", "regions/jiangsusheng/", P.page_url(P.agency_page(hz.slug)), P.page_url(P.report_page(hz.slug, hz.meta.year)),
                "all-reports/", "coverage/", "dictionary/"):
        page.goto(site.url(rel), wait_until="load")
        found = page.eval_on_selector_all(".md-typeset table td, .md-typeset table th", CELLS)
        assert found == {"clipped": [], "broken": []}, (rel, found)


def test_wide_tables_say_they_scroll_and_keep_their_first_column(site, open_page):
    page = open_page(site, width=390, height=844)
    page.goto(site.url("regions/jiangsusheng/"), wait_until="load")
    box = page.locator(".gk-sortable .md-typeset__scrollwrap").last
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # a ranking is wider than a phone
    hint = page.locator(".gk-scroll-hint:not([hidden])").last
    assert "左右滑动" in hint.inner_text() and hint.is_visible()
    first = box.locator("tbody tr").first.locator("td").first
    x = first.bounding_box()["x"]
    box.evaluate("b => { b.scrollLeft = 400; }")
    assert abs(first.bounding_box()["x"] - x) < 2  # the first column stays in view while the rest scrolls


def test_the_site_title_is_not_cut_on_a_phone(site, open_page):
    page = open_page(site, width=390, height=844)
    page.goto(site.url(), wait_until="load")
    title = page.locator(".md-header__topic").first.locator(".md-ellipsis")
    assert title.inner_text().strip() == "公开 Gongkai"
    assert title.evaluate("t => t.scrollWidth <= t.clientWidth + 1")


def test_a_report_page_has_a_jump_list_on_a_phone_only(site, open_page):
    hz = next(r for r in site.result.reports if r.source.name == "001_huaian_hongzequ_2023.pdf")
    page = open_page(site, width=390, height=844)
    page.goto(site.url(P.page_url(P.report_page(hz.slug, hz.meta.year))), wait_until="load")
    jump = page.locator("nav.gk-jump")
    assert jump.is_visible()
    links = jump.locator("a")
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert "勾稽关系核验" in names and "报告正文" in names and len(names) >= 5, names
    for i in range(links.count()):  # each goes to a section of the page, and is big enough for a finger
        target = links.nth(i).get_attribute("href")
        assert target.startswith("#") and page.locator(f"h2[id='{target[1:]}']").count() == 1, target
        assert links.nth(i).bounding_box()["height"] >= 43  # 44 px, as touch guidelines ask
    links.filter(has_text="报告正文").click()
    heading = page.locator("h2", has_text="报告正文")
    box = heading.bounding_box()
    assert 0 <= box["y"] < 844
    desktop = open_page(site, width=1440, height=900)
    desktop.goto(site.url(P.page_url(P.report_page(hz.slug, hz.meta.year))), wait_until="load")
    assert not desktop.locator("nav.gk-jump").is_visible()  # Material's own table of contents is shown there
