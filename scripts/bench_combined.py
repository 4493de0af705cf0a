"""The combined package's CSVs (write_combined) written whole, then after a one-report edit.

    .venv/bin/python scripts/bench_combined.py PACKAGES_DIR [N ...]

PACKAGES_DIR: a built datapackages/ (e.g. after `make build`); its reports are cloned under new agency slugs
up to N (scripts/bench_incremental.py's clones).  Times the whole write (no state), the same build again with
nothing changed, and the build after one report's package changed (a row more in its
applications.csv), with the state build.py keeps.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench_incremental import _clone, _edit, _keys  # scripts/ is on the path when this script is run

from gongkai import paths as P
from gongkai.package.combined import write_combined


def main(src: Path, sizes: list[int]) -> None:
    # Report ids (<slug>/<year>) of the packages in their bucket folders (<bucket>/<slug>/<year>/).
    base = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in src.glob("*/*/*/metadata.json"))
    if not base:
        sys.exit(f"{src}: no built report packages (<bucket>/<slug>/<year>/metadata.json) to clone")
    print("| reports | whole (s) | nothing changed (s) | after a one-report edit (s) | combined CSVs (MB) |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out, state = Path(tmp) / "dp", Path(tmp) / "cache" / "combined-csv.state"
            ids = _clone(src, base, n, out)
            times = []
            for step in ("whole", "same", "edit"):
                if step == "edit":
                    rid = ids[len(ids) // 2]
                    _edit(out, rid)
                    csv = out / P.report_dir_of(rid) / P.resource_csv("applications")
                    csv.write_bytes(csv.read_bytes() + csv.read_bytes().splitlines(keepends=True)[-1])
                keys = _keys(out, ids)  # the package digests the build has from its workers, not timed
                t0 = time.perf_counter()
                write_combined(ids, [], out, keys=keys, state=state)
                times.append(time.perf_counter() - t0)
            size = sum(p.stat().st_size for p in (out / P.COMBINED).glob("*.csv")) / 1e6
            print(f"| {n:,} | {times[0]:.2f} | {times[1]:.2f} | {times[2]:.2f} | {size:.0f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]), [int(a) for a in sys.argv[2:]] or [1000])
