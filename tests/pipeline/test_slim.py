"""gongkai/pipeline/slim.py: the build keeps a report's index from its arrival on, and the full report comes
back from the extraction cache with what the build decided for it (a new slug, cross-year checks)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import ROOT
from gongkai.extract import extract, summary
from gongkai.index import CROSS_YEAR_KEYS, ReportIndex
from gongkai.pipeline.runner import Cache, Outcome
from gongkai.pipeline.slim import full_report, reslug, slim_on_arrival

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


@pytest.fixture(scope="module")
def seed():
    return extract(SEED)


def _indexed(seed, cache_dir, key="k"):
    cache = Cache(cache_dir)
    cache.put("k", Outcome(SEED.name, report=seed))
    rep = cache.get("k").report
    rep.source = SEED
    return slim_on_arrival(rep, key)


def test_on_arrival_a_report_becomes_its_index_with_its_log_line(seed, tmp_path):
    index = _indexed(seed, tmp_path)
    assert isinstance(index, ReportIndex) and index.extract_key == "k"
    assert index.summary_line == summary(seed)
    assert index.source == SEED and index.report_id == seed.report_id


def test_the_full_report_comes_back_with_the_builds_decisions_replayed(seed, tmp_path):
    index = _indexed(seed, tmp_path)
    reslug(index, "ningxiahuizuzizhiqu-sifating-abc123")
    # As build.add_cross_year_checks leaves it when the 2020 report carried 1 forward for 自然人 (the seed's
    # 上年结转 is 0 in every column, reports/000…txt table 三).
    prev = list(index.cross_year)
    prev[CROSS_YEAR_KEYS.index(("carried_forward", "natural_person"))] = 1
    index.cross_year_prev = (tuple(prev), index.cross_year_status)
    full = full_report(index, tmp_path)
    assert full.slug == "ningxiahuizuzizhiqu-sifating-abc123" and full.source == SEED
    assert {r["report_id"] for r in full.records["applications"]} == {"ningxiahuizuzizhiqu-sifating-abc123/2021"}
    assert len(full.records["applications"][0]) > 3  # every column again
    added = {c.check_id: c for c in full.checks if c.check_id.startswith("cross_year.")}
    assert added["cross_year.natural_person"].result == "fail"
    assert (added["cross_year.natural_person"].lhs, added["cross_year.natural_person"].rhs) == (Decimal(0), Decimal(1))
    assert full.records["metadata"][0]["checks_failed"] == len(full.failed_checks) >= 1
    assert full_report(seed, tmp_path) is seed  # a full report: as it is


def test_an_index_whose_cache_entry_is_gone_is_an_error_saying_what_to_do(seed, tmp_path):
    index = _indexed(seed, tmp_path, key="gone")
    with pytest.raises(RuntimeError, match="run the build again"):
        full_report(index, tmp_path)
