"""The evidence view's data: for every number on a report page, where in the source it was printed.

Each number on the page links to `#cell=<code>` (cell codes are unique within a report); the page's script
(docs/assets/evidence.js) loads this report's evidence JSON, written beside the page (paths.report_evidence),
on the first click and draws the place from it:
- text files: the source lines around the value, its characters [start, end) marked;
- HTML and DOCX: the source table, rebuilt from the cell texts the reader parsed (never the source's markup);
- PDF: the page drawn by PDF.js from the archived file, with the cell's box (points from the top-left);
- values inferred from digits run together: the run, the split chosen and the identities it had to satisfy;
  ambiguous ones: the run and every reading that fits.
Everything here is data; the script puts it on the page as text (textContent), never as markup.
"""
from __future__ import annotations

from gongkai import paths as P
from gongkai.checks.identities import identities
from gongkai.pages.markup import EVIDENCE_STATUSES, number
from gongkai.parse.recover import split_run
from gongkai.schema import registry as R

CONTEXT_LINES = 2  # source lines shown above and below a value's line
MAX_READINGS = 20  # readings of an ambiguous run listed one by one (the count is always given)


def linked(rec: dict) -> bool:
    """Does the page link this cell to its evidence: every number, and the '?' cells with something printed."""
    return R.carries_value(rec["status"]) or (rec["status"] in EVIDENCE_STATUSES and bool(rec.get("raw")))


def label(table: str, rec: dict) -> str:
    if table == "active_disclosure":
        return f"{rec['item']} · {rec['measure']}"
    if table == "applications":
        group = f"{rec['row_group']} " if rec.get("row_group") else ""
        return f"{group}{rec['row_label']} · {rec['applicant']}"
    sub = f" · {rec['subcategory']}" if rec.get("subcategory") else ""
    return f"{rec['category']}{sub} · {rec['result']}"


def _row_key(table: str, rec: dict) -> str:
    # Cells of one run: a row of tables 二 and 三; table 四's fifteen cells are printed as one run.
    return {"active_disclosure": rec.get("item_code"), "applications": rec.get("row_code")}.get(table, "all")


def _run_rows(records: list[dict], table: str, rec: dict) -> list[dict]:
    return [r for r in records if _row_key(table, r) == _row_key(table, rec) and r["raw"] == rec["raw"]
            and r["status"] in ("inferred", "ambiguous", "corrected")]


def _fits_row(table: str, reading: tuple) -> bool:
    """The row's own identity: its total is the sum of its parts (tables 三 and 四)."""
    if table == "applications" and len(reading) == len(R.APPLICANTS):
        return sum(reading[:-1]) == reading[-1]
    if table == "reviews_litigation":
        return all(sum(reading[i:i + 4]) == reading[i + 4] for i in range(0, len(reading), 5))
    return True


def _identities_of(table: str, row: list[dict], checks: dict[str, dict]) -> list[dict]:
    """The report's checks of the identities the run's cells are part of, as the page lists them."""
    cols = {"applications": ("row_code", "applicant_code"), "reviews_litigation": ("category_code", "result_code")}
    if table not in cols:
        return []
    keys = {(r[cols[table][0]], r[cols[table][1]]) for r in row}
    out, seen = [], set()
    for layout in ("single", "split"):
        for ident in identities(layout):
            if ident.table == table and ident.check_id in checks and ident.check_id not in seen \
                    and keys & set(ident.left + ident.right):
                seen.add(ident.check_id)
                c = checks[ident.check_id]
                out.append({"name": ident.name_zh, "identity": ident.identity, "result": c["result"],
                            "lhs": number(c["lhs"]), "rhs": number(c["rhs"])})
    return out


def _column(table: str, rec: dict) -> str:
    """The cell's column, as the run's cells are headed."""
    if table == "active_disclosure":
        return rec["measure"]
    if table == "applications":
        return rec["applicant"]
    return label(table, rec)


