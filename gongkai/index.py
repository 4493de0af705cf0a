"""The small per-report index: what the build keeps of each report, and all that the pages over many reports
read (overview, years, regions, agencies, charts, quality, 报告总表, 覆盖范围, the API index), the cross-year
check and the build report.

A full Report holds every row of its package with its text (about 55 KB even with only values and
statuses kept); the build needs of it a few names, the inputs of the measures and some counts.  So from
extraction on the main process keeps a ReportIndex (about 1.5 KB: measured in BENCHMARKS.md, "Build-process
memory") and the full report stays in the extraction cache, where the worker that writes the report's own
files loads it again (pipeline/slim.py full_report).

The pages take either kind: the few things an index stores precomputed are read through cells(),
corrections(), cell_counts() and reported_cells(), which compute them from a full report's rows."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gongkai.model import CellValue, Report
from gongkai.schema import measures as M
from gongkai.schema import registry as R

# The sidecar fields the combined package's `sources` read (package/datapackage.py source_entry).
SIDECAR_KEYS = ("source_url", "mirror_url", "retrieved")
# Rows of table 三 that the cross-year check compares (二 上年结转 and 四 结转下年度), each with every applicant.
CROSS_YEAR_ROWS = ("carried_over", "carried_forward")
CROSS_YEAR_KEYS = tuple((row, a.code) for row in CROSS_YEAR_ROWS for a in R.APPLICANTS)
# Statuses every report has many of: counted apart (reported) or not at all (blank); every other status is
# counted per table for the quality page.
COMMON_STATUSES = ("reported", "blank")


@dataclass(slots=True)
class IndexMeta:
    """The metadata the pages over many reports show or group by."""

    agency: str | None
    year: int | None
    province: str | None
    region: str | None
    level: str | None


@dataclass(slots=True)
class ReportIndex:
    """One report as the build keeps it.  Same names as Report for what both have (slug, meta.agency,
    report_id, failed_checks, source.name, sidecar.get, ...), so pages read either."""

    name: str  # the source file's name
    source_dir: Path  # shared by every report of the folder
    sha256: str
    meta: IndexMeta
    sidecar: dict  # only SIDECAR_KEYS, where the sidecar gives them
    slug: str
    edition: str | None
    status: str
    cells: M.CellVector  # the measures' input cells
    reported_cells: int  # cells read as printed (which of two files for one agency-year publishes)
    cell_statuses: tuple  # (status, table, number of cells) for each status outside COMMON_STATUSES
    corrections: tuple  # the corrections rows (the 更正记录 page lists them); usually none
    failed_checks: tuple  # failed CheckResults, the cross-year ones included once the build adds them
    warnings: tuple
    # The cells of CROSS_YEAR_KEYS: their values, and their statuses (None: not printed).  None: the report
    # has no table 三 at all.
    cross_year: tuple | None
    cross_year_status: tuple | None
    extract_key: str | None = None  # the full report's key in the extraction cache
    # The year before's (cross_year, cross_year_status), when the build compared the two: full_report
    # replays the check from it.
    cross_year_prev: tuple | None = None
    summary_line: str = ""  # the build log's line for it, until logged

    @property
    def source(self) -> Path:
        return self.source_dir / self.name

    @property
    def report_id(self) -> str:
        return f"{self.slug}/{self.meta.year}"


_SHARED: dict = {}
_NO_SIDECAR: dict = {}  # one empty mapping for every report without those fields (never written to)


def _shared(value):
    """One object for equal values that recur across reports (folders, years, provinces, levels, statuses)."""
    if isinstance(value, str):
        return sys.intern(value)
    if value is None:
        return None
    return _SHARED.setdefault((type(value), value), value)


def _compact_value(value):
    if isinstance(value, Decimal):
        return M._compact(value)
    return value


def _cross_year(applications: list[dict]) -> tuple[tuple, tuple]:
    """(values, statuses) of the CROSS_YEAR_KEYS cells; the statuses (nearly always all `reported`) shared."""
    rows = {(r["row_code"], r["applicant_code"]): r for r in applications if r["row_code"] in CROSS_YEAR_ROWS}
    recs = [rows.get(key) for key in CROSS_YEAR_KEYS]
    values = tuple(None if rec is None else _compact_value(rec["value"]) for rec in recs)
    statuses = tuple(None if rec is None else sys.intern(rec["status"]) for rec in recs)
    return values, _SHARED.setdefault(("statuses", statuses), statuses)


def cross_year_cells(values: tuple, statuses: tuple) -> dict:
    """The {(row, applicant): CellValue} the cross-year check reads, from an index's cross_year."""
    return {key: CellValue(Decimal(value) if isinstance(value, int) else value, status)
            for key, value, status in zip(CROSS_YEAR_KEYS, values, statuses) if status is not None}


