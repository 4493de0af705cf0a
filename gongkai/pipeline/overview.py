"""The build's pages phase: the pages over many reports, the API index and the removal of pages no longer
generated, each doing only what the reports that changed require (pipeline/page_reuse.py)."""
from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

from gongkai import paths as P
from gongkai.files import atomic_write
from gongkai.harvest.state import load_harvest
from gongkai.package.changes import changelog_text, list_releases
from gongkai.package.exports import build_date
from gongkai.pages import api, measured
from gongkai.pages.changelog import changelog_page
from gongkai.pages.provenance import quality_section
from gongkai.pages.write import write_pages
from gongkai.pipeline.cleanup import remove_stale_listed
from gongkai.pipeline.page_reuse import PageReuse

LISTING = "pages.list"  # under build/cache/: every generated page of the last build (cleanup.remove_stale_listed)
API_ENTRIES = "api-index.pickle"  # under build/cache/: each report's entry of api/index.json (api_index)


def api_index(reports, reuse: PageReuse, store: Path) -> bytes:
    """api/index.json, each report's entry taken from the last build's while the report, as the pages show it,
    and its sha256 (the archive link) are the same: its measures are not computed again.  Rendering every
    entry was the pages phase's largest cost when one report changed and nothing else did."""
    try:
        salt, known = pickle.loads(store.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        salt, known = None, {}
    if salt != reuse.salt:
        known = {}
    now, entries = {}, []
    for rep in sorted(reports, key=lambda r: r.report_id):
        key = f"{reuse.digest(rep)}\0{rep.sha256}"
        hit = known.get(rep.report_id)
        entry = hit[1] if hit is not None and hit[0] == key else api.index_entry(rep, measured.values_of(rep))
        now[rep.report_id] = (key, entry)
        entries.append(entry)
    if now != known:
        atomic_write(store, pickle.dumps((reuse.salt, now), protocol=5))
    return api.index_from_entries(entries)


def corpus_sizes(combined: Path) -> dict[str, int]:
    """downloads/all/<name> -> bytes, for the downloads page; a folder (the Parquet datasets) counts with the
    bytes of its files."""
    return {f"{P.COMBINED}/{p.name}": (sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir()
                                       else p.stat().st_size) for p in sorted(combined.iterdir())}


def write_overview(root: Path, reports, failures, per_report: set[str], source_checks: dict, salt: str,
                   write) -> PageReuse:
    """Write the changelog, the overview pages and the API index (`write(path, bytes)`), and remove generated
    pages that no report, agency, year or region has any more; `per_report`: the pages (relative to docs/)
    the per-report phase generated.  `salt`: the code and dataset version.  Returns the reuse record (which
    groups were kept, which rendered)."""
    with measured.scope():  # each report's measures once, for the pages and the API entries alike
        return _write_overview(root, reports, failures, per_report, source_checks, salt, write)


def _write_overview(root: Path, reports, failures, per_report: set[str], source_checks: dict, salt: str,
                    write) -> PageReuse:
    docs, cache = root / P.DOCS_DIR, root / P.CACHE_DIR
    combined = docs / P.DOWNLOADS / P.COMBINED
    releases = list_releases(root / P.RELEASES_DIR)
    write(docs / P.CHANGELOG_PAGE, changelog_page(releases).encode("utf-8"))
    write(combined / P.CHANGELOG, changelog_text(releases).encode("utf-8"))
    reuse = PageReuse(cache / "pages", docs, salt)
    pages = write_pages(docs, reports, failures, corpus_sizes(combined),
                        lambda path, text: write(path, text.encode("utf-8")), built_on=build_date(os.environ),
                        report_pages=False, reuse=reuse,
                        quality_extra=quality_section(reports, source_checks, load_harvest(root / P.REPORTS_DIR)))
    # agencies.json shows what the pages show; index.json also links each report's archived copy by its sha256.
    done = reuse.get("api", reports)
    if done is None:
        files = {api.AGENCIES: api.dumps(api.agencies_json(reports))}
        for rel, data in files.items():
            write(docs / P.API_DIR / rel, data)
        done = [f"{P.API_DIR}/{rel}" for rel in files]
        reuse.put("api", reports, "", done)
    write(docs / P.API_DIR / api.INDEX, api_index(reports, reuse, cache / API_ENTRIES))
    done = [*done, f"{P.API_DIR}/{api.INDEX}"]
    remove_stale_listed(docs, set(pages) | set(done) | per_report, cache / LISTING)
    reuse.prune()
    return reuse
