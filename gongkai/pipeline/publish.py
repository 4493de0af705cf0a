"""Per-report outputs over all cores, and the combined outputs streamed from the files on disk.

Each report's package, downloads, zip, Excel exports and validation depend on that report alone, so
worker processes share them; a worker writes its files itself and hands back only small results
(paths written, a digest, errors).  The combined package and the everything-zip are then assembled
from the per-report files already on disk, one file at a time, so no package's bytes are held for
the whole corpus: memory stays bounded however many reports there are.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import paths as P
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.pages.api import dumps, report_api_path, report_json
from gongkai.pages.charts import place_all
from gongkai.package.exports import report_exports
from gongkai.extract import cells_from, check_record
from gongkai.pipeline.incremental import Derived, digest
from gongkai.files import link_or_copy, stream_to, write_if_changed, zip_bytes, zip_file_member
from gongkai.package.datapackage import descriptor_bytes, report_package, source_entry
from gongkai.pages.write import neighbours, report_page, report_path
from gongkai.package.validate import validate_files

COMBINED_TITLE = "公开 Gongkai：全部政府信息公开工作年度报告"
COMBINED_DESCRIPTION = "All reports published by Gongkai: one table per resource across agencies and years."


@dataclass(frozen=True)
class Context:
    """Where a worker writes, and the stamps that let it skip work done for the same bytes before."""
    root: Path
    out_dir: Path  # datapackages/
    dl_dir: Path  # docs/downloads/
    docs: Path  # docs/: the report's page and its API file
    derived: Derived
    valid_stamps: Path
    extract_cache: Path | None = None  # where reports slimmed on arrival (slim_stored) are loaded from again


@dataclass
class Published:
    """What a worker hands back for one report: small, whatever the report's size."""
    report_id: str
    digest: str  # of the package files (names and bytes)
    written: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # generated files under docs/ (page, API), relative to it
    derived_key: str = ""
    valid_key: str = ""
    export_s: float = 0.0
    validate_s: float = 0.0


def _rel(ctx: Context, path: Path) -> str:
    return path.relative_to(ctx.root).as_posix()


# ---------------------------------------------------------------------------
# One report (runs in a worker)
# ---------------------------------------------------------------------------
def id_errors(rep) -> list[str]:
    """Every row of a report's package carries that report's id: the combined package relies on it, since
    its keys are unique only because each begins with a report id no other package uses."""
    errors = []
    for name in R.RESOURCE_ORDER:
        for i, rec in enumerate(rep.records.get(name, ()), 2):
            if rec.get("report_id") != rep.report_id:
                errors.append(f"{rep.report_id}/{name}.csv:{i}: report_id '{rec.get('report_id')}' "
                              f"in the package of {rep.report_id}")
    return errors


def combined_errors(report_ids: list[str]) -> list[str]:
    """The combined package is every validated per-report package under one schema; what it adds is that
    keys must be unique across reports, which holds when report ids are (each key begins with one)."""
    seen, errors = set(), []
    for rid in report_ids:
        if rid in seen:
            errors.append(f"all: report_id '{rid}' is published by more than one package")
        seen.add(rid)
    return errors


def _report_docs(rep, prev_rep, next_rep) -> dict[str, bytes]:
    """The report's page and its API file: the files under docs/ that read every record."""
    pages = {report_path(rep): report_page(rep, prev_rep, next_rep)}
    place_all(pages, {})  # as write_pages does for every page (a report page has no charts)
    docs = {rel: text.encode("utf-8") for rel, text in pages.items()}
    docs[f"{P.API_DIR}/{report_api_path(rep)}"] = dumps(report_json(rep, M.compute(rep.records)))
    return docs


def publish_one(rep, ctx: Context, prev_rep=None, next_rep=None) -> Published:
    files = report_package(rep)
    out = Published(rep.report_id, digest(files))
    for rel, data in sorted(_report_docs(rep, prev_rep, next_rep).items()):
        out.pages.append(rel)
        if write_if_changed(ctx.docs / rel, data):
            out.written.append(_rel(ctx, ctx.docs / rel))
    pkg_dir, dl_dir = ctx.out_dir / rep.report_id, ctx.dl_dir / rep.report_id
    for rel, data in sorted(files.items()):
        if write_if_changed(pkg_dir / rel, data):
            out.written.append(_rel(ctx, pkg_dir / rel))
        if link_or_copy(pkg_dir / rel, dl_dir / rel):
            out.written.append(_rel(ctx, dl_dir / rel))
    out.derived_key = ctx.derived.key("report", out.digest)
    if not ctx.derived.fresh(out.derived_key, dl_dir):
        t = time.perf_counter()
        extra = {P.report_zip(rep.slug, rep.meta.year): zip_bytes(files, P.zip_prefix(rep.slug, rep.meta.year))}
        extra.update(report_exports(json.loads(files["datapackage.json"])["title"], rep.slug, rep.meta.year,
                                    [source_entry(rep)], rep.records))
        for rel, data in sorted(extra.items()):
            if write_if_changed(dl_dir / rel, data):
                out.written.append(_rel(ctx, dl_dir / rel))
        ctx.derived.remember(out.derived_key, extra)
        out.export_s = time.perf_counter() - t
    # A stamp named by the package's digest is left only when those exact bytes validated.
    out.valid_key = out.digest
    t = time.perf_counter()
    out.errors = id_errors(rep)
    if not (ctx.valid_stamps / out.valid_key).exists():
        out.errors += [f"{pkg_dir}/{e}" for e in validate_files(files)]
        if not out.errors:
            ctx.valid_stamps.mkdir(parents=True, exist_ok=True)
            (ctx.valid_stamps / out.valid_key).touch()
    out.validate_s = time.perf_counter() - t
    return out