def _run(table: str, rec: dict, records: list[dict], checks: dict[str, dict]) -> dict:
    row = _run_rows(records, table, rec)
    readings = split_run(rec["raw"], len(row)) or []
    fitting = [r for r in readings if _fits_row(table, r)]
    return {"run": rec["raw"], "cells": [[_column(table, r), r["code"], number(r["value"])] for r in row],
            "readings": [[number(v) for v in r] for r in fitting[:MAX_READINGS]], "readings_count": len(fitting),
            "row_total": table in ("applications", "reviews_litigation"),  # readings kept only if the total fits
            "identities": _identities_of(table, row, checks)}


def _place(rec: dict) -> dict:
    if rec.get("source_line"):
        return {"line": rec["source_line"], "start": rec["source_start"], "end": rec["source_end"]}
    out = {}
    if rec.get("source_page"):
        out["page"] = rec["source_page"]
    if rec.get("source_x0") is not None:
        out["box"] = [rec["source_x0"], rec["source_top"], rec["source_x1"], rec["source_bottom"]]
    elif rec.get("source_table") and rec.get("source_row") and rec.get("source_cell"):
        out.update(t=rec["source_table"], r=rec["source_row"], c=rec["source_cell"])
    return out


def evidence(rep, lines: list[str] | None = None, tables: dict[int, list[tuple[int, tuple[str, ...]]]] | None = None,
             ) -> dict:
    """The report's evidence JSON.  `lines`: a text source's lines (as its reader split them); `tables`:
    an HTML or DOCX source's tables, {table number: [(row number, cell texts)]} (1-based, as recorded)."""
    checks = {c["check_id"]: c for c in rep.records.get("checks", ())}
    fixes = {(c["table"], c["code"]): c for c in rep.records.get("corrections") or ()}
    cells, runs, shown_lines, shown_tables = {}, {}, set(), set()
    for table in R.TABLES:
        records = rep.records.get(table, ())
        for rec in records:
            if not linked(rec):
                continue
            cell = {"label": label(table, rec), "value": number(rec["value"]), "status": rec["status"],
                    "raw": rec["raw"], **_place(rec)}
            if rec.get("confidence") is not None:
                cell["confidence"] = round(float(rec["confidence"]), 2)
            fix = fixes.get((table, rec["code"]))
            if fix:
                cell["correction"] = {"extracted": number(fix["extracted_value"]), "reason": fix["reason"],
                                      "who": fix["who"], "when": str(fix["when"])}
            if rec["status"] in ("inferred", "ambiguous") or (fix and fix["extracted_status"] in ("inferred", "ambiguous")):
                # The run is written once for all its cells (a row of up to fifteen), each naming it.
                key = base = f"{table}.{_row_key(table, rec)}"
                while key in runs and runs[key]["run"] != rec["raw"]:  # a row printed as two runs
                    key = f"{base}.{len(key) - len(base) + 1}"
                if key not in runs:
                    runs[key] = _run(table, rec, records, checks)
                cell["run"] = key
            if "line" in cell and lines is not None:
                shown_lines.update(range(max(cell["line"] - CONTEXT_LINES, 1),
                                         min(cell["line"] + CONTEXT_LINES, len(lines)) + 1))
            if "t" in cell and tables is not None and cell["t"] in tables:
                shown_tables.add(cell["t"])
            cells[rec["code"]] = cell
    out = {"format": rep.source.suffix.lower().lstrip("."), "cells": cells,
           "archive": f"{P.REPORT_PAGE_TO_ROOT}{P.DOWNLOADS}/{P.archive_file(rep.sha256, rep.source.name)}"}
    if runs:
        out["runs"] = runs
    if shown_lines:
        out["lines"] = {str(n): lines[n - 1] for n in sorted(shown_lines)}
    if shown_tables:
        out["tables"] = {str(t): [[n, list(cells_)] for n, cells_ in tables[t]] for t in sorted(shown_tables)}
    return out
