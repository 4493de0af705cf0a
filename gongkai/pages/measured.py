"""Each report's measures, computed once while the pages over many reports are rendered.

The overview pages pool the same reports many times over: the home page, every year and region page, the
tables by year, region and level on each, their charts, the ranking tables, 报告总表, the agency pages and
the API index.  Computed afresh each time, the pooled sums re-read every report's input cells some 800 times
at 1,000 reports and were more than half of the pages phase.  Inside `scope()` a report's numerator and
denominator of every measure (measures.parts) and its measures (measures.compute_cells) are computed the
first time they are asked for and kept until the scope ends; outside a scope nothing is kept.  The entries
are keyed by the report object's id and hold the object, so an id is never mistaken for another's.
"""
from __future__ import annotations

from contextlib import contextmanager

from gongkai import index as I
from gongkai.schema import measures as M

_MEMO: dict[int, tuple] | None = None
# (measure code, the ids of the reports pooled) -> Pooled.  The same reports are pooled again and again (a
# figure, then its coverage, then its parts; the home page's cards and its totals row; the charts).  Every
# report pooled in a scope is held in _MEMO, so while the scope lasts an id names one report.
_POOLS: dict[tuple, M.Pooled] = {}


@contextmanager
def scope():
    """Keep each report's parts and measures until the outermost scope ends (scopes nest)."""
    global _MEMO
    outer = _MEMO is not None
    if not outer:
        _MEMO = {}
    try:
        yield
    finally:
        if not outer:
            _MEMO = None
            _POOLS.clear()


def _entry(rep) -> tuple | None:
    if _MEMO is None:
        return None
    hit = _MEMO.get(id(rep))
    if hit is None or hit[0] is not rep:
        cells = I.cells(rep)
        parts = {m.code: M.parts(m, cells) for m in M.MEASURES}
        hit = _MEMO[id(rep)] = (rep, parts, M.measures_of_parts(parts))
    return hit


def parts_of(rep, code: str) -> tuple:
    """measures.parts of one measure of one report: (numerator, denominator)."""
    entry = _entry(rep)
    return entry[1][code] if entry else M.parts(M.BY_CODE[code], I.cells(rep))


def values_of(rep) -> dict:
    """measures.compute_cells of one report (shared inside a scope: not to be changed by the caller)."""
    entry = _entry(rep)
    return entry[2] if entry else M.compute_cells(I.cells(rep))


def pool(code: str, reports) -> M.Pooled:
    """measures.pooled_cells of one measure over `reports`, from their kept parts."""
    if _MEMO is None:
        return M.pooled_parts(M.BY_CODE[code], [parts_of(r, code) for r in reports])
    key = (code, tuple(map(id, reports)))
    hit = _POOLS.get(key)
    if hit is None:
        hit = _POOLS[key] = M.pooled_parts(M.BY_CODE[code], [_entry(r)[1][code] for r in reports])
    return hit
