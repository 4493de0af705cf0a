"""Data releases: date-based versions, the notes between two releases, the CHANGELOG (pipeline/release.py makes them).

The notes come from comparing a release's combined CSVs with the previous release's: reports added,
removed or replaced (a different source file for the same agency and year), every cell whose value or
status changed with why (a new source file, a correction in the sidecar, a new extractor version, or
extraction code changed under the same version), and checks that newly fail or newly pass.  Both sides
are read one report at a time (the combined CSVs are in report_id order), so memory does not grow with
the corpus.  Every build renders the site's 更新记录 page (pages/changelog.py) and the downloads'
CHANGELOG.txt from releases/*/release.json.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import json
from operator import itemgetter
from pathlib import Path

from gongkai import paths as P
from gongkai.schema import registry as R
from gongkai.package.datapackage import RELEASE_VERSION

# Metadata fields compared between releases (report_id, slug and year make the report's identity; the
# source file and checksum are reported as a replacement; checks_failed and warnings follow from the rest).
META_FIELDS = tuple(c.name for c in R.METADATA_COLUMNS
                    if c.name not in ("report_id", "agency_slug", "year", "source_file", "sha256", "checks_failed",
                                      "warnings"))
WHY = {
    "new_source": ("新的源文件", "a new source file"),
    "correction": ("来源说明（sidecar）更正", "a correction in the sidecar"),
    "new_extractor": ("提取程序新版本", "a new extractor version"),
    "code_change": ("提取代码更新（版本号未变）", "extraction code changed under the same version"),
}
# The site page lists at most this many changed cells per release; CHANGELOG.txt lists them all.
PAGE_CELLS = 300


# ---------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------
def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def version_date(version: str) -> str:
    """The ISO date a release version was made on."""
    year, month, day = version.split(".")[:3]
    return f"{year}-{month}-{day}"


def next_version(day: str, existing: set[str]) -> str:
    """YYYY.MM.DD for the date (ISO), or YYYY.MM.DD.N when that day already has N-1 releases."""
    base = dt.date.fromisoformat(day).strftime("%Y.%m.%d")
    if base not in existing:
        return base
    n = 2
    while f"{base}.{n}" in existing:
        n += 1
    return f"{base}.{n}"


def list_releases(releases_dir: Path) -> list[dict]:
    """Every release's release.json, oldest first.  A directory without one (a release cut short) is skipped."""
    out = []
    if releases_dir.is_dir():
        for path in releases_dir.iterdir():
            if path.is_dir() and RELEASE_VERSION.fullmatch(path.name) and (path / P.RELEASE_JSON).is_file():
                out.append(json.loads((path / P.RELEASE_JSON).read_text(encoding="utf-8")))
    return sorted(out, key=lambda info: version_key(info["version"]))


