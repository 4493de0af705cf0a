"""Per-report outputs over all cores, and the combined outputs streamed from the files on disk.

Each report's package, downloads, zip, Excel exports and validation depend on that report alone, so
worker processes share them; a worker writes its files itself and hands back only small results
(paths written, a digest, errors).  The combined package and the everything-zip are then assembled
from the per-report files already on disk, one file at a time, so no package's bytes are held for
the whole corpus: memory stays bounded however many reports there are.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import paths as P
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.pages.api import dumps, report_api_path, report_json
from gongkai.pages import cite
from gongkai.pages.evidence import evidence
from gongkai.model import ReadError
from gongkai.readers import READERS
from gongkai.readers.textcodec import decode
from gongkai.pages.charts import place_all
from gongkai.package.exports import report_exports
from gongkai.package.fulltext import prepare
from gongkai.pipeline.incremental import Derived, digest
from gongkai.files import link_or_copy, write_if_changed, zip_bytes
from gongkai.package.datapackage import report_package, source_entry
from gongkai.package.licence import README_NAME, readme
from gongkai.pages.write import neighbours, report_page
from gongkai.files import sha256_file
from gongkai.package.validate import validate_files
from gongkai.pipeline.reuse import Reuse
from gongkai.pipeline.slim import full_report


@dataclass(frozen=True)
class Context:
    """Where a worker writes, and the stamps that let it skip work done for the same bytes before."""
    root: Path
    out_dir: Path  # datapackages/
    dl_dir: Path  # docs/downloads/
    docs: Path  # docs/: the report's page and its API file
    derived: Derived
    valid_stamps: Path
    extract_cache: Path | None = None  # where indexed reports (slim.slim_on_arrival) are loaded from again
    source_checks: dict | None = None  # report file -> its source's state (check-sources), for the report page
    words_cache: Path | None = None  # the sections' words for the corpus full-text index (fulltext.prepare)


@dataclass
class Published:
    """What a worker hands back for one report: small, whatever the report's size."""
    report_id: str
    digest: str  # of the package files (names and bytes)
    written: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # generated files under docs/ (page, API), relative to it
    # Every file the report's outputs occupy, relative to the root: for reuse.put only (emptied once recorded).
    files: list[str] = field(default_factory=list)
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


def _report_docs(rep, prev_rep, next_rep, source_check: dict | None = None) -> dict[str, bytes]:
    """The report's page, its evidence data and its API file: the files under docs/ that read every record."""
    pages = {P.report_page_of(rep): report_page(rep, prev_rep, next_rep, source_check)}
    place_all(pages, {})  # as write_pages does for every page (a report page has no charts)
    docs = {rel: text.encode("utf-8") for rel, text in pages.items()}
    docs[P.report_evidence(rep.slug, rep.meta.year)] = dumps(evidence(rep, **source_view(rep.source)))
    docs[f"{P.API_DIR}/{report_api_path(rep)}"] = dumps(report_json(rep, M.compute(rep.records)))
    return docs


