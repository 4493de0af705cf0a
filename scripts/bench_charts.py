"""Benchmark: time and output size of the chart step (site_charts.site_charts) for a large corpus.

    .venv/bin/python scripts/bench_charts.py [--agencies 2000] [--years 3]

The sample reports in reports/ are extracted once, then their records are reused for many synthetic
agencies with several years each (the chart step only reads records, years and names).
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent

from gongkai.pages import site_charts
from gongkai.pipeline.select import discover
from gongkai.extract import extract


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=2000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--memory", action="store_true", help="also measure peak memory (tracemalloc slows the run)")
    args = ap.parse_args()
    files, _ = discover(ROOT / "reports")
    sample = [extract(f) for f in files]
    reports, by_agency = [], {}
    for i in range(args.agencies):
        slug = f"agency-{i:05d}"
        reps = []
        for y in range(args.years):
            src = sample[(i + y) % len(sample)]
            meta = copy.copy(src.meta)
            meta.year, meta.agency = 2020 + y, f"机关{i}"
            reps.append(SimpleNamespace(slug=slug, meta=meta, records=src.records))
        by_agency[slug] = reps
        reports += reps
    pages = {"index.md"} | {f"agencies/{s}.md" for s in by_agency} | {f"years/{2020 + y}.md" for y in range(args.years)}
    if "--memory" in sys.argv:
        tracemalloc.start()
    t0 = time.perf_counter()
    sections, files_out = site_charts.site_charts(reports, by_agency, pages)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    size = sum(len(t.encode("utf-8")) for t in files_out.values())
    snippet = sum(len(t.encode("utf-8")) for t in sections.values())
    memory = f", peak {peak / 1e6:.0f} MB" if "--memory" in sys.argv else ""
    print(f"{len(reports)} reports, {len(by_agency)} agencies: site_charts {elapsed:.2f} s{memory}; "
          f"{len(files_out)} data files, {size / 1e6:.1f} MB; page sections {snippet / 1e6:.1f} MB "
          f"({snippet / max(1, len(sections)) / 1e3:.1f} kB per page)")


if __name__ == "__main__":
    main()
