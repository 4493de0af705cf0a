"""Property tests (hypothesis) for run-together-digit recovery (gongkai/parse/recover.py).

The recovery oracle below is written independently of recover.py: it enumerates every reading of
every row and keeps the combinations that satisfy the form's identities, checked here from scratch.
"""
from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongkai.parse.recover import choose_applications, split_run


# --- split_run ----------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=120), min_size=1, max_size=7))
def test_split_run_finds_the_printed_numbers_among_its_readings(values):
    run = "".join(map(str, values))
    readings = split_run(run, len(values))
    assume(readings is not None)
    assert tuple(Decimal(v) for v in values) in readings
    for r in readings:
        assert len(r) == len(values)
        assert "".join(str(int(x)) for x in r) == run  # every digit used once, in order, no leading zero


# --- applications recovery ----------------------------------------------------------------------
LEAVES = ("granted", "partial")
ROWS = ("new_received", "carried_over", "granted", "partial", "total", "carried_forward")


@st.composite
def small_tables(draw):
    """A consistent 6-row slice of table 三 with small numbers: rows and columns add up."""
    cols = {code: [] for code in ROWS}
    for _ in range(6):  # the six applicant columns
        g, p = draw(st.integers(0, 12)), draw(st.integers(0, 12))
        fwd = draw(st.integers(0, 5))
        carried = draw(st.integers(0, g + p + fwd))
        for code, v in zip(ROWS, (g + p + fwd - carried, carried, g, p, g + p, fwd)):
            cols[code].append(v)
    return {code: tuple(Decimal(x) for x in vals + [sum(vals)]) for code, vals in cols.items()}


def _row_ok(v):
    return sum(v[:6]) == v[6]


def _table_ok(assign):
    for c in range(7):
        if assign["new_received"][c] + assign["carried_over"][c] != assign["total"][c] + assign["carried_forward"][c]:
            return False
        if sum(assign[leaf][c] for leaf in LEAVES) != assign["total"][c]:
            return False
    return True


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(small_tables())
def test_recovery_is_right_when_it_answers_and_ambiguous_whenever_two_readings_fit(truth):
    runs = {code: "".join(str(int(v)) for v in vals) for code, vals in truth.items()}
    cands = {code: split_run(run, 7) for code, run in runs.items()}
    assume(all(c is not None for c in cands.values()))
    fitting = {code: [c for c in cands[code] if _row_ok(c)] for code in ROWS}
    size = 1
    for code in ROWS:
        size *= len(fitting[code])
    assume(size <= 20_000)
    solutions = [dict(zip(ROWS, combo)) for combo in itertools.product(*(fitting[c] for c in ROWS))
                 if _table_ok(dict(zip(ROWS, combo)))]
    assert truth in solutions

    chosen = choose_applications(cands, LEAVES)
    for code in ROWS:
        readings = {s[code] for s in solutions}
        if chosen[code] is not None:
            assert _row_ok(chosen[code])  # never a split that breaks the row's identity
            assert chosen[code] == truth[code]  # so never a wrong number
        if len(readings) > 1:
            assert chosen[code] is None, f"{code}: {len(readings)} readings fit, yet one was chosen"
        else:
            assert chosen[code] == truth[code]  # one reading fits: it is recovered
    if all(chosen[c] is not None for c in ROWS):
        assert _table_ok(chosen)



@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(small_tables(), st.sampled_from(ROWS), st.integers(0, 6))
def test_cell_by_cell_recovery_never_publishes_a_wrong_cell(truth, lost_row, lost_cell):
    """Every cell choose_cells publishes is the true one, also when one row lost a cell in the text."""
    from gongkai.parse.recover import choose_cells

    runs = {code: "".join(str(int(v)) for v in vals) for code, vals in truth.items()}
    texts = [str(int(v)) for v in truth[lost_row]]
    runs[lost_row] = "".join(texts[:lost_cell] + texts[lost_cell + 1:])
    cands = {code: split_run(run, 7) for code, run in runs.items()}
    assume(all(c is not None for c in cands.values()))
    # A row that lost a cell yet still has a seven-cell reading that keeps its total is read as that
    # reading, unchecked by the columns (as before cell-by-cell recovery); here the lost cell shows.
    assume(not any(_row_ok(c) for c in cands[lost_row]))
    chosen = choose_cells(cands, LEAVES, runs)
    for code, row in chosen.items():
        for k, v in enumerate(row or ()):
            assert v is None or v == truth[code][k], (code, k)
