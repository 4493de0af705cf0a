"""gongkai/paths.py: every published path; pages, downloads and the API link to these exact spellings."""
from __future__ import annotations

import pytest

from gongkai import paths as P
from gongkai.schema.places import UNKNOWN_PROVINCE

SLUG = "ningxiahuizuzizhiqu-sifating"


def test_one_reports_paths():
    assert P.report_id(SLUG, 2021) == f"{SLUG}/2021"
    assert P.report_page(SLUG, 2021) == f"reports/{P.bucket(SLUG)}/{SLUG}/2021.md"
    assert P.report_zip(SLUG, 2021) == f"{SLUG}-2021.zip" and P.zip_prefix(SLUG, 2021) == f"{SLUG}-2021"
    assert P.report_xlsx(SLUG, 2021) == f"{SLUG}-2021.xlsx"
    assert (P.resource_csv("applications"), P.excel_csv("applications"), P.resource_json("checks"),
            P.parquet("checks")) == ("applications.csv", "applications_excel.csv", "checks.json", "parquet/checks")


def test_a_parquet_partition_is_a_hive_folder_of_year_and_province_and_a_file_per_agency_group():
    assert P.parquet_part("checks", 2023, "beijingshi", "a") == \
        "parquet/checks/report_year=2023/province_slug=beijingshi/part-a.parquet"
    assert P.parquet_part("checks", 2023, "x", "0").startswith(P.parquet("checks") + "/")
    # The group is the first hex digit of the agency's bucket: fixed by the slug, at most 16 files a folder.
    assert P.parquet_group(SLUG) == P.bucket(SLUG)[0]
    assert {P.parquet_group(f"agency{i}") for i in range(400)} == set("0123456789abcdef")


def test_only_the_reports_of_unknown_province_are_split_by_agency_group():
    from gongkai.package.exports import partition_of

    known = {"year": 2023, "province": "北京市", "agency_slug": SLUG}
    assert partition_of(known) == (2023, P.region_slug("北京市"), "0")
    assert partition_of(dict(known, province=None)) == (2023, "unknown", P.parquet_group(SLUG))


def test_page_urls_are_mkdocs_directory_urls():
    assert P.page_url("index.md") == ""
    assert P.page_url(P.report_page(SLUG, 2021)) == f"reports/{P.bucket(SLUG)}/{SLUG}/2021/"
    assert P.page_url("quality.csv") == "quality.csv"
    # A report page is reports/<bucket>/<slug>/<year>/ in the site: REPORT_PAGE_TO_ROOT climbs exactly that far.
    assert P.page_url(P.report_page(SLUG, 2021)).count("/") == P.REPORT_PAGE_TO_ROOT.count("../") == 4
    assert P.REPORT_PAGE_TO_ROOT == "../../../../" and P.AGENCY_PAGE_TO_ROOT == "../../../"


def test_report_links_point_into_downloads_and_the_api():
    links = P.report_links(SLUG, 2021)
    b = P.bucket(SLUG)
    assert links == {"page": f"reports/{b}/{SLUG}/2021/", "agency": f"agencies/{b}/{SLUG}/",
                     "api": f"api/{b}/{SLUG}/2021.json", "downloads": f"downloads/{b}/{SLUG}/2021/",
                     "datapackage": f"downloads/{b}/{SLUG}/2021/datapackage.json",
                     "zip": f"downloads/{b}/{SLUG}/2021/{SLUG}-2021.zip"}


def test_region_and_year_pages():
    assert P.region_page(UNKNOWN_PROVINCE) == "regions/unknown.md"
    assert P.region_page("江苏省").startswith("regions/") and "/" not in P.region_slug("江苏省")
    assert P.year_page("2021") == "years/2021.md"
    assert P.agency_page(SLUG) == f"agencies/{P.bucket(SLUG)}/{SLUG}.md"


def test_bucket_is_the_first_two_hex_digits_of_the_slugs_sha256():
    # From `sha256sum`, not from the code: echo -n ningxiahuizuzizhiqu-sifating | sha256sum -> e7abbe44…,
    # echo -n a-ju | sha256sum -> a109bb29…
    assert P.bucket(SLUG) == "e7" and P.bucket("a-ju") == "a1"
    assert P.BUCKETS == 256
    # Stable: the same slug always lands in the same bucket, and the bucket depends on nothing else.
    assert {P.bucket(SLUG) for _ in range(3)} == {P.bucket(SLUG)}
    # Spread: 10,000 made-up slugs fill every bucket and none is more than twice its share.
    counts: dict[str, int] = {}
    for i in range(10_000):
        b = P.bucket(f"agency-{i}")
        assert len(b) == 2 and all(c in "0123456789abcdef" for c in b)
        counts[b] = counts.get(b, 0) + 1
    assert len(counts) == P.BUCKETS and max(counts.values()) < 2 * 10_000 / P.BUCKETS


def test_report_dir_is_the_bucketed_folder_and_the_id_stays_the_key():
    b = P.bucket(SLUG)
    assert P.agency_dir(SLUG) == f"{b}/{SLUG}"
    assert P.report_dir(SLUG, 2021) == P.report_dir_of(P.report_id(SLUG, 2021)) == f"{b}/{SLUG}/2021"
    assert P.report_api(SLUG, 2021) == f"{b}/{SLUG}/2021.json"
    assert P.report_evidence(SLUG, 2021) == f"reports/{b}/{SLUG}/2021/evidence.json"
    for bad in ("no-year", "/2021", "slug/"):
        with pytest.raises(ValueError):
            P.report_dir_of(bad)


def test_relative_links_between_pages():
    here = P.report_page(SLUG, 2021)
    assert P.relative(here, "agencies.md") == "../../../agencies.md"
    assert P.relative(here, P.agency_page(SLUG)) == f"../../../agencies/{P.bucket(SLUG)}/{SLUG}.md"
    assert P.relative(here, P.report_page(SLUG, 2020)) == "2020.md"
    assert P.relative(P.agency_page(SLUG), P.year_page(2021)) == "../../years/2021.md"
    assert P.relative("agencies.md", P.agency_page(SLUG)) == P.agency_page(SLUG)
