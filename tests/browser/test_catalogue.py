"""The 报告总表 page in the browser: filter by province, level and year, sort by a measure, export the rows on
screen as CSV; and the 覆盖范围 page links every report."""
from __future__ import annotations

import csv
import io


def _visible_rows(page):
    return page.locator("table.gk-catalogue tbody tr:not([hidden])")


def test_reports_table_filters_sorts_and_exports_the_current_view(site, open_page):
    page = open_page(site)
    page.goto(site.url("all-reports/"), wait_until="load")
    total = len(site.result.reports)
    assert page.locator("table.gk-catalogue tbody tr").count() == total
    form = page.locator("form.gk-catalogue-filters")
    assert form.is_visible() and form.locator("output").inner_text() == f"显示 {total} / {total} 份报告"
    jiangsu = [r for r in site.result.reports if r.meta.province == "江苏省"]
    assert 1 < len(jiangsu) < total
    form.locator('select[name="province"]').select_option("江苏省")
    rows = _visible_rows(page)
    assert rows.count() == len(jiangsu)
    assert form.locator("output").inner_text() == f"显示 {len(jiangsu)} / {total} 份报告"
    year = max(r.meta.year for r in jiangsu)
    form.locator('select[name="year"]').select_option(str(year))
    expected = sorted(r.meta.agency for r in jiangsu if r.meta.year == year)
    assert sorted(rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())) == expected
    form.locator('select[name="year"]').select_option("")
    # Sort by 新收申请, most first (a second click), unknowns last.
    header = page.locator("table.gk-catalogue thead th").nth(5).locator("button")
    header.click()
    header.click()
    numbers = [rows.nth(i).locator("td").nth(5).inner_text() for i in range(rows.count())]
    known = [int(n.replace(",", "")) for n in numbers if n != "—"]
    assert known == sorted(known, reverse=True) and numbers[:len(known)] == [n for n in numbers if n != "—"]
    with page.expect_download() as download:
        form.locator("button.gk-catalogue-export").click()
    assert download.value.suggested_filename == "gongkai-reports-江苏省.csv"
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert table[0][:5] == ["机关", "地区", "层级", "年度", "提取状态"] and table[0][5] == "新收申请"
    assert [r[5] for r in table[1:]] == numbers and len(table) == 1 + len(jiangsu)  # the view, in its order


def test_coverage_page_links_every_report(site, open_page):
    page = open_page(site)
    page.goto(site.url("coverage/"), wait_until="load")
    links = page.locator("table.gk-coverage td a")
    assert links.count() == len(site.result.reports)
    links.first.click()
    page.wait_for_load_state("load")
    assert "/reports/" in page.url and page.locator("article h1").is_visible()
