"""gongkai/paths.py: every published path; pages, downloads and the API link to these exact spellings."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.schema.places import UNKNOWN_PROVINCE

SLUG = "ningxiahuizuzizhiqu-sifating"


def test_one_reports_paths():
    assert P.report_id(SLUG, 2021) == f"{SLUG}/2021"
    assert P.report_page(SLUG, 2021) == f"reports/{SLUG}/2021.md"
    assert P.report_zip(SLUG, 2021) == f"{SLUG}-2021.zip" and P.zip_prefix(SLUG, 2021) == f"{SLUG}-2021"
    assert P.report_xlsx(SLUG, 2021) == f"{SLUG}-2021.xlsx"
    assert (P.resource_csv("applications"), P.excel_csv("applications"), P.resource_json("checks"),
            P.parquet("checks")) == ("applications.csv", "applications_excel.csv", "checks.json", "parquet/checks")


def test_a_parquet_partition_is_a_hive_folder_of_year_and_province():
    assert P.parquet_part("checks", 2023, "beijingshi") == \
        "parquet/checks/report_year=2023/province_slug=beijingshi/part-0.parquet"
    assert P.parquet_part("checks", 2023, "x").startswith(P.parquet("checks") + "/")


def test_page_urls_are_mkdocs_directory_urls():
    assert P.page_url("index.md") == ""
    assert P.page_url(P.report_page(SLUG, 2021)) == f"reports/{SLUG}/2021/"
    assert P.page_url("quality.csv") == "quality.csv"
    # A report page is reports/<slug>/<year>/ in the site: REPORT_PAGE_TO_ROOT climbs exactly that far.
    assert P.page_url(P.report_page(SLUG, 2021)).count("/") == P.REPORT_PAGE_TO_ROOT.count("../")


def test_report_links_point_into_downloads_and_the_api():
    links = P.report_links(SLUG, 2021)
    assert links == {"page": f"reports/{SLUG}/2021/", "api": f"api/{SLUG}/2021.json",
                     "downloads": f"downloads/{SLUG}/2021/", "datapackage": f"downloads/{SLUG}/2021/datapackage.json",
                     "zip": f"downloads/{SLUG}/2021/{SLUG}-2021.zip"}


def test_region_and_year_pages():
    assert P.region_page(UNKNOWN_PROVINCE) == "regions/unknown.md"
    assert P.region_page("江苏省").startswith("regions/") and "/" not in P.region_slug("江苏省")
    assert P.year_page("2021") == "years/2021.md"
    assert P.agency_page(SLUG) == f"agencies/{SLUG}.md"
