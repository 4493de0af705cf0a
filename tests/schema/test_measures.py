"""Headline measures: hand-computed from the printed tables, never from our own parser's output."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.schema import measures as M
from gongkai.schema import registry as R


def _report(built, source_name):
    _root, result, _proc = built
    return next(r for r in result.reports if r.source.name == source_name)


def test_seed_measures_match_the_printed_table(built):
    # reports/000: 新收 14, 总计 14, 予以公开 9, 部分公开 0, 不予公开 only 4.保护第三方合法权益 = 1,
    # 无法提供 1.本机关不掌握 = 2, 结转下年度 0; table 四 all zeros.
    got = M.compute(_report(built, "000_8719cb9f3c2be4e4.txt").records)
    assert got["received"] == 14 and got["handled"] == 14
    assert got["granted"] == 9 and got["partial"] == 0 and got["disclosed"] == 9
    assert got["share_disclosed"] == pytest.approx(9 / 14, abs=1e-6)
    assert got["refused"] == 1
    assert got["share_refused"] == pytest.approx(1 / 14, abs=1e-6)
    assert got["share_refused_third_party"] == pytest.approx(1 / 14, abs=1e-6)
    assert got["share_refused_state_secret"] == 0.0
    assert got["unable"] == 2 and got["not_processed"] == 0
    assert got["carried_over"] == 0 and got["carried_forward"] == 0
    assert got["reviews"] == 0 and got["lawsuits"] == 0
    # No decided review or lawsuit: a correction rate of 0/0 is unknown, not 0.
    assert got["review_correction_rate"] is None
    assert got["lawsuit_correction_rate"] is None


def test_correction_rates_from_hongze_2024(built):
    # reports/002 table 四 as printed: 复议 1 1 0 0 2 | 直接起诉 1 0 0 0 1 | 复议后起诉 2 0 1 0 3.
    got = M.compute(_report(built, "002_huaian_hongzequ_2024.pdf").records)
    assert got["reviews"] == 2 and got["lawsuits"] == 4
    assert got["review_corrected"] == 1 and got["lawsuit_corrected"] == 0
    assert got["review_correction_rate"] == pytest.approx(0.5)
    assert got["lawsuit_correction_rate"] == 0.0  # 0 corrected of 4 decided: a real 0
    # 新收 95, 总计 95, 予以公开 50 + 部分公开 9; 不予公开 1 + 1 + 1.
    assert got["share_disclosed"] == pytest.approx(59 / 95, abs=1e-6)
    assert got["share_refused"] == pytest.approx(3 / 95, abs=1e-6)


def test_blank_inputs_make_the_measure_unknown(built):
    # reports/041 (上海市人民政府办公厅 2019) prints 复议 结果纠正 and 复议后起诉 总计 blank.
    got = M.compute(_report(built, "041_shanghai_shizhengfu_bgt_2019.html").records)
    assert got["reviews"] == 7
    assert got["review_correction_rate"] is None
    assert got["lawsuits"] is None


def _records(values: dict[str, tuple]) -> dict:
    """Synthetic table 三 with every total-column cell reported as 0 unless given (value, status)."""
    recs = []
    for row in R.APP_ROWS:
        value, status = values.get(row.code, (0, "reported"))
        recs.append({"code": f"{row.code}.total", "value": None if value is None else Decimal(value),
                     "status": status})
    return {"applications": recs, "reviews_litigation": []}


@pytest.mark.parametrize("status", ["blank", "missing", "ambiguous", "unreadable"])
def test_an_unknown_input_is_none_never_zero(status):
    recs = _records({"total": (10, "reported"), "granted": (4, "reported"),
                     "refused_process_info": (None, status)})
    got = M.compute(recs)
    assert got["refused"] is None and got["share_refused"] is None
    assert got["share_refused_process_info"] is None
    # A measure that does not read the unknown cell is still computed.
    assert got["share_disclosed"] == 0.4


def test_inferred_values_count():
    recs = _records({"total": (10, "reported"), "granted": (4, "inferred"), "partial": (1, "reported")})
    assert M.compute(recs)["share_disclosed"] == 0.5


def test_pooled_share_is_weighted_and_counts_exclusions():
    a = _records({"total": (10, "reported"), "granted": (5, "reported")})
    b = _records({"total": (30, "reported"), "granted": (3, "reported")})
    c = _records({"total": (None, "blank"), "granted": (1, "reported")})
    p = M.pooled(M.BY_CODE["share_disclosed"], [a, b, c])
    assert p.value == pytest.approx(8 / 40) and p.covered == 2 and p.excluded == 1
    p = M.pooled(M.BY_CODE["granted"], [a, b, c])
    assert p.value == 9 and p.covered == 3 and p.excluded == 0


def test_every_measure_reads_registry_codes():
    codes = {t: {f"{r.code}.{c.code}" for r, c in R.expected_cells(t, R.EDITION_2021)}
             for t in ("applications", "reviews_litigation")}
    for m in M.MEASURES:
        assert m.zh and m.en and m.unit
        for cell in m.num + m.den:
            assert cell.code in codes[cell.table], (m.code, cell.code)
    assert len(M.BY_CODE) == len(M.MEASURES)


def test_format():
    assert M.fmt("share_refused", 1 / 14) == "7.1%"
    assert M.fmt("received", 12345) == "12,345"
    assert M.fmt("received", None) == "—"
