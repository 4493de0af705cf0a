"""The whole pipeline: reports/ -> datapackages/ -> docs/ (then MkDocs builds site/)."""
from __future__ import annotations

import itertools
import json
import os
import pickle
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import paths as P
from gongkai.package.corpus import write_corpus_exports
from gongkai.package.exports import build_date
from gongkai.pipeline.fingerprint import closure_hash, keep as keep_imports, remember as remember_imports
from gongkai.pipeline.incremental import Derived, UpToDate
from gongkai.pipeline.index_store import IndexStore
from gongkai.pipeline.manifest import prehash
from gongkai.pipeline.pathlog import PathLog
from gongkai.model import Report
from gongkai.extract import sidecar_path, summary
from gongkai.files import atomic_write, commit_temp, link_or_copy, remove_temp_files, write_if_changed
from gongkai.package.changes import releases_state
from gongkai.package.datapackage import data_version, source_entry
from gongkai.checks.cross_year import cross_year_checks
from gongkai.mirror import relink
from gongkai.package.combined import combined_errors, digest_of_hashes, replace_with, write_combined
from gongkai.package.everything_zip import write_everything_zip
from gongkai.pipeline.cleanup import forget_listing, prune_archive, prune_stamps, remove_stale
from gongkai.pipeline.overview import LISTING, write_overview
from gongkai.pipeline.publish import Context, publish_all
from gongkai.pipeline.reuse import Reuse
from gongkai.pipeline.select import discover, keep_last_good, previous_packages, resolve_collisions, resolve_duplicates
from gongkai.pipeline.slim import add_checks, slim_on_arrival
from gongkai import index as I
from gongkai.pipeline.runner import (SLUGS, RunStats, default_jobs, extract_many, extractor_fingerprint, load_slugs,
                                     save_slugs)
from gongkai.pages import cite
from gongkai.harvest.state import load_sources
from gongkai.package.descriptor_check import DescriptorCheck
from gongkai.site import build_site

IMPORTS = "imports.json"  # build/cache: each module's import statements by its source's sha256 (fingerprint.py)
# build/cache: what the combined CSVs, the everything-zip and the corpus exports were made from (package/state.py),
# and the names the same records had as JSON (removed when found).
COMBINED_STATE, ZIP_STATE, CORPUS_STATE = "combined-csv.state", "everything-zip.state", "corpus.state"
JSON_STATES = ("combined-csv.json", "everything-zip.json", "corpus-state.json")


@dataclass
class BuildResult:
    reports: list = field(default_factory=list)  # Reports, or their indexes (build keep_records=False)
    stale: list[dict] = field(default_factory=list)  # last good packages kept for files that failed this time
    failures: list[dict] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    extracted: list[str] = field(default_factory=list)  # files extracted in this build, not taken from the cache
    written: PathLog = field(default_factory=PathLog)  # files (relative to the root) whose bytes changed
    up_to_date: bool = False  # nothing changed since the last successful build: nothing was done
    reused: int = 0  # reports whose per-report files were kept from the last build (pipeline/reuse.py)

    def writer(self, root: Path):
        """write(path, bytes): writes only changed bytes, and records what it wrote."""
        def write(path: Path, data: bytes) -> None:
            if write_if_changed(path, data):
                self.written.append(path.relative_to(root).as_posix())
        return write


