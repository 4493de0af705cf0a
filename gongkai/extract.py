"""One report file (+ its sidecar) -> one Report: metadata, cells, checks and sections."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml

from gongkai.digest import sha256_file
from gongkai import corrections as corr
from gongkai.model import CellValue, CheckResult, Document, Metadata, ReadError, Report, Tables
from gongkai.schema import registry as R
from gongkai.checks.identities import run_checks
from gongkai.parse.labels import parse_cell
from gongkai.parse.metadata import detect, merge
from gongkai.parse.legacy import legacy_statistics
from gongkai.checks.prose import prose_checks
from gongkai.readers import ocr, ocr_engines, read
from gongkai.readers.glyphs import normalize_glyphs
from gongkai.readers.script import to_simplified
from gongkai.parse.sections import split_sections
from gongkai.parse.slug import slugify
from gongkai.parse.recover import other_layout_in_text, recover
from gongkai.parse.tables import cells_run_together, parse_tables

SIDECAR_SUFFIX = ".yml"
# Provenance: source_url is the report's own address, mirror_url a copy it was taken from (an archive,
# a mirror); retrieved only when the date is known.
SIDECAR_FIELDS = {"source_url", "mirror_url", "source", "retrieved", "agency", "region", "level", "year", "title",
                  "publication_date", "slug", "notes", "derived_from", "corrections",
                  # written by `gongkai harvest` (gongkai/harvest/store.py): provenance of the download
                  "final_url", "http_status", "content_type", "etag", "last_modified", "sha256",
                  "size", "attachments", "images", "also_at"}
# Attachment types the build can read in place of a page that has no tables of its own.
ATTACHMENT_SUFFIXES = (".pdf", ".docx")


def slug_name(sidecar: dict, agency: str) -> str:
    """The name a report's slug is made from: the sidecar's `slug` when it gives one, else the agency."""
    return sidecar.get("slug") or agency


def sidecar_path(report: Path) -> Path:
    return report.with_name(report.name + SIDECAR_SUFFIX)


def load_sidecar(report: Path) -> tuple[dict, list[str]]:
    """The sidecar's fields and the problems found in it; a missing sidecar is a problem, not a crash."""
    path = sidecar_path(report)
    if not path.exists():
        return {}, [f"no sidecar {path.name}: source URL and retrieval date unknown"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return {}, [f"sidecar {path.name} is not valid YAML ({exc.__class__.__name__}); ignored"]
    if not isinstance(data, dict):
        return {}, [f"sidecar {path.name} is not a mapping of fields; ignored"]
    problems = []
    unknown = sorted(set(data) - SIDECAR_FIELDS)
    if unknown:
        problems.append(f"sidecar {path.name} has unknown fields: {', '.join(map(str, unknown))}")
    clean = {k: data[k] for k in SIDECAR_FIELDS if data.get(k) not in (None, "")}
    for key in ("source_url", "mirror_url"):
        url = str(clean.get(key, ""))
        if url and not url.startswith(("http://", "https://")):
            problems.append(f"sidecar {key} '{url}' is not an http(s) address; it is not published as a link")
    for key in ("retrieved", "publication_date"):
        if key in clean:
            value = clean[key]
            if isinstance(value, dt.date):
                clean[key] = value.isoformat()[:10]
            else:
                try:
                    # A harvest records the moment (2026-12-01T04:30:00+00:00); the packages publish the day.
                    text = str(value).strip()
                    clean[key] = (dt.datetime.fromisoformat(text).date() if "T" in text
                                  else dt.date.fromisoformat(text)).isoformat()
                except ValueError:
                    problems.append(f"sidecar {key} '{value}' is not a date (YYYY-MM-DD); ignored")
                    del clean[key]
    if "year" in clean:
        try:
            clean["year"] = int(clean["year"])
        except (TypeError, ValueError):
            problems.append(f"sidecar year '{clean['year']}' is not a year; ignored")
            del clean["year"]
    for key in ("agency", "region", "level", "title", "slug", "source"):
        if key in clean:
            clean[key] = str(clean[key]).strip()
    return clean, problems


def companion_images(path: Path) -> list[str]:
    """The picture files a report's sidecar lists under `images` (bare names, beside the report)."""
    import yaml

    side = sidecar_path(path)
    if not side.exists():
        return []
    try:
        text = side.read_text(encoding="utf-8")
        # Parsing every sidecar's YAML cost 3 s a thousand reports; one without the word has no such list.
        data = (yaml.safe_load(text) or {}) if "images" in text else {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return []
    names = data.get("images") if isinstance(data, dict) else None
    if not isinstance(names, list):
        return []
    return [str(n) for n in names if "/" not in str(n) and "\\" not in str(n) and not str(n).startswith(".")]


def attachment_files(path: Path, sidecar: dict) -> tuple[list[Path], list[str]]:
    """The readable attachments a harvested page's sidecar lists (files inside reports/), and problems."""
    found, problems = [], []
    base = path.parent.resolve()
    for att in sidecar.get("attachments") or []:
        rel = str(att.get("file", "")) if isinstance(att, dict) else ""
        target = (path.parent / rel).resolve()
        if not rel or base not in target.parents:
            problems.append(f"sidecar attachment '{rel}' is not a file inside the reports folder; ignored")
        elif not target.is_file():
            problems.append(f"sidecar attachment {rel} is missing; only the page itself was read")
        elif target.suffix.lower() in ATTACHMENT_SUFFIXES:
            found.append(target)
    return found, problems


def _reported(report: Report) -> int:
    return sum(1 for t in R.TABLES for r in report.records[t] if r["status"] == "reported")


def extract(path: Path, today: dt.date | None = None) -> Report:
    """Read, parse and check one report.  Raises ReadError for files that are not usable reports.

    A harvested page whose sidecar lists attachments (the page only links its report as a PDF or DOCX)
    is published from whichever reads more cells: the page, or an attachment read in its place."""
    path = Path(path)
    sidecar, problems = load_sidecar(path)
    attachments, att_problems = attachment_files(path, sidecar)
    if not attachments:
        return _extract(path, read(path), sidecar, problems + att_problems, today)
    best, error = None, None
    try:
        best = _extract(path, read(path), sidecar, problems + att_problems, today)
    except ReadError as exc:
        error = exc
    if best is not None and best.status not in ("no standard tables", "tables as images", "no text layer"):
        return best
    for att in attachments:
        note = (f"tables read from the attachment {att.relative_to(path.parent.resolve()).as_posix()} "
                "(the page itself has none)")
        try:
            candidate = _extract(path, read(att), sidecar, problems + att_problems + [note], today, source=att)
        except ReadError as exc:
            error = error or exc
            continue
        if best is None or _reported(candidate) > _reported(best):
            best = candidate
    if best is None:
        raise error
    return best


def _extract(path: Path, doc: Document, sidecar: dict, problems: list[str], today: dt.date | None,
             source: Path | None = None) -> Report:
    doc = read_pictures(doc, source or path, sidecar)
    meta = merge(detect(doc.lines, doc.meta), sidecar)
    if doc.meta.get("no_text_layer") and not (meta.agency and meta.year):
        raise ReadError(path, "the PDF has no text layer (a scan or images only), so nothing can be read from it; "
                              "give 'agency' and 'year' in its sidecar to list it as 'no text layer', or OCR it")
    if not meta.agency:
        raise ReadError(path, "cannot tell which agency published this report: no title names it and the "
                              "sidecar gives no 'agency'")
    if not meta.year:
        doubts = [w for w in meta.warnings if "several years" in w]
        raise ReadError(path, "cannot tell the report year: " + (
            "; ".join(doubts) or "the title gives none and the sidecar gives no 'year'"))
    this_year = (today or dt.date.today()).year
    if not 2000 <= meta.year <= this_year:
        raise ReadError(path, f"report year {meta.year} is outside 2000–{this_year}")
    return build_report(path, doc, meta, sidecar, problems + meta.warnings + doc.warnings)


def read_pictures(doc: Document, path: Path, sidecar: dict) -> Document:
    """OCR where the tables are pictures: a scan, PDF pages that are images, an HTML page's images.

    Skipped when the text already holds the statistical tables (an HTML page's logos cost time and add
    nothing).  An OCR engine that is not installed is a warning: the report publishes as before.
    """
    if not ocr.needs_ocr(doc, sidecar):
        return doc
    in_text = parse_tables(doc.rows, doc.lines)
    tables_found = any(in_text.found(t) for t in R.TABLES)
    try:
        done = ocr.complete(doc, path, sidecar, tables_found=tables_found)
    except ocr_engines.EngineMissing as exc:
        doc.warnings.append(f"pictures not read: {exc}")
        return doc
    done.meta.pop("image_sources", None)  # the pictures themselves: read, and too big to carry on
    return to_simplified(normalize_glyphs(done)) if done is not doc else doc


def build_report(path: Path, doc: Document, meta: Metadata, sidecar: dict, warnings: list[str]) -> Report:
    tables = parse_tables(doc.rows, doc.lines)
    run_together = not any(tables.found(t) for t in R.TABLES) and cells_run_together(doc.lines)
    if run_together:
        tables.other_layout = other_layout_in_text(doc.text, tables.other_layout)
        tables.cells = recover(doc.text, tables.edition, tables.other_layout)
    edition = tables.edition
    any_table = any(tables.found(t) for t in R.TABLES) or run_together
    if not any_table:
        edition = R.EDITION_PRE2019 if meta.year < 2019 else edition
    slug = slugify(slug_name(sidecar, meta.agency))
    report_id = f"{slug}/{meta.year}"
    records = {name: [] for name in R.RESOURCE_ORDER}
    if any_table:
        fill = "unreadable" if run_together else "missing"
        records["active_disclosure"] = _ad_records(report_id, tables, edition, fill)
        records["applications"] = _app_records(report_id, tables, edition, fill)
        records["reviews_litigation"] = _rl_records(report_id, tables, fill)
    warnings = list(warnings) + tables.warnings
    for name in R.TABLES:
        for rec in records[name]:
            if rec["status"] == "unreadable" and rec["raw"]:
                what = ("is out of range (negative where the form counts, or over a billion)"
                        if parse_cell(rec["raw"]).kind == "number" else "is not a number")
                warnings.append(f"{name}: cell {rec['code']} {what}: '{rec['raw']}'")
    records["corrections"] = [{"report_id": report_id, **row}
                              for row in _corrections(path, sidecar, records, edition, tables.other_layout)]
    status = _status(any_table, run_together, records)
    if doc.meta.get("no_text_layer"):
        status = "no text layer"
    elif status == "no standard tables" and meta.year >= 2019 and _table_sections_without_text(doc):
        if doc.meta.get("images"):
            status = "tables as images"
        else:
            warnings.append("the headings of sections 二–四 are printed but their tables are not in the text "
                            "(pictures, or stripped from the page)")
    app = cells_from(records["applications"], "row_code", "applicant_code")
    rl = cells_from(records["reviews_litigation"], "category_code", "result_code")
    checks = run_checks(app, rl, tables.other_layout) if any_table else []
    sections = split_sections(doc.text)
    overview = next((body for n, _h, body in sections if n == "1"), "")
    if any_table and overview:
        ad = cells_from(records["active_disclosure"], "item_code", "measure_code")
        checks += prose_checks(overview, {"applications": app, "active_disclosure": ad})
    records["checks"] = [check_record(report_id, c) for c in checks]
    if not any_table:
        records["legacy_statistics"] = [{"report_id": report_id, **r} for r in legacy_statistics(doc.rows, doc.text)]
    records["sections"] = [{"report_id": report_id, "section": n, "heading": h, "text": body}
                           for n, h, body in sections]
    report = Report(source=path, sha256=sha256_file(path), meta=meta, sidecar=sidecar, slug=slug,
                    edition=edition, status=status, records=records, checks=checks, warnings=warnings)
    records["metadata"] = [_metadata_record(report, doc)]
    return report


def _corrections(path: Path, sidecar: dict, records: dict, edition: str | None, layout: str) -> list[dict]:
    """Apply the sidecar's corrections to `records` (gongkai/corrections.py); a bad one is a ReadError naming
    the sidecar, so the report does not publish with a correction silently dropped."""
    if "corrections" not in sidecar:
        return []
    side = sidecar_path(path)
    app = cells_from(records["applications"], "row_code", "applicant_code")
    rl = cells_from(records["reviews_litigation"], "category_code", "result_code")
    before = {c.check_id: c for c in run_checks(app, rl, layout)} if app or rl else {}

    def identities(table: str, code: str) -> list[str]:
        # The identities a cell is part of: those whose result moves when the cell's value moves.
        if table not in ("applications", "reviews_litigation") or not before:
            return []
        rec = next(r for r in records[table] if r["code"] == code)
        key = corr.cell_key(table, rec)
        moved = (run_checks(corr.perturbed(app, key), rl, layout) if table == "applications"
                 else run_checks(app, corr.perturbed(rl, key), layout))
        return [before[c.check_id].result for c in moved if c != before.get(c.check_id)]

    try:
        return corr.apply(records, edition, corr.parse(sidecar["corrections"], side.name), side.name, identities)
    except corr.CorrectionError as exc:
        raise ReadError(side, str(exc)) from None


def _table_sections_without_text(doc: Document) -> bool:
    """Sections 二, 三 and 四 have headings but (almost) no text of their own: their tables were not text."""
    bodies = {n: body for n, _h, body in split_sections(doc.text)}
    present = [n for n in ("2", "3", "4") if n in bodies]
    return len(present) >= 2 and all(len(bodies[n]) < 80 for n in present)


def _status(any_table: bool, run_together: bool, records) -> str:
    if run_together:
        return "cells run together"
    if not any_table:
        return "no standard tables"
    if all(r["status"] not in ("missing", "unreadable", "illegible") for t in R.TABLES for r in records[t]):
        return "complete"
    return "tables incomplete"


def check_record(report_id: str, c: CheckResult) -> dict:
    return {"report_id": report_id, "check_id": c.check_id, "identity": c.identity,
            "lhs": c.lhs, "rhs": c.rhs, "result": c.result, "note": c.note}


def cells_from(records, row_key, col_key) -> dict:
    return {(r[row_key], r[col_key]): CellValue(r["value"], r["status"], r["raw"], r["source_page"],
                                                r["source_table"], r["source_row"], r["source_cell"])
            for r in records}


# No count in these forms comes near a billion (China's population); a larger printed number is a
# typo or garbage, and would overflow the int64 columns that pandas/Parquet readers of the data use.
MAX_PLAUSIBLE = Decimal(10) ** 9


def _in_range(value: Decimal, dim) -> bool:
    if dim.minimum is not None and value < Decimal(str(dim.minimum)):
        return False
    return abs(value) < MAX_PLAUSIBLE


PLACE_COLUMNS = ("source_line", "source_start", "source_end", "source_x0", "source_top", "source_x1", "source_bottom")


def _place(cell: CellValue | None) -> dict:
    """The value's place in the source (registry: source_line … source_bottom)."""
    span = cell.span if cell is not None else None
    box = cell.box if cell is not None else None
    return dict(zip(PLACE_COLUMNS, (span or (None,) * 3) + (box or (None,) * 4)))


def _value_fields(cell: CellValue | None, fill: str, dim, integer: bool) -> dict:
    if cell is None:
        return {"value": None, "unit": dim.unit, "status": fill, "raw": "", "confidence": None, "source_page": None,
                "source_table": None, "source_row": None, "source_cell": None, **_place(None)}
    value, status = cell.value, cell.status
    if integer and value is not None and value != value.to_integral_value():
        # (an OCR'd "1.0" for "10" lands here too: withheld, never rounded)
        value, status = None, "unreadable"
    if value is not None and not _in_range(value, dim):
        value, status = None, "unreadable"
    return {"value": value, "unit": dim.unit, "status": status, "raw": cell.raw, "confidence": cell.confidence,
            "source_page": cell.page,
            "source_table": cell.table, "source_row": cell.row, "source_cell": cell.cell, **_place(cell)}


def _ad_records(report_id, tables: Tables, edition, fill) -> list[dict]:
    if edition not in R.EDITIONS:
        return []
    found = tables.cells.get("active_disclosure", {})
    out = []
    for item, measure in R.expected_cells("active_disclosure", edition):
        rec = {"report_id": report_id, "code": f"{item.code}.{measure.code}", "edition": edition,
               "item_group": item.group, "item_code": item.code, "item": item.label(edition),
               "measure_code": measure.code, "measure": measure.label(edition)}
        rec.update(_value_fields(found.get((item.code, measure.code)), fill, measure, integer=False))
        out.append(rec)
    return out


def _app_records(report_id, tables: Tables, edition, fill) -> list[dict]:
    found = tables.cells.get("applications", {})
    skip = R.OTHER_SPLIT if tables.other_layout == "single" else ("other_total",)
    out = []
    for row in R.APP_ROWS:
        if row.code in skip:
            continue
        for col in R.APPLICANTS:
            rec = {"report_id": report_id, "code": f"{row.code}.{col.code}", "row_code": row.code,
                   "row_group": row.group, "row_label": row.zh, "applicant_code": col.code, "applicant": col.zh}
            rec.update(_value_fields(found.get((row.code, col.code)), fill, col, integer=True))
            out.append(rec)
    return out


def _rl_records(report_id, tables: Tables, fill) -> list[dict]:
    found = tables.cells.get("reviews_litigation", {})
    out = []
    for cat in R.RL_CATEGORIES:
        for res in R.RL_RESULTS:
            category = cat.group or cat.zh
            rec = {"report_id": report_id, "code": f"{cat.code}.{res.code}", "category_code": cat.code,
                   "category": category, "subcategory": cat.zh if cat.group else "",
                   "result_code": res.code, "result": res.zh}
            rec.update(_value_fields(found.get((cat.code, res.code)), fill, res, integer=True))
            out.append(rec)
    return out


def _metadata_record(report: Report, doc: Document) -> dict:
    m = report.meta
    url, mirror = report.sidecar.get("source_url", ""), report.sidecar.get("mirror_url", "")
    return {
        "report_id": report.report_id, "agency": m.agency, "agency_official": m.agency_official,
        "agency_slug": report.slug, "region": m.region,
        "province": m.province, "level": m.level, "year": m.year, "edition": report.edition,
        "status": report.status, "title": m.title, "publication_date": m.publication_date,
        "source_file": report.source.name, "source_format": doc.format,
        "source_url": url if url.startswith(("http://", "https://")) else None,
        "mirror_url": mirror if mirror.startswith(("http://", "https://")) else None,
        "retrieved": report.sidecar.get("retrieved"), "sha256": report.sha256,
        "checks_failed": len(report.failed_checks),
        "warnings": " | ".join(report.warnings) or None,
    }


def summary(report: Report) -> str:
    cells = [r for t in R.TABLES for r in report.records[t]]
    reported = sum(1 for r in cells if r["status"] == "reported")
    return (f"{report.source.name}: {report.meta.agency} {report.meta.year} · edition {report.edition or '?'} · "
            f"{report.status} · {reported}/{len(cells)} cells reported · "
            f"{len(report.failed_checks)} of {len(report.checks)} checks failed · "
            f"{len(report.warnings)} warning(s)")


__all__ = ["Report", "extract", "summary", "ReadError"]
