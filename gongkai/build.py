"""The whole pipeline: reports/ -> datapackages/ -> docs/ (then MkDocs builds site/)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import registry as R
from .api import api_files
from .checks import cross_year_checks
from .exports import build_date, corpus_exports, report_exports
from .incremental import Derived, UpToDate, digest
from .extract import Report, cells_from, check_record, sidecar_path, summary
from .package import combined_package, report_package, source_entry, write_if_changed, zip_bytes
from .runner import RunStats, default_jobs, extract_many, extractor_fingerprint
from .readers import SUPPORTED
from .site import write_pages
from .validate import descriptor_errors, validate_package

IGNORED_NAMES = {"README.md", ".gitkeep"}
# Directories under docs/ whose every file is generated (a file no longer generated is removed).
GENERATED_DIRS = ("reports", "agencies", "years", "regions", "api", "charts")


@dataclass
class BuildResult:
    reports: list[Report] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)  # last good packages kept for files that failed this time
    failures: list[dict] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    extracted: list[str] = field(default_factory=list)  # files extracted in this build, not taken from the cache
    written: list[str] = field(default_factory=list)  # files (relative to the root) whose bytes changed
    up_to_date: bool = False  # nothing changed since the last successful build: nothing was done

    def writer(self, root: Path):
        """write(path, bytes): writes only changed bytes, and records what it wrote."""
        def write(path: Path, data: bytes) -> None:
            if write_if_changed(path, data):
                self.written.append(path.relative_to(root).as_posix())
        return write


def discover(reports_dir: Path) -> tuple[list[Path], list[dict]]:
    files, failures = [], []
    for path in sorted(reports_dir.iterdir()):
        if not path.is_file() or path.name in IGNORED_NAMES:
            continue
        if path.name.startswith("."):
            # Hidden to `ls` and easy to miss: say so instead of skipping it silently.
            failures.append({"file": path.name, "reason": "the file name starts with '.', so it is treated as a "
                                                          "hidden file and not read; rename it"})
            continue
        if path.name.endswith(".yml"):
            target = path.with_name(path.name[:-4])
            if not target.exists():
                failures.append({"file": path.name, "reason": f"sidecar without a report: {target.name} not found"})
            continue
        if path.suffix.lower() not in SUPPORTED:
            failures.append({"file": path.name,
                             "reason": f"unsupported file type '{path.suffix}'; expected {', '.join(SUPPORTED)}"})
            continue
        files.append(path)
    return files, failures


def extract_all(files: list[Path], log=print, cache_dir: Path | None = None, jobs: int | None = None,
                scheduler: str | None = None) -> tuple[list[Report], list[dict], RunStats]:
    """Every file's Report or the reason it is not one; unchanged files come from the cache."""
    outcomes, stats = extract_many(files, cache_dir=cache_dir, jobs=jobs, scheduler=scheduler)
    fresh = set(stats.extracted)
    reports, failures = [], []
    for outcome in outcomes:
        if outcome.report is None:
            failures.append({"file": outcome.name, "reason": outcome.reason})
            log(f"FAILED {outcome.name}: {outcome.reason}")
        else:
            reports.append(outcome.report)
            if outcome.name in fresh:
                log(summary(outcome.report))
    return reports, failures, stats


def _reslug(rep: Report, slug: str) -> None:
    rep.slug = slug
    for records in rep.records.values():
        for rec in records:
            rec["report_id"] = rep.report_id
            if "agency_slug" in rec:
                rec["agency_slug"] = slug


def resolve_collisions(reports: list[Report]) -> list[Report]:
    """Two agencies whose names give one slug are told apart by a hash of the name."""
    names: dict[str, set[str]] = {}
    for rep in reports:
        names.setdefault(rep.slug, set()).add(rep.meta.agency)
    for rep in reports:
        agencies = sorted(names[rep.slug])
        if len(agencies) > 1 and rep.meta.agency != agencies[0]:
            _reslug(rep, f"{rep.slug}-{hashlib.sha1(rep.meta.agency.encode()).hexdigest()[:6]}")
    return reports