def extract_all(files: list[Path], log=print, cache_dir: Path | None = None, jobs: int | None = None,
                scheduler: str | None = None, slim_reports: bool = False) -> tuple[list[Report], list[dict], RunStats]:
    """Every file's Report or the reason it is not one; unchanged files come from the cache.

    slim_reports: keep each report's index (gongkai/index.py) from its arrival on; its full form stays
    in the extraction cache, where the per-report phase loads it again (slim.full_report)."""
    store = None
    if slim_reports and cache_dir is not None:
        # The indexes are kept for the next build, salted with the code that makes them.
        store = IndexStore(Path(cache_dir).parent / "extract-index",
                           f"{closure_hash('pipeline.slim')}\0{closure_hash('pipeline.index_store')}")
    outcomes, stats = extract_many(files, cache_dir=cache_dir, jobs=jobs, scheduler=scheduler,
                                   shrink=slim_on_arrival if slim_reports else None, store=store)
    fresh = set(stats.extracted)
    reports, failures = [], []
    for outcome in outcomes:
        if outcome.report is None:
            failures.append({"file": outcome.name, "reason": outcome.reason})
            log(f"FAILED {outcome.name}: {outcome.reason}")
        else:
            reports.append(outcome.report)
            if outcome.name in fresh:
                log(outcome.report.summary_line if slim_reports else summary(outcome.report))
            if slim_reports:
                outcome.report.summary_line = ""  # logged (or not to be): no need to keep it
    return reports, failures, stats


def add_cross_year_checks(reports: list, known: dict | None = None) -> dict:
    """Compare each report's 上年结转 with the same agency's 结转下年度 of the year before.

    known: the failed checks of pairs of indexed reports by their extraction keys, from the last build (the
    check is recomputed for every pair otherwise: 235 us a pair, ~1.6 CPU-s of an edit at 10,000 reports).
    Returns this build's pairs, to keep for the next one."""
    known = known or {}
    used: dict = {}
    by_id = {r.report_id: r for r in reports}
    for rep in reports:
        prev = by_id.get(f"{rep.slug}/{rep.meta.year - 1}")
        if prev is None or not I.has_applications(rep) or not I.has_applications(prev):
            continue
        if isinstance(rep, I.ReportIndex):
            key = (prev.extract_key, rep.extract_key) if prev.extract_key and rep.extract_key else None
            failed = known.get(key) if key else None
            if failed is None:
                added = cross_year_checks(I.application_cells(prev), I.application_cells(rep), prev.meta.year)
                failed = tuple(c for c in added if c.result == "fail")
            if key:
                used[key] = failed
            # Replayed on the full report from the year before's cells (slim.full_report).
            rep.cross_year_prev = (prev.cross_year, prev.cross_year_status)
            rep.failed_checks += failed
        else:
            add_checks(rep, cross_year_checks(I.application_cells(prev), I.application_cells(rep), prev.meta.year))
    return used


CROSS_YEAR = "cross-year.pickle"  # build/cache: add_cross_year_checks' pairs, under a salt of the code making them


def _load_pairs(path: Path, salt: str) -> dict:
    try:
        kept_salt, pairs = pickle.loads(path.read_bytes())  # a file only this program writes
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return {}
    return pairs if kept_salt == salt and isinstance(pairs, dict) else {}


def _save_pairs(path: Path, salt: str, pairs: dict, known: dict) -> None:
    if pairs != known:
        atomic_write(path, pickle.dumps((salt, pairs), protocol=5))


def _in_background(timings: dict, name: str, fn, *args, **kwargs) -> Future:
    """fn(*args, **kwargs) in a thread of its own; its wall seconds go to timings[name].  The caller joins it
    (Future.result, which raises what fn raised)."""
    def timed():
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timings[name] = time.perf_counter() - t0

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"gongkai-{name}")
    try:
        return pool.submit(timed)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def _package_sha256s(pkg_dir: Path) -> set[str]:
    """The source hashes a kept (stale) package names: its archived originals stay with it."""
    try:
        desc = json.loads((pkg_dir / P.DESCRIPTOR).read_text(encoding="utf-8"))
        return {str(src.get("sha256")) for src in desc.get("sources", []) if isinstance(src, dict)}
    except (OSError, ValueError):
        return set()


def _prehash_since(root: Path, written, start: int) -> int:
    """The files written since the `start`-th are final: the deploy manifest's sha256 of the big ones (the
    combined CSVs, the everything-zip, the database) is computed in the background while the pages and MkDocs
    run (pipeline/manifest.prehash).  The count written so far."""
    prehash(root / rel for rel in itertools.islice(written, start, None))
    return len(written)


