"""gongkai/index.py: the per-report index the build keeps holds what the pages over many reports read, the
pages give the same bytes from it as from the full reports, and it stays small."""
from __future__ import annotations

import sys
from decimal import Decimal

import pytest

from conftest import ROOT
from gongkai import index as I
from gongkai.extract import extract
from gongkai.model import CheckResult
from gongkai.pages import overview
from gongkai.pages.api import api_files
from gongkai.pages.site_charts import site_charts
from gongkai.pages.provenance import quality_section
from gongkai.pages.write import agency_page, corrections_page, neighbours
from gongkai.schema import measures as M

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


@pytest.fixture(scope="module")
def seed():
    return extract(SEED)


def test_the_index_gives_the_measures_printed_in_the_seed(seed):
    # reports/000 table 三 as printed: 新收 14, 总计 14, 予以公开 9, 部分公开 0, 不予公开 1 (保护第三方合法权益),
    # 无法提供 2, 结转下年度 0; table 四 all zeros (so no decided case: no correction rate).
    index = I.index_of(seed, "k")
    got = M.compute_cells(index.cells)
    assert (got["received"], got["handled"], got["granted"], got["refused"], got["unable"]) == (14, 14, 9, 1, 2)
    assert got["share_disclosed"] == pytest.approx(9 / 14, abs=1e-6)
    assert got["reviews"] == 0 and got["review_correction_rate"] is None
    assert got == M.compute(seed.records)


def test_the_index_keeps_names_counts_and_the_cross_year_cells(seed):
    index = I.index_of(seed, "k")
    assert (index.report_id, index.source, index.sha256, index.status) == \
        (seed.report_id, seed.source, seed.sha256, seed.status)
    assert (index.meta.agency, index.meta.year) == ("宁夏回族自治区司法厅", 2021)
    # The seed prints 0 in 二、上年结转 and 四、结转下年度 for 自然人 (reports/000…txt, table 三), every cell read.
    cells = I.application_cells(index)
    assert cells[("carried_over", "natural_person")].value == Decimal(0)
    assert set(cells) == set(I.CROSS_YEAR_KEYS) and cells == I.application_cells(seed)
    assert I.reported_cells(index) == I.reported_cells(seed) == 200  # "200/200 cells reported"
    assert I.cell_counts(index) == {} and I.corrections(index) == ()
    assert index.failed_checks == () and index.warnings == ()


def test_a_cell_vector_reads_like_the_cells_dict_and_sums_to_the_same_decimals():
    records = {"applications": [{"code": "new_received.total", "status": "reported", "value": Decimal("5")},
                                {"code": "total.total", "status": "reported", "value": Decimal("2.50")},
                                {"code": "granted.total", "status": "blank", "value": None}],
               "reviews_litigation": []}
    vec, cells = M.cell_vector(records), M.cell_values(records)
    for key in M.CELLS:
        assert vec.get(key) == cells.get(key)
    assert vec.get(("applications", "not.a.cell")) is None
    assert type(vec.get(("applications", "new_received.total"))) is int  # shared small int, same sum
    assert str(Decimal(0) + vec.get(("applications", "total.total"))) == "2.50"  # its places kept
    assert M.compute_cells(vec) == M.compute_cells(cells)


def test_cell_counts_are_per_status_and_table_leaving_out_reported_and_blank():
    rows = [("reported", "applications")] * 3 + [("inferred", "applications"), ("ambiguous", "reviews_litigation"),
                                                  ("inferred", "applications"), ("blank", "active_disclosure")]
    records = {t: [] for t in ("active_disclosure", "applications", "reviews_litigation")}
    for status, table in rows:
        records[table].append({"status": status})
    assert I._status_counts(records) == (3, (("ambiguous", "reviews_litigation", 1), ("inferred", "applications", 2)))


def test_an_index_has_no_rows_and_is_small(seed):
    index = I.index_of(seed, "0" * 64)
    index.failed_checks += (CheckResult("cross_year.total", "二 = 四", Decimal(0), Decimal(1), "fail"),)
    assert not hasattr(index, "records") and not hasattr(index, "__dict__")

    def size(obj, seen):
        if id(obj) in seen or obj is None or (isinstance(obj, str) and sys.intern(obj) is obj and len(obj) < 40):
            return 0  # shared: interned names and codes
        seen.add(id(obj))
        n = sys.getsizeof(obj)
        if isinstance(obj, dict):
            return n + sum(size(k, seen) + size(v, seen) for k, v in obj.items())
        if isinstance(obj, (tuple, list)):
            return n + sum(size(v, seen) for v in obj)
        if hasattr(obj, "__slots__") and not isinstance(obj, (I.M.CellVector,)):
            return n + sum(size(getattr(obj, s), seen) for s in obj.__slots__)
        return n

    # The measured mean is under 2 KB on the synthetic corpus (BENCHMARKS.md); a report's rows are ~55 KB.
    assert size(index, set()) < 3000


def _pages(reports):
    by_agency: dict = {}
    for r in sorted(reports, key=lambda r: (r.slug, r.meta.year)):
        by_agency.setdefault(r.slug, []).append(r)
    pages = overview.overview_pages(reports, [{"file": "x.doc", "reason": "unsupported"}], "")
    pages["corrections"] = corrections_page(reports)
    pages.update({slug: agency_page(slug, reps) for slug, reps in by_agency.items()})
    sections, files = site_charts(reports, by_agency, pages)
    return pages, sections, files


def test_pages_over_many_reports_are_the_same_from_indexes_as_from_full_reports(built):
    _root, result, _proc = built
    full = result.reports  # the fixture gives them back whole (slim.full_report)
    indexes = [I.index_of(r) for r in full]
    assert _pages(indexes) == _pages(full)
    assert api_files(indexes, per_report=False) == api_files(full, per_report=False)
    gone = {full[0].source.name: {"state": "gone", "since": "2026-11-01", "source_url": "https://example.org/r"}}
    assert quality_section(indexes, gone, {}) == quality_section(full, gone, {}) != ""
    assert {k: [r and r.report_id for r in v] for k, v in neighbours(indexes).items()} == \
        {k: [r and r.report_id for r in v] for k, v in neighbours(full).items()}
