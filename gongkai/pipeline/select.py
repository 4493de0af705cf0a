"""Which files publish: the files found in reports/, one report per agency and year, slugs told apart,
and the last good package kept for a file that published before and fails now."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from gongkai import paths as P
from gongkai.extract import companion_images
from gongkai.model import Report
from gongkai.pipeline.slim import reslug
from gongkai import index as I
from gongkai.readers import SUPPORTED

IGNORED_NAMES = {"README.md", ".gitkeep"}


def discover(reports_dir: Path) -> tuple[list[Path], list[dict]]:
    files, failures = [], []
    # One listing, its entries' types from it: not a stat of every file, and another of every sidecar's report
    # (a stat per file of reports/ is all the build spends on an unchanged report before its index, issue 17).
    with os.scandir(reports_dir) as it:
        listing = sorted(it, key=lambda entry: entry.name)
    names = {entry.name for entry in listing}
    # Pictures a report's sidecar lists (saved beside an HTML page) belong to that report: not files of their own.
    # Only a file of a type no reader takes can be one, so the sidecars are read only when there is such a
    # file: otherwise every build read every sidecar (a read per report, issue 17).
    if any(_suffix(e.name) not in SUPPORTED and not e.name.endswith(".yml") and e.name not in IGNORED_NAMES
           and not e.name.startswith(".") for e in listing):
        companions = {name for side in listing if side.name.endswith(".yml")
                      for name in companion_images(reports_dir / side.name[: -len(".yml")])}
    else:
        companions = set()
    for entry in listing:
        name = entry.name
        if name in companions:
            continue
        if not entry.is_file() or name in IGNORED_NAMES:
            continue
        if name.startswith("."):
            # Hidden to `ls` and easy to miss: say so instead of skipping it silently.
            failures.append({"file": name, "reason": "the file name starts with '.', so it is treated as a "
                                                     "hidden file and not read; rename it"})
            continue
        if name.endswith(".yml"):
            if name[:-4] not in names:
                failures.append({"file": name, "reason": f"sidecar without a report: {name[:-4]} not found"})
            continue
        suffix = _suffix(name)
        if suffix not in SUPPORTED:
            failures.append({"file": name,
                             "reason": f"unsupported file type '{Path(name).suffix}'; expected {', '.join(SUPPORTED)}"})
            continue
        files.append(reports_dir / name)
    return files, failures


def _suffix(name: str) -> str:
    """The name's suffix, lower-cased (no Path made for each file)."""
    return os.path.splitext(name)[1].lower()


def resolve_collisions(reports: list[Report]) -> list[Report]:
    """Two agencies whose names give one slug are told apart by a hash of the name."""
    names: dict[str, set[str]] = {}
    for rep in reports:
        names.setdefault(rep.slug, set()).add(rep.meta.agency)
    for rep in reports:
        agencies = sorted(names[rep.slug])
        if len(agencies) > 1 and rep.meta.agency != agencies[0]:
            reslug(rep, f"{rep.slug}-{hashlib.sha1(rep.meta.agency.encode()).hexdigest()[:6]}")
    return reports


def resolve_duplicates(reports: list[Report]) -> tuple[list[Report], list[dict]]:
    """One report per agency and year: the one with most cells read wins, then the first file name."""
    groups: dict[str, list[Report]] = {}
    for rep in reports:
        groups.setdefault(rep.report_id, []).append(rep)
    kept, dropped = [], []
    for rid in sorted(groups):
        ranked = sorted(groups[rid], key=lambda r: (-I.reported_cells(r), r.source.name))
        kept.append(ranked[0])
        for other in ranked[1:]:
            won, lost = I.reported_cells(ranked[0]), I.reported_cells(other)
            why = (f"it has more cells read ({won} vs {lost})" if won > lost
                   else f"both have {won} cells read and its file name sorts first")
            dropped.append({"file": other.source.name,
                            "reason": f"duplicate of {ranked[0].source.name} ({rid}); that file was kept because "
                                      f"{why}"})
    return kept, dropped


def previous_packages(out_dir: Path) -> dict[str, str]:
    """file name -> report_id it published in the previous build (as published or as kept stale)."""
    try:
        previous = json.loads((out_dir / P.BUILD_REPORT).read_text(encoding="utf-8"))
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
        if not rid or rid in published or not (out_dir / P.report_dir_of(rid) / P.DESCRIPTOR).is_file():
            continue
        stale.append({"file": failure["file"], "report_id": rid, "stale": True, "reason": failure["reason"]})
        failure["reason"] += (f" — the last good data package ({rid}) from an earlier build is kept and "
                              "marked stale until the file extracts again")
    return stale