def build(root: Path, log=print, jobs: int | None = None, scheduler: str | None = None,
          force: bool = False, keep_records: bool = True) -> BuildResult:
    """keep_records=False keeps each report's index (gongkai/index.py) from extraction on, so memory does
    not hold every row of every report; the returned reports are then indexes (slim.full_report gives
    the full one back)."""
    result = BuildResult()
    imports = root / P.CACHE_DIR / IMPORTS
    remember_imports(imports)
    # The data version and the release notes are inputs too: packages carry the version, pages the notes.
    state = UpToDate(root, f"{extractor_fingerprint()}\0{build_date(os.environ)}\0{data_version()}\0"
                           f"{releases_state(root / P.RELEASES_DIR)}")
    keep_imports(imports)
    if not force and state.current():
        result.up_to_date = True
        return result
    finished = state.recorded()
    state.forget()
    # After a build that finished, the output folders changed since (by hand) are found by a stat a folder, before
    # this build writes any: the reports whose files are in none of them are known to have them all (reuse.py).
    changed = state.changed_outputs() if finished else None
    write = result.writer(root)
    cache = root / P.CACHE_DIR
    t0 = time.perf_counter()
    if not finished:
        # Only a build that did not finish leaves temporary files, or pages its listing does not name: walking
        # every output folder for them, or every generated page, cost a stat per file on every build (issue 17).
        # The stamp is removed as a build starts, so a build killed at any point leaves none, and the next one
        # walks.
        remove_temp_files(root / P.PACKAGES_DIR, root / P.DOCS_DIR)
        forget_listing(root / P.CACHE_DIR / LISTING)  # the pages phase walks the generated pages again
    files, result.failures = discover(root / P.REPORTS_DIR)
    load_slugs(cache / SLUGS)  # a known agency's slug then needs neither jieba nor pypinyin (parse/slug.py)
    reports, failures, stats = extract_all(files, log, cache / "extract", jobs, scheduler,
                                           slim_reports=not keep_records)
    result.extracted = stats.extracted
    reports = resolve_collisions(reports)
    reports, dups = resolve_duplicates(reports)
    # The check's result depends on the two extractions and the code of the check and the index (slim's closure).
    pairs_salt = closure_hash("pipeline.slim")
    known_pairs = _load_pairs(cache / CROSS_YEAR, pairs_salt)
    _save_pairs(cache / CROSS_YEAR, pairs_salt, add_cross_year_checks(reports, known_pairs), known_pairs)
    result.failures += failures + dups
    result.failures.sort(key=lambda f: f["file"])
    result.reports = sorted(reports, key=lambda r: r.report_id)
    previous = previous_packages(root / P.PACKAGES_DIR)
    result.stale = keep_last_good(result.failures, {r.report_id for r in result.reports}, previous,
                                  root / P.PACKAGES_DIR)
    result.timings["extract"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    out_dir = root / P.PACKAGES_DIR
    dl_dir = root / P.DOCS_DIR / P.DOWNLOADS
    keep = {r.report_id for r in result.reports} | {s["report_id"] for s in result.stale}
    # After a build that finished, the folders to remove are those of the reports it published that are gone.
    before = set(previous.values()) if finished and previous else None
    remove_stale(out_dir, keep, before)
    remove_stale(dl_dir, keep, before)
    derived = Derived(cache / "derived")
    valid_stamps = cache / "valid"
    source_checks = load_sources(root / P.REPORTS_DIR)
    ctx = Context(root=root, out_dir=out_dir, dl_dir=dl_dir, docs=root / P.DOCS_DIR, derived=derived,
                  valid_stamps=valid_stamps, extract_cache=cache / "extract", source_checks=source_checks,
                  words_cache=cache / "words")
    reuse = Reuse(cache / "published", f"{derived.code}\0{cite.dataset_version()}", changed)
    check = DescriptorCheck()  # Frictionless imported in a child meanwhile, for the validate phase
    published = publish_all(result.reports, ctx, jobs or default_jobs(), scheduler, reuse)
    reuse.prune()
    result.reused = len(reuse.hits)
    for pub in published:
        result.written += pub.written
        pub.written = []  # kept once, compressed, in result.written
        result.invalid += pub.errors
        derived.used.add(pub.derived_key)
    if not keep_records:  # a report that did not come through the cache is indexed now
        result.reports = [r if isinstance(r, I.ReportIndex) else I.index_of(r) for r in result.reports]
    result.timings["packages"] = time.perf_counter() - t1
    # Worker seconds, summed over the workers: shares of the per-report phase, not extra wall time.
    result.timings["validate_worker"] = sum(p.validate_s for p in published)
    result.timings["exports_worker"] = sum(p.export_s for p in published)
    prune_stamps(valid_stamps, {p.valid_key for p in published})
    prune_archive(dl_dir / P.ARCHIVE, {rep.sha256 for rep in result.reports}
                  | {sha for s in result.stale for sha in _package_sha256s(out_dir / P.report_dir_of(s["report_id"]))})

    # The combined outputs are assembled from the per-report files now on disk, one file at a time.
    t2 = time.perf_counter()
    hashed = len(result.written)
    for name in JSON_STATES:
        (cache / name).unlink(missing_ok=True)
    ids = [rep.report_id for rep in result.reports]
    result.invalid += combined_errors(ids)
    # A report's byte ranges in the last combined CSVs are copied while its package (and the code) is unchanged.
    csv_keys = {p.report_id: derived.key("combined-csv", p.digest) for p in published}
    hashes, changed = write_combined(ids, [source_entry(rep) for rep in result.reports], out_dir,
                                     keys=csv_keys if set(csv_keys) >= set(ids) else None,
                                     state=cache / COMBINED_STATE)
    for path in changed:
        result.written.append(path.relative_to(root).as_posix())
    for rel in sorted(hashes):
        src, dst = out_dir / P.COMBINED / rel, dl_dir / P.COMBINED / rel
        if relink(src, dst) if src in changed and dst.parent.is_dir() else link_or_copy(src, dst):
            result.written.append((dl_dir / P.COMBINED / rel).relative_to(root).as_posix())
    citation = dl_dir / P.COMBINED / P.CITATION_FILE
    if write_if_changed(citation, cite.citation_file(cite.DATASET_ZH, P.page_url("downloads.md"))):
        result.written.append(citation.relative_to(root).as_posix())
    combined_digest = digest_of_hashes(hashes)
    zip_key = derived.key("everything", combined_digest, *(p.digest for p in sorted(published, key=lambda p: p.report_id)))
    zip_job = None
    if not derived.fresh(zip_key, dl_dir / P.COMBINED):
        # Each member keyed by its inputs and the code, so unchanged members are copied, not deflated again.
        member_keys = {k: derived.key("zip-member", v) for k, v in
                       [*hashes.items(), *((p.report_id, p.digest) for p in published)]}
        # Written in a thread while the descriptor is checked and the corpus exports are written (nothing there
        # reads it): an edit's zip is mostly kernel copies of the last one (~420 MB at 10,000 reports), which
        # release the GIL.  Joined at the end of the exports; its sha256 for the site manifest is started as soon
        # as it is in place.
        def write_zip(target=dl_dir / P.COMBINED / P.EVERYTHING_ZIP):
            written = write_everything_zip(out_dir, ids, target, keys=member_keys, state=cache / ZIP_STATE)
            if written:
                prehash([target])
            return written

        zip_job = _in_background(result.timings, "zip", write_zip)
    build_report = {
        "reports": [{"file": r.source.name, "report_id": r.report_id, "status": r.status,
                     "edition": r.edition, "checks_failed": len(r.failed_checks), "warnings": r.warnings}
                    for r in result.reports],
        "failures": result.failures,
        "stale": result.stale,
    }
    write(out_dir / P.BUILD_REPORT, (json.dumps(build_report, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    result.timings["combined"] = time.perf_counter() - t2
    hashed = _prehash_since(root, result.written, hashed)

    # The combined package's rows are the validated per-report rows (combined_errors covers the keys
    # across reports); its descriptor is checked here.
    t2 = time.perf_counter()
    result.invalid += check.errors(out_dir / P.COMBINED / P.DESCRIPTOR, cache / "combined-descriptor.json")
    result.timings["validate"] = time.perf_counter() - t2

    # SQLite enforces the keys, so the corpus exports are made only from data that validated.
    te = time.perf_counter()
    key = derived.key("corpus", combined_digest)
    if not result.invalid and not derived.fresh(key, dl_dir / P.COMBINED):
        def commit(tmp, target):
            if commit_temp(tmp, target):
                result.written.append(target.relative_to(root).as_posix())

        def commit_changed(tmp, target):
            replace_with(tmp, target)
            result.written.append(target.relative_to(root).as_posix())

        report_keys = {p.report_id: derived.key("corpus-report", p.digest) for p in published}
        derived.remember(key, write_corpus_exports(out_dir, ids, dl_dir / P.COMBINED, commit, ctx.words_cache,
                                                   keys=report_keys, state=cache / CORPUS_STATE,
                                                   commit_changed=commit_changed))
    if zip_job is not None:
        if zip_job.result():
            result.written.append((dl_dir / P.COMBINED / P.EVERYTHING_ZIP).relative_to(root).as_posix())
        derived.remember(zip_key, [P.EVERYTHING_ZIP])
    derived.prune()
    result.timings["exports"] = time.perf_counter() - te
    _prehash_since(root, result.written, hashed)

    t3 = time.perf_counter()
    write_overview(root, result.reports, result.failures, {rel for pub in published for rel in pub.pages},
                   source_checks, f"{derived.code}\0{cite.dataset_version()}", write)
    result.timings["pages"] = time.perf_counter() - t3
    save_slugs(cache / SLUGS, {n for r in result.reports for n in (r.meta.agency, r.meta.province)},
               {r.slug for r in result.reports})
    if not result.invalid:
        state.record(result.written)
    return result


def run(root: Path, site: bool = False, force: bool = False) -> tuple[int, BuildResult]:
    """What `python -m gongkai build` (site=False) and `python -m gongkai site` do, and what the tests' shared
    site fixture runs: the build with each report kept slim, its summary, then (site) MkDocs and Pagefind
    unless no docs input changed (force: run them anyway).  The exit status and the build's result."""
    result = build(root, keep_records=False)
    status = print_summary(result)
    if site and not status:
        status = build_site(root, force=force, written=result.written) or 0
    return status, result


def print_summary(result: BuildResult) -> int:
    """The build log's last lines; 1 when a data package is invalid (the build stops there), else 0."""
    if result.up_to_date:
        print("0 file(s) extracted, the rest from the cache; 0 file(s) written: nothing changed since the last "
              "build (reports, sidecars, code and outputs are as it left them)")
        return 0
    t = result.timings
    print(f"{len(result.reports)} report(s) published, {len(result.failures)} file(s) not published; "
          f"{len(result.extracted)} file(s) extracted, the rest from the cache; {result.reused} report(s) unchanged "
          f"since the last build, their files kept; {len(result.written)} file(s) written; "
          f"extract {t['extract']:.1f}s, packages {t['packages']:.1f}s (per report: package, downloads, "
          f"validation, page; worker time validate {t['validate_worker']:.1f} s, Excel exports "
          f"{t['exports_worker']:.1f} s), combined {t['combined']:.1f}s, validate {t['validate']:.1f}s, "
          f"exports {t['exports']:.1f}s, " + (f"zip {t['zip']:.1f}s (in a thread during validate and exports), "
                                               if "zip" in t else "") + f"pages {t['pages']:.1f}s")
    for f in result.failures:
        print(f"  not published: {f['file']}: {f['reason']}")
    if result.invalid:
        print("INVALID DATA PACKAGES — the build stops here:", file=sys.stderr)
        for err in result.invalid[:50]:
            print(f"  {err}", file=sys.stderr)
        return 1
    return 0


__all__ = ["build", "run", "sidecar_path"]
