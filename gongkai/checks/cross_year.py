"""The check across years: a report's 上年结转 against the same agency's 结转下年度 of the year before."""
from __future__ import annotations

from gongkai.checks.identities import compare
from gongkai.model import CheckResult
from gongkai.schema import registry as R


def cross_year_checks(prev_app: dict, this_app: dict, prev_year: int) -> list[CheckResult]:
    """二、上年结转 this year should equal 四、结转下年度 in the same agency's report for last year."""
    results = []
    for col in (c.code for c in R.APPLICANTS):
        results.append(compare(
            f"cross_year.{col}", f"二、上年结转（本年）= 四、结转下年度（{prev_year} 年报告）",
            {**{("this", k): v for k, v in this_app.items()}, **{("prev", k): v for k, v in prev_app.items()}},
            [("this", ("carried_over", col))], [("prev", ("carried_forward", col))]))
    return results
