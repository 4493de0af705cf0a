"""Every published path and file name, in one place.

Pages, packages, downloads, the API and the build all link to each other's files; spelling a path in two
modules is how a link breaks.  Paths under docs/ are relative to docs/ (MkDocs turns `reports/x/2023.md`
into `reports/x/2023/`); paths under datapackages/ and docs/downloads/ are relative to those folders.
Nothing here reads the disk.
"""
from __future__ import annotations

import hashlib
import posixpath

from gongkai.parse.slug import slugify
from gongkai.schema.places import UNKNOWN_PROVINCE

# Project folders, relative to the project root.
REPORTS_DIR = "reports"
PACKAGES_DIR = "datapackages"
DOCS_DIR = "docs"
DOWNLOADS = "downloads"  # under docs/ and site/
API_DIR = "api"
CHART_DIR = "charts"
CACHE_DIR = "build/cache"
SITE_DIR = "site"

BUILD_REPORT = "build_report.json"  # datapackages/build_report.json
COMBINED = "all"  # datapackages/all/ and docs/downloads/all/: every report in one package
COMBINED_NAME = "gongkai-all"  # the combined package's name and the folder inside the everything-zip
EVERYTHING_ZIP = "gongkai-all.zip"
CORPUS_SQLITE = "gongkai-all.sqlite"
# The corpus workbook of builds before issue 17 (one row per report): a national corpus outgrows a sheet, and
# metadata_excel.csv and measures_excel.csv hold the same rows; the build removes it.
LEGACY_CORPUS_XLSX = "gongkai-all.xlsx"
DESCRIPTOR = "datapackage.json"
QUALITY_CSV = "quality.csv"
# Data releases (pipeline/release.py): releases/<version>/ in the project root, and what each holds.
RELEASES_DIR = "releases"
RELEASE_JSON = "release.json"
MANIFEST = "MANIFEST.sha256"
# site/MANIFEST.tsv: every file of the built site with its sha256 and size, for a deploy (pipeline/manifest.py).
SITE_MANIFEST = "MANIFEST.tsv"
# The change notes of every release: in each release, and in docs/downloads/all/.  Plain text (Markdown-style)
# named .txt: MkDocs rewrites every link to a .md file into a page URL, and the downloads are files, not pages.
CHANGELOG = "CHANGELOG.txt"
CHANGELOG_PAGE = "changelog.md"  # the site's 更新记录 page, under docs/

ARCHIVE = "archive"  # docs/downloads/archive/: every source file, named by its sha256
CORRECTIONS_PAGE = "corrections.md"  # 更正记录
REPORTS_PAGE = "all-reports.md"  # 报告总表
COVERAGE_PAGE = "coverage.md"  # 覆盖范围
CORRECTIONS_CSV = "corrections.csv"  # docs/downloads/all/corrections.csv: the errata log
CITATION_FILE = "CITATION.txt"  # beside every package: how to cite the data

# Directories under docs/ whose every file is generated (a file no longer generated is removed).
GENERATED_DIRS = ("reports", "agencies", "years", "regions", API_DIR, CHART_DIR)

# --- fan-out: no published folder holds every agency ------------------------------------------------
# At national scale (~160,000 agencies, a million reports) one folder per agency in a single directory is
# beyond what object stores list and CDNs serve comfortably.  Every per-agency folder therefore sits in one
# of BUCKETS buckets named by the first two hex digits of sha256(slug): fixed for an agency forever (it
# depends on nothing but the slug, never on how many agencies there are), and even across buckets
# (160,000 agencies -> ~625 a bucket; a million reports -> ~4,000 report folders a bucket).  Two hex
# digits can never be a fixed name of those folders either (all/, archive/, index.json ...).
BUCKET_HEX = 2
BUCKETS = 16 ** BUCKET_HEX


def bucket(slug: str) -> str:
    """The agency's bucket: the first two hex digits of the sha256 of its slug (UTF-8)."""
    return hashlib.sha256(slug.encode("utf-8")).hexdigest()[:BUCKET_HEX]


def report_id(slug: str, year: int) -> str:
    """A report's id: the key of its rows in every table, the SQLite and the API (not a folder: see report_dir)."""
    return f"{slug}/{year}"


def agency_dir(slug: str) -> str:
    """An agency's folder under datapackages/, docs/downloads/ and api/: <bucket>/<slug>."""
    return f"{bucket(slug)}/{slug}"


def report_dir(slug: str, year: int | str) -> str:
    """A report's folder under datapackages/ and docs/downloads/: <bucket>/<slug>/<year>."""
    return f"{agency_dir(slug)}/{year}"


def report_dir_of(rid: str) -> str:
    """report_dir of a report_id ("<slug>/<year>"), for code that holds only the id."""
    slug, sep, year = rid.rpartition("/")
    if not sep or not slug or not year:
        raise ValueError(f"not a report id: {rid!r}")
    return report_dir(slug, year)


def to_root(path: str) -> str:
    """The relative URL from a page's site URL (page_url of `path`, under docs/) up to the site's root."""
    return "../" * page_url(path).count("/")


def relative(from_path: str, to_path: str) -> str:
    """A link from the file `from_path` to the file `to_path`, both relative to docs/ (as a Markdown page
    links: MkDocs resolves it against the page's own .md file, then turns it into the target's URL)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


# --- pages (relative to docs/) ---------------------------------------------------------------------
def report_page(slug: str, year: int) -> str:
    return f"reports/{agency_dir(slug)}/{year}.md"


def report_page_of(rep) -> str:
    """report_page of a Report."""
    return report_page(rep.slug, rep.meta.year)


def report_evidence(slug: str, year: int) -> str:
    """The evidence view's data, beside the report page (reports/<bucket>/<slug>/<year>/ in the site)."""
    return f"reports/{report_dir(slug, year)}/evidence.json"


