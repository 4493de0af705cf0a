"""The deploy manifest: every file of site/ with its sha256 and size, so a deploy to object storage or a
CDN uploads only what changed (`gongkai deploy-diff OLD NEW`), and the check that no folder of the site
grows past what a bucket listing or a static file server handles well.

The manifest is text, one file a line, `<sha256>\\t<size>\\t<path>` under a header line, sorted by path
(paths.SITE_MANIFEST).  Text rather than JSON: at national scale the site has millions of files, and a
line-per-file format is written, read and compared a line at a time (a JSON document is parsed whole),
diffs readably between two deploys, and any TSV reader or `cut`/`awk` takes it;
`awk -F'\\t' 'NR>1 {print $1"  "$3}' MANIFEST.tsv | sha256sum -c` checks a deployed copy.

Hashing every file of the site each build would read gigabytes; a file whose path, size, mtime_ns and
inode are those of the last build keeps its recorded sha256 (build/cache).  Every write in this project
replaces a file by a rename (files.py), which gives it a new inode, so a changed file is never mistaken
for the old one.
"""
from __future__ import annotations

import os
from pathlib import Path

from gongkai import paths as P
from gongkai.files import sha256_file, write_if_changed
from gongkai.mirror import walk

HEADER = "sha256\tsize\tpath\n"
CACHE_NAME = "site-manifest.tsv"  # in the build cache: path, size, mtime_ns, inode, sha256 of the last run


def site_files(site_dir: Path) -> list[tuple[str, os.stat_result]]:
    """(relative posix path, os.stat_result) of every file under site_dir but the manifest, sorted by path."""
    found = []
    for rel, st in walk(site_dir):
        if rel == P.SITE_MANIFEST:
            continue
        _check(site_dir, rel)
        found.append((rel, st))
    return sorted(found, key=lambda item: item[0])


def load_cache(path: Path) -> dict[str, tuple[int, int, int, str]]:
    """path -> (size, mtime_ns, inode, sha256) of every file of the site at the last run (CACHE_NAME)."""
    cache = {}
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rel, size, mtime, ino, sha = line.rstrip("\n").split("\t")
                cache[rel] = (int(size), int(mtime), int(ino), sha)
    except (OSError, ValueError):
        return {}  # no cache, or a damaged one: hash everything once
    return cache


def _check(site_dir: Path, rel: str) -> None:
    if "\t" in rel or "\n" in rel or "\r" in rel:
        raise ValueError(f"{Path(site_dir) / rel}: a tab or line break in a published path cannot be listed "
                         "in the manifest")


def manifest_site(site_dir: Path, cache_dir: Path, files=None, changed=None, cache=None) -> Path:
    """Write site_dir/MANIFEST.tsv (only if its bytes change) and return its path; files unchanged since the
    last run (path, size, mtime_ns, inode) are not read again.  The caller that made site_dir may say what it
    holds instead of a walk of it: `files` (every relative path but the manifest) and `changed` (those it
    replaced since the last run: the others keep the last run's entry in `cache` (load_cache) without a
    stat).  At national scale the walk's stat of every file was most of an edit's assembly."""
    site_dir, cache_dir = Path(site_dir), Path(cache_dir)
    cache_file = cache_dir / CACHE_NAME
    cache = load_cache(cache_file) if cache is None else cache
    if files is None:
        found = site_files(site_dir)
    else:
        changed = set(changed) if changed is not None else None
        found = []
        for rel in sorted(files):
            if rel == P.SITE_MANIFEST:
                continue
            known = cache.get(rel) if changed is not None and rel not in changed else None
            if known is None:
                _check(site_dir, rel)
                found.append((rel, os.stat(site_dir / rel)))
            else:
                found.append((rel, known))
    lines, cached = [HEADER], []
    for rel, st in found:
        if not isinstance(st, os.stat_result):  # the last run's entry, kept (a stat_result is a tuple too)
            size, mtime, ino, sha = st
        else:
            size, mtime, ino = st.st_size, st.st_mtime_ns, st.st_ino
            known = cache.get(rel)
            sha = known[3] if known and known[:3] == (size, mtime, ino) else sha256_file(site_dir / rel)
        lines.append(f"{sha}\t{size}\t{rel}\n")
        cached.append(f"{rel}\t{size}\t{mtime}\t{ino}\t{sha}\n")
    target = site_dir / P.SITE_MANIFEST
    write_if_changed(target, "".join(lines).encode("utf-8"))
    write_if_changed(cache_file, "".join(cached).encode("utf-8"))
    return target


def read_manifest(path: Path) -> dict[str, tuple[str, int]]:
    """path -> (sha256, size) of a manifest; a malformed line is an error naming the file and line."""
    entries = {}
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if number == 1 and line == HEADER:
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or len(parts[0]) != 64 or not parts[1].isdigit():
                raise ValueError(f"{path}:{number}: not a manifest line (sha256, size, path separated by tabs)")
            entries[parts[2]] = (parts[0], int(parts[1]))
    return entries


def deploy_diff(old: dict[str, tuple[str, int]], new: dict[str, tuple[str, int]]) -> tuple[list[str], list[str]]:
    """(paths to upload: new or changed, paths to delete: gone), each sorted."""
    upload = sorted(p for p, entry in new.items() if old.get(p) != entry)
    delete = sorted(p for p in old if p not in new)
    return upload, delete


def largest_directories(site_dir: Path, limit: int) -> list[tuple[str, int]]:
    """(relative folder, entries) of every folder under site_dir holding more than `limit` entries (files and
    folders), largest first: object-store listings and file servers slow down past about 10,000."""
    site_dir = Path(site_dir)
    over = []
    for dirpath, dirnames, filenames in os.walk(site_dir):
        count = len(dirnames) + len(filenames)
        if count > limit:
            rel = os.path.relpath(dirpath, site_dir).replace(os.sep, "/")
            over.append(("" if rel == "." else rel, count))
    return sorted(over, key=lambda item: (-item[1], item[0]))
