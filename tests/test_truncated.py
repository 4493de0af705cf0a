"""Truncated excerpts: every cell printed before the cut is exact, every cell after it is `missing`.

Values transcribed by reading the files (one cell per line / per paragraph, words broken in headers).
"""
from __future__ import annotations

import pytest

from conftest import ROOT
from gongkai.schema import registry as R
from gongkai.extract import extract

PRINTED = {
    # 2019 edition; "本年新 / 制作数量" broken over two paragraphs; 政府集中采购 1 件, 8040.
    "011_jiangxi_huichangxian_zhongcunxiang_2020.txt": {
        "rules.made": 0, "rules.published": 0, "rules.total_published": 0,
        "normative_documents.made": 5, "normative_documents.published": 5, "normative_documents.total_published": 5,
        **{f"{i}.{m}": 0 for i in ("licensing", "other_services", "penalty", "enforcement")
           for m in ("prev_items", "change", "decisions")},
        "fees.prev_items": 0, "fees.change": 0,
        "procurement.procurement_items": 1, "procurement.procurement_amount": 8040,
    },
    # 2021 edition; one cell per line, rows started by lone '|' lines; cut inside table 二.
    "022_jiangxi_hukouxian_weijianwei_2022.txt": {
        **{f"{i}.{m}": 0 for i in ("rules", "normative_documents") for m in ("issued", "repealed", "in_force")},
        "licensing.decisions": 325, "penalty.decisions": 49, "enforcement.decisions": 0,
    },
}


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_truncated_report_cells(name):
    report = extract(ROOT / "reports" / name)
    assert report.status == "tables incomplete"
    ad = {r["code"]: r for r in report.records["active_disclosure"]}
    for code, value in PRINTED[name].items():
        assert (ad[code]["value"], ad[code]["status"]) == (value, "reported"), code
    rest = [r for t in R.TABLES for r in report.records[t] if r["code"] not in PRINTED[name] or t != "active_disclosure"]
    assert {r["status"] for r in rest} == {"missing"}
