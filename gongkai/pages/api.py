"""The static JSON API under docs/api/ (MkDocs copies it to site/api/).

Layout (documented in the README and on the English page):
  api/index.json               every report with its metadata, measures and links
  api/agencies.json            every agency with its years
  api/<bucket>/<agency-slug>/<year>.json  one report: metadata, the three tables cell by cell, checks,
                               sections (<bucket>: paths.bucket, two hex digits of the slug's sha256;
                               every report's `links.api` in index.json gives the exact path)

Field names are English; Chinese labels sit alongside (`*_zh`).  Files are pure functions of
the reports, sorted, without timestamps, so the same inputs give the same bytes.
"""
from __future__ import annotations

import json
from collections import defaultdict

from gongkai import paths as P
from gongkai.pages import measured
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.package.datapackage import _json_value
from gongkai.schema.places import LEVELS

API_VERSION = 1
INDEX, AGENCIES = "index.json", "agencies.json"  # under api/

# For each table: the record fields holding the row code/label and the column code/label,
# and the registry dimensions that give the English labels.
_AXES = {
    "active_disclosure": ("item_code", "item", "measure_code", "measure", R.AD_ITEMS, R.AD_MEASURES),
    "applications": ("row_code", "row_label", "applicant_code", "applicant", R.APP_ROWS, R.APPLICANTS),
    "reviews_litigation": ("category_code", "category", "result_code", "result", R.RL_CATEGORIES, R.RL_RESULTS),
}


