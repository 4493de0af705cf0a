"""Headline measures: hand-computed from the printed tables, never from our own parser's output."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai import paths as P
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


# One rule for a printed total and its printed parts (measures.TOTALS_RULE_ZH), on the report that
# prompted it: 淮安市洪泽区人民政府 2023 (reports/001).  Its table 四, read from the PDF, prints for 行政复议
# 结果维持 10, 结果纠正 1, 其他结果 0, 尚未审结 0 and 总计 0.
from gongkai.schema import measures as M  # noqa: E402

HONGZE_2023 = "001_huaian_hongzequ_2023.pdf"


def _hongze_2023(result):
    (rep,) = [r for r in result.reports if r.source.name == HONGZE_2023]
    return rep


def test_the_count_is_the_printed_total_and_the_parts_are_shown_beside_it(built):
    _, result, _ = built
    values = M.compute(_hongze_2023(result).records)
    assert values["reviews"] == 0                    # the printed 总计
    assert values["reviews_parts"] == 11             # 10 + 1 + 0 + 0
    assert values["review_correction_rate"] == round(1 / 11, 6)  # 纠正 ÷ (维持 + 纠正 + 其他)
    flags = M.disputed(values)
    # Its 复议后起诉 row prints 结果维持 5 and 总计 0 as well: the lawsuits are flagged for the same reason.
    assert values["lawsuits_parts"] - values["lawsuits"] == 5
    assert flags == {"reviews": "reviews_parts", "review_correction_rate": "reviews_parts",
                     "lawsuits": "lawsuits_parts", "lawsuit_correction_rate": "lawsuits_parts"}
    assert M.fmt_report("reviews", values) == "0（分项之和 11）※"
    assert M.fmt_report("review_correction_rate", values) == "9.1%※"


def test_a_report_whose_total_agrees_is_not_flagged(built):
    _, result, _ = built
    agreeing = [r for r in result.reports if r.source.name != HONGZE_2023
                and M.compute(r.records)["reviews"] is not None
                and M.compute(r.records)["reviews"] == M.compute(r.records)["reviews_parts"]]
    assert agreeing
    for rep in agreeing:
        assert "reviews" not in M.disputed(M.compute(rep.records))


def test_pages_show_both_numbers_flagged_and_the_rule(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    rep = _hongze_2023(result)
    region = (root / "site" / "regions" / "jiangsusheng" / "index.html").read_text(encoding="utf-8")
    agency = (root / "site" / P.page_url(P.agency_page(rep.slug)) / "index.html").read_text(encoding="utf-8")
    for page in (region, agency):
        assert "0（分项之和 11）※" in page and "9.1%※" in page
        assert M.DISPUTED_NOTE_ZH in page
        assert "methodology/#totals" in page
    methodology = (root / "site" / "methodology" / "index.html").read_text(encoding="utf-8")
    assert 'id="totals"' in methodology and "0（分项之和 11）※" in methodology


def test_missing_years_are_gaps_in_the_trend(built):
    """平潭 has reports for 2017, 2019, 2020, 2021 and 2025: the chart's axis has every year between, with
    no value in 2018 and 2022–2024, so the line breaks there."""
    import json

    root, result, _ = built
    slug = next(r.slug for r in result.reports if r.source.name.startswith("027_fujian_pingtan"))
    charts = sorted((root / "site" / "charts" / "agencies" / P.agency_dir(slug)).glob("*.json"))
    assert charts
    data = json.loads(charts[0].read_text(encoding="utf-8"))
    assert data["x"]["values"] == list(range(2017, 2026))
    assert data["x"]["labels"]["zh"][1] == "2018 年（无报告）"
    for series in data["series"]:
        values = series["values"] if "values" in series else None
        if values is not None:
            assert [values[i] for i in (1, 5, 6, 7)] == [None] * 4, series["code"]
