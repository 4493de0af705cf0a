"""What each download format adds to `make site`: time and bytes, on the reports in reports/.

    .venv/bin/python scripts/bench_exports.py [--repeat 3]

Builds the project once in a temporary copy (so extraction is done and cached), then times each
export on the built reports, best of --repeat runs, and prints one Markdown table.

    .venv/bin/python scripts/bench_exports.py --incremental 1000,5000 [--synth 60]

The corpus exports (combined package, everything-zip, SQLite, Parquet, Excel CSVs) written whole and then
after a one-report edit, at each corpus size (issue 17): scripts/synth.py writes --synth reports, the
build makes their packages, and the packages are cloned under new agency slugs up to each size (a full
build of 5,000 reports would take the benchmark past minutes; the exports read only the packages).
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from gongkai.package import exports as E
from gongkai.schema import registry as R
from gongkai.pipeline.build import build
from gongkai.files import zip_bytes
from gongkai.package.datapackage import report_package, source_entry
from gongkai.package.reference import combined_package
from gongkai.package.fulltext import section_words


def best(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def size(files: dict[str, bytes] | bytes) -> int:
    return len(files) if isinstance(files, bytes) else sum(len(v) for v in files.values())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--incremental", help="corpus sizes, comma-separated: time the exports whole and after one edit")
    ap.add_argument("--synth", type=int, default=60, help="synthetic reports built, then cloned (--incremental)")
    args = ap.parse_args()
    if args.incremental:
        from bench_incremental import incremental

        incremental([int(n) for n in args.incremental.split(",")], args.synth)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "reports", root / "reports")
        (root / "docs").mkdir()
        t = time.perf_counter()
        result = build(root, log=lambda *_: None)
        whole = time.perf_counter() - t
    reports = result.reports
    packages = {r.report_id: report_package(r) for r in reports}
    titles = {rid: json.loads(f["datapackage.json"])["title"] for rid, f in packages.items()}
    records = {n: [rec for r in reports for rec in r.records[n]] for n in R.RESOURCE_ORDER}
    combined = combined_package(reports)
    everything = dict(combined)
    for rid, files in packages.items():
        everything.update({f"reports/{rid}/{rel}": data for rel, data in files.items()})

    rows = [
        ("Excel CSV, per report (all tables)", lambda: {r.report_id: {n: E.excel_csv(n, r.records[n])
                                                                      for n in R.RESOURCE_ORDER} for r in reports}),
        ("XLSX, per report", lambda: {r.report_id: E.xlsx_bytes(titles[r.report_id], [source_entry(r)], r.records)
                                      for r in reports}),
        ("SQLite, corpus", lambda: E.sqlite_bytes(records)),
        ("Parquet, corpus (all tables)", lambda: {n: E.parquet_bytes(n, E.corpus_tables(records)[n])
                                                  for n in E.PARQUET_TABLES}),
        ("full-text words of the sections (jieba), per report", lambda: {
            r.report_id: json.dumps(section_words(r.records["sections"])).encode() for r in reports}),
        ("zip of the combined package only (before)", lambda: zip_bytes(combined, "gongkai-all")),
        ("zip of everything (now)", lambda: zip_bytes(everything, "gongkai-all")),
    ]
    print(f"{len(reports)} reports; whole build (extract + packages + validate + exports + pages) "
          f"{whole:.2f} s, of which exports {result.timings.get('exports', 0):.2f} s\n")
    print("| export | time (best of %d) | per report | bytes |\n|---|---:|---:|---:|" % args.repeat)
    for name, fn in rows:
        secs, out = best(fn, args.repeat)
        total = sum(size(v) for v in out.values()) if isinstance(out, dict) else size(out)
        print(f"| {name} | {secs * 1000:.0f} ms | {secs * 1000 / max(len(reports), 1):.1f} ms | {total:,} |")


if __name__ == "__main__":
    main()
