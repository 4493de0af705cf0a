"""The report page's checks section (gongkai/pages/checks.py) on hand-made records."""
from __future__ import annotations

from decimal import Decimal

from gongkai.pages.checks import checks_section, formula, summary
from gongkai.checks.identities import identities


def _rl(cat, res, value):
    return {"category_code": cat, "result_code": res, "value": value, "status": "reported" if value is not None else "blank"}


def test_formula_shows_the_printed_numbers_and_the_summary_counts():
    # 行政复议 as 淮安市洪泽区 2023 prints it: 维持 10, 纠正 1, 其他 0, 尚未审结 0, 总计 0.
    records = {"applications": [], "reviews_litigation": [
        _rl("review", "upheld", 10), _rl("review", "corrected", 1), _rl("review", "other", 0),
        _rl("review", "pending", 0), _rl("review", "total", 0)],
        "checks": [{"check_id": "review_total.review", "identity": "总计 = 维持 + 纠正 + 其他 + 尚未审结",
                    "lhs": Decimal(0), "rhs": Decimal(11), "result": "fail", "note": ""}]}
    ident = {i.check_id: i for i in identities("split")}["review_total.review"]
    cells = {"applications": {}, "reviews_litigation": {(r["category_code"], r["result_code"]): r
                                                        for r in records["reviews_litigation"]}}
    assert formula(records["checks"][0], ident, cells) == "0 ≠ 10 + 1 + 0 + 0 = 11"
    assert summary(records["checks"]) == "共 1 项：1 项未通过，0 项通过。"
    html = checks_section(records)
    assert "行政复议总计" in html and "0 ≠ 10 + 1 + 0 + 0 = 11" in html and "review_total.review" in html


def _balance(applicant: str) -> dict:
    return {"check_id": f"balance.{applicant}", "identity": "", "lhs": Decimal(0), "rhs": Decimal(0),
            "result": "pass", "note": ""}


def test_a_reading_repeated_from_the_row_above_reads_same_as_above_and_passes_have_no_result_column():
    # The balance identity holds for each kind of applicant: its reading is printed once, then 同上.
    records = {"applications": [], "checks": [_balance("natural_person"), _balance("commercial"), _balance("total")]}
    html = checks_section(records)
    assert html.count("同上") == 2
    assert html.count("新收的和上年结转的申请") == 1
    # Only passes: the summary says so, and the table has no 结果 column repeating 通过 on every row.
    assert "共 3 项：3 项通过。" in html or "3 项全部通过" in html
    assert "<th>结果</th>" not in html and "<td>通过</td>" not in html
