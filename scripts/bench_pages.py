"""Benchmark: time and size of the overview pages (gongkai.pages.overview) and the JSON API for a large corpus.

    .venv/bin/python scripts/bench_pages.py [--agencies 2000] [--years 3]

The sample reports in reports/ are extracted once; copies of them stand for many synthetic agencies
in every province, with several years each (these steps only read records, metadata and checks).
"""
from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from gongkai.pages import overview
from gongkai.pages.api import api_files
from gongkai.pipeline.select import discover
from gongkai.extract import extract
from gongkai.schema.places import LEVELS, PROVINCES


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=2000)
    ap.add_argument("--years", type=int, default=3)
    args = ap.parse_args()
    files, _ = discover(ROOT / "reports")
    sample = [extract(f) for f in files]
    provinces, levels = list(PROVINCES), list(LEVELS)
    reports = []
    for i in range(args.agencies):
        for y in range(args.years):
            rep = copy.copy(sample[(i + y) % len(sample)])
            rep.meta = copy.copy(rep.meta)
            rep.meta.year, rep.meta.agency = 2020 + y, f"机关{i}"
            rep.meta.province, rep.meta.level = provinces[i % len(provinces)], levels[i % len(levels)]
            rep.slug = f"agency-{i:05d}"
            reports.append(rep)
    t0 = time.perf_counter()
    pages = overview.overview_pages(reports, [])
    t1 = time.perf_counter()
    api = api_files(reports)
    t2 = time.perf_counter()
    size = sum(len(t.encode("utf-8")) for t in pages.values())
    biggest = max(pages, key=lambda k: len(pages[k]))
    print(f"{len(reports)} reports: overview pages {t1 - t0:.2f} s ({len(pages)} files, {size / 1e6:.1f} MB, "
          f"largest {biggest} {len(pages[biggest].encode()) / 1e6:.2f} MB); "
          f"API {t2 - t1:.2f} s ({len(api)} files, {sum(map(len, api.values())) / 1e6:.1f} MB, "
          f"index.json {len(api['index.json']) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
