"""`make bench`: build synthetic corpora of several sizes and measure them against default MkDocs Material.

    python scripts/bench.py [--sizes 100,1000,5000,10000] [--work build/bench] [--out BENCHMARKS.md]

For each size N it generates N synthetic reports (scripts/synth.py: text, HTML and PDF families), then
  1. a cold `python -m gongkai site` (extraction with all cores, packages, validation, pages, MkDocs);
  2. a no-op rebuild (the same command again: everything comes from the cache, MkDocs is skipped);
  3. one report edited: the rebuild re-extracts it alone;
  4. extraction alone with JOBS=1 and with all cores (no cache), for the parallel speed-up;
  5. the baseline: default Material (every page in the nav, the lunr index) on the same Markdown pages,
and records wall time, peak RSS (of the whole process tree, from getrusage of the children), site size,
report page size and the bytes a visitor downloads for the first search.  Results go to a JSON file per
size under the work directory and to the table in BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import synth

PY = sys.executable
JOBS1_MAX = 1000  # extraction timed again with JOBS=1 up to this size (it doubles the extraction)


def run(cmd, cwd=None, env=None, log=None) -> dict:
    """Run a command; wall time and the peak RSS of the largest process in its tree (GNU time's %M)."""
    timer = ["/usr/bin/time", "-f", "BENCH_MAXRSS_KB=%M"] if Path("/usr/bin/time").exists() else []
    t = time.perf_counter()
    proc = subprocess.run(timer + [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    wall = time.perf_counter() - t
    if log:
        Path(log).write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr[-20000:], encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    m = re.search(r"BENCH_MAXRSS_KB=(\d+)", proc.stderr)
    peak = int(m.group(1)) if m else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(peak / 1024, 1), "stdout": proc.stdout}


def static_inputs(dest: Path) -> None:
    """mkdocs.yml, the theme overrides and docs/ without what `gongkai build` generates (vendored assets made
    by `make` included)."""
    from gongkai.paths import GENERATED_DIRS

    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "hooks", dest / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    if (ROOT / "overrides").is_dir():
        shutil.copytree(ROOT / "overrides", dest / "overrides", dirs_exist_ok=True)
    generated = set(GENERATED_DIRS) | {"downloads"}
    tracked = set(subprocess.run(["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split())
    for path in sorted((ROOT / "docs").rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(ROOT / "docs").parts
        if not path.is_file() or parts[0] in generated:
            continue
        # A top-level page that is not tracked is a generated one (index.md, agencies.md, …).
        if len(parts) == 1 and rel not in tracked:
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest / rel)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def site_stats(site: Path) -> dict:
    pages = sorted((site / "reports").rglob("index.html"))
    sizes = [p.stat().st_size for p in pages]
    out = {"site_mb": round(du(site) / 1e6, 1), "report_pages": len(pages),
           "report_page_kb_mean": round(sum(sizes) / len(sizes) / 1024, 1) if sizes else None,
           "report_page_kb_max": round(max(sizes) / 1024, 1) if sizes else None}
    index = site / "search" / "search_index.json"
    if index.exists():
        worker = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        # lunr: the first query downloads the whole index plus the search worker.
        out["search_first_query_kb"] = round((index.stat().st_size + sum(w.stat().st_size for w in worker)) / 1024)
        out["search_index_kb"] = round(index.stat().st_size / 1024)
    pf = site / "pagefind"
    if pf.exists():
        import search_probe

        bound = search_probe.first_search_bound(pf)
        # Replaced by the bytes measured in Chromium when the browser run succeeds (bench_size).
        out.update({"pagefind_index_files": bound["index_chunks"], "pagefind_total_kb": round(du(pf) / 1024),
                    "search_first_query_kb": round(bound["bytes"] / 1024),
                    "search_first_query_bound_kb": round(bound["bytes"] / 1024)})
    return out


def baseline_root(src: Path, dest: Path) -> None:
    """The same Markdown pages under default Material: no nav (every page listed), lunr search."""
    if dest.exists():
        shutil.rmtree(dest)
    # The download files are not pages: copying tens of thousands of them would slow the baseline for a
    # reason that has nothing to do with Material, so the baseline gets the pages and their assets only.
    shutil.copytree(src / "docs", dest / "docs", ignore=lambda d, names: ["downloads"] if Path(d) == src / "docs" else [])
    (dest / "mkdocs.yml").write_text(
        "site_name: baseline\nuse_directory_urls: true\ntheme:\n  name: material\n  language: zh\n"
        "  features:\n    - navigation.sections\nplugins:\n  - search:\n      lang: zh\n"
        "markdown_extensions:\n  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n", encoding="utf-8")


def edit_one(reports: Path) -> str:
    target = sorted(reports.glob("*.txt"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("推进政务公开", "深入推进政务公开", 1), encoding="utf-8")
    return target.name


def parse_build_line(stdout: str) -> dict:
    """The counts and the phase timings `gongkai build` prints on its summary line."""
    line = next((ln for ln in stdout.splitlines() if "report(s) published" in ln), "")
    out = {}
    for key in ("extracted", "written"):
        m = re.search(rf"(\d+) file\(s\) {key}", line)
        if m:
            out[key] = int(m.group(1))
    for name, secs in re.findall(r"(\w+) ([\d.]+)s\b", line):
        out[f"{name}_s"] = float(secs)
    return out


def parse_site_lines(stdout: str) -> dict:
    """The site step's log lines (gongkai/site.py): shards rendered, their summed seconds and peaks, the
    assembly; and the build's own peak memory line (gongkai/cli.py)."""
    out = {}
    m = re.search(r"pages: (\d+) shard\(s\) rendered in ([\d.]+)s wall; summed over shards MkDocs ([\d.]+)s, "
                  r"Pagefind ([\d.]+)s; peak memory MkDocs (\d+) MB, Pagefind (\d+) MB", stdout)
    if m:
        out.update(shards_rendered=int(m.group(1)), site_wall_s=float(m.group(2)), mkdocs_s=float(m.group(3)),
                   pagefind_s=float(m.group(4)), rss_mkdocs_mb=int(m.group(5)), rss_pagefind_mb=int(m.group(6)))
    # "site: N part(s) of the site brought up to date …" after an edit, "site: every part made …" otherwise;
    # "site: N files assembled …" before the site's state was kept in parts.
    m = re.search(r"site: (?:(\d+) files assembled|(\d+) part\(s\) of the site brought up to date|every part made) "
                  r"from (\d+) shard\(s\) in ([\d.]+)s(?: \((\d+) linked, (\d+) removed\))?", stdout)
    if m:
        out.update(shards=int(m.group(3)), assemble_s=float(m.group(4)))
        if m.group(1):
            out["site_files"] = int(m.group(1))
        if m.group(2):
            out["site_parts"] = int(m.group(2))
        if m.group(5):
            out.update(linked=int(m.group(5)), removed=int(m.group(6)))
    m = re.search(r"; (\d+) changed page\(s\) rendered alone", stdout)
    out["pages_alone"] = int(m.group(1)) if m else 0
    m = re.search(r"peak memory: build process (\d+) MB, largest subprocess (\d+) MB", stdout)
    if m:
        out["rss_build_mb"], out["rss_child_mb"] = int(m.group(1)), int(m.group(2))
    return out


def shard_runs(root: Path) -> list[dict]:
    """Each shard run of the last site build: its name and, per step, seconds and peak memory."""
    path = root / "build" / "shards" / "shards.json"
    if not path.exists():
        return []
    return [{"name": r["name"], **{f"{step}_{k}": v[k] for step, v in r["steps"].items()
                                   for k in ("seconds", "max_rss_mb")}} for r in json.loads(path.read_text())]


def site_files(site: Path, n: int) -> dict:
    """Files and folders of the built site: the count per 1,000 reports and the largest folder."""
    files, largest = 0, ("", 0)
    for dirpath, dirnames, filenames in os.walk(site):
        files += len(filenames)
        if len(dirnames) + len(filenames) > largest[1]:
            largest = (os.path.relpath(dirpath, site), len(dirnames) + len(filenames))
    return {"files": files, "files_per_1000": round(files / n * 1000), "largest_dir": largest[0],
            "largest_dir_entries": largest[1], "manifest": (site / "MANIFEST.tsv").exists()}


def edit_one_run(root: Path, work: Path, n: int, log) -> dict:
    """Edit one report and rebuild: only it is re-extracted."""
    # os.link shares the inode with the corpus: break the link before editing.
    name = sorted((root / "reports").glob("*.txt"))[0]
    data = name.read_bytes()
    name.unlink()
    name.write_bytes(data)
    edited = edit_one(root / "reports")
    one = run([PY, "-m", "gongkai", "site", "--root", "."], cwd=root, log=work / f"n{n}-edit.log")
    res = {"file": edited, "wall_s": one["wall_s"], **parse_build_line(one["stdout"]),
           **parse_site_lines(one["stdout"]), "shard_runs": shard_runs(root)}
    log(f"[{n}] one edited {res}")
    return res


def compile_code(root: Path) -> None:
    """Bytecode for the frozen code and the MkDocs hook, as an installed copy has it.  With
    PYTHONDONTWRITEBYTECODE set (this machine sets it) every process would otherwise compile ~110 modules from
    source: 0.3 CPU-s of each build process, and more in each shard's MkDocs."""
    subprocess.run([PY, "-m", "compileall", "-q", str(root / "gongkai"), str(root / "hooks")], check=True)


def bench_size(n: int, work: Path, corpus: Path, baseline: bool, log=print, edit_max: int = 5000,
               reuse_extraction: str = "") -> dict:
    root = work / f"n{n}"
    if root.exists():
        shutil.rmtree(root)
    (root / "reports").mkdir(parents=True)
    static_inputs(root)
    # The code is frozen into the run's root, so edits to the worktree during a long run change nothing.
    shutil.copytree(ROOT / "gongkai", root / "gongkai", ignore=shutil.ignore_patterns("__pycache__"))
    compile_code(root)
    for p in sorted(corpus.iterdir())[: 2 * n]:  # each report and its sidecar
        os.link(p, root / "reports" / p.name)
    seed = work / "extract-cache"
    if reuse_extraction == "use" and seed.is_dir():
        # The smaller sizes' reports come from their runs' extraction cache: the build of this size then
        # extracts only the reports the smaller runs did not have (the table says how many).
        shutil.copytree(seed, root / "build" / "cache" / "extract", copy_function=os.link)
    res = {"n": n, "extraction_seeded": reuse_extraction == "use" and (root / "build" / "cache" / "extract").is_dir()}
    log(f"[{n}] cold build")
    cold = run([PY, "-m", "gongkai", "site", "--root", "."], cwd=root, log=work / f"n{n}-cold.log")
    res["cold"] = {**{k: cold[k] for k in ("wall_s", "peak_rss_mb")}, **parse_build_line(cold["stdout"])}
    res["site"] = site_stats(root / "site")
    res["cold"].update(parse_site_lines(cold["stdout"]))
    res["cold"]["shard_runs"] = shard_runs(root)
    res["site"].update(site_files(root / "site", n))
    pf = pagefind_eval(root / "site", work)
    if pf:
        res["pagefind"] = {k: pf[k] for k in ("pages", "index_kb", "index_wall_s")}
        # "first search, ours": the most any of the queries fetched on the 搜索 page, measured in Chromium.
        res["site"]["search_first_query_kb"] = round(max(v["bytes"] for v in pf["queries"].values()) / 1024)
    log(f"[{n}] cold {res['cold']}")
    noop = run([PY, "-m", "gongkai", "site", "--root", "."], cwd=root, log=work / f"n{n}-noop.log")
    res["noop"] = {"wall_s": noop["wall_s"], **parse_build_line(noop["stdout"]),
                   "mkdocs_skipped": "MkDocs skipped" in noop["stdout"]}
    log(f"[{n}] no-op {res['noop']}")
    if n > edit_max:
        res["edit_one"] = {}
        log(f"[{n}] one-report edit not measured above {edit_max:,} reports (it re-renders every page)")
    else:
        res["edit_one"] = edit_one_run(root, work, n, log)
    if n <= JOBS1_MAX:
        for jobs in ("1", str(len(os.sched_getaffinity(0)))):
            shutil.rmtree(root / "build" / "cache", ignore_errors=True)
            r = run([PY, "-m", "gongkai", "build", "--root", "."], cwd=root, env={"JOBS": jobs})
            res[f"extract_jobs{jobs}_s"] = parse_build_line(r["stdout"]).get("extract_s")
        log(f"[{n}] extract JOBS=1 {res['extract_jobs1_s']}s, all cores {res.get(f'extract_jobs{jobs}_s')}s")
    if baseline:
        broot = work / f"n{n}-baseline"
        baseline_root(root, broot)
        log(f"[{n}] baseline Material")
        b = run([PY, "-m", "mkdocs", "build", "--quiet"], cwd=broot, log=work / f"n{n}-baseline.log")
        res["baseline"] = {"wall_s": b["wall_s"], "peak_rss_mb": b["peak_rss_mb"], **site_stats(broot / "site")}
        shutil.rmtree(broot)
        log(f"[{n}] baseline {res['baseline']}")
    (work / f"n{n}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    if reuse_extraction:  # "keep" or "use": the next size may start from this one's cache
        shutil.rmtree(seed, ignore_errors=True)
        shutil.move(str(root / "build" / "cache" / "extract"), str(seed))
    shutil.rmtree(root)  # the numbers are recorded; at 10,000 reports a root holds gigabytes
    return res


def machine() -> dict:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return {"cores": len(os.sched_getaffinity(0)), "ram_gb": round(mem, 1), "cpu": model or platform.processor(),
            "python": platform.python_version()}


def pdf_timing(paths: list[Path]) -> dict:
    """Milliseconds per PDF page: pypdfium2 text, pdfplumber text, pdfplumber tables, and our whole reader."""
    import logging

    import pdfplumber
    import pypdfium2

    from gongkai.readers import pdf as pdf_reader

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    totals = {"pages": 0, "pypdfium2_text": 0.0, "pdfplumber_text": 0.0, "pdfplumber_tables": 0.0, "reader": 0.0}
    for path in paths:
        t = time.perf_counter()
        doc = pypdfium2.PdfDocument(str(path))
        pages = len(doc)
        for i in range(pages):
            doc[i].get_textpage().get_text_range()
        doc.close()
        totals["pypdfium2_text"] += time.perf_counter() - t
        for key, op in (("pdfplumber_text", "extract_text"), ("pdfplumber_tables", "extract_tables")):
            t = time.perf_counter()
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    getattr(page, op)()
            totals[key] += time.perf_counter() - t
        t = time.perf_counter()
        pdf_reader.read(path)
        totals["reader"] += time.perf_counter() - t
        totals["pages"] += pages
    n = max(totals["pages"], 1)
    out = {"files": len(paths), "pages": totals["pages"]}
    out.update({f"{k}_ms_per_page": round(v / n * 1000, 1) for k, v in totals.items() if k != "pages"})
    out["reader_vs_tables"] = round(totals["reader"] / totals["pdfplumber_tables"], 2) if totals["pages"] else None
    return out


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


MARKER = "<!-- hand-written analysis below: kept when the tables above are regenerated -->"


def _f(v, fmt="{:,.1f}"):
    return "–" if v is None else fmt.format(v)


def pagefind_eval(site: Path, work: Path, queries=("司法", "司法局", "教育", "信息公开申请")) -> dict | None:
    """Measure first searches on a built site in Chromium (scripts/search_probe.py: our 搜索 page with ?q=);
    None without Chromium.  `make site` writes the index; a site built without it is indexed here first."""
    import search_probe

    if not shutil.which("chromium"):
        return None
    wall = None
    if not (site / "pagefind" / "pagefind-entry.json").exists():
        wall = run([PY, "-m", "pagefind_bin_extended", "--site", str(site), "--output-subdir", "pagefind"])["wall_s"]
    listing = site / "pagefind" / "shards.json"
    bundles = [site / "pagefind"] + [site / "pagefind" / s for s in
                                     (json.loads(listing.read_text())["shards"] if listing.exists() else [])]
    entries = [json.loads((b / "pagefind-entry.json").read_text()) for b in bundles]
    row = {"pages": sum(v["page_count"] for e in entries for v in e["languages"].values()), "indexes": len(bundles),
           "index_kb": round(du(site / "pagefind") / 1024), "index_wall_s": wall,
           "queries": search_probe.probe(site, list(queries))}
    path = work / "pagefind.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows = [r for r in rows if r["pages"] != row["pages"]] + [row]
    path.write_text(json.dumps(sorted(rows, key=lambda r: r["pages"] or 0), ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return row


def render_markdown(work: Path, out: Path) -> None:
    """BENCHMARKS.md from the JSON files of the runs; the analysis after MARKER is kept as written."""
    runs = sorted((json.loads(p.read_text()) for p in work.glob("n*.json")), key=lambda r: r["n"])
    mach = json.loads((work / "machine.json").read_text()) if (work / "machine.json").exists() else machine()
    lines = ["# Benchmarks", "",
             "Generated by `make bench` (scripts/bench.py) from synthetic reports (scripts/synth.py: 45% text, "
             "45% HTML, 10% PDF printed by Chromium; three years per made-up agency). Our build is "
             "`python -m gongkai site` (extraction with every core, packages, validation, exports, pages, MkDocs, "
             "Pagefind); the baseline is default MkDocs Material (`navigation.sections`, every page in the nav, lunr "
             "search) on the same Markdown pages (without the download files), in the same run. Peak RSS is the "
             "largest single process of the build (GNU time).", "",
             f"Machine: {mach['cores']} cores, {mach['ram_gb']} GB RAM, {mach['cpu']}, Python {mach['python']}. "
             f"Load average (1, 5, 15 min) at the end of the run: {mach.get('load', '?')}.", "",
             "## Full build, no-op and one-report rebuilds", "",
             "| N reports | full build | per report | peak RSS | baseline Material | per page | ours vs baseline "
             "| no-op rebuild | one report edited (re-extracted) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        n, c, b = r["n"], r["cold"], r.get("baseline") or {}
        ratio = (b["wall_s"] / n) / (c["wall_s"] / n) if b else None
        lines.append(f"| {n:,} | {_f(c['wall_s'])} s | {_f(c['wall_s'] / n * 1000, '{:,.0f}')} ms | "
                     f"{_f(c.get('peak_rss_mb'), '{:,.0f}')} MB | {_f(b.get('wall_s'))} s | "
                     f"{_f(b['wall_s'] / n * 1000 if b else None, '{:,.0f}')} ms | "
                     f"{_f(ratio, '{:.2f}×')} | {_f(r['noop']['wall_s'])} s | "
                     + (f"{_f(r['edit_one'].get('wall_s'))} s ({r['edit_one'].get('extracted', '?')}) |"
                        if r["edit_one"] else "not measured |"))
    seeded = [r for r in runs if r.get("extraction_seeded")]
    if seeded:
        lines += ["", "Sizes " + ", ".join(f"{r['n']:,}" for r in seeded) + " started from the previous size's "
                  "extraction cache (`--reuse-extraction`): their full build extracted only the reports the smaller "
                  "run did not have (the *extracted* count below); every other phase ran whole."]
    lines += ["", "Phases of the full build (seconds, from the build's own output). *packages* is the per-report phase in "
              "worker processes (package files, zip, Excel CSV and XLSX, validation, report page, API file); "
              "*combined* the all-reports package and zip streamed from disk; *validate* Frictionless on the combined "
              "descriptor; *exports* SQLite and Parquet; *pages* the overview pages; *rest* is start-up, the walk "
              "and everything not timed.", "",
              "*site* is the shards' MkDocs and Pagefind runs (wall, JOBS at a time; the two summed columns are their "
              "seconds added over the shards) and *assemble* the linking of the new site/.", "",
              "| N | extracted | extract | packages | combined | validate | exports | pages | site | (MkDocs summed) | "
              "(Pagefind summed) | assemble | rest |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        c = r["cold"]
        phases = [c.get(k) for k in ("extract_s", "packages_s", "combined_s", "validate_s", "exports_s", "pages_s",
                                     "site_wall_s")]
        rest = c["wall_s"] - sum(p or 0 for p in phases) - (c.get("assemble_s") or 0)
        lines.append(f"| {r['n']:,} | {c.get('extracted', '–')} | " + " | ".join(_f(p) for p in phases)
                     + f" | {_f(c.get('mkdocs_s'))} | {_f(c.get('pagefind_s'))} | {_f(c.get('assemble_s'))} | {_f(rest)} |")
    lines += ["", "## Growth with N", "",
              "Each row against the row before it: how much the wall time and the memory grew per added report. "
              "Linear growth shows as a steady time per report; the build process's memory is what it holds "
              "itself, the subprocess column is the largest of the workers, MkDocs and Pagefind.", "",
              "| N | wall | per report | added time per added report | peak RSS, build process | "
              "peak RSS, largest subprocess | added build-process MB per 1,000 added reports |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    prev = None
    for r in runs:
        c = r["cold"]
        slope_t = slope_m = None
        if prev:
            dn = r["n"] - prev["n"]
            slope_t = (c["wall_s"] - prev["cold"]["wall_s"]) / dn * 1000
            if c.get("rss_build_mb") and prev["cold"].get("rss_build_mb"):
                slope_m = (c["rss_build_mb"] - prev["cold"]["rss_build_mb"]) / dn * 1000
        lines.append(f"| {r['n']:,} | {_f(c['wall_s'])} s | {_f(c['wall_s'] / r['n'] * 1000, '{:,.0f}')} ms | "
                     f"{_f(slope_t, '{:,.0f}')} ms | {_f(c.get('rss_build_mb'), '{:,.0f}')} MB | "
                     f"{_f(c.get('rss_child_mb'), '{:,.0f}')} MB | {_f(slope_m, '{:,.0f}')} MB |")
        prev = r
    lines += ["", "## Memory of every process, and the shards", "",
              "Peak RSS of each kind of process in the full build. *build process*: the main process's own peak; "
              "*largest other*: GNU time's largest process of the tree (forked workers count the pages they share "
              "with the build process); MkDocs and Pagefind: the largest shard's run, each measured alone "
              "(gongkai/shard_build.py, GNU time).", "",
              "| N | build process | largest other | MkDocs, largest shard | Pagefind, largest shard | shards | "
              "reports per shard |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        c = r["cold"]
        shards = c.get("shards")
        shards = len(shards) if isinstance(shards, list) else shards  # runs before 2026-12-01 kept the list here
        shards = max((shards or 1) - 1, 1)  # the hub is not a report shard
        lines.append(f"| {r['n']:,} | {_f(c.get('rss_build_mb'), '{:,.0f}')} MB | {_f(c.get('peak_rss_mb'), '{:,.0f}')} MB | "
                     f"{_f(c.get('rss_mkdocs_mb'), '{:,.0f}')} MB | {_f(c.get('rss_pagefind_mb'), '{:,.0f}')} MB | "
                     f"{shards + 1} | {r['n'] / shards:,.0f} |")
    lines += ["", "## One report edited: where the time goes", "",
              "The first `.txt` report gets one more word and `python -m gongkai site` runs again. Phases from the "
              "build's own output; *site* is the re-rendered shards (wall): a shard whose pages changed but not its "
              "set of files renders its changed pages alone (*pages rendered alone*) and Pagefind indexes the "
              "shard; *assemble* brings site/ up to date from the shards' outputs (*files linked*: those whose "
              "source changed).", "",
              "| N | wall | re-extracted | files written | extract | packages | combined | exports | pages | "
              "shards re-rendered | pages rendered alone | site | files linked | assemble |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        e = r.get("edit_one") or {}
        if e:
            lines.append(f"| {r['n']:,} | {_f(e.get('wall_s'))} s | {e.get('extracted', '–')} | {e.get('written', '–')} | "
                         + " | ".join(_f(e.get(k)) for k in ("extract_s", "packages_s", "combined_s", "exports_s",
                                                              "pages_s"))
                         + f" | {e.get('shards_rendered', '–')} | {e.get('pages_alone', '–')} | {_f(e.get('site_wall_s'))}"
                         f" | {e.get('linked', '–')} | {_f(e.get('assemble_s'))} |")
    lines += ["", "## Files of the site", "",
              "| N | files | per 1,000 reports | largest folder | its entries | MANIFEST.tsv |",
              "|---:|---:|---:|---|---:|---|"]
    for r in runs:
        s_ = r["site"]
        if "files" in s_:
            lines.append(f"| {r['n']:,} | {s_['files']:,} | {s_['files_per_1000']:,} | `{s_['largest_dir']}` | "
                         f"{s_['largest_dir_entries']:,} | {'yes' if s_['manifest'] else 'no'} |")
    lines += ["", "## Parallel extraction", ""]
    if any(r.get("extract_jobs1_s") for r in runs):
        lines += ["| N | JOBS=1 | all cores | speed-up |", "|---:|---:|---:|---:|"]
    else:  # measured only at 1,000 reports or fewer: a table without rows says nothing
        lines.append(f"Not measured in this run: extraction with JOBS=1 is timed at {JOBS1_MAX:,} reports or fewer.")
    for r in runs:
        one = r.get("extract_jobs1_s")
        alls = next((v for k, v in r.items() if k.startswith("extract_jobs") and k != "extract_jobs1_s"), None)
        if one:
            lines.append(f"| {r['n']:,} | {_f(one)} s | {_f(alls)} s | {_f(one / alls if alls else None, '{:.2f}×')} |")
    lines += ["", "## Site, page weight and search", "",
              "| N | site (ours) | site (baseline) | report page (ours, mean / max) | report page (baseline) "
              "| first search, ours (Pagefind) | first search, baseline (lunr) |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        s_, b = r["site"], r.get("baseline") or {}
        lines.append(f"| {r['n']:,} | {_f(s_['site_mb'])} MB | {_f(b.get('site_mb'))} MB | "
                     f"{_f(s_['report_page_kb_mean'])} / {_f(s_['report_page_kb_max'])} KB | "
                     f"{_f(b.get('report_page_kb_mean'))} KB | {_f(s_.get('search_first_query_kb'), '{:,.0f}')} KB | "
                     f"{_f(b.get('search_first_query_kb'), '{:,.0f}')} KB |")
    pf = work / "pagefind.json"
    if pf.exists():
        lines += ["", "Our search is Pagefind extended (pagefind-bin-extended, the version pinned in requirements.txt), indexed by `make site` (one index per shard, merged on the 搜索 page); measured in "
                  "Chromium on the 搜索 page with ?q= (scripts/search_probe.py: a fresh context per query, bytes of "
                  "every /pagefind/ file fetched, UI script and styles included, uncompressed). The lunr baseline "
                  "downloads its whole index and worker before the first result:", "",
                  "| pages indexed | index on disk | query | first-search bytes | results |", "|---:|---:|---|---:|---:|"]
        for row in json.loads(pf.read_text()):
            for q, v in row["queries"].items():
                lines.append(f"| {row['pages']:,} | {row['index_kb']:,} KB | {q} | {v['bytes'] / 1024:,.0f} KB | {v['count']} |")
    pdf = work / "pdf.json"
    if pdf.exists():
        d = json.loads(pdf.read_text())
        lines += ["", f"## PDF extraction time per page (load average {d.get('load', '?')})", "",
                  "| PDFs | pages | pypdfium2 text | pdfplumber text | pdfplumber extract_tables | our reader | reader / tables |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name in ("synthetic", "real"):
            t = d.get(name)
            if t and t["pages"]:
                lines.append(f"| {name} ({t['files']}) | {t['pages']} | {t['pypdfium2_text_ms_per_page']} ms | "
                             f"{t['pdfplumber_text_ms_per_page']} ms | {t['pdfplumber_tables_ms_per_page']} ms | "
                             f"{t['reader_ms_per_page']} ms | {t['reader_vs_tables']}× |")
    analysis = ""
    if out.exists() and MARKER in out.read_text(encoding="utf-8"):
        analysis = out.read_text(encoding="utf-8").split(MARKER, 1)[1]
    out.write_text("\n".join(lines) + "\n\n" + MARKER + (analysis or "\n"), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "100,1000,5000,10000"))
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--baseline-max", type=int, default=int(os.environ.get("BENCH_BASELINE_MAX", "5000")),
                    help="skip the default-Material baseline above this size (it is quadratic)")
    ap.add_argument("--edit-max", type=int, default=int(os.environ.get("BENCH_EDIT_MAX", "5000")),
                    help="measure the one-report edit only up to this many reports")
    ap.add_argument("--formats", default="txt:45,html:45,pdf:10")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    ap.add_argument("--reuse-extraction", action="store_true",
                    help="sizes from --reuse-from on start with the previous size's extraction cache")
    ap.add_argument("--reuse-from", type=int, default=0)
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF reader timing")
    ap.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md from the recorded runs")
    ap.add_argument("--pagefind-site", type=Path, help="only evaluate Pagefind on this built site")
    args = ap.parse_args(argv)
    if args.report_only:
        render_markdown(args.work, args.out)
        return 0
    if args.pagefind_site:
        print(json.dumps(pagefind_eval(args.pagefind_site, args.work), ensure_ascii=False, indent=1))
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / "corpus"
    have = len(list(corpus.glob("*.yml"))) if corpus.exists() else 0
    if have < sizes[-1]:
        shutil.rmtree(corpus, ignore_errors=True)
        formats, weights = zip(*((f.split(":")[0], float(f.split(":")[1])) for f in args.formats.split(",")))
        print(f"generating {sizes[-1]} synthetic reports into {corpus}", flush=True)
        synth.write_corpus(corpus, sizes[-1], list(formats), list(weights), log=lambda m: print(m, flush=True))
    if args.reuse_extraction:
        shutil.rmtree(args.work / "extract-cache", ignore_errors=True)
    results = [bench_size(n, args.work, corpus, n <= args.baseline_max, log=lambda m: print(m, flush=True),
                          edit_max=args.edit_max,
                          reuse_extraction=("use" if n >= args.reuse_from else "keep") if args.reuse_extraction else "")
               for n in sizes]
    if not args.no_pdf:
        pdf = {"synthetic": pdf_timing(sorted(corpus.glob("*.pdf"))[:20]),
               "real": pdf_timing(sorted((ROOT / "reports").glob("*.pdf"))), "load": load_average()}
        (args.work / "pdf.json").write_text(json.dumps(pdf, indent=1), encoding="utf-8")
    (args.work / "machine.json").write_text(json.dumps({**machine(), "load": load_average()}, indent=1),
                                            encoding="utf-8")
    render_markdown(args.work, args.out)
    print(json.dumps({"machine": machine(), "results": results}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