def releases_state(releases_dir: Path) -> str:
    """A digest of the releases' notes: part of the build's inputs, since the build renders them."""
    h = hashlib.sha256()
    if releases_dir.is_dir():
        for path in sorted(releases_dir.glob(f"*/{P.RELEASE_JSON}")):
            h.update(path.parent.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


# ---------------------------------------------------------------------------
# Comparing two releases
# ---------------------------------------------------------------------------
def rows_by_report(path: Path | None):
    """(report_id, rows) in file order; a combined CSV holds each report's rows together."""
    if path is None or not path.is_file():
        return
    with path.open(newline="", encoding="utf-8") as fh:
        for rid, rows in itertools.groupby(csv.DictReader(fh), key=itemgetter("report_id")):
            yield rid, list(rows)


def _paired(before: Path | None, after: Path):
    """(report_id, rows before or None, rows after or None) over both files, in report_id order."""
    a, b = rows_by_report(before), rows_by_report(after)
    x, y = next(a, None), next(b, None)
    while x or y:
        if y is None or (x is not None and x[0] < y[0]):
            yield x[0], x[1], None
            x = next(a, None)
        elif x is None or y[0] < x[0]:
            yield y[0], None, y[1]
            y = next(b, None)
        else:
            yield x[0], x[1], y[1]
            x, y = next(a, None), next(b, None)


def why(before: dict | None, after: dict | None, extractor_before: str | None, extractor_after: str) -> list[str]:
    """The reasons a report's rows may differ between two releases, from what each release recorded."""
    before, after = before or {}, after or {}
    reasons = []
    if (before.get("sha256"), before.get("source_file")) != (after.get("sha256"), after.get("source_file")):
        reasons.append("new_source")
    if before.get("sidecar_sha256") != after.get("sidecar_sha256"):
        reasons.append("correction")
    if extractor_before != extractor_after:
        reasons.append("new_extractor")
    return reasons or ["code_change"]


def _cell(row: dict, with_status: bool) -> dict:
    out = {"value": row.get("value") or None}
    if with_status:
        out["status"] = row.get("status")
    return out


def compare(before_dir: Path | None, before: dict | None, after_dir: Path, after: dict) -> dict:
    """The notes of release `after` against `before` (None for the first release).

    before/after: release.json contents (their `reports` give each report's source and sidecar checksums);
    *_dir: the directories holding each release's combined CSVs."""
    before = before or {"reports": {}, "extractor_version": None}
    b_reports, a_reports = before["reports"], after["reports"]
    added = sorted(set(a_reports) - set(b_reports))
    removed = sorted(set(b_reports) - set(a_reports))
    replaced = [{"report_id": rid, "before": b_reports[rid]["source_file"], "after": a_reports[rid]["source_file"]}
                for rid in sorted(set(a_reports) & set(b_reports))
                if (b_reports[rid]["sha256"], b_reports[rid]["source_file"])
                != (a_reports[rid]["sha256"], a_reports[rid]["source_file"])]
    reasons = {rid: why(b_reports.get(rid), a_reports.get(rid), before["extractor_version"],
                        after["extractor_version"]) for rid in set(a_reports) & set(b_reports)}

    def read(name: str):
        return _paired(before_dir / P.resource_csv(name) if before_dir else None, after_dir / P.resource_csv(name))

    cells = []
    for rid, old, new in read("metadata"):
        if old and new:
            for name in META_FIELDS:
                if (old[0].get(name) or None) != (new[0].get(name) or None):
                    cells.append({"report_id": rid, "table": "metadata", "code": name,
                                  "before": {"value": old[0].get(name) or None},
                                  "after": {"value": new[0].get(name) or None}, "why": reasons[rid]})
    for table in R.TABLES:
        for rid, old, new in read(table):
            if not (old and new):
                continue  # a report added or removed is listed as such, not cell by cell
            old_cells = {row["code"]: _cell(row, True) for row in old}
            new_cells = {row["code"]: _cell(row, True) for row in new}
            for code in sorted(set(old_cells) | set(new_cells)):
                o, n = old_cells.get(code), new_cells.get(code)
                if o != n:
                    cells.append({"report_id": rid, "table": table, "code": code, "before": o, "after": n,
                                  "why": reasons[rid]})
    failing, passing = [], []
    for rid, old, new in read("checks"):
        if not (old and new):
            continue
        was = {row["check_id"]: row["result"] for row in old}
        for row in new:
            prior = was.get(row["check_id"])
            entry = {"report_id": rid, "check_id": row["check_id"], "before": prior, "after": row["result"],
                     "why": reasons[rid]}
            if row["result"] == "fail" and prior != "fail":
                failing.append(entry)
            elif row["result"] == "pass" and prior == "fail":
                passing.append(entry)
    return {
        "version": after["version"], "previous": before.get("version"), "date": after["date"],
        "extractor_version": after["extractor_version"], "previous_extractor_version": before["extractor_version"],
        "reports": {"count": len(a_reports), "added": added, "removed": removed, "replaced": replaced},
        "cells": cells,
        "checks": {"newly_failing": failing, "newly_passing": passing},
    }


# ---------------------------------------------------------------------------
# Rendering the notes
# ---------------------------------------------------------------------------
def _plain(text) -> str:
    """Text from a report, on one line, for the plain CHANGELOG (not rendered as HTML by the site)."""
    return " ".join(str(text).split()) if text is not None else ""


def cell_text(cell: dict | None) -> str:
    if cell is None:
        return "（无此单元格 absent）"
    value = "（空白 blank）" if cell.get("value") is None else _plain(cell["value"])
    return f"{value} [{cell['status']}]" if cell.get("status") else value


def why_text(codes: list[str]) -> str:
    return "; ".join(f"{WHY[c][0]} {WHY[c][1]}" for c in codes)


def summary_line(notes: dict) -> str:
    r, c = notes["reports"], notes["checks"]
    return (f"报告 {r['count']} 份（新增 {len(r['added'])}、删除 {len(r['removed'])}、替换 {len(r['replaced'])}）；"
            f"变化的单元格 {len(notes['cells'])} 个；新未通过核验 {len(c['newly_failing'])} 项，"
            f"新通过 {len(c['newly_passing'])} 项。")


def changelog_text(releases: list[dict]) -> str:
    """The CHANGELOG: every release's notes, newest first, every changed cell listed."""
    out = ["# 公开 Gongkai 数据更新记录 / Changelog\n\n",
           "每个版本与上一版本相比的变化。Changes of each data release against the one before.\n"]
    if not releases:
        out.append("\n尚无发布版本。No release yet.\n")
    for info in reversed(releases):
        n = info["notes"]
        prev = n["previous"] or "（首个版本 first release）"
        out.append(f"\n## {n['version']} ({n['date']})\n\n上一版本 Previous: {prev}。提取程序 Extractor: "
                   f"{n['previous_extractor_version'] or '—'} → {n['extractor_version']}\n\n{summary_line(n)}\n")
        r = n["reports"]
        for label, rids in (("新增报告 Reports added", r["added"]), ("删除报告 Reports removed", r["removed"])):
            if rids:
                out.append(f"\n### {label}\n\n" + "".join(f"- {rid}\n" for rid in rids))
        if r["replaced"]:
            out.append("\n### 替换的报告 Reports replaced (new source file)\n\n"
                       + "".join(f"- {e['report_id']}: {_plain(e['before'])} → {_plain(e['after'])}\n"
                                 for e in r["replaced"]))
        if n["cells"]:
            out.append("\n### 变化的单元格 Cells changed (before → after, why)\n\n")
            out += [f"- {c['report_id']} {c['table']} {c['code']}: {cell_text(c['before'])} → {cell_text(c['after'])} "
                    f"({why_text(c['why'])})\n" for c in n["cells"]]
        for key, label in (("newly_failing", "新未通过的核验 Checks newly failing"),
                           ("newly_passing", "新通过的核验 Checks newly passing")):
            if n["checks"][key]:
                out.append(f"\n### {label}\n\n")
                out += [f"- {e['report_id']} {e['check_id']}: {e['before'] or '（无 none）'} → {e['after']} "
                        f"({why_text(e['why'])})\n" for e in n["checks"][key]]
    return "".join(out)


def citation(version: str, day: str) -> str:
    """How to cite the data of a release (on the downloads page and in the release's CHANGELOG)."""
    return f"公开 Gongkai：政府信息公开工作年度报告开放数据，版本 {version}（{day}）。"
