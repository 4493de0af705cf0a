"""The site's own script (docs/assets) in a real Chromium: sortable tables, the compare page, headers on a phone.

Pages open through the browser fixtures (conftest.py): offline, and a JS error fails the test."""
from __future__ import annotations

from gongkai import paths as P

SEED_SLUG = "ningxiahuizuzizhiqu-sifating"
HONGZE_SLUG = "huaianshi-hongze-qu-renminzhengfu"


def _page(open_page, site, width=1280, height=900):
    """A page from the browser fixtures: offline, and failing the test on a JS error (conftest.Guard)."""
    return open_page(site, width, height), site.base


def _column(page, table, col):
    return page.eval_on_selector(table, f"t => Array.from(t.tBodies[0].rows).map(r => r.cells[{col}].innerText.trim())")


def test_ranking_table_sorts_by_a_measure_with_unknowns_last(site, open_page):
    page, base = _page(open_page, site)
    page.goto(base + "years/2022/")
    table = ".gk-sortable table"
    headers = page.eval_on_selector_all(".gk-sortable th", "ths => ths.map(t => t.innerText.trim())")
    col = next(i for i, h in enumerate(headers) if h.startswith("新收申请"))
    button = f"{table} th:nth-child({col + 1}) button"
    page.click(button)
    up = _column(page, table, col)
    page.click(button)
    down = _column(page, table, col)
    known = lambda values: [float(v.replace(",", "")) for v in values if v != "—"]  # noqa: E731
    assert known(up) == sorted(known(up)) and known(down) == sorted(known(down), reverse=True)
    assert len(known(up)) >= 2 and "—" in up  # 2022 has reports without a readable table 三
    for values in (up, down):
        assert values[len(known(values)):] == ["—"] * (len(values) - len(known(values)))
    assert page.get_attribute(f"{table} th:nth-child({col + 1})", "aria-sort") == "descending"


def test_compare_page_shows_chosen_agencies_side_by_side(site, open_page):
    page, base = _page(open_page, site)
    page.goto(base + f"compare/#a={HONGZE_SLUG},{SEED_SLUG}")
    page.wait_for_selector(".gk-compare-table")
    heads = page.eval_on_selector_all(".gk-compare-table thead th", "ths => ths.map(t => t.innerText.trim())")
    assert heads == ["指标 / 年度", "淮安市洪泽区人民政府", "宁夏回族自治区司法厅"]
    rows = page.eval_on_selector_all(".gk-compare-table tbody tr",
                                     "trs => trs.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    # First block is 本年新收申请: reports/000 prints 14 for 2021; reports/002 prints 95 for 2024.
    assert rows[0][0].startswith("本年新收申请")
    assert ["2021 年", "", "14"] in rows[1:4] and ["2024 年", "95", ""] in rows[1:4]
    # At most four agencies can be chosen.
    for _ in range(2):  # the list is redrawn after each click
        page.locator("#gk-compare-options input:not(:checked)").first.click()
    assert page.eval_on_selector_all("#gk-compare-options input:checked", "b => b.length") == 4
    assert page.eval_on_selector_all("#gk-compare-options input:disabled", "b => b.length") >= 1
    assert "#a=" in page.url


def test_table_headers_are_not_clipped_on_a_phone(site, open_page):
    page, base = _page(open_page, site, 390, 844)
    for rel in ("", "years/2021/", P.page_url(P.agency_page(HONGZE_SLUG))):
        page.goto(base + rel)
        clipped = page.eval_on_selector_all(
            ".md-typeset table th",
            # Headers inside a closed <details> (a chart's data table) are not shown; newer Chromium lays
            # them out anyway (content-visibility), so only visible headers count.
            "ths => ths.filter(t => t.checkVisibility() && t.scrollWidth > t.clientWidth + 1).map(t => t.innerText)")
        assert clipped == [], (rel, clipped)
