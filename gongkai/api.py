"""The static JSON API under docs/api/ (MkDocs copies it to site/api/).

Layout (documented in the README and on the English page):
  api/index.json               every report with its metadata, measures and links
  api/agencies.json            every agency with its years
  api/<agency-slug>/<year>.json  one report: metadata, the three tables cell by cell, checks, sections

Field names are English; Chinese labels sit alongside (`*_zh`).  Files are pure functions of
the reports, sorted, without timestamps, so the same inputs give the same bytes.
"""
from __future__ import annotations

import json
from collections import defaultdict

from . import measures as M
from . import registry as R
from .package import _json_value
from .places import LEVELS

API_VERSION = 1

# For each table: the record fields holding the row code/label and the column code/label,
# and the registry dimensions that give the English labels.
_AXES = {
    "active_disclosure": ("item_code", "item", "measure_code", "measure", R.AD_ITEMS, R.AD_MEASURES),
    "applications": ("row_code", "row_label", "applicant_code", "applicant", R.APP_ROWS, R.APPLICANTS),
    "reviews_litigation": ("category_code", "category", "result_code", "result", R.RL_CATEGORIES, R.RL_RESULTS),
}


def dumps(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def links(rep) -> dict:
    """Site-root-relative paths, so they work wherever the site is served."""
    slug, year = rep.slug, rep.meta.year
    base = f"downloads/{slug}/{year}"
    return {
        "page": f"reports/{slug}/{year}/",
        "api": f"api/{slug}/{year}.json",
        "datapackage": f"{base}/datapackage.json",
        "zip": f"{base}/{slug}-{year}.zip",
        "csv": {name: f"{base}/{name}.csv" for name in R.RESOURCE_ORDER},
        "json": {name: f"{base}/{name}.json" for name in R.RESOURCE_ORDER},
    }


def measure_definitions() -> list[dict]:
    return [{"code": m.code, "zh": m.zh, "short_zh": m.short_zh, "en": m.en, "kind": m.kind, "unit_zh": m.unit[0], "unit_en": m.unit[1],
             "formula_zh": m.formula_zh(),
             "numerator": [f"{c.table}:{c.code}" for c in m.num],
             "denominator": [f"{c.table}:{c.code}" for c in m.den]} for m in M.MEASURES]


def summary(rep) -> dict:
    m = rep.meta
    status_zh = R.REPORT_STATUSES[rep.status][0]
    return {
        "report_id": rep.report_id, "agency_slug": rep.slug, "agency": m.agency,
        "region": m.region, "province": m.province, "level": m.level, "level_zh": LEVELS.get(m.level or ""),
        "year": m.year, "edition": rep.edition, "status": rep.status, "status_zh": status_zh,
        "checks_failed": len(rep.failed_checks),
        "measures": M.compute(rep.records),
        "links": links(rep),
    }


def index_json(reports) -> dict:
    return {
        "api_version": API_VERSION,
        "description": "Gongkai: China's government information-disclosure annual reports as open data. "
                       "One entry per published report; measures are null where an input cell is unknown.",
        "measures": measure_definitions(),
        "reports": [summary(r) for r in sorted(reports, key=lambda r: r.report_id)],
    }


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
            "page": f"agencies/{slug}/",
            "years": [r.meta.year for r in reps],
            "reports": [{"year": r.meta.year, "report_id": r.report_id, "api": f"api/{slug}/{r.meta.year}.json",
                         "page": f"reports/{slug}/{r.meta.year}/"} for r in reps],
        })
    return {"api_version": API_VERSION, "agencies": agencies}


def _cells(table: str, records: list[dict]) -> list[dict]:
    row_key, row_label, col_key, col_label, rows, cols = _AXES[table]
    rows_by, cols_by = R.by_code(rows), R.by_code(cols)
    out = []
    for rec in records:
        row, col = rows_by.get(rec[row_key]), cols_by.get(rec[col_key])
        cell = {
            "code": rec["code"],
            "row": rec[row_key], "row_zh": rec[row_label], "row_en": row.en if row else None,
            "row_group_zh": (row.group or None) if row else None,
            "column": rec[col_key], "column_zh": rec[col_label], "column_en": col.en if col else None,
            "value": _json_value(rec["value"]), "unit": rec["unit"],
            "status": rec["status"], "status_zh": R.STATUSES[rec["status"]][0],
            "raw": rec.get("raw") or "", "source_page": rec.get("source_page"),
        }
        if table == "reviews_litigation":
            cell["subcategory_zh"] = rec.get("subcategory") or None
        out.append(cell)
    return out


def report_json(rep) -> dict:
    meta = {c.name: _json_value(rep.records["metadata"][0].get(c.name)) for c in R.METADATA_COLUMNS}
    tables = {}
    for name in R.TABLES:
        zh, en = R.title_of(name)
        tables[name] = {"zh": zh, "en": en, "cells": _cells(name, rep.records[name])}
    checks = [{"check_id": c["check_id"], "identity_zh": c["identity"], "lhs": _json_value(c["lhs"]),
               "rhs": _json_value(c["rhs"]), "result": c["result"], "note": c["note"]}
              for c in rep.records["checks"]]
    sections = [{"section": s["section"], "heading_zh": s["heading"], "text_zh": s["text"]}
                for s in rep.records["sections"]]
    return {"api_version": API_VERSION, **summary(rep), "metadata": meta,
            "metadata_labels": {c.name: {"zh": c.zh, "en": c.en} for c in R.METADATA_COLUMNS},
            "tables": tables, "checks": checks, "sections": sections}


def api_files(reports) -> dict[str, bytes]:
    """Relative path under api/ -> file bytes."""
    files = {"index.json": dumps(index_json(reports)), "agencies.json": dumps(agencies_json(reports))}
    for rep in reports:
        files[f"{rep.slug}/{rep.meta.year}.json"] = dumps(report_json(rep))
    return dict(sorted(files.items()))