def source_view(path: Path) -> dict:
    """What the evidence view shows of a source file besides the numbers' places: a text file's lines, split as
    its reader splits them, or an HTML or DOCX file's tables as the cell texts its reader parsed (so no markup
    of the source ever reaches the page).  PDFs are drawn from the archived file in the browser."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".txt", ".md"):
            return {"lines": [line.rstrip("\r") for line in decode(path.read_bytes(), path).splitlines()]}
        if suffix in (".html", ".htm", ".docx"):
            tables: dict[int, list] = {}
            for row in READERS[suffix](path).rows:
                if row.table is not None and row.index is not None:
                    tables.setdefault(row.table + 1, []).append((row.index + 1, row.cells))
            return {"tables": tables}
    except (OSError, ReadError):
        pass  # the file went away after extraction: the view then gives the places without the source
    return {}


def archive_source(rep, ctx: Context, out: Published) -> list[str]:
    """Publish the source file under its sha256 (paths.archive_file) and check the copy's hash: the page
    says "this is the file the numbers were read from", so a copy whose bytes differ is a build error."""
    dest = ctx.dl_dir / P.archive_file(rep.sha256, rep.source.name)
    try:
        if link_or_copy(rep.source, dest):
            out.written.append(_rel(ctx, dest))
        actual = sha256_file(dest)
    except OSError as exc:
        return [f"{rep.source}: the source file could not be archived ({exc.strerror or exc})"]
    if actual != rep.sha256:
        return [f"{rep.source}: archived copy {_rel(ctx, dest)} has sha256 {actual}, but the data were read "
                f"from a file with sha256 {rep.sha256} (the file changed after extraction); rebuild"]
    return []


def publish_one(rep, ctx: Context, prev_rep=None, next_rep=None) -> Published:
    files = report_package(rep)
    out = Published(rep.report_id, digest(files))
    check = (ctx.source_checks or {}).get(rep.source.name)
    for rel, data in sorted(_report_docs(rep, prev_rep, next_rep, check).items()):
        out.pages.append(rel)
        if write_if_changed(ctx.docs / rel, data):
            out.written.append(_rel(ctx, ctx.docs / rel))
    folder = P.report_dir(rep.slug, rep.meta.year)
    pkg_dir, dl_dir = ctx.out_dir / folder, ctx.dl_dir / folder
    for rel, data in sorted(files.items()):
        if write_if_changed(pkg_dir / rel, data):
            out.written.append(_rel(ctx, pkg_dir / rel))
        if link_or_copy(pkg_dir / rel, dl_dir / rel):
            out.written.append(_rel(ctx, dl_dir / rel))
    out.errors += archive_source(rep, ctx, out)
    out.derived_key = ctx.derived.key("report", out.digest, cite.dataset_version())
    if not ctx.derived.fresh(out.derived_key, dl_dir):
        t = time.perf_counter()
        title = json.loads(files["datapackage.json"])["title"]
        zipped = {**files, README_NAME: readme(title)}  # the licence travels with the zip
        extra = {P.report_zip(rep.slug, rep.meta.year): zip_bytes(zipped, P.zip_prefix(rep.slug, rep.meta.year)),
                 P.CITATION_FILE: cite.citation_file(**cite.report_reference(rep))}
        extra.update(report_exports(title, rep.slug, rep.meta.year,
                                    [source_entry(rep)], rep.records))
        for rel, data in sorted(extra.items()):
            if write_if_changed(dl_dir / rel, data):
                out.written.append(_rel(ctx, dl_dir / rel))
        ctx.derived.remember(out.derived_key, extra)
        out.export_s = time.perf_counter() - t
    out.files = sorted({_rel(ctx, ctx.docs / rel) for rel in out.pages}
                       | {_rel(ctx, d / rel) for d in (pkg_dir, dl_dir) for rel in files}
                       | {_rel(ctx, dl_dir / rel) for rel in ctx.derived.names(out.derived_key)}
                       | {_rel(ctx, ctx.dl_dir / P.archive_file(rep.sha256, rep.source.name))})
    # Segmenting the text for the full-text index is the slow part of the corpus database: done here, on
    # every core, and only for sections not segmented before.
    prepare(ctx.words_cache, files["sections.json"])
    # A stamp named by the package's digest is left only when those exact bytes validated.
    out.valid_key = out.digest
    t = time.perf_counter()
    out.errors += id_errors(rep)
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
    return publish_one(full_report(reports[i], ctx.extract_cache), ctx, *near[reports[i].report_id])


def publish_all(reports: list, ctx: Context, jobs: int, scheduler: str | None = None,
                reuse: Reuse | None = None) -> list[Published]:
    """publish_one for every report, in the reports' order, but those `reuse` finds published before from
    the same inputs (pipeline/reuse.py); `jobs` > 1 shares them among forked workers, and `scheduler` (or
    DASK_SCHEDULER) among the workers of that Dask cluster (see publish_dask)."""
    near = neighbours(reports)
    if reuse is None:
        return _publish(reports, ctx, near, jobs, scheduler)
    checks = ctx.source_checks or {}
    keys = {rep.report_id: reuse.key(rep, *near[rep.report_id], checks.get(rep.source.name)) for rep in reports}
    done = {}
    for rep in reports:
        pub = reuse.get(keys[rep.report_id], ctx.root, Published)
        if pub is not None:
            done[rep.report_id] = pub
    fresh = _publish([rep for rep in reports if rep.report_id not in done], ctx, near, jobs, scheduler)
    for pub in fresh:
        reuse.put(keys[pub.report_id], pub)
        pub.files = []  # recorded: the build does not hold ~50 names a report (issue 17: memory flat in N)
    made = {pub.report_id: pub for pub in fresh}
    return [done.get(rep.report_id) or made[rep.report_id] for rep in reports]


def _publish(reports: list, ctx: Context, near: dict, jobs: int, scheduler: str | None) -> list[Published]:
    global _SHARED
    scheduler = scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER") or None
    if scheduler and reports:
        return publish_dask(reports, ctx, near, scheduler)
    if jobs <= 1 or len(reports) < 2:
        return [publish_one(full_report(rep, ctx.extract_cache), ctx, *near[rep.report_id]) for rep in reports]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import jieba

    # Load the word dictionary once here (the full-text words need it): the workers inherit it.
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    _SHARED = (reports, ctx, near)
    try:
        chunk = max(1, min(16, len(reports) // (4 * jobs)))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_publish_index, range(len(reports)), chunksize=chunk))
    finally:
        _SHARED = None


def publish_batch(items: list[tuple], ctx: Context) -> list[Published]:
    """The task a Dask worker runs: (report, the year before's, the year after's) for a few reports."""
    return [publish_one(full_report(rep, ctx.extract_cache), ctx, prev_rep, next_rep)
            for rep, prev_rep, next_rep in items]


def publish_dask(reports: list, ctx: Context, near: dict, address: str) -> list[Published]:
    """The per-report phase on a Dask cluster, in batches of up to 16 reports.

    Only the reports' indexes (gongkai/index.py, ~2 KB each) and the context travel; a worker reads and writes
    the files itself, so **every worker must see the same file system as the build** at the same paths: the
    reports folder (sources are archived and shown from there), the extraction cache (full_report loads each
    report from it), and the output folders datapackages/, docs/ and build/cache/ (a shared or network file
    system, as on most clusters).  At most a few batches per worker are in flight, so the driver holds a
    bounded number of tasks whatever the number of reports; the results come back in the reports' order."""
    from distributed import Client, as_completed

    with Client(address) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, min(16, len(reports) // (4 * workers)))
        starts = iter(range(0, len(reports), size))
        shared = client.scatter(ctx, broadcast=True)
        results: dict[int, list[Published]] = {}
        start_of: dict[str, int] = {}  # task key -> its first report's position
        pending = as_completed()

        def submit() -> None:
            start = next(starts, None)
            if start is not None:
                items = [(rep, *near[rep.report_id]) for rep in reports[start:start + size]]
                fut = client.submit(publish_batch, items, shared, pure=False)
                start_of[fut.key] = start
                pending.add(fut)

        for _ in range(4 * workers):
            submit()
        for fut in pending:
            results[start_of.pop(fut.key)] = fut.result()
            fut.release()
            submit()
    return [pub for start in sorted(results) for pub in results[start]]
