"""What the main process keeps of each report while the build goes on: its index (gongkai/index.py).

A full report holds every row and its text; the pages over many reports need a few names, the measures'
input cells and some counts.  From extraction on, the build keeps each report's ReportIndex and loads the
full form again from the extraction cache in the worker that writes its own files (full_report), replaying
there what the main process decided for it (a slug told apart from another agency's, cross-year checks)."""
from __future__ import annotations

from pathlib import Path

from gongkai.checks.cross_year import cross_year_checks
from gongkai.extract import check_record, summary
from gongkai.index import ReportIndex, cross_year_cells, index_of
from gongkai.model import Report
from gongkai.pipeline.runner import Cache


def reslug(rep, slug: str) -> None:
    """Give a report another slug, in its rows too (an index has none)."""
    rep.slug = slug
    if isinstance(rep, ReportIndex):
        return
    for records in rep.records.values():
        for rec in records:
            if "report_id" in rec:
                rec["report_id"] = rep.report_id
            if "agency_slug" in rec:
                rec["agency_slug"] = slug


def add_checks(rep: Report, added: list) -> None:
    """Checks found after extraction (cross-year), in the report's checks and its rows."""
    rep.checks.extend(added)
    rep.records["checks"].extend(check_record(rep.report_id, c) for c in added)
    rep.records["metadata"][0]["checks_failed"] = len(rep.failed_checks)


def full_report(rep, extract_cache: Path | None):
    """The full report behind an index, with the main process's decisions applied in the same order as build
    applies them to a full report; a full report is returned as it is."""
    if not isinstance(rep, ReportIndex) or rep.extract_key is None:
        return rep
    key = rep.extract_key
    outcome = Cache(extract_cache).get(key)
    if outcome is None or outcome.report is None:
        raise RuntimeError(f"{rep.name}: its extraction is no longer in {extract_cache} (key {key}); "
                           "run the build again")
    full = outcome.report
    full.source = rep.source
    if full.slug != rep.slug:
        reslug(full, rep.slug)
    if rep.cross_year_prev is not None:
        add_checks(full, cross_year_checks(cross_year_cells(*rep.cross_year_prev),
                                           cross_year_cells(rep.cross_year, rep.cross_year_status), rep.meta.year - 1))
    return full


def slim_on_arrival(rep: Report, key: str) -> ReportIndex:
    """The extraction's shrink step: the report's index, with the log line read before its rows go."""
    index = index_of(rep, key)
    index.summary_line = summary(rep)
    return index
