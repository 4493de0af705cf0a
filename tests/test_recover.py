"""Run-together crawler text: cells recovered only where the identities admit exactly one split."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT
from gongkai.extract import extract
from gongkai.parse.recover import split_run


def D(*xs):
    return tuple(Decimal(x) for x in xs)


def test_split_run_lists_every_reading():
    assert split_run("000", 3) == [D(0, 0, 0)]
    assert set(split_run("123", 2)) == {D(1, 23), D(12, 3)}
    assert split_run("05", 2) == [D(0, 5)]            # no number starts with 0 unless it is 0
    assert split_run("2648-18538", 2) == [D(2648, -18538)]  # '-' starts a negative number
    assert split_run("500000 5", 7) == [D(5, 0, 0, 0, 0, 0, 5)]  # a space is a boundary
    assert split_run("4166.241619", 1) == [D("4166.241619")]
    assert split_run("13575394432.52", 2) is None       # a decimal inside a multi-cell run: unreadable


def _cells(report, table):
    return {r["code"]: r for r in report.records[table]}


def test_pingtan_2025_recovered_as_read_by_hand():
    """Splits worked out by hand from 027's text; section 一 says 154 received, 148 done, 6 carried
    forward, 36 reviews and 9 lawsuits, which the recovered totals match."""
    rep = extract(ROOT / "reports" / "027_fujian_pingtan_syq_2025.txt")
    app = _cells(rep, "applications")
    by_hand = {
        "new_received": (151, 3, 0, 0, 0, 0, 154),      # 15130000154
        "granted": (33, 0, 0, 0, 0, 0, 33),              # 330000033; 3|30|… fits the row but not the columns
        "unable_not_held": (49, 1, 0, 0, 0, 0, 50),      # 4910000050
        "total": (147, 1, 0, 0, 0, 0, 148),              # 14710000148
        "carried_forward": (4, 2, 0, 0, 0, 0, 6),        # 4200006
    }
    cols = ("natural_person", "commercial", "research", "public_interest", "legal_services",
            "other_organisation", "total")
    for row, values in by_hand.items():
        for col, v in zip(cols, values):
            cell = app[f"{row}.{col}"]
            assert (cell["value"], cell["status"]) == (Decimal(v), "inferred"), (row, col)
    rl = _cells(rep, "reviews_litigation")
    assert [int(rl[f"review.{r}"]["value"]) for r in ("upheld", "corrected", "other", "pending", "total")] == \
        [25, 3, 8, 0, 36]
    assert rl["litigation_direct.total"]["value"] + rl["litigation_after_review.total"]["value"] == 9
    ad = _cells(rep, "active_disclosure")
    assert ad["licensing.decisions"]["value"] == 2418 and ad["licensing.decisions"]["status"] == "inferred"
    assert ad["rules.in_force"]["value"] == 0
    # 行政规范性文件5845546 fits many splits: no number is published.
    assert {ad[f"normative_documents.{m}"]["status"] for m in ("issued", "repealed", "in_force")} == {"ambiguous"}
    assert ad["normative_documents.issued"]["value"] is None


def test_pingtan_2020_spaced_totals_and_agency_inconsistency():
    """043 prints （七）总计 as '20 0 00 0 121'; only 20|0|0|0|0|1|21 fits.  Its outcome rows add up to
    more than 20 for 自然人: the report's own inconsistency, published as a failed check."""
    rep = extract(ROOT / "reports" / "043_fujian_pingtan_syq_2020.txt")
    app = _cells(rep, "applications")
    assert [int(app[f"total.{c}"]["value"]) for c in ("natural_person", "other_organisation", "total")] == [20, 1, 21]
    assert "outcomes.natural_person" in {c.check_id for c in rep.failed_checks}
