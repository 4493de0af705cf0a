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
import os
import re
import shutil
from pathlib import Path

from gongkai import paths as P
from gongkai import recent_index as RI
from gongkai import shard_build as SB
from gongkai import shards as S
from gongkai.mirror import _scan, relink, tree
from gongkai.pipeline import manifest as M

SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file: above it, an index of per-shard sitemaps
SHARD_LIST = "shards.json"  # site/pagefind/shards.json: the report shards' indexes, merged by the search
KEEP = (P.SITE_MANIFEST, M.PARTS_DIR)  # the manifest (pipeline/manifest.py): written into site/, not a source's


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


def _hidden(rel: str, entry) -> bool:
    return entry.name.startswith(".") or entry.name == "__pycache__"


def _scan_into(out: dict, base: str, start: str, part: str | None, keep=None) -> None:
    """Every file under base/start (dot-files, dot-folders and __pycache__ left out) -> (path, inode) into
    `out`, keyed by its path relative to base; with `part`, only that part's files (M.part_of): a folder of
    another part is not entered.  keep(rel) may leave a file out."""
    path = f"{base}/{start}" if start else base
    if not os.path.isdir(path):
        return

    def skip(rel: str, entry) -> bool:
        if _hidden(rel, entry):
            return True
        if entry.is_dir(follow_symlinks=False):
            return part is not None and M.part_of(rel + "/x") != part
        return keep is not None and not keep(rel)

    for rel, entry in _scan(path, f"{start}/" if start else "", skip):
        if not entry.is_dir(follow_symlinks=False):
            out[rel] = (entry.path, entry.inode())


def _starts(tops: tuple[str, ...], part: str | None) -> list[str]:
    """Where to look for a part's files in a source that gives the files under `tops` ("": all of it)."""
    if part is None:
        return list(tops)
    out = []
    for top in tops:
        if top == "" or part == top or part.startswith(top + "/"):
            out.append(part)
        elif top.startswith(part + "/" if part else "") and M.part_of(top + "/x") == part:
            out.append(top)
    return out


def wanted(root: Path, plan: dict[str, Path], extra: Path, part: str | None = None) -> dict[str, tuple[str, int]]:
    """Every file of the site (or of one part of it: pipeline/manifest.part_of) and its source: the hub's
    rendered site (but its sitemap), each report shard's agency and report pages and search indexes, the
    static files of docs/ (not pages: assets, the API, the evidence data; MkDocs would only have copied
    them), the files made here (`extra`: the merged sitemap, the list of shard indexes) and the downloads.
    A later source wins a path two of them give.  Only the part's folders are listed, so an edit that
    touched a few parts does not list the whole site's sources."""
    want: dict[str, tuple[str, int]] = {}
    hub = str(plan[S.HUB] / "site")
    for start in _starts(("",), part):
        _scan_into(want, hub, start, part, lambda rel: rel not in SITEMAPS)
    for name in (n for n in plan if n != S.HUB):
        for start in _starts((*S.AGENCY_DIRS, SB.index_dir(name), RI.recent_dir(name)), part):
            _scan_into(want, str(plan[name] / "site"), start, part)
    docs: dict[str, tuple[str, int]] = {}
    for start in _starts(("",), part):
        _scan_into(docs, str(root / P.DOCS_DIR), start, part)
    downloads = f"{P.DOWNLOADS}/"
    want.update((rel, src) for rel, src in docs.items() if not rel.startswith(downloads) and not rel.endswith(".md"))
    for start in _starts(("",), part):
        _scan_into(want, str(extra), start, part)
    want.update((rel, src) for rel, src in docs.items() if rel.startswith(downloads))
    bad = next((rel for rel in want if M.is_manifest(rel)), None)
    if bad:
        raise ValueError(f"{bad}: the site's manifest is published at this path; no source may give it")
    return want


def rendered_parts(name: str, shard: Path, pages: list[str] | None) -> set[str]:
    """The parts a shard's render may have changed: its changed pages' and its search indexes' parts, or,
    after a whole render, every part it gives files to now or gave to before (PARTS, kept in its folder)."""
    own = {M.part_of(SB.index_dir(name) + "/x"), M.part_of(RI.recent_dir(name) + "/x")}
    if pages:
        return own | {M.part_of(SB.output_of(rel)) for rel in pages}
    before = shard_parts(name, shard)
    return own | before | shard_parts(name, shard, keep=False)