def _status_counts(records: dict) -> tuple[int, tuple]:
    counts: dict = {}
    for table in R.TABLES:
        for rec in records[table]:
            counts[(rec["status"], table)] = counts.get((rec["status"], table), 0) + 1
    reported = sum(n for (status, _t), n in counts.items() if status == "reported")
    rest = tuple((sys.intern(s), t, n) for (s, t), n in sorted(counts.items()) if s not in COMMON_STATUSES)
    return reported, rest


def index_of(rep: Report, key: str | None = None) -> ReportIndex:
    """The index of a full report; `key`: its entry in the extraction cache."""
    m = rep.meta
    reported, cell_statuses = _status_counts(rep.records)
    apps = rep.records["applications"]
    values, statuses = _cross_year(apps) if apps else (None, None)
    return ReportIndex(
        name=rep.source.name, source_dir=_SHARED.setdefault(("dir", str(rep.source.parent)), rep.source.parent),
        sha256=rep.sha256,
        meta=IndexMeta(m.agency, _shared(m.year), _shared(m.province), m.region, _shared(m.level)),
        sidecar={k: rep.sidecar[k] for k in SIDECAR_KEYS if k in rep.sidecar} or _NO_SIDECAR,
        slug=rep.slug, edition=_shared(rep.edition), status=sys.intern(rep.status),
        cells=M.cell_vector(rep.records), reported_cells=reported, cell_statuses=cell_statuses,
        corrections=tuple(rep.records.get("corrections") or ()),
        failed_checks=tuple(rep.failed_checks), warnings=tuple(rep.warnings),
        cross_year=values, cross_year_status=statuses,
        extract_key=key)


# ---------------------------------------------------------------------------
# What the pages read, from an index or a full report alike.
# ---------------------------------------------------------------------------
def cells(rep) -> M.CellVector:
    return rep.cells if isinstance(rep, ReportIndex) else M.cell_vector(rep.records)


def corrections(rep) -> tuple:
    return rep.corrections if isinstance(rep, ReportIndex) else tuple(rep.records.get("corrections") or ())


def cell_counts(rep) -> dict[str, dict[str, int]]:
    """status -> table -> number of cells, for statuses outside COMMON_STATUSES."""
    statuses = rep.cell_statuses if isinstance(rep, ReportIndex) else _status_counts(rep.records)[1]
    out: dict = {}
    for status, table, n in statuses:
        out.setdefault(status, {})[table] = n
    return out


def reported_cells(rep) -> int:
    return rep.reported_cells if isinstance(rep, ReportIndex) else _status_counts(rep.records)[0]


def has_applications(rep) -> bool:
    return rep.cross_year is not None if isinstance(rep, ReportIndex) else bool(rep.records["applications"])


def application_cells(rep) -> dict:
    """The applications cells the cross-year check reads (through the index's compact form for a full report
    too, so both give the same check)."""
    if isinstance(rep, ReportIndex):
        return cross_year_cells(rep.cross_year, rep.cross_year_status)
    return cross_year_cells(*_cross_year(rep.records["applications"]))


__all__ = ["ReportIndex", "IndexMeta", "index_of", "cells", "corrections", "cell_counts", "reported_cells",
           "application_cells", "has_applications", "cross_year_cells"]
