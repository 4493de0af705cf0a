"""Measure the OCR engines on the derived scans: accuracy against the golden values, time, memory.

    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py          # both engines, every file in tests/fixtures/scans
    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py --engines rapidocr FILE…  # some files, one engine

Each (engine, file) is extracted in a fresh process, so its peak memory (ru_maxrss) is its own and the
engine's model loading is counted once per file, as in the build's per-file child.  Prints a Markdown
table per engine and the totals (the figures in BENCHMARKS.md come from this script).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "tests" / "fixtures" / "scans"
TESTS = ROOT / "tests"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def one(path: Path, engine: str) -> dict:
    """Runs in the child: extract, time it, report records and peak memory as JSON."""
    import resource

    os.environ["GONGKAI_OCR_ENGINE"] = engine
    from gongkai.extract import extract
    from gongkai.readers import ocr_engines

    t0 = time.perf_counter()
    ocr_engines.engine(engine)  # model loading, timed apart
    def cpu() -> float:  # this process and its finished children (tesseract runs as a program)
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    t1, c1 = time.perf_counter(), cpu()
    report = extract(path)
    t2, c2 = time.perf_counter(), cpu()
    from gongkai.schema import registry as R

    records = {t: [{k: (str(v) if k == "value" and v is not None else v) for k, v in r.items()}
                   for r in report.records[t]] for t in R.TABLES}
    return {"load_s": t1 - t0, "extract_s": t2 - t1, "cpu_s": c2 - c1, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pages": report.records["metadata"][0].get("source_format") and _pages(path),
            "agency": report.meta.agency, "year": report.meta.year, "edition": report.edition,
            "status": report.status, "records": records,
            "checks": [{"check_id": c.check_id, "result": c.result} for c in report.checks]}


def _pages(path: Path) -> int:
    """PDF pages, or for an HTML report the pictures read (each counted as a page)."""
    if path.suffix.lower() != ".pdf":
        from gongkai.extract import companion_images

        return max(1, len(companion_images(path)))
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def run(path: Path, engine: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, __file__, "--child", engine, str(path)], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help="also write every result here")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(one(Path(args.child[1]), args.child[0]), ensure_ascii=False))
        return 0
    import yaml
    from decimal import Decimal

    golden_mod = _load("golden")
    scorer = _load("ocr_score")
    files = args.files or sorted(p for p in SCANS.iterdir() if p.suffix in (".pdf", ".html"))  # every variant
    all_results = {}
    for engine in args.engines:
        print(f"\n### {engine}\n")
        print("| file | pages | wall s/page | CPU s/page | load s | peak MB | cells exact | flagged | wrong | "
              "wrong, no failing identity | agency & year |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        tot = {"pages": 0, "s": 0.0, "cpu": 0.0, "exact": 0, "total": 0, "flagged": 0, "wrong": 0, "unwarned": 0, "meta": 0,
               "n": 0, "peak": 0.0}
        for path in files:
            sidecar = yaml.safe_load(Path(f"{path}.yml").read_text(encoding="utf-8"))
            golden = golden_mod.load(golden_mod.GOLDEN_DIR / f"{sidecar['derived_from']}.yml")
            res = run(path, engine)
            all_results[f"{engine}:{path.name}"] = res
            if "error" in res:
                print(f"| {path.name} | | | | | | error: {res['error'][:80]} | | | | |")
                continue
            for recs in res["records"].values():
                for r in recs:
                    r["value"] = None if r["value"] is None else Decimal(r["value"])
            s = scorer.score(res["records"], res["checks"], golden)
            meta_ok = (res["agency"], res["year"]) == (golden["agency"], golden["year"])
            print(f"| {path.name} | {res['pages']} | {res['extract_s'] / res['pages']:.1f} | "
                  f"{res['cpu_s'] / res['pages']:.1f} | {res['load_s']:.1f} | "
                  f"{res['maxrss_mb']:.0f} | {s['exact']}/{s['total']} | {len(s['flagged'])} | {len(s['wrong'])} | "
                  f"{len(s['unwarned'])} | {'yes' if meta_ok else 'NO: ' + str(res['agency']) + ' ' + str(res['year'])} |")
            for w in s["wrong"]:
                print(f"{engine} {path.name} wrong: {w}", file=sys.stderr)
            for w in s["flagged"]:
                print(f"{engine} {path.name} flagged: {w}", file=sys.stderr)
            tot["pages"] += res["pages"]
            tot["s"] += res["extract_s"]
            tot["cpu"] += res["cpu_s"]
            tot["exact"] += s["exact"]
            tot["total"] += s["total"]
            tot["flagged"] += len(s["flagged"])
            tot["wrong"] += len(s["wrong"])
            tot["unwarned"] += len(s["unwarned"])
            tot["meta"] += meta_ok
            tot["n"] += 1
            tot["peak"] = max(tot["peak"], res["maxrss_mb"])
        if tot["n"]:
            print(f"| **all ({tot['n']} files)** | {tot['pages']} | {tot['s'] / tot['pages']:.1f} | "
                  f"{tot['cpu'] / tot['pages']:.1f} | | {tot['peak']:.0f} | "
                  f"{tot['exact']}/{tot['total']} ({100 * tot['exact'] / tot['total']:.1f}%) | {tot['flagged']} | "
                  f"{tot['wrong']} | {tot['unwarned']} | {tot['meta']}/{tot['n']} |")
    if args.json:
        args.json.write_text(json.dumps(all_results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
