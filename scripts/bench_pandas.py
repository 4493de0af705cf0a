"""Would pandas make the build's aggregation simpler or faster?  Times both ways, as separate processes.

The overview pages pool the headline measures over groups of reports (by year, by province, by level, by
province and level): counts summed, shares as sum(numerators) / sum(denominators), and a report left out of
a measure when any cell it reads is unknown (measures.pooled_cells).  This script pools TABLE_MEASURES over
those groupings for N synthetic reports (seeded random cells, about 5% unknown), either with the build's
code (`python`) or with a pandas groupby over a reports × cells frame (`pandas`), and prints a digest of the
results, so the two can be checked equal (`--check` runs both in this process and compares).

    farm-bench -n 5 --vs '.venv/bin/python scripts/bench_pandas.py python --reports 10000' \\
        -- .venv/bin/python scripts/bench_pandas.py pandas --reports 10000
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
from decimal import Decimal

from gongkai.pages.overview import TABLE_MEASURES
from gongkai.schema import measures as M

PROVINCES = [f"省{i:02d}" for i in range(31)]
LEVELS = ["province", "province-dept", "city", "city-dept", "county", "county-dept", "township", None]
YEARS = list(range(2017, 2025))
INPUTS = sorted({(c.table, c.code) for m in M.MEASURES for c in m.num + m.den})


def synthetic(n: int, seed: int = 7):
    """(group keys, cell values) per report, as measures.cell_values gives them."""
    rng = random.Random(seed)
    reports = []
    for _ in range(n):
        keys = {"year": rng.choice(YEARS), "province": rng.choice(PROVINCES), "level": rng.choice(LEVELS)}
        cells = {k: (None if rng.random() < 0.05 else Decimal(rng.randint(0, 40))) for k in INPUTS}
        reports.append((keys, cells))
    return reports


GROUPINGS = (("year",), ("province",), ("level",), ("province", "level"))


def python_way(reports) -> dict:
    out = {}
    for grouping in GROUPINGS:
        groups: dict = {}
        for keys, cells in reports:
            groups.setdefault(tuple(keys[g] for g in grouping), []).append(cells)
        for key, cells_list in groups.items():
            for code in TABLE_MEASURES:
                p = M.pooled_cells(M.BY_CODE[code], cells_list)
                out[(grouping, key, code)] = (p.value, p.covered)
    return out


def pandas_way(reports) -> dict:
    import pandas as pd

    wide = pd.DataFrame([[None if cells[k] is None else int(cells[k]) for k in INPUTS] for _, cells in reports],
                        columns=range(len(INPUTS)), dtype="Int64")
    col = {k: i for i, k in enumerate(INPUTS)}
    keys = pd.DataFrame([k for k, _ in reports]).fillna({"level": ""})
    parts = {}
    for code in TABLE_MEASURES:
        m = M.BY_CODE[code]
        num = [col[(c.table, c.code)] for c in m.num]
        den = [col[(c.table, c.code)] for c in m.den]
        known = wide[num + den].notna().all(axis=1)
        parts[code] = (known, wide[num].sum(axis=1).where(known, 0), wide[den].sum(axis=1).where(known, 0))
    out = {}
    for grouping in GROUPINGS:
        for code in TABLE_MEASURES:
            m = M.BY_CODE[code]
            known, num, den = parts[code]
            frame = pd.concat([keys[list(grouping)], known.rename("known"), num.rename("num"), den.rename("den")],
                              axis=1)
            sums = frame.groupby(list(grouping), sort=False, dropna=False).agg(
                covered=("known", "sum"), num=("num", "sum"), den=("den", "sum"))
            for key, row in sums.iterrows():
                key = key if isinstance(key, tuple) else (key,)
                key = tuple(None if k == "" else k for k in key)
                covered = int(row["covered"])
                if not covered:
                    value = None
                elif m.kind == M.COUNT:
                    value = int(row["num"])
                else:
                    value = None if row["den"] == 0 else float(round(Decimal(int(row["num"])) / Decimal(int(row["den"])), 6))
                out[(grouping, key, code)] = (value, covered)
    return out


def digest(result: dict) -> str:
    return hashlib.sha256(repr(sorted(result.items(), key=repr)).encode()).hexdigest()[:16]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("way", choices=("python", "pandas", "check", "none"),
                    help="none: only make the synthetic reports (the cost both ways share)")
    ap.add_argument("--reports", type=int, default=10000)
    args = ap.parse_args()
    reports = synthetic(args.reports)
    if args.way == "check":
        a, b = python_way(reports), pandas_way(reports)
        print("equal" if a == b else "DIFFERENT", len(a), digest(a), digest(b))
        return 0 if a == b else 1
    if args.way == "none":
        print("none", len(reports))
        return 0
    result = python_way(reports) if args.way == "python" else pandas_way(reports)
    print(args.way, len(result), digest(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