PARTS = "parts.txt"  # a shard's folder: the parts of the site its output gives files to


def shard_parts(name: str, shard: Path, keep: bool = True) -> set[str]:
    """The parts of the site a shard's output gives files to: as recorded (keep), or found by listing its site
    and recorded."""
    record = shard / PARTS
    if keep:
        try:
            return set(record.read_text(encoding="utf-8").splitlines())
        except OSError:
            return set()
    files: dict = {}
    tops = ("",) if name == S.HUB else (*S.AGENCY_DIRS, SB.index_dir(name), RI.recent_dir(name))
    for top in tops:
        _scan_into(files, str(shard / "site"), top, None)
    parts = {M.part_of(rel) for rel in files}
    record.write_text("".join(f"{p}\n" for p in sorted(parts)), encoding="utf-8")
    return parts


def sync_part(site: Path, part: str, want: dict[str, tuple[str, int]], have: dict) -> tuple[list[str], list[str]]:
    """Make one part of site/ hold exactly `want`'s files, each a hard link to its source, from `have` (the
    part's record: path -> (size, mtime_ns, inode, sha256)); files no source gives are removed, with the
    part's folders they leave empty.  (files linked, files removed)."""
    removed = sorted(set(have) - set(want))
    for rel in removed:
        path = site / rel
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            shutil.rmtree(path, ignore_errors=True)
        folder = rel.rpartition("/")[0]
        while folder and M.part_of(folder + "/x") == part:
            try:
                os.rmdir(site / folder)
            except OSError:
                break
            folder = folder.rpartition("/")[0]
    linked = [rel for rel, (src, inode) in want.items()
              if (have.get(rel) or (0, 0, None))[2] != inode and relink(Path(src), site / rel)]
    return linked, removed


def sources_parts(root: Path, plan: dict[str, Path], extra: Path) -> set[str]:
    """Every part some source gives files to, from walks of their folders (pipeline/manifest.parts_under)."""
    out = M.parts_under(plan[S.HUB] / "site") | M.parts_under(root / P.DOCS_DIR) | M.parts_under(extra)
    for name in (n for n in plan if n != S.HUB):
        out |= M.parts_under(plan[name] / "site", (*S.AGENCY_DIRS, SB.index_dir(name), RI.recent_dir(name)))
    return out


def assemble(root: Path, site: Path, plan: dict[str, Path], extra: Path, cache_dir: Path,
             dirty: set[str] | None) -> tuple[list[str], list[str], int]:
    """Bring site/ up to date: the `dirty` parts alone, each from its sources, its record and its manifest
    part, the index rewritten; or (dirty None: a first build, a copy, a build killed half-way) every part,
    site/ listed and the whole manifest walked.  (files linked, files removed, parts done)."""
    if dirty is None:  # every part, one at a time: what site/ holds listed, nothing kept per file of the site
        linked, removed = [], []
        for part in sorted(sources_parts(root, plan, extra) | M.parts_under(site)):
            have = {rel: (0, 0, inode, "") for rel, inode in M.part_files(site, part, stat=False).items()}
            done, gone = sync_part(site, part, wanted(root, plan, extra, part), have)
            linked += done
            removed += gone
        M.manifest_site(site, cache_dir)
        return linked, removed, -1
    index = M.read_index(site) or {}
    linked, removed = [], []
    for part in sorted(dirty):
        want = wanted(root, plan, extra, part)
        record = M.load_record(cache_dir, part)
        done, gone = sync_part(site, part, want, record)
        linked += done
        removed += gone
        entry = M.write_part(site, cache_dir, part, M.entries(site, want, record))
        if entry is None:
            index.pop(M.part_file(part), None)
        else:
            index[M.part_file(part)] = entry
    M.write_index(site, index)
    return linked, removed, len(dirty)


def extras(plan: dict[str, Path], out: Path, base_url: str, write, changed: list | None = None) -> bool:
    """The files made from the shards' outputs into `out`: the merged sitemap and pagefind/shards.json.  Files
    of an earlier build that are no longer made are removed.  False when there is no sitemap.  `changed`
    collects the paths (relative to `out`) written or removed."""
    made: set[Path] = set()
    changed = [] if changed is None else changed

    def keep(path: Path, data: bytes) -> None:
        made.add(path)
        if write(path, data):
            changed.append(path.relative_to(out).as_posix())

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
            changed.append(rel)
    return has_sitemap
