"""The site put together from the shards' outputs (gongkai/shard_build.py), the static files of docs/ and the
downloads, by hard links, in place: only a file whose source is another file than last time is linked again,
and a file no source provides any more is removed.

A one-report edit re-renders one shard, yet every build used to link the whole site again into a fresh
directory: 179,115 links, 33 s at 5,000 reports (BENCHMARKS.md).  Deciding what changed costs two directory
listings instead: a hard link shares its source's inode, and `os.scandir` gives every entry's inode without
a `stat`, so a site file whose inode is its source's is already right.  Every write of this project
replaces a file by a rename (files.py), which gives it a new inode, so a changed source is never mistaken
for the old one.  After a finished build, site/ itself is not even listed: site.py gives the sync what the
last build left there (the manifest's record, pipeline/manifest.py), so an edit lists only the sources.

Each file is replaced by a rename, so a reader of site/ sees the old file or the new one, never half of one.
The site as a whole is updated in place: while the sync runs, some pages may be new and others old.  A
build killed during the sync leaves the site stamp unwritten (site.py), and the next build syncs again.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from gongkai import paths as P
from gongkai import recent_index as RI
from gongkai import shard_build as SB
from gongkai import shards as S
from gongkai.mirror import tree

SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file: above it, an index of per-shard sitemaps
SHARD_LIST = "shards.json"  # site/pagefind/shards.json: the report shards' indexes, merged by the search
KEEP = (P.SITE_MANIFEST,)  # written into site/ after the sync (pipeline/manifest.py), not a source's file


def _urls(sitemap: Path) -> list[str]:
    text = sitemap.read_text(encoding="utf-8") if sitemap.exists() else ""
    return [m.group(0) for m in re.finditer(r"<url>.*?</url>", text, flags=re.S)]


def _write_sitemap(path: Path, body: str, write) -> None:
    import gzip

    data = body.encode("utf-8")
    write(path, data)
    write(path.with_name(path.name + ".gz"), gzip.compress(data, mtime=0))


def merge_sitemaps(out: Path, shard_sites: list[tuple[str, Path]], base_url: str, write) -> bool:
    """One sitemap.xml of every shard's pages, or, above the protocol's 50,000 URLs, a sitemap index of one
    sitemap per shard (sitemaps/<shard>-<k>.xml), written under `out` with write(path, bytes).  False when
    MkDocs wrote no URL (no site_url): an empty sitemap would tell crawlers the site has no pages."""
    parts = [(name, _urls(site / SITEMAPS[0])) for name, site in shard_sites]
    if not any(urls for _, urls in parts):
        return False
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    if sum(len(urls) for _, urls in parts) <= SITEMAP_URLS:
        _write_sitemap(out / SITEMAPS[0], head + urlset + "".join(f"    {u}\n" for _, urls in parts for u in urls)
                       + "</urlset>\n", write)
        return True
    base = base_url.rstrip("/") + "/"
    index = [head, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for name, urls in parts:
        for start in range(0, len(urls), SITEMAP_URLS):
            part = f"{name}-{start // SITEMAP_URLS}.xml"
            _write_sitemap(out / "sitemaps" / part, head + urlset + "".join(f"    {u}\n" for u in
                                                                          urls[start:start + SITEMAP_URLS])
                           + "</urlset>\n", write)
            index.append(f"    <sitemap><loc>{base}sitemaps/{part}</loc></sitemap>\n")
    _write_sitemap(out / SITEMAPS[0], "".join(index) + "</sitemapindex>\n", write)
    return True


def wanted(root: Path, plan: dict[str, Path], static: list[str], extra: Path,
           listing: dict | None = None) -> dict[str, tuple[str, int]]:
    """Every file of the site and its source: the hub's rendered site (but its sitemap), each report shard's
    agency and report pages and search index, the static files of docs/ (`static`: assets, the API, the
    evidence data; MkDocs would only have copied them), the files made here (`extra`: the merged sitemap,
    the list of shard indexes) and the downloads.  A later source wins a path two of them give.  `listing`:
    every file of docs/ -> (size, mtime_ns, inode) when the caller has it (site.docs_listing)."""
    hub = plan[S.HUB] / "site"
    want = tree(hub, tuple(sorted(p.name for p in hub.iterdir() if p.name not in SITEMAPS)))
    for name in (n for n in plan if n != S.HUB):
        want.update(tree(plan[name] / "site", (*S.AGENCY_DIRS, SB.index_dir(name), RI.recent_dir(name))))
    docs = root / P.DOCS_DIR
    base = f"{docs}/"  # strings, not Paths: a Path a file was most of the time at 200,000 files
    for rel in static:
        want[rel] = (base + rel, listing[rel][2] if listing else (docs / rel).stat().st_ino)
    want.update(tree(extra))
    if listing is None:
        want.update(tree(docs, (P.DOWNLOADS,)))
    else:  # tree's choice: no dot-file or dot-folder (a killed build's temporary files), no __pycache__
        top = f"{P.DOWNLOADS}/"
        want.update((rel, (base + rel, entry[2])) for rel, entry in listing.items()
                    if rel.startswith(top) and "/." not in rel)
    return want


def extras(plan: dict[str, Path], out: Path, base_url: str, write) -> bool:
    """The files made from the shards' outputs into `out`: the merged sitemap and pagefind/shards.json.  Files
    of an earlier build that are no longer made are removed.  False when there is no sitemap."""
    made: set[Path] = set()

    def keep(path: Path, data: bytes) -> None:
        made.add(path)
        write(path, data)

    has_sitemap = merge_sitemaps(out, [(name, plan[name] / "site") for name in plan], base_url, keep)
    reports = [name for name in plan if name != S.HUB]
    indexes = [f"{SB.SHARD_INDEXES}/{name}/" for name in reports if (plan[name] / "site" / SB.index_dir(name)).is_dir()]
    superseded: dict[str, dict] = {}
    for name in plan:  # each shard's recent layer (recent_index), merged after the whole indexes
        has, gone = RI.listing(plan[name], name)
        if has:
            indexes.append(RI.listed(name))
            superseded.update(gone)
    listing = {"shards": indexes, **({"superseded": dict(sorted(superseded.items()))} if superseded else {})}
    keep(out / SB.PAGEFIND_DIR / SHARD_LIST, (json.dumps(listing) + "\n").encode("utf-8"))
    for rel, (path, _) in tree(out).items():
        if Path(path) not in made:
            Path(path).unlink()
    return has_sitemap
