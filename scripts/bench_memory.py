"""Build-process memory (issue 17): peak RSS of a cold `gongkai build` at several corpus sizes, and the bytes the
build keeps per report (its index, gongkai/index.py).

    python scripts/bench_memory.py [--sizes 1000,5000] [--work build/bench-memory] [--formats txt:50,html:50]

For each N a scratch root is made as scripts/bench.py makes one (static inputs, the first N synthetic reports
of scripts/synth.py linked in, a frozen copy of gongkai/), then `python -m gongkai build --root .` runs cold
under GNU time (`/usr/bin/time -v`).  Recorded: GNU time's maximum resident set size (the largest process of
the tree), the build process's own peak (ru_maxrss of RUSAGE_SELF, printed by the build), and the wall time.
The index bytes are measured with tracemalloc: every cached extraction of the root is loaded and indexed as
the build does (slim.slim_on_arrival), and the bytes still allocated after the full reports are dropped,
divided by the number of reports.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import bench  # noqa: E402 (scripts/ is the script's own folder)
import synth  # noqa: E402


def scratch_root(n: int, work: Path, corpus: Path) -> Path:
    root = work / f"n{n}"
    if root.exists():
        shutil.rmtree(root)
    (root / "reports").mkdir(parents=True)
    bench.static_inputs(root)
    shutil.copytree(ROOT / "gongkai", root / "gongkai", ignore=shutil.ignore_patterns("__pycache__"))
    for p in sorted(corpus.iterdir())[: 2 * n]:  # each report and its sidecar
        os.link(p, root / "reports" / p.name)
    return root


def cold_build(root: Path, log: Path) -> dict:
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "gongkai", "build", "--root", "."], cwd=root,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    log.write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr[-20000:], encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"build in {root} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    tree = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    own = re.search(r"peak memory: build process (\d+) MB, largest subprocess (\d+) MB", proc.stdout)
    line = next((ln for ln in proc.stdout.splitlines() if "report(s) published" in ln), "")
    return {"wall_s": round(wall, 1), "time_v_max_rss_mb": round(int(tree.group(1)) / 1024) if tree else None,
            "build_process_mb": int(own.group(1)) if own else None,
            "largest_subprocess_mb": int(own.group(2)) if own else None, "summary": line}


def index_bytes(root: Path) -> dict:
    """Mean bytes per report of the indexes of every cached extraction in the root (tracemalloc)."""
    from gongkai.pipeline.slim import slim_on_arrival  # the worktree's code: the root holds a copy of it

    entries = sorted((root / "build" / "cache" / "extract").glob("*/*.pickle"))
    raw = [e.read_bytes() for e in entries]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = []
    for entry, data in zip(entries, raw):
        outcome = pickle.loads(data)
        if outcome.report is None:
            continue
        outcome.report.source = root / "reports" / outcome.name
        index = slim_on_arrival(outcome.report, entry.stem)
        index.summary_line = ""  # the build drops it once logged
        kept.append(index)
        del outcome
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"reports": len(kept), "index_bytes_per_report": round((after - before - sys.getsizeof(kept)) / len(kept))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench-memory")
    ap.add_argument("--corpus", type=Path, help="synthetic reports to use (default: WORK/corpus, made if missing)")
    ap.add_argument("--formats", default="txt:50,html:50")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or args.work / "corpus"
    have = len(list(corpus.glob("*.yml"))) if corpus.exists() else 0
    if have < sizes[-1]:
        formats, weights = zip(*((f.split(":")[0], float(f.split(":")[1])) for f in args.formats.split(",")))
        synth.write_corpus(corpus, sizes[-1], list(formats), list(weights), log=lambda m: print(m, flush=True))
    results = []
    for n in sizes:
        root = scratch_root(n, args.work, corpus)
        res = {"n": n, **cold_build(root, args.work / f"n{n}.log")}
        if n == sizes[0]:
            res.update(index_bytes(root))
        print(json.dumps(res, ensure_ascii=False), flush=True)
        results.append(res)
    (args.work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
