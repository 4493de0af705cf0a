"""The build's pages phase: the pages over many reports, the API index and the removal of pages no longer
generated, each doing only what the reports that changed require (pipeline/page_reuse.py)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from gongkai import paths as P
from gongkai.harvest.state import load_harvest
from gongkai.package.changes import changelog_text, list_releases
from gongkai.package.exports import build_date
from gongkai.pages.api import api_files
from gongkai.pages.changelog import changelog_page
from gongkai.pages.provenance import quality_section
from gongkai.pages.write import write_pages
from gongkai.pipeline.cleanup import remove_stale_listed
from gongkai.pipeline.page_reuse import PageReuse

LISTING = "pages.list"  # under build/cache/: every generated page of the last build (cleanup.remove_stale_listed)


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
    # The API index links each report's archived copy by its sha256: an input here, not on the pages.
    api_extra = json.dumps([r.sha256 for r in reports])
    api = reuse.get("api", reports, api_extra)
    if api is None:
        files = api_files(reports, per_report=False)
        for rel, data in files.items():
            write(docs / P.API_DIR / rel, data)
        api = [f"{P.API_DIR}/{rel}" for rel in files]
        reuse.put("api", reports, api_extra, api)
    remove_stale_listed(docs, set(pages) | set(api) | per_report, cache / LISTING)
    reuse.prune()
    return reuse
