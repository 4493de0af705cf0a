"""One rule for a printed total and its printed parts (measures.TOTALS_RULE_ZH), on the report that
prompted it: 淮安市洪泽区人民政府 2023 (reports/001).  Its table 四, read from the PDF, prints for 行政复议
结果维持 10, 结果纠正 1, 其他结果 0, 尚未审结 0 and 总计 0."""
from __future__ import annotations

from gongkai.schema import measures as M

SOURCE = "001_huaian_hongzequ_2023.pdf"


def _report(result):
    (rep,) = [r for r in result.reports if r.source.name == SOURCE]
    return rep


def test_the_count_is_the_printed_total_and_the_parts_are_shown_beside_it(built):
    _, result, _ = built
    values = M.compute(_report(result).records)
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
    agreeing = [r for r in result.reports if r.source.name != SOURCE
                and M.compute(r.records)["reviews"] is not None
                and M.compute(r.records)["reviews"] == M.compute(r.records)["reviews_parts"]]
    assert agreeing
    for rep in agreeing:
        assert "reviews" not in M.disputed(M.compute(rep.records))


def test_pages_show_both_numbers_flagged_and_the_rule(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    rep = _report(result)
    region = (root / "site" / "regions" / "jiangsusheng" / "index.html").read_text(encoding="utf-8")
    agency = (root / "site" / "agencies" / rep.slug / "index.html").read_text(encoding="utf-8")
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
    charts = sorted((root / "site" / "charts" / "agencies" / slug).glob("*.json"))
    assert charts
    data = json.loads(charts[0].read_text(encoding="utf-8"))
    assert data["x"]["values"] == list(range(2017, 2026))
    assert data["x"]["labels"]["zh"][1] == "2018 年（无报告）"
    for series in data["series"]:
        values = series["values"] if "values" in series else None
        if values is not None:
            assert [values[i] for i in (1, 5, 6, 7)] == [None] * 4, series["code"]
