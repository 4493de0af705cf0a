"""gongkai/pages/overview.py: home, year, region, agency, compare and English pages, built from the sample corpus."""
from __future__ import annotations

import copy
import re

from gongkai import paths as P
from gongkai.pages import overview as O


def _rep(result, source_name):
    return next(r for r in result.reports if r.source.name == source_name)


def _html(root, rel):
    return (root / "site" / rel).read_text(encoding="utf-8")


def test_home_figures_pool_the_reports_and_say_what_they_cover(built):
    _root, result, _proc = built
    seed = _rep(result, "000_8719cb9f3c2be4e4.txt")
    hz24 = _rep(result, "002_huaian_hongzequ_2024.pdf")
    page = O.home_page([seed, hz24], [])
    # By hand from the two printed tables: 新收 14 + 95; 公开 (9 + 0) + (50 + 9) of 14 + 95 handled;
    # 不予公开 1 + 3; 复议 纠正 1 of 0 + 2 decided; 诉讼 纠正 0 of 0 + 4 decided.
    assert ">109<" in page
    assert ">62.4%<" in page and "全部或部分公开 68 件" in page
    assert ">3.7%<" in page
    assert ">50.0%<" in page and "行政复议（件）：2；" in page
    assert ">0.0%<" in page and "行政诉讼（件）：4；" in page
    assert "覆盖 2 份报告" in page and "未计入" not in page


def test_home_counts_reports_left_out(built):
    _root, result, _proc = built
    seed = _rep(result, "000_8719cb9f3c2be4e4.txt")
    shanghai = _rep(result, "041_shanghai_shizhengfu_bgt_2019.html")  # prints 复议 结果纠正 blank
    page = O.home_page([seed, shanghai], [])
    card = re.search(r"行政复议结果纠正率.*?</div>", page).group(0)
    assert "—" in card  # the seed decided no review and Shanghai's input is blank: no rate at all
    assert "1 份因所需单元格空白、缺失或无法读取未计入" in card


def test_built_site_has_year_region_compare_and_english_pages(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr
    years = {r.meta.year for r in result.reports}
    for y in years:
        html = _html(root, f"years/{y}/index.html")
        assert "机关排名" in html and 'class="gk-sortable"' in html
    provinces = {r.meta.province for r in result.reports if r.meta.province}
    assert "江苏省" in provinces
    for p in provinces:
        assert (root / "site" / "regions" / P.region_slug(p) / "index.html").exists()
    # Year and region pages are reached from index pages, not from the global navigation.
    methodology = _html(root, "methodology/index.html")
    assert "../years/" in methodology and "years/2021/" not in methodology
    assert "../regions/" in methodology and "regions/jiangsusheng/" not in methodology
    compare = _html(root, "compare/index.html")
    assert 'id="gk-compare"' in compare and 'data-index="../api/index.json"' in compare
    assert (root / "site" / "api" / "index.json").exists()
    en = _html(root, "en/index.html")
    assert "api/agencies.json" in en and 'id="json-api"' in en
    assert 'id="measures"' in _html(root, "dictionary/index.html")


def test_agency_page_has_year_by_year_measures(built):
    root, _result, _proc = built
    html = _html(root, "agencies/f8/huaianshi-hongze-qu-renminzhengfu/index.html")  # f8: the slug's sha256
    assert "逐年主要指标" in html
    row24 = re.search(r"<tr>\s*<td><a [^>]*>2024 年</a></td>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row24)
    # 2024 printed: 新收 95; 公开率 59/95; 不予公开率 3/95; 复议 2, 纠错率 1/2; 诉讼 4, 纠错率 0/4.
    assert cells[1:8] == ["95", "62.1%", "3.2%", "2", "50.0%", "4", "0.0%"]


def test_report_text_is_escaped_on_overview_pages(built):
    _root, result, _proc = built
    evil = copy.deepcopy(_rep(result, "000_8719cb9f3c2be4e4.txt"))
    evil.meta.agency = '<script>alert(1)</script>[x](javascript:alert(2))'
    evil.meta.region = "<img src=x onerror=alert(3)>"
    pages = O.overview_pages([evil], [])
    for rel, text in pages.items():
        assert "<script>" not in text and "<img" not in text, rel
        assert "](javascript:" not in text, rel


def test_no_script_from_another_site(built):
    root, _result, _proc = built
    for page in ("index.html", "compare/index.html", "years/2021/index.html"):
        srcs = re.findall(r'<script[^>]+src="([^"]+)"', _html(root, page))
        assert srcs and not [s for s in srcs if s.startswith(("http:", "https:", "//"))], srcs
    assert "gongkai.js" in _html(root, "index.html")


def test_report_page_links_its_year_and_region(built):
    root, _result, _proc = built
    html = _html(root, "reports/e7/ningxiahuizuzizhiqu-sifating/2021/index.html")  # e7: the slug's sha256
    assert 'href="../../../../years/2021/"' in html
    assert 'href="../../../../regions/ningxiahuizuzizhiqu/"' in html


def test_provinces_are_listed_in_the_standard_order(built):
    """Region index, a year's 按地区 table and the agency index list provinces 北京, 天津, 河北 … (GB/T 2260),
    not by code point (which puts 上海 first and 黑龙江 last); 未知地区 comes last."""
    from gongkai.pages.write import agencies_index
    from schema.test_places import STANDARD

    _root, result, _proc = built

    def assert_in_order(names, at_least):
        known = [n for n in names if n != "未知地区"]
        assert len(known) >= at_least, names
        ranks = [next(i for i, short in enumerate(STANDARD) if n.startswith(short)) for n in known]
        assert ranks == sorted(ranks), names
        assert "未知地区" not in names or names[-1] == "未知地区", names

    assert_in_order(re.findall(r"^\| \[([^]]+)\]", O.regions_index(result.reports), re.M), 10)  # 12 in the sample
    years = [r.meta.year for r in result.reports]
    year = max(set(years), key=years.count)
    by_region = O.year_page(year, [r for r in result.reports if r.meta.year == year]).split("## 按层级")[0]
    assert_in_order(re.findall(r"^\| \[([^]]+)\]", by_region, re.M), 3)
    by_agency: dict = {}
    for r in result.reports:
        by_agency.setdefault(r.slug, []).append(r)
    assert_in_order(re.findall(r"^## (.+)$", agencies_index(by_agency), re.M), 10)