def _reported_cells(rep: Report) -> int:
    return sum(1 for t in R.TABLES for r in rep.records[t] if r["status"] == "reported")


def resolve_duplicates(reports: list[Report]) -> tuple[list[Report], list[dict]]:
    """One report per agency and year: the one with most cells read wins, then the first file name."""
    groups: dict[str, list[Report]] = {}
    for rep in reports:
        groups.setdefault(rep.report_id, []).append(rep)
    kept, dropped = [], []
    for rid in sorted(groups):
        ranked = sorted(groups[rid], key=lambda r: (-_reported_cells(r), r.source.name))
        kept.append(ranked[0])
        for other in ranked[1:]:
            won, lost = _reported_cells(ranked[0]), _reported_cells(other)
            why = (f"it has more cells read ({won} vs {lost})" if won > lost
                   else f"both have {won} cells read and its file name sorts first")
            dropped.append({"file": other.source.name,
                            "reason": f"duplicate of {ranked[0].source.name} ({rid}); that file was kept because "
                                      f"{why}"})
    return kept, dropped


def add_cross_year_checks(reports: list[Report]) -> None:
    """Compare each report's 上年结转 with the same agency's 结转下年度 of the year before."""
    by_id = {r.report_id: r for r in reports}
    for rep in reports:
        prev = by_id.get(f"{rep.slug}/{rep.meta.year - 1}")
        if prev is None or not rep.records["applications"] or not prev.records["applications"]:
            continue
        added = cross_year_checks(cells_from(prev.records["applications"], "row_code", "applicant_code"),
                                  cells_from(rep.records["applications"], "row_code", "applicant_code"),
                                  prev.meta.year)
        rep.checks.extend(added)
        rep.records["checks"].extend(check_record(rep.report_id, c) for c in added)
        rep.records["metadata"][0]["checks_failed"] = len(rep.failed_checks)