def agency_page(slug: str) -> str:
    return f"agencies/{agency_dir(slug)}.md"


def year_page(year: int) -> str:
    return f"years/{int(year)}.md"


def region_slug(province: str) -> str:
    return "unknown" if province == UNKNOWN_PROVINCE else slugify(province)


def region_page(province: str) -> str:
    return f"regions/{region_slug(province)}.md"


def page_url(md_path: str) -> str:
    """The site URL (relative to the site root) MkDocs gives a page: `a/b.md` -> `a/b/`."""
    if md_path == "index.md":
        return ""
    return md_path[: -len(".md")] + "/" if md_path.endswith(".md") else md_path


# --- files of one report --------------------------------------------------------------------------
def report_zip(slug: str, year: int) -> str:
    return f"{slug}-{year}.zip"


def zip_prefix(slug: str, year: int) -> str:
    """The folder every member of a report's zip sits in."""
    return f"{slug}-{year}"


def report_xlsx(slug: str, year: int) -> str:
    return f"{slug}-{year}.xlsx"


def excel_csv(resource: str) -> str:
    return f"{resource}_excel.csv"


def resource_csv(resource: str) -> str:
    return f"{resource}.csv"


def resource_json(resource: str) -> str:
    return f"{resource}.json"


# The corpus Parquet files: one Hive-partitioned dataset per table under docs/downloads/all/parquet/, a folder per
# report year and province holding part-0.parquet; the folder of unknown province (region_slug "unknown", which
# no geography bounds: every report whose province could not be read) holds a file per agency group instead,
# part-<h>.parquet, h the first hex digit of the agency's bucket (sha256 of its slug), so a one-report edit there
# rewrites one file per table of about 1/16 of it (package/corpus.py says why this cut).  The group depends on
# the slug alone, so a report's file never moves.  The partition keys are named apart from the tables' own
# `year` and `province` columns: a reader that adds Hive keys as columns (pyarrow, pandas, DuckDB) refuses a
# key that repeats a column; the group is in the file name, not a key, so it adds no column.
PARQUET_DIR = "parquet"
PARQUET_YEAR, PARQUET_PROVINCE = "report_year", "province_slug"
PARQUET_LIST = f"{PARQUET_DIR}/FILES.txt"  # every Parquet file and its size: HTTP lists no folders
PARQUET_GROUP_HEX = 1
PARQUET_SPLIT = frozenset({"unknown"})  # region_slug(UNKNOWN_PROVINCE): the folders split by agency group
PARQUET_WHOLE = "0"  # the one file of any other folder
# What the state of a build's Parquet files records a report's place as (package/corpus.py): another layout
# makes the next build write them whole.
PARQUET_LAYOUT = f"{PARQUET_YEAR}/{PARQUET_PROVINCE}/part-<{PARQUET_GROUP_HEX} hex of the bucket, {sorted(PARQUET_SPLIT)}>"


def parquet(resource: str) -> str:
    """One table's dataset folder: `pandas.read_parquet` or `pyarrow.dataset.dataset` read it whole."""
    return f"{PARQUET_DIR}/{resource}"


def parquet_group(slug: str) -> str:
    """An agency's file in its year's and province's Parquet folder: the first hex digit of its bucket."""
    return bucket(slug)[:PARQUET_GROUP_HEX]


def parquet_part(resource: str, year: int, province: str, group: str) -> str:
    """The file of one partition of a table: its reports of that year and province (a region_slug) whose
    agencies are in that group (parquet_group)."""
    return f"{parquet(resource)}/{PARQUET_YEAR}={int(year)}/{PARQUET_PROVINCE}={province}/part-{group}.parquet"


def legacy_parquet(resource: str) -> str:
    """The single file per table that builds before the partitioned layout wrote; the build removes it."""
    return f"{resource}.parquet"


# Source formats whose bytes a browser would run as a page on our origin: archived under a name that is
# served as plain text, never as text/html (their scripts and handlers must not run on this site).
LIVE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".svg", ".xml")


def archive_file(sha256: str, source_name: str) -> str:
    """A source file's archived copy, relative to docs/downloads/: named by its content, so two reports of
    the same bytes share one copy and a copy never changes under its name.  The suffix is the source's own
    (so it opens in the right program) unless a browser would run it, when `.txt` is added."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256: {sha256!r}")
    suffix = "".join(c for c in source_name.rpartition(".")[2].lower() if c.isalnum())[:8] if "." in source_name else ""
    suffix = f".{suffix}" if suffix else ".bin"
    if suffix in LIVE_SUFFIXES:
        suffix += ".txt"
    return f"{ARCHIVE}/{sha256[:2]}/{sha256}{suffix}"


def report_api(slug: str, year: int) -> str:
    """Relative to api/."""
    return f"{report_dir(slug, year)}.json"


def report_links(slug: str, year: int) -> dict[str, str]:
    """Site-root-relative links of one report (the API publishes these)."""
    base = f"{DOWNLOADS}/{report_dir(slug, year)}/"
    return {"page": page_url(report_page(slug, year)), "agency": page_url(agency_page(slug)),
            "api": f"{API_DIR}/{report_api(slug, year)}",
            "downloads": base, "datapackage": f"{base}{DESCRIPTOR}", "zip": f"{base}{report_zip(slug, year)}"}


# Where raw-HTML links (written with final URLs) start from: a report page is reports/<bucket>/<slug>/<year>/
# in the site, four levels below the root; an agency page agencies/<bucket>/<slug>/, three.
REPORT_PAGE_TO_ROOT = to_root(report_page("x", 2000))  # "../../../../"
AGENCY_PAGE_TO_ROOT = to_root(agency_page("x"))  # "../../../"
