"""Slim reports: what the main process keeps of each report while the build goes on.

A full report holds every row and its text; the pages over many reports need only the cells' values and
statuses.  From extraction on, the build keeps each report slim and loads its full form again from the
extraction cache in the worker that writes its own files (full_report), replaying there what the main
process decided for it (a slug told apart from another agency's, cross-year checks)."""
from __future__ import annotations

import sys
from pathlib import Path

from gongkai.extract import cells_from, check_record, summary
from gongkai.model import Report
from gongkai.pipeline.runner import Cache
from gongkai.schema import registry as R


def slim(rep) -> None:
    """Drop what only the report's own files needed: its rows beyond the cells' values and statuses,
    its text and its passing checks.  A report then costs a few kilobytes for the rest of the build.
    Pages over many reports read only code, status and value of a table cell (measures and cell
    counts); the codes and statuses repeat across reports, so one interned copy of each is kept."""
    for table in R.TABLES:
        rep.records[table] = [{"code": sys.intern(rec["code"]), "status": sys.intern(rec["status"]),
                               "value": rec["value"]} for rec in rep.records[table]]
    for name in R.RESOURCE_ORDER:
        if name not in R.TABLES and name not in ("metadata", "corrections"):  # the errata page lists corrections
            rep.records[name] = []
    rep.checks = rep.failed_checks


def reslug(rep, slug: str) -> None:
    """Give a report another slug, in its rows too (a slim report's table cells carry no ids)."""
    rep.slug = slug
    for records in rep.records.values():
        for rec in records:
            if "report_id" in rec:
                rec["report_id"] = rep.report_id
            if "agency_slug" in rec:
                rec["agency_slug"] = slug


# Rows of table 三 that the cross-year check compares (二 上年结转 and 四 结转下年度).
CROSS_YEAR_ROWS = ("carried_over", "carried_forward")


def application_cells(rep) -> dict:
    """The applications cells the cross-year check reads: kept aside by slim_stored, else from the rows."""
    kept = rep.cross_year_cells
    return kept if kept is not None else cells_from(rep.records["applications"], "row_code", "applicant_code")


def slim_stored(rep, key: str):
    """The report as the main process keeps it from extraction on: slim (see slim), plus the few cells
    the cross-year check needs and the extraction-cache key its full form is loaded again by, in the
    worker that writes its files.  What the main process decides for it later (a slug told apart from
    another agency's, cross-year checks) is replayed on the full report there (full_report)."""
    rep.cross_year_cells = {k: v for k, v in application_cells(rep).items() if k[0] in CROSS_YEAR_ROWS}
    rep.extract_key = key
    rep.cross_year_checks = []
    slim(rep)
    return rep


def full_report(rep, extract_cache: Path | None):
    """The full report behind a slim_stored one, with the main process's decisions applied in the same
    order as build applies them to a full report; any other report is returned as it is."""
    key = rep.extract_key
    if key is None:
        return rep
    outcome = Cache(extract_cache).get(key)
    if outcome is None or outcome.report is None:
        raise RuntimeError(f"{rep.source.name}: its extraction is no longer in {extract_cache} (key {key}); "
                           "run the build again")
    full = outcome.report
    full.source = rep.source
    if full.slug != rep.slug:
        reslug(full, rep.slug)
    if rep.cross_year_checks:
        full.checks.extend(rep.cross_year_checks)
        full.records["checks"].extend(check_record(full.report_id, c) for c in rep.cross_year_checks)
        full.records["metadata"][0]["checks_failed"] = len(full.failed_checks)
    return full


def slim_on_arrival(rep: Report, key: str) -> Report:
    rep.summary_line = summary(rep)  # what the log says of it, read before its rows are dropped
    return slim_stored(rep, key)
