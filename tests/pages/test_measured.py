"""gongkai/pages/measured.py: inside a scope each report's measures are computed once and pool to exactly what
measures.pooled_cells gives; outside a scope nothing is kept."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from gongkai import index as I
from gongkai.pages import measured
from gongkai.schema import measures as M


def _rep(cells: dict):
    """A report whose measure inputs are `cells` (applications code -> value), every other input unknown."""
    return SimpleNamespace(cells=M.CellVector(cells.get(c) if t == "applications" else None for t, c in M.CELLS))


def _reports():
    first = _rep({"new_received.total": 14, "granted.total": 9, "partial.total": 0, "total.total": 14})
    second = _rep({"new_received.total": 6, "granted.total": Decimal("2.5"), "partial.total": 1, "total.total": 0})
    return [first, second, _rep({})]


def test_pooled_from_the_kept_parts_is_what_the_measures_pool(monkeypatch):
    monkeypatch.setattr(I, "cells", lambda rep: rep.cells)
    reps = _reports()
    with measured.scope():
        for m in M.MEASURES:
            assert measured.pool(m.code, reps) == M.pooled_cells(m, [r.cells for r in reps]), m.code
        assert measured.pool("received", reps).value == 20 and measured.pool("received", reps).excluded == 1
        assert measured.pool("share_disclosed", reps).num == Decimal("12.5")
        for rep in reps:
            assert measured.values_of(rep) == M.compute_cells(rep.cells)
    assert measured.pool("received", reps) == M.pooled_cells(M.BY_CODE["received"], [r.cells for r in reps])


def test_a_report_is_read_once_in_a_scope_and_nothing_is_kept_after_it(monkeypatch):
    reads = []
    monkeypatch.setattr(I, "cells", lambda rep: reads.append(rep) or rep.cells)
    rep = _reports()[0]
    with measured.scope():
        with measured.scope():  # nested: the outer scope keeps what the inner one computed
            measured.pool("received", [rep])
        measured.values_of(rep)
        measured.pool("share_disclosed", [rep])
    assert reads == [rep]
    assert measured._MEMO is None
    measured.values_of(rep)
    assert reads == [rep, rep]  # outside a scope: read again
