"""gongkai/checks/identities.py: the form's accounting identities on one report's cells.

The seed report (000) prints table 三 with 自然人 14 new, 0 carried over, 9 granted, 1 refused (third
party), 2 not held, 2 other, total 14, 0 carried forward (read from reports/000_8719cb9f3c2be4e4.txt), so
every identity it states holds."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT
from gongkai.checks.identities import compare, outcome_rows, run_checks
from gongkai.model import CellValue
from gongkai.schema import registry as R


def _n(v) -> CellValue:
    return CellValue(Decimal(v), "reported", str(v))


BLANK = CellValue(None, "blank", "")


def test_equal_sides_pass_and_unequal_sides_fail_with_both_sums():
    cells = {"a": _n(9), "b": _n(5), "t": _n(14)}
    ok = compare("x", "a + b = t", cells, ["a", "b"], ["t"])
    assert (ok.result, ok.lhs, ok.rhs, ok.note) == ("pass", Decimal(14), Decimal(14), "")
    cells["t"] = _n(15)
    bad = compare("x", "a + b = t", cells, ["a", "b"], ["t"])
    assert (bad.result, bad.lhs, bad.rhs) == ("fail", Decimal(14), Decimal(15))


def test_an_unknown_cell_means_not_checked_never_a_pass():
    for status in ("missing", "unreadable", "ambiguous"):
        cells = {"a": CellValue(None, status), "t": _n(0)}
        result = compare("x", "a = t", cells, ["a"], ["t"])
        assert result.result == "not checked" and result.lhs is None and "缺失或无法读取" in result.note
    absent = compare("x", "a = t", {"t": _n(0)}, ["a"], ["t"])
    assert absent.result == "not checked"


def test_blank_cells_count_as_zero_only_beside_printed_numbers_and_say_so():
    partly = compare("x", "a + b = t", {"a": _n(3), "b": BLANK, "t": _n(3)}, ["a", "b"], ["t"])
    assert partly.result == "pass" and partly.note == "1 个空白单元格按 0 计"
    all_blank = compare("x", "a + b = t", {"a": BLANK, "b": BLANK, "t": _n(3)}, ["a", "b"], ["t"])
    assert all_blank.result == "not checked" and all_blank.note == "等式一边全部空白，无从核验"


def test_outcome_rows_follow_the_layout_of_the_other_row():
    assert outcome_rows("single")[-1] == "other_total"
    assert outcome_rows("split")[-3:] == R.OTHER_SPLIT
    assert "other_total" not in outcome_rows("split")


def test_every_identity_of_the_seed_report_holds():
    from gongkai.extract import extract

    rep = extract(ROOT / "reports" / "000_8719cb9f3c2be4e4.txt")
    ids = {c.check_id: c for c in rep.checks if not c.check_id.startswith(("prose.", "cross_year."))}
    assert ids["balance.natural_person"].lhs == ids["balance.natural_person"].rhs == Decimal(14)
    assert ids["outcomes.natural_person"].rhs == Decimal(14)
    assert {c.result for c in ids.values()} == {"pass"}
    assert len([k for k in ids if k.startswith("balance.")]) == len(R.APPLICANTS)


def test_no_tables_no_checks_and_a_wrong_total_fails_its_identities():
    assert run_checks({}, {}, "single") == []
    cols = [c.code for c in R.APPLICANTS]
    app = {(row, col): _n(0) for row in ("new_received", "carried_over", "total", "carried_forward",
                                          *outcome_rows("single")) for col in cols}
    app[("new_received", "natural_person")] = app[("new_received", "total")] = _n(2)
    app[("granted", "natural_person")] = app[("granted", "total")] = _n(2)
    app[("total", "natural_person")] = app[("total", "total")] = _n(2)
    results = {c.check_id: c.result for c in run_checks(app, {}, "single")}
    assert set(results.values()) == {"pass"}
    app[("total", "natural_person")] = _n(3)  # a misprinted 总计
    results = {c.check_id: c.result for c in run_checks(app, {}, "single")}
    assert {k for k, v in results.items() if v == "fail"} == {
        "balance.natural_person", "outcomes.natural_person", "applicants.total"}
