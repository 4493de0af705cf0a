"""Old against new, per report: the XLSX workbook (openpyxl then, gongkai/package/xlsx.py now) and the
validation of one package (Frictionless then, gongkai/package/validate.py now).

    .venv/bin/python scripts/bench_fastio.py [--root BUILT_ROOT] [--limit N] [--old-rev REV]

BUILT_ROOT is a project root whose reports/ were built (e.g. a root made by mkroot and built with
`python -m gongkai build`); without it the sample reports/ are built in a temporary copy.  The old
XLSX writer is gongkai/exports.py at --old-rev (the last commit that wrote XLSX with openpyxl), loaded
from git, so both run in this process on the same records.  Prints one Markdown table.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from gongkai.package import exports as E
from gongkai.pipeline.build import build
from gongkai.package.datapackage import report_package, source_entry
from gongkai.package.validate import validate_files, validate_package, validate_package_frictionless

OLD_REV = "40b0be2"  # main before the fast XLSX writer and validator


def old_exports(rev: str):
    source = subprocess.run(["git", "show", f"{rev}:gongkai/exports.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType("gongkai.exports_old")
    module.__package__ = "gongkai"
    exec(compile(source, f"{rev}:gongkai/exports.py", "exec"), module.__dict__)
    return module


def paired(old_fn, new_fn, items) -> tuple[float, float, list, list]:
    """Old and new on each item in turn, so both see the same load on a shared machine."""
    t_old = t_new = 0.0
    old_out, new_out = [], []
    for item in items:
        t = time.perf_counter()
        old_out.append(old_fn(item))
        t_old += time.perf_counter() - t
        t = time.perf_counter()
        new_out.append(new_fn(item))
        t_new += time.perf_counter() - t
    return t_old, t_new, old_out, new_out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the first N reports")
    ap.add_argument("--old-rev", default=OLD_REV)
    args = ap.parse_args()
    old = old_exports(args.old_rev)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.root
        if root is None:
            root = Path(tmp)
            shutil.copytree(ROOT / "reports", root / "reports")
            (root / "docs").mkdir()
        result = build(root, log=lambda *_: None, force=True)
        reports = result.reports[:args.limit] if args.limit else result.reports
        n = len(reports)
        inputs = [(json.loads(report_package(r)["datapackage.json"])["title"], [source_entry(r)], r.records)
                  for r in reports]
        t_old, t_new, old_books, new_books = paired(lambda a: old.xlsx_bytes(*a), lambda a: E.xlsx_bytes(*a), inputs)
        dirs = [root / "datapackages" / r.report_id for r in reports]
        files = {d: report_package(r) for d, r in zip(dirs, reports)}
        t_fr, t_fast, slow, fast = paired(validate_package_frictionless, validate_package, dirs)
        _, t_mem, _, mem = paired(lambda d: [], lambda d: validate_files(files[d]), dirs)
        assert not any(slow) and not any(fast) and not any(mem), "a package is invalid"
    rows = [("XLSX workbook: openpyxl (before)", t_old, sum(map(len, old_books))),
            ("XLSX workbook: gongkai/package/xlsx.py (now)", t_new, sum(map(len, new_books))),
            ("validation: Frictionless + registry rules (before)", t_fr, None),
            ("validation: fast validator, files read from disk (now)", t_fast, None),
            ("validation: fast validator, files in memory (`validate_files`)", t_mem, None)]
    print(f"{n} reports, one process, old and new alternating report by report\n")
    print("| step | total | per report | bytes |\n|---|---:|---:|---:|")
    for name, secs, size in rows:
        print(f"| {name} | {secs:.2f} s | {secs * 1000 / max(n, 1):.2f} ms | {'' if size is None else f'{size:,}'} |")
    print(f"\nratio old/new: XLSX {t_old / t_new:.1f}×, validation {t_fr / t_fast:.1f}× "
          f"(in memory {t_fr / t_mem:.1f}×)")


if __name__ == "__main__":
    main()
