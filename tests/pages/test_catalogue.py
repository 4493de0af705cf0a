"""gongkai/pages/catalogue.py: the 报告总表 and 覆盖范围 pages, from the sample corpus's reports."""
from __future__ import annotations

import re

from gongkai import paths as P
from gongkai.pages import catalogue as C
from gongkai.schema import measures as M
from gongkai.schema import registry as R


def _rep(result, source_name):
    return next(r for r in result.reports if r.source.name == source_name)


def _values(r):
    return M.compute_cells(M.cell_values(r.records))


def _row(page: str, href_part: str) -> str:
    return next(row for row in re.findall(r"<tr data-[^>]*>.*?</tr>", page) if href_part in row)


def _cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


def test_reports_table_has_a_row_per_report_with_its_place_status_and_measures(built):
    _root, result, _ = built
    page = C.reports_page(result.reports, _values)
    assert page.count("<tr data-province=") == len(result.reports)
    seed = _rep(result, "000_8719cb9f3c2be4e4.txt")
    hz24 = _rep(result, "002_huaian_hongzequ_2024.pdf")
    # By hand from the printed tables: 本年新收 14 (the seed), 95 (洪泽区 2024).
    row = _row(page, P.page_url(P.report_page(seed.slug, seed.meta.year)))
    assert 'data-province="宁夏回族自治区"' in row and f'data-year="{seed.meta.year}"' in row
    # e7: echo -n ningxiahuizuzizhiqu-sifating | sha256sum
    assert '<a href="../agencies/e7/ningxiahuizuzizhiqu-sifating/">宁夏回族自治区司法厅</a>' in row
    cells = _cells(row)
    assert cells[4] == R.REPORT_STATUSES[seed.status][0] and cells[5] == "14"  # 提取状态, 新收申请
    assert _cells(_row(page, P.page_url(P.report_page(hz24.slug, 2024))))[5] == "95"
    # Filters list what the rows hold: provinces in the standard order, years newest first.
    provinces = re.findall(r'<option value="([^"]+)">', page.split('name="province"')[1].split("</select>")[0])
    assert provinces.index("江苏省") < provinces.index("宁夏回族自治区")
    years = re.findall(r'<option value="(\d+)">', page)
    assert years == sorted(set(years), reverse=True)
    assert '<script src="../assets/catalogue.js"></script>' in page


def test_report_text_is_escaped_in_the_tables(built):
    import copy

    _root, result, _ = built
    rep = copy.copy(result.reports[0])
    rep.meta = copy.copy(rep.meta)
    rep.meta.agency = '<script>alert(1)</script>局'
    rep.meta.region = 'x" onmouseover="y'
    for page in (C.reports_page([rep], _values), C.coverage_page([rep])):
        assert "<script>alert" not in page and 'onmouseover="y' not in page
        assert "&lt;script&gt;" in page or "\\<script" in page


def test_coverage_shows_every_report_and_counts_the_years_without_one(built):
    _root, result, _ = built
    page = C.coverage_page(result.reports)
    for r in result.reports:
        assert f'../{P.page_url(P.report_page(r.slug, r.meta.year))}' in page
    years = {r.meta.year for r in result.reports}
    span = max(years) - min(years) + 1
    agencies = {r.slug for r in result.reports}
    missing = len(agencies) * span - len(result.reports)
    assert page.count('<td class="gk-missing">') == missing
    assert f"本站收录 {len(agencies)} 个机关的 {len(result.reports)} 份报告" in page and f"共 {missing} 个" in page
    incomplete = [r for r in result.reports if r.status != "complete"]
    assert page.count('class="gk-partial"') == len(incomplete)
    assert f"有 {len(incomplete)} 份，列在表后" in page
