"""gongkai/checks/cross_year.py: this year's 二、上年结转 against last year's 四、结转下年度, column by column."""
from __future__ import annotations

from decimal import Decimal

from gongkai.checks.cross_year import cross_year_checks
from gongkai.model import CellValue
from gongkai.schema import registry as R


def _app(row, values: dict) -> dict:
    return {(row, col): CellValue(Decimal(v), "reported", str(v)) for col, v in values.items()}


def test_one_check_per_applicant_column_naming_last_years_report():
    cols = {c.code: 0 for c in R.APPLICANTS}
    checks = cross_year_checks(_app("carried_forward", cols), _app("carried_over", cols), 2021)
    assert [c.check_id for c in checks] == [f"cross_year.{c.code}" for c in R.APPLICANTS]
    assert all(c.result == "pass" and "2021 年报告" in c.identity for c in checks)


def test_a_carry_over_that_differs_from_last_years_carry_forward_fails():
    prev = _app("carried_forward", {"natural_person": 3, "commercial": 1})
    this = _app("carried_over", {"natural_person": 2, "commercial": 1})
    got = {c.check_id: c for c in cross_year_checks(prev, this, 2022)}
    assert (got["cross_year.natural_person"].result, got["cross_year.natural_person"].lhs,
            got["cross_year.natural_person"].rhs) == ("fail", Decimal(2), Decimal(3))
    assert got["cross_year.commercial"].result == "pass"
    assert got["cross_year.research"].result == "not checked"  # neither year's cell is known
