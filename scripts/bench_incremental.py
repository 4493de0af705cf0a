"""The corpus exports written whole, then after a one-report edit (scripts/bench_exports.py --incremental).

Times, at each corpus size, what build.py's combined and exports phases run: write_combined (the combined
CSVs, unchanged reports' ranges copied from the last ones), write_everything_zip and write_corpus_exports (SQLite, Parquet, Excel
CSVs, workbook), first with no previous output (a whole build) and then after one report's package changed
(its sections text and one cell), with the state the build keeps in build/cache.  Also the two costs the
in-place database update chose between: copying the database (copy on write) and a VACUUM of it.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gongkai import paths as P
from gongkai.pipeline.incremental import folder_digest
from gongkai.files import commit_temp
from gongkai.package.combined import write_combined
from gongkai.package.everything_zip import write_everything_zip
from gongkai.package.corpus import write_corpus_exports
from gongkai.package.fulltext import prepare
from gongkai.pipeline.build import build
from gongkai.schema.places import PROVINCES

ROOT = Path(__file__).resolve().parent.parent


def _keys(out: Path, ids: list[str]) -> dict[str, str]:
    """report_id -> its package's digest, as the build keys the report (incremental.folder_digest)."""
    return {rid: folder_digest(out / P.report_dir_of(rid)) for rid in ids}


def _clone(src: Path, base: list[str], n: int, out: Path) -> list[str]:
    """n packages: the built ones, then copies under new agency slugs (slug-c<k>) with every mention replaced."""
    provinces = sorted(PROVINCES)
    ids = []
    k = 0
    while len(ids) < n:
        for rid in base:
            if len(ids) >= n:
                break
            slug, year = rid.rsplit("/", 1)
            new_slug = slug if k == 0 else f"{slug}-c{k}"
            dest = out / P.report_dir(new_slug, year)
            dest.mkdir(parents=True, exist_ok=True)
            for f in (src / P.report_dir_of(rid)).iterdir():
                (dest / f.name).write_bytes(f.read_bytes().replace(slug.encode(), new_slug.encode()))
            # Each copy in another province (synth.py's provinces are made up): the Parquet partitions then
            # hold about as many reports each as at 10,000 real reports in ~31 provinces and a few years.
            meta = json.loads((dest / "metadata.json").read_bytes())
            for rec in meta:
                rec["province"] = provinces[k % len(provinces)]
            (dest / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            ids.append(f"{new_slug}/{year}")
        k += 1
    return sorted(ids)


def _edit(out: Path, rid: str) -> None:
    sections = json.loads((out / P.report_dir_of(rid) / "sections.json").read_bytes())
    sections[0]["text"] = (sections[0].get("text") or "") + "（更正：本段有改动）"
    (out / P.report_dir_of(rid) / "sections.json").write_text(json.dumps(sections, ensure_ascii=False), encoding="utf-8")
    apps = json.loads((out / P.report_dir_of(rid) / "applications.json").read_bytes())
    row = next(r for r in apps if isinstance(r.get("value"), int))
    row["value"] += 1
    (out / P.report_dir_of(rid) / "applications.json").write_text(json.dumps(apps, ensure_ascii=False), encoding="utf-8")


def _phase(out: Path, ids: list[str], dl: Path, cache: Path) -> dict[str, float]:
    keys = _keys(out, ids)
    for rid in ids:  # the per-report workers segment the sections for the full-text index before this phase
        prepare(cache / "words", (out / P.report_dir_of(rid) / "sections.json").read_bytes())
    t = {}
    t0 = time.perf_counter()
    hashes, _ = write_combined(ids, [], out, keys=keys, state=cache / "combined-csv.state")
    t["combined"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_everything_zip(out, ids, dl / P.EVERYTHING_ZIP, keys={**hashes, **keys}, state=cache / "zip.json")
    t["zip"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_corpus_exports(out, ids, dl, commit_temp, cache / "words", keys=keys, state=cache / "corpus.json")
    t["corpus"] = time.perf_counter() - t0
    return t


def incremental(sizes: list[int], synth: int, profile: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "synth.py"), str(tmp / "src" / "reports"),
                        "--count", str(synth), "--formats", "txt"], check=True, stdout=subprocess.DEVNULL)
        (tmp / "src" / "docs").mkdir()
        result = build(tmp / "src", log=lambda *_: None)
        src = tmp / "src" / P.PACKAGES_DIR
        base = sorted(r.report_id for r in result.reports)
        print(f"{len(base)} synthetic reports built, cloned to each size\n")
        print("| reports | step | whole (s) | after a one-report edit (s) |\n|---:|---|---:|---:|")
        for n in sizes:
            work = tmp / f"n{n}"
            out, dl, cache = work / "dp", work / "dl", work / "cache"
            ids = _clone(src, base, n, out)
            dl.mkdir(parents=True)
            whole = _phase(out, ids, dl, cache)
            _edit(out, ids[len(ids) // 2])
            after = _phase(out, ids, dl, cache)
            for step in whole:
                print(f"| {n:,} | {step} | {whole[step]:.2f} | {after[step]:.2f} |")
            print(f"| {n:,} | **exports phase** | {sum(whole.values()):.2f} | {sum(after.values()):.2f} |")
            db = dl / P.CORPUS_SQLITE
            t0 = time.perf_counter()
            shutil.copyfile(db, work / "copy.sqlite")
            copy_s = time.perf_counter() - t0
            import sqlite3

            con = sqlite3.connect(work / "copy.sqlite")
            t0 = time.perf_counter()
            con.execute("VACUUM")
            vacuum_s = time.perf_counter() - t0
            con.close()
            parts = list((dl / P.PARQUET_DIR).rglob("*.parquet"))
            print(f"| {n:,} | (database {db.stat().st_size / 1e6:.0f} MB: copy {copy_s:.2f} s, VACUUM {vacuum_s:.2f} s; "
                  f"zip {(dl / P.EVERYTHING_ZIP).stat().st_size / 1e6:.0f} MB; {len(parts)} Parquet files, "
                  f"{sum(p.stat().st_size for p in parts) / 1e6:.1f} MB) | | |")
            shutil.rmtree(work)