def dumps(data) -> bytes:
    """Compact UTF-8 JSON: with thousands of reports, indentation alone would add megabytes."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def links(rep) -> dict:
    """Site-root-relative paths, so they work wherever the site is served.

    `downloads` is the report's folder: it holds `<table>.csv` and `<table>.json` for every table
    (see `tables` in index.json), `datapackage.json` and the zip; `archive` is the source file itself,
    under its sha256 (an HTML source as plain text, never as a live page).
    """
    return {**P.report_links(rep.slug, rep.meta.year),
            "archive": f"{P.DOWNLOADS}/{P.archive_file(rep.sha256, rep.source.name)}"}


def measure_definitions() -> list[dict]:
    return [{"code": m.code, "zh": m.zh, "short_zh": m.short_zh, "en": m.en, "kind": m.kind, "unit_zh": m.unit[0], "unit_en": m.unit[1],
             "formula_zh": m.formula_zh(),
             "numerator": [f"{c.table}:{c.code}" for c in m.num],
             "denominator": [f"{c.table}:{c.code}" for c in m.den]} for m in M.MEASURES]


def summary(rep, measures: dict | None = None) -> dict:
    m = rep.meta
    status_zh = R.REPORT_STATUSES[rep.status][0]
    return {
        "report_id": rep.report_id, "agency_slug": rep.slug, "agency": m.agency,
        "region": m.region, "province": m.province, "level": m.level, "level_zh": LEVELS.get(m.level or ""),
        "year": m.year, "edition": rep.edition, "status": rep.status, "status_zh": status_zh,
        "checks_failed": len(rep.failed_checks),
        "measures": measured.values_of(rep) if measures is None else measures,
        "links": links(rep),
    }


def index_json(reports, values: dict | None = None) -> dict:
    """`values`: report_id -> measures, when the caller has computed them already."""
    values = values or {}
    return {
        "api_version": API_VERSION,
        "description": "Gongkai: China's government information-disclosure annual reports as open data. "
                       "One entry per published report; measures are null where an input cell is unknown.",
        "measures": measure_definitions(),
        "tables": {name: {"zh": R.title_of(name)[0], "en": R.title_of(name)[1]} for name in R.RESOURCE_ORDER},
        "reports": [summary(r, values.get(r.report_id)) for r in sorted(reports, key=lambda r: r.report_id)],
    }


def index_entry(rep, measures: dict) -> bytes:
    """One report's entry of index.json, as dumps writes it inside the list."""
    return json.dumps(summary(rep, measures), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def index_from_entries(entries: list[bytes]) -> bytes:
    """index.json from its reports' entries (index_entry, in report_id order): the bytes of
    dumps(index_json(reports)), so an edit computes only the entries of the reports that changed."""
    whole = dumps(index_json([]))
    cut = whole.rindex(b"[]")  # "reports":[] is the last member
    return whole[: cut + 1] + b",".join(entries) + whole[cut + 1:]


def agencies_json(reports) -> dict:
    by_slug: dict[str, list] = defaultdict(list)
    for rep in sorted(reports, key=lambda r: (r.slug, r.meta.year)):
        by_slug[rep.slug].append(rep)
    agencies = []
    for slug in sorted(by_slug):
        reps = by_slug[slug]
        m = reps[-1].meta  # the latest report names the agency as it is now
        agencies.append({
            "agency_slug": slug, "agency": m.agency, "region": m.region, "province": m.province,
            "level": m.level, "level_zh": LEVELS.get(m.level or ""),
            "page": P.page_url(P.agency_page(slug)),
            "years": [r.meta.year for r in reps],
            "reports": [{"year": r.meta.year, "report_id": r.report_id, "api": f"{P.API_DIR}/{P.report_api(slug, r.meta.year)}",
                         "page": P.page_url(P.report_page(slug, r.meta.year))} for r in reps],
        })
    return {"api_version": API_VERSION, "agencies": agencies}


def _table(table: str, records: list[dict]) -> dict:
    """Rows and columns once, with their codes and zh/en labels; then one entry per cell."""
    row_key, row_label, col_key, col_label, rows, cols = _AXES[table]
    rows_by, cols_by = R.by_code(rows), R.by_code(cols)
    row_list, col_list, cells = {}, {}, []
    for rec in records:
        r, c = rec[row_key], rec[col_key]
        if r not in row_list:
            dim = rows_by.get(r)
            row_list[r] = {"code": r, "zh": rec[row_label], "en": dim.en if dim else None,
                           "group_zh": (dim.group or None) if dim else None}
            if table == "reviews_litigation":
                row_list[r]["subcategory_zh"] = rec.get("subcategory") or None
        if c not in col_list:
            dim = cols_by.get(c)
            col_list[c] = {"code": c, "zh": rec[col_label], "en": dim.en if dim else None}
        cells.append({"code": rec["code"], "row": r, "column": c, "value": _json_value(rec["value"]),
                      "unit": rec["unit"], "status": rec["status"], "raw": rec.get("raw") or "",
                      "source_page": rec.get("source_page")})
    zh, en = R.title_of(table)
    return {"zh": zh, "en": en, "rows": list(row_list.values()), "columns": list(col_list.values()), "cells": cells}


def report_json(rep, measures: dict | None = None) -> dict:
    meta = {c.name: _json_value(rep.records["metadata"][0].get(c.name)) for c in R.METADATA_COLUMNS}
    checks = [{"check_id": c["check_id"], "identity_zh": c["identity"], "lhs": _json_value(c["lhs"]),
               "rhs": _json_value(c["rhs"]), "result": c["result"], "note": c["note"]}
              for c in rep.records["checks"]]
    sections = [{"section": s["section"], "heading_zh": s["heading"], "text_zh": s["text"]}
                for s in rep.records["sections"]]
    return {"api_version": API_VERSION, **summary(rep, measures), "metadata": meta,
            "metadata_labels": {c.name: {"zh": c.zh, "en": c.en} for c in R.METADATA_COLUMNS},
            "status_labels": {k: {"zh": zh, "en": en} for k, (zh, en) in R.STATUSES.items()},
            "tables": {name: _table(name, rep.records[name]) for name in R.TABLES},
            "checks": checks, "sections": sections}


def report_api_path(rep) -> str:
    return P.report_api(rep.slug, rep.meta.year)


def api_files(reports, per_report: bool = True) -> dict[str, bytes]:
    """Relative path under api/ -> file bytes; per_report=False leaves out the one-report files."""
    with measured.scope():
        values = {r.report_id: measured.values_of(r) for r in reports}
        files = {INDEX: dumps(index_json(reports, values)), AGENCIES: dumps(agencies_json(reports))}
        if per_report:
            for rep in reports:
                files[report_api_path(rep)] = dumps(report_json(rep, values[rep.report_id]))
    return dict(sorted(files.items()))
