"""Scoring an OCR'd report against the golden values of the report it was derived from.

Uses the golden convention of tests/golden.py (a number = the printed value, null = printed blank).
A cell is
- exact: the golden number published with a value-carrying status (reported, inferred, ocr), or a
  golden blank published as blank;
- flagged: no value published (illegible, missing, …) where the golden has one: a coverage miss, not
  an error;
- wrong: a value published that differs from the golden, or a value where the golden is blank.
A wrong cell is "warned" when a failing identity (勾稽关系) covers it: the reader sees the check fail.
The target is 0 wrong cells that no failing identity covers.
"""
from __future__ import annotations

from golden import expected_cells
from gongkai.schema import registry as R
from gongkai.checks.identities import outcome_rows


def cells_of_check(check_id: str, other_layout: str) -> set[tuple[str, str]]:
    """(table, cell code) of every cell an identity reads."""
    kind, _, arg = check_id.partition(".")
    app = "applications"
    if kind == "balance":
        return {(app, f"{row}.{arg}") for row in ("new_received", "carried_over", "total", "carried_forward")}
    if kind == "outcomes":
        return {(app, f"{row}.{arg}") for row in ("total",) + outcome_rows(other_layout)}
    if kind == "applicants":
        return {(app, f"{arg}.{c.code}") for c in R.APPLICANTS}
    if kind == "review_total":
        return {("reviews_litigation", f"{arg}.{r.code}") for r in R.RL_RESULTS}
    return set()


def score(records: dict, checks: list[dict], golden: dict) -> dict:
    got = {(t, r["code"]): r for t in R.TABLES for r in records[t]}
    want = expected_cells(golden)
    other_layout = "single" if ("applications", "other_total.total") in got else "split"
    failing = set()
    for c in checks:
        if c["result"] == "fail":
            failing |= cells_of_check(c["check_id"], other_layout)
    exact, flagged, wrong, unwarned = 0, [], [], []
    for key, value in sorted(want.items()):
        rec = got.get(key)
        published = rec is not None and rec["value"] is not None and rec["status"] in R.VALUE_STATUSES
        if value is None:
            ok = rec is not None and rec["value"] is None and rec["status"] == "blank"
        else:
            ok = published and rec["value"] == value
        if ok:
            exact += 1
        elif published or (value is None and rec is not None and rec["value"] is not None):
            wrong.append(f"{key}: want {value}, got {rec['value']} ({rec['status']}, raw {rec['raw']!r})")
            if key not in failing:
                unwarned.append(key)
        else:
            flagged.append(f"{key}: want {value}, got {None if rec is None else rec['status']}")
    return {"total": len(want), "exact": exact, "flagged": flagged, "wrong": wrong, "unwarned": unwarned}
