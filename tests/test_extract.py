"""gongkai/extract.py: one file to one Report, on real text layouts.

Truncated excerpts: every cell printed before the cut is exact, every cell after it is `missing`.
Cell-per-line and cell-per-paragraph layouts read right, and a dropped blank cell makes its row ambiguous.
Values transcribed by reading the files (one cell per line / per paragraph, words broken in headers).
"""
from __future__ import annotations

from decimal import Decimal

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


def _ad(name):
    rep = extract(ROOT / "reports" / name)
    return rep, {r["code"]: r for r in rep.records["active_disclosure"]}


def test_one_cell_per_line_text():
    """032 prints table 二 one cell per line: 规章 0 0 0, 行政规范性文件 0 0 0, 行政许可 182, 行政处罚 10,
    行政强制 0, 行政事业性收费 18.8710."""
    _rep, ad = _ad("032_neimenggu_abagaqi_zirangziyuanju_2023.txt")
    want = {"rules.issued": 0, "rules.repealed": 0, "rules.in_force": 0, "normative_documents.issued": 0,
            "normative_documents.repealed": 0, "normative_documents.in_force": 0, "licensing.decisions": 182,
            "penalty.decisions": 10, "enforcement.decisions": 0, "fees.fee_amount": Decimal("18.8710")}
    assert {k: ad[k]["value"] for k in want} == want
    assert {ad[k]["status"] for k in want} == {"reported"}


def test_dropped_blank_cell_makes_the_row_ambiguous_not_shifted():
    """004's 规章 row prints two cells for three columns (its 现行有效件数 is empty and vanished from the
    text): which column each 0 belongs to cannot be known, so none is published."""
    rep, ad = _ad("004_wuhan_hanyangqu_zfb_2022.txt")
    assert {ad[f"rules.{m}"]["status"] for m in ("issued", "repealed", "in_force")} == {"ambiguous"}
    assert [ad[f"normative_documents.{m}"]["value"] for m in ("issued", "repealed", "in_force")] == [5, 12, 8]
    app = {r["code"]: r for r in rep.records["applications"]}
    assert app["new_received.natural_person"]["value"] == 8 and app["new_received.total"]["value"] == 8


def test_one_cell_per_paragraph_2019_edition():
    """010: paragraph per cell, 2019 edition; its 行政事业性收费 row prints one value for two columns."""
    rep, ad = _ad("010_heilongjiang_jiamusi_qianjinqu_jiaoyuju_2020.txt")
    assert rep.edition == "2019"
    assert ad["rules.made"]["value"] == 0 and ad["rules.made"]["status"] == "reported"
    assert {ad["fees.prev_items"]["status"], ad["fees.change"]["status"]} == {"ambiguous"}


def test_every_value_read_from_text_records_the_characters_it_was_read_from():
    """The seed (tab-separated text): each reported cell's source_line/start/end hold its raw text; cells
    with nothing printed have no place."""
    path = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    rep = extract(path)
    recs = [r for t in R.TABLES for r in rep.records[t]]
    reported = [r for r in recs if r["status"] == "reported"]
    assert len(reported) == 200
    for r in reported:
        assert lines[r["source_line"] - 1][r["source_start"]:r["source_end"]] == r["raw"], r["code"]
        assert r["source_x0"] is None and r["source_page"] is None
    assert all(r["source_line"] is None for r in recs if r["status"] in ("missing",))