# The reports and context a forked worker inherits: only indices travel to it, not the reports.
_SHARED: tuple | None = None


def _publish_index(i: int) -> Published:
    reports, ctx, near = _SHARED
    return publish_one(full_report(reports[i], ctx), ctx, *near[reports[i].report_id])


def publish_all(reports: list, ctx: Context, jobs: int) -> list[Published]:
    """publish_one for every report, in the reports' order; `jobs` > 1 shares them among forked workers."""
    global _SHARED
    near = neighbours(reports)
    if jobs <= 1 or len(reports) < 2:
        return [publish_one(full_report(rep, ctx), ctx, *near[rep.report_id]) for rep in reports]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from gongkai.parse.slug import slugify

    # Load the word dictionary once here (the pages phase needs it anyway): the workers inherit it.
    slugify(reports[0].meta.province or reports[0].meta.agency)
    _SHARED = (reports, ctx, near)
    try:
        chunk = max(1, min(16, len(reports) // (4 * jobs)))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_publish_index, range(len(reports)), chunksize=chunk))
    finally:
        _SHARED = None


# Fields of a table cell that pages over many reports read (measures and cell counts), once its own
# files are written; the codes and statuses repeat across reports, so one copy of each is kept.
SLIM_FIELDS = ("code", "status", "value")


def slim(rep) -> None:
    """Drop what only the report's own files needed: its rows beyond the cells' values and statuses,
    its text and its passing checks.  A report then costs a few kilobytes for the rest of the build."""
    for table in R.TABLES:
        rep.records[table] = [{"code": sys.intern(rec["code"]), "status": sys.intern(rec["status"]),
                               "value": rec["value"]} for rec in rep.records[table]]
    for name in R.RESOURCE_ORDER:
        if name not in R.TABLES and name != "metadata":
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
    kept = getattr(rep, "cross_year_cells", None)
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


def full_report(rep, ctx: Context):
    """The full report behind a slim_stored one, with the main process's decisions applied in the same
    order as build applies them to a full report; any other report is returned as it is."""
    key = getattr(rep, "extract_key", None)
    if key is None:
        return rep
    from gongkai.pipeline.runner import Cache

    outcome = Cache(ctx.extract_cache).get(key)
    if outcome is None or outcome.report is None:
        raise RuntimeError(f"{rep.source.name}: its extraction is no longer in {ctx.extract_cache} (key {key}); "
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


# ---------------------------------------------------------------------------
# The combined package, streamed from the per-report CSVs
# ---------------------------------------------------------------------------
def package_names(json_forms: bool = True) -> list[str]:
    """The files package.package_files makes: a CSV (and JSON) per resource, and the descriptor."""
    names = [f"{r}.csv" for r in R.RESOURCE_ORDER] + ["datapackage.json"]
    return names + ([f"{r}.json" for r in R.RESOURCE_ORDER] if json_forms else [])


def _csv_header(resource: str) -> bytes:
    # The same header package.to_csv writes: the registry's column names, which need no quoting.
    return (",".join(c.name for c in R.columns_of(resource)) + "\n").encode("utf-8")


def _csv_body(path: Path) -> bytes:
    data = path.read_bytes()
    return data[data.index(b"\n") + 1:]


def _csv_parts(name: str, report_ids: list[str], out_dir: Path):
    yield _csv_header(name)
    for rid in sorted(report_ids):
        yield _csv_body(out_dir / rid / f"{name}.csv")


def combined_descriptor(sources: list[dict]) -> bytes:
    return descriptor_bytes(P.COMBINED_NAME, COMBINED_TITLE, COMBINED_DESCRIPTION, sources, json_forms=False)


def write_combined(report_ids: list[str], sources: list[dict], out_dir: Path) -> tuple[dict[str, str], list[Path]]:
    """datapackages/all/: each CSV is the header plus every report's CSV body in report_id order (what
    package.combined_package makes from the records), written one report at a time.

    Returns ({file name: sha256 of its bytes}, paths whose bytes changed)."""
    target = out_dir / P.COMBINED
    hashes, changed = {}, []
    for name in R.RESOURCE_ORDER:
        path = target / f"{name}.csv"
        sha = hashlib.sha256()

        def fill(fh, name=name, sha=sha):
            for part in _csv_parts(name, report_ids, out_dir):
                fh.write(part)
                sha.update(part)

        if stream_to(path, fill):
            changed.append(path)
        hashes[f"{name}.csv"] = sha.hexdigest()
    data = combined_descriptor(sources)
    if write_if_changed(target / "datapackage.json", data):
        changed.append(target / "datapackage.json")
    hashes["datapackage.json"] = hashlib.sha256(data).hexdigest()
    return hashes, changed


def digest_of_hashes(hashes: dict[str, str]) -> str:
    """incremental.digest of files whose sha256 is already known (the same value, without the bytes)."""
    h = hashlib.sha256()
    for rel in sorted(hashes):
        h.update(rel.encode("utf-8") + b"\0" + bytes.fromhex(hashes[rel]))
    return h.hexdigest()


def write_everything_zip(out_dir: Path, report_ids: list[str], target: Path) -> bool:
    """The combined package plus every report's package under reports/<id>/, read from disk in chunks;
    the same names, order and bytes as files.zip_bytes on the whole dict.  True if the zip changed."""
    members = {rel: out_dir / P.COMBINED / rel for rel in package_names(json_forms=False)}
    for rid in report_ids:
        members.update({f"reports/{rid}/{rel}": out_dir / rid / rel for rel in package_names()})

    def fill(fh):
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for rel in sorted(members):
                zip_file_member(zf, f"{P.COMBINED_NAME}/{rel}", members[rel])

    return stream_to(target, fill)