def previous_packages(out_dir: Path) -> dict[str, str]:
    """file name -> report_id it published in the previous build (as published or as kept stale)."""
    try:
        previous = json.loads((out_dir / "build_report.json").read_text(encoding="utf-8"))
        return {e["file"]: e["report_id"] for e in previous.get("reports", []) + previous.get("stale", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # no previous build, or a report from an older layout: nothing to keep


def keep_last_good(failures: list[dict], published: set[str], previous: dict[str, str], out_dir: Path) -> list[dict]:
    """Stale entries for files that failed now but published before: their last good package stays.

    A package is kept only while no other file publishes that agency-year and the package is on disk;
    the failure's reason says so, so the quality page and build_report.json both show it.
    """
    stale = []
    for failure in failures:
        rid = previous.get(failure["file"])
        if not rid or rid in published or not (out_dir / rid / "datapackage.json").is_file():
            continue
        stale.append({"file": failure["file"], "report_id": rid, "stale": True, "reason": failure["reason"]})
        failure["reason"] += (f" — the last good data package ({rid}) from an earlier build is kept and "
                              "marked stale until the file extracts again")
    return stale


def _remove_stale(directory: Path, keep: set[str]) -> None:
    if not directory.exists():
        return
    for slug_dir in directory.iterdir():
        if not slug_dir.is_dir() or slug_dir.name == "all":
            continue
        for year_dir in slug_dir.iterdir():
            if f"{slug_dir.name}/{year_dir.name}" not in keep:
                shutil.rmtree(year_dir)
        if not any(slug_dir.iterdir()):
            slug_dir.rmdir()


def _remove_stale_pages(docs: Path, keep: set[str]) -> None:
    """Generated pages of reports and agencies that are gone; the rest are rewritten only if changed."""
    for gen in GENERATED_DIRS:
        base = docs / gen
        if not base.exists():
            continue
        for page in sorted(base.rglob("*"), reverse=True):
            rel = page.relative_to(docs).as_posix()
            if page.is_file() and rel not in keep:
                page.unlink()
            elif page.is_dir() and not any(page.iterdir()):
                page.rmdir()


def _validate_all(targets: list[tuple[Path, dict[str, bytes]]], stamps: Path, jobs: int | None) -> list[str]:
    """Validate each package unless these exact bytes were validated before (a stamp is left only when valid).

    Frictionless takes tens of milliseconds per package, the largest phase of a cold build, so the
    packages still to validate are shared among the cores like the extraction."""
    keyed = [(directory, digest(files)) for directory, files in targets]
    todo = [directory for directory, key in keyed if not (stamps / key).exists()]
    jobs = jobs or default_jobs()
    if jobs > 1 and len(todo) > 8:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = dict(zip(todo, pool.map(validate_package, todo, chunksize=16)))
    else:
        results = {d: validate_package(d) for d in todo}
    errors = []
    for directory, key in keyed:
        if directory in results:
            errors += results[directory]
            if not results[directory]:
                stamps.mkdir(parents=True, exist_ok=True)
                (stamps / key).touch()
    used = {key for _, key in keyed}
    if stamps.exists():
        for stale in stamps.iterdir():
            if stale.name not in used:
                stale.unlink()
    return errors


def remove_temp_files(*directories: Path) -> None:
    """Temporary files a killed build left beside their targets (package.atomic_write: .<name>.<random>.tmp)."""
    for directory in directories:
        if directory.exists():
            for tmp in directory.rglob(".*.tmp"):
                tmp.unlink(missing_ok=True)


def build(root: Path, log=print, jobs: int | None = None, scheduler: str | None = None,
          force: bool = False) -> BuildResult:
    result = BuildResult()
    state = UpToDate(root, f"{extractor_fingerprint()}\0{build_date(os.environ)}")
    if not force and state.current():
        result.up_to_date = True
        return result
    state.forget()
    write = result.writer(root)
    cache = root / "build" / "cache"
    t0 = time.perf_counter()
    remove_temp_files(root / "datapackages", root / "docs")
    files, result.failures = discover(root / "reports")
    reports, failures, stats = extract_all(files, log, cache / "extract", jobs, scheduler)
    result.extracted = stats.extracted
    reports = resolve_collisions(reports)
    reports, dups = resolve_duplicates(reports)
    add_cross_year_checks(reports)
    result.failures += failures + dups
    result.failures.sort(key=lambda f: f["file"])
    result.reports = sorted(reports, key=lambda r: r.report_id)
    result.stale = keep_last_good(result.failures, {r.report_id for r in result.reports},
                                  previous_packages(root / "datapackages"), root / "datapackages")
    result.timings["extract"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    out_dir = root / "datapackages"
    dl_dir = root / "docs" / "downloads"
    keep = {r.report_id for r in result.reports} | {s["report_id"] for s in result.stale}
    _remove_stale(out_dir, keep)
    _remove_stale(dl_dir, keep)
    packages: dict[str, dict[str, bytes]] = {}
    export_time = 0.0
    derived = Derived(cache / "derived")
    for rep in result.reports:
        files_ = report_package(rep)
        packages[rep.report_id] = files_
        for rel, data in sorted(files_.items()):
            write(out_dir / rep.report_id / rel, data)
            write(dl_dir / rep.report_id / rel, data)
        key = derived.key("report", digest(files_))
        if derived.fresh(key, dl_dir / rep.report_id):
            continue  # the zip and the exports of these exact bytes are already there
        zip_name = f"{rep.slug}-{rep.meta.year}.zip"
        write(dl_dir / rep.report_id / zip_name, zip_bytes(files_, f"{rep.slug}-{rep.meta.year}"))
        te = time.perf_counter()
        extra = report_exports(json.loads(files_["datapackage.json"])["title"], rep.slug, rep.meta.year,
                               [source_entry(rep)], rep.records)
        export_time += time.perf_counter() - te
        for rel, data in sorted(extra.items()):
            write(dl_dir / rep.report_id / rel, data)
        derived.remember(key, [zip_name, *extra])
    combined = combined_package(result.reports)
    for rel, data in sorted(combined.items()):
        write(out_dir / "all" / rel, data)
        write(dl_dir / "all" / rel, data)
    # "Everything": the combined package plus every report's own package under reports/.
    combined_digest = digest(combined)
    key = derived.key("everything", combined_digest, *(digest(packages[rid]) for rid in sorted(packages)))
    if not derived.fresh(key, dl_dir / "all"):
        everything = dict(combined)
        for rid, files_ in packages.items():
            everything.update({f"reports/{rid}/{rel}": data for rel, data in files_.items()})
        write(dl_dir / "all" / "gongkai-all.zip", zip_bytes(everything, "gongkai-all"))
        derived.remember(key, ["gongkai-all.zip"])
    build_report = {
        "reports": [{"file": r.source.name, "report_id": r.report_id, "status": r.status,
                     "edition": r.edition, "checks_failed": len(r.failed_checks), "warnings": r.warnings}
                    for r in result.reports],
        "failures": result.failures,
        "stale": result.stale,
    }
    write(out_dir / "build_report.json", (json.dumps(build_report, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    result.timings["packages"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    targets = [(out_dir / rep.report_id, packages[rep.report_id]) for rep in result.reports]
    result.invalid += _validate_all(targets + [(out_dir / "all", combined)], cache / "valid", jobs)
    result.invalid += descriptor_errors(out_dir / "all" / "datapackage.json")
    result.timings["validate"] = time.perf_counter() - t2

    # SQLite enforces the keys, so the corpus exports are made only from data that validated.
    te = time.perf_counter()
    key = derived.key("corpus", combined_digest)
    if not result.invalid and not derived.fresh(key, dl_dir / "all"):
        records = {name: [rec for rep in result.reports for rec in rep.records[name]] for name in R.RESOURCE_ORDER}
        exports = corpus_exports(records)
        for rel, data in sorted(exports.items()):
            write(dl_dir / "all" / rel, data)
        derived.remember(key, exports)
    derived.prune()
    result.timings["exports"] = export_time + time.perf_counter() - te

    t3 = time.perf_counter()
    sizes = {f"all/{p.name}": p.stat().st_size for p in sorted((dl_dir / "all").iterdir())}
    pages = write_pages(root / "docs", result.reports, result.failures, sizes,
                        lambda path, text: write(path, text.encode("utf-8")), built_on=build_date(os.environ))
    api = api_files(result.reports)
    for rel, data in api.items():
        write(root / "docs" / "api" / rel, data)
    _remove_stale_pages(root / "docs", set(pages) | {f"api/{rel}" for rel in api})
    result.timings["pages"] = time.perf_counter() - t3
    if not result.invalid:
        state.record()
    return result


def main(root: Path) -> int:
    result = build(root)
    if result.up_to_date:
        print("0 file(s) extracted, the rest from the cache; 0 file(s) written: nothing changed since the last "
              "build (reports, sidecars, code and outputs are as it left them)")
        return 0
    t = result.timings
    print(f"{len(result.reports)} report(s) published, {len(result.failures)} file(s) not published; "
          f"{len(result.extracted)} file(s) extracted, the rest from the cache; {len(result.written)} file(s) written; "
          f"extract {t['extract']:.1f}s, packages {t['packages']:.1f}s, validate {t['validate']:.1f}s, "
          f"exports {t['exports']:.1f}s, pages {t['pages']:.1f}s")
    for f in result.failures:
        print(f"  not published: {f['file']}: {f['reason']}")
    if result.invalid:
        print("INVALID DATA PACKAGES — the build stops here:", file=sys.stderr)
        for err in result.invalid[:50]:
            print(f"  {err}", file=sys.stderr)
        return 1
    return 0


__all__ = ["build", "main", "sidecar_path"]
