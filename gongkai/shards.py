"""Which site-generator run renders which file of docs/: the site in shards.

MkDocs holds every page of a run in memory, and Pagefind's indexer every page it indexes, so neither may see
the whole site once there are tens of thousands of reports.  The site is cut into independent runs:

- the *hub*: every page that is not an agency's (home, indexes, years, regions, quality, downloads…);
- *report shards*: an agency's page and its reports' pages, all in one shard, chosen by a hash of the
  agency's folder name, so an agency never moves between shards while the shard count stays the same.

Files that are not pages (assets, API files, evidence data, charts' data) go through no run: the site
build links them into the site as they are, which is all MkDocs would have done.

Fixed-size chunks, not provinces or years: a province's share of the country's agencies varies tenfold and
a year's pages grow with every new report, but a hash spreads agencies evenly, so every shard is bounded.
The count is the power of two that keeps shards at most `per_shard` reports: it changes only when the
corpus doubles, and doubling splits each shard in two (hash mod 2k refines hash mod k).

A shard's pages link to pages of other runs (a report page to its region's page, the hub's indexes to
every agency).  MkDocs resolves a Markdown link only to a file it knows, so each run is told of those
targets as stand-ins it does not render (`link_targets` finds them).  Nothing here reads the disk.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import unquote

HUB = "hub"
SHARD_REPORTS = 2000  # reports a shard holds at most: one shard's MkDocs and Pagefind runs stay well under 1 GB
PAGEFIND_DIR = "pagefind"  # the site's search indexes: the hub's, pagefind/shards/<name>/, pagefind/recent/<name>/
AGENCY_DIRS = ("reports", "agencies")  # reports/<bucket>/<agency>/…, agencies/<bucket>/<agency>.md


def agency_key(rel: str) -> str | None:
    """The agency a page belongs to, from its path (reports/<bucket>/<agency>/<year>.md or
    agencies/<bucket>/<agency>.md: paths.report_page and paths.agency_page), or None for a hub page."""
    parts = rel.split("/")
    if parts[0] in AGENCY_DIRS and len(parts) >= 3:
        return parts[2][: -len(".md")] if len(parts) == 3 and parts[2].endswith(".md") else parts[2]
    return None


def shard_count(reports: int, per_shard: int = SHARD_REPORTS) -> int:
    """The smallest power of two that keeps shards at most `per_shard` reports on average (at least one)."""
    count = 1
    while count * per_shard < reports:
        count *= 2
    return count


def shard_name(index: int) -> str:
    return f"s{index:03d}"


def shard_of(key: str, count: int) -> str:
    return shard_name(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % count)


def is_report_page(rel: str) -> bool:
    return rel.startswith(AGENCY_DIRS[0] + "/") and rel.endswith(".md")


def assign(files: list[str], per_shard: int = SHARD_REPORTS) -> dict[str, list[str]]:
    """Shard name -> its docs/ files (sorted), the hub first; every file in exactly one shard.  Shards with
    no file are left out."""
    count = shard_count(sum(1 for rel in files if is_report_page(rel)), per_shard)
    out: dict[str, list[str]] = {HUB: []}
    for rel in sorted(files):
        key = agency_key(rel)
        out.setdefault(HUB if key is None else shard_of(key, count), []).append(rel)
    return {name: out[name] for name in [HUB] + sorted(n for n in out if n != HUB)}


# A Markdown link or image target: ](target) or ](<target>), with an optional "title".
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")


def link_targets(src: str, text: str) -> set[str]:
    """The docs/-relative files the Markdown links of page `src` point at (no anchors, no external links)."""
    out = set()
    base = posixpath.dirname(src)
    for target in _LINK.findall(text):
        target = target.split("#", 1)[0].split("?", 1)[0]
        if not target or target.startswith("/") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            continue
        path = posixpath.normpath(posixpath.join(base, unquote(target)))
        if not path.startswith("../") and path != "..":
            out.add(path)
    return out
