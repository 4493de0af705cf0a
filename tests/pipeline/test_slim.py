"""gongkai/pipeline/slim.py: a slim report keeps cell values and statuses only, and its full form comes back
from the extraction cache with what the build decided for it (a new slug, cross-year checks)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import ROOT
from gongkai.extract import extract
from gongkai.model import CheckResult
from gongkai.pipeline.runner import Cache, Outcome
from gongkai.pipeline.slim import application_cells, full_report, reslug, slim_stored
from gongkai.schema import registry as R

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


@pytest.fixture(scope="module")
def seed():
    return extract(SEED)


def test_slim_keeps_values_and_the_cells_the_cross_year_check_needs(seed, tmp_path):
    cache = Cache(tmp_path)
    cache.put("k", Outcome(SEED.name, report=seed))
    rep = cache.get("k").report
    slim_stored(rep, "k")
    assert rep.is_slim
    assert all(set(r) == {"code", "status", "value"} for t in R.TABLES for r in rep.records[t])
    # The seed prints 0 in 二、上年结转 and 四、结转下年度 for 自然人 (reports/000…txt, table 三).
    assert rep.cross_year_cells[("carried_over", "natural_person")].value == Decimal(0)
    assert {k[0] for k in rep.cross_year_cells} == {"carried_over", "carried_forward"}
    assert application_cells(rep) is rep.cross_year_cells
    assert rep.checks == rep.failed_checks == []


def test_the_full_report_comes_back_with_the_builds_decisions_replayed(seed, tmp_path):
    cache = Cache(tmp_path)
    cache.put("k", Outcome(SEED.name, report=seed))
    rep = cache.get("k").report
    slim_stored(rep, "k")
    reslug(rep, "ningxiahuizuzizhiqu-sifating-abc123")
    rep.cross_year_checks = [CheckResult("cross_year.natural_person", "二 = 四（2020 年报告）",
                                         Decimal(0), Decimal(1), "fail")]
    full = full_report(rep, tmp_path)
    assert full.slug == "ningxiahuizuzizhiqu-sifating-abc123"
    assert {r["report_id"] for r in full.records["applications"]} == {"ningxiahuizuzizhiqu-sifating-abc123/2021"}
    assert len(full.records["applications"][0]) > 3  # every column again
    assert full.records["metadata"][0]["checks_failed"] == 1
    assert full_report(seed, tmp_path) is seed  # not slim: as it is


def test_a_slim_report_whose_cache_entry_is_gone_is_an_error_saying_what_to_do(seed, tmp_path):
    cache = Cache(tmp_path)
    cache.put("k", Outcome(SEED.name, report=seed))
    rep = cache.get("k").report
    slim_stored(rep, "gone")
    with pytest.raises(RuntimeError, match="run the build again"):
        full_report(rep, tmp_path)
