"""The deploy manifest: every file of site/ with its sha256 and size, so a deploy to object storage or a
CDN uploads only what changed (`gongkai deploy-diff OLD NEW`), and the check that no folder of the site
grows past what a bucket listing or a static file server handles well.

The manifest is in parts (issue 17).  `site/MANIFEST.tsv` is an index, `<sha256>\\t<size>\\t<part file>` under
the header INDEX_HEADER, one line a part; each part, `site/manifest/<part>/files.tsv`, lists its files as
`<sha256>\\t<size>\\t<path>` under HEADER, sorted by path.  A part is a folder of the site chosen by the path
alone (part_of): the folder of an agencies' bucket (`reports/3f`, `downloads/3f`, `api/3f`…), a shard's search
index (`pagefind/shards/s001`), else the top folder.  An edit touches a few parts, so the build rewrites those
alone and keeps no line per site file in memory, and a deploy compares the indexes and reads only the parts
whose sha256 changed (diff_manifests).  Text rather than JSON: at national scale the site has millions of
files, and a line-per-file format is written, read and compared a line at a time, diffs readably between two
deploys, and any TSV reader or `cut`/`awk` takes it; `awk -F'\\t' 'FNR>1 {print $1"  "$3}' manifest/**/files.tsv
| sha256sum -c` checks a deployed copy.

Hashing every file of the site each build would read gigabytes; a file whose path, size, mtime_ns and
inode are those of the last build keeps its recorded sha256 (build/cache/site-parts/, a record a part).
Every write in this project replaces a file by a rename (files.py), which gives it a new inode, so a changed
file is never mistaken for the old one.

A file an edit replaces must be read once, and the big ones grow with the corpus (the SQLite database, the
everything-zip, the combined CSVs: about 1.35 GB at 10,000 reports, 1.5-2.5 s of sha256 here).  The build hands
them to `prehash` as soon as they are final; a thread hashes them while the pages and MkDocs run (hashlib and
file reads release the GIL), and `entries` takes a digest from that memo only while the file's device, inode,
size and mtime are those it had both before and after it was read.
"""
from __future__ import annotations

import hashlib
import os
import queue
import re
import threading
from pathlib import Path

from gongkai import paths as P
from gongkai.files import sha256_file, write_if_changed
from gongkai.mirror import _scan, walk
from gongkai.shards import PAGEFIND_DIR

HEADER = "sha256\tsize\tpath\n"  # a part's header (and a whole manifest's, as builds before the parts wrote it)
INDEX_HEADER = "sha256\tsize\tpart\n"  # site/MANIFEST.tsv: the parts
PARTS_DIR = "manifest"  # site/manifest/<part>/files.tsv
PART_FILE = "files.tsv"
CACHE_NAME = "site-parts"  # build/cache/site-parts/<part>/files.tsv: path, size, mtime_ns, inode, sha256
_BUCKET = re.compile(f"^[0-9a-f]{{{P.BUCKET_HEX}}}$")


def part_of(rel: str) -> str:
    """The part a site file is listed in, from its path alone: the path up to its first bucket folder, or a
    search index under pagefind/<kind>/<name>/, else its top folder ("" for a file at the root)."""
    folders = rel.split("/")[:-1]
    for i, name in enumerate(folders):
        if _BUCKET.match(name):
            return "/".join(folders[: i + 1])
    if len(folders) >= 3 and folders[0] == PAGEFIND_DIR:
        return "/".join(folders[:3])
    return folders[0] if folders else ""


def part_file(part: str) -> str:
    """The site path of a part's file."""
    return f"{PARTS_DIR}/{part}/{PART_FILE}" if part else f"{PARTS_DIR}/{PART_FILE}"


def is_manifest(rel: str) -> bool:
    """A file of the manifest itself, which no source gives and no part lists."""
    return rel == P.SITE_MANIFEST or rel.startswith(PARTS_DIR + "/")


def _record_path(cache_dir: Path, part: str) -> Path:
    return Path(cache_dir) / CACHE_NAME / part_file(part).split("/", 1)[1]


def load_record(cache_dir: Path, part: str) -> dict[str, tuple[int, int, int, str]]:
    """path -> (size, mtime_ns, inode, sha256) of every file of a part at the last run; {} when there is none
    or a damaged one (its files are hashed again)."""
    out = {}
    try:
        with _record_path(cache_dir, part).open(encoding="utf-8") as fh:
            for line in fh:
                rel, size, mtime, ino, sha = line.rstrip("\n").split("\t")
                out[rel] = (int(size), int(mtime), int(ino), sha)
    except (OSError, ValueError):
        return {}
    return out


def _check(site_dir: Path, rel: str) -> None:
    if "\t" in rel or "\n" in rel or "\r" in rel:
        raise ValueError(f"{Path(site_dir) / rel}: a tab or line break in a published path cannot be listed "
                         "in the manifest")


PREHASH_MIN = 1 << 20  # smaller files are hashed when the manifest needs them: a thread's hand-off would cost more


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class _Prehash:
    """Digests computed ahead in one daemon thread, by file identity (_identity): a hard link to a hashed file
    (the site's copy of a download) finds its digest."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[tuple, threading.Event] = {}
        self.digests: dict[tuple, str | None] = {}
        self.todo: queue.Queue = queue.Queue()
        self.thread: threading.Thread | None = None

    def add(self, path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        if st.st_size < PREHASH_MIN:
            return
        ident = _identity(st)
        with self.lock:
            if ident in self.jobs:
                return
            self.jobs[ident] = threading.Event()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="gongkai-prehash", daemon=True)
                self.thread.start()
        self.todo.put((path, ident))

    def _run(self) -> None:
        while True:
            path, ident = self.todo.get()
            digest = None
            try:
                digest = sha256_file(Path(path))
                if _identity(os.stat(path)) != ident:  # changed while it was read: never a stale digest
                    digest = None
            except OSError:
                pass
            with self.lock:
                self.digests[ident] = digest
                self.jobs[ident].set()

    def take(self, st: os.stat_result) -> str | None:
        """The digest of the file `st` describes when it was prehashed as it is now (waiting for it if it is
        being hashed), else None; each digest is taken once."""
        ident = _identity(st)
        with self.lock:
            done = self.jobs.get(ident)
        if done is None:
            return None
        done.wait()
        with self.lock:
            self.jobs.pop(ident, None)
            return self.digests.pop(ident, None)


_PREHASH = _Prehash()


def prehash(paths) -> None:
    """Start hashing the files at `paths` (those of at least PREHASH_MIN bytes) in the background, for `entries`;
    call it once a file is final.  A file replaced or changed afterwards is hashed again when it is listed."""
    for path in paths:
        _PREHASH.add(str(path))


def entries(site_dir: Path, rels, record: dict, stats: dict | None = None) -> dict[str, tuple]:
    """Each file's (size, mtime_ns, inode, sha256): a stat each (or `stats`' stat_result), the sha256 kept from
    `record` while size, mtime and inode are the recorded ones, else taken from `prehash`'s digest of the file
    as it is now, else the file is read."""
    base = f"{site_dir}/"
    out = {}
    for rel in sorted(rels):
        _check(site_dir, rel)
        st = stats[rel] if stats is not None else os.stat(base + rel)
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        known = record.get(rel)
        if known and known[:3] == key:
            out[rel] = (*key, known[3])
        else:
            out[rel] = (*key, _PREHASH.take(st) or sha256_file(Path(base + rel)))
    return out


def write_part(site_dir: Path, cache_dir: Path, part: str, files: dict) -> tuple[str, int] | None:
    """A part's file in site/ (only if its bytes change) and its record in the cache; (sha256, size) of the
    part's file for the index, or None when the part has no file any more (both are removed)."""
    target, record = Path(site_dir) / part_file(part), _record_path(cache_dir, part)
    if not files:
        for path, stop in ((target, Path(site_dir) / PARTS_DIR), (record, Path(cache_dir) / CACHE_NAME)):
            path.unlink(missing_ok=True)
            _prune(path.parent, stop)
        return None
    body = (HEADER + "".join(f"{sha}\t{size}\t{rel}\n" for rel, (size, _, _, sha) in files.items())).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(target, body)
    record.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(record, "".join(f"{rel}\t{size}\t{mtime}\t{ino}\t{sha}\n" for rel, (size, mtime, ino, sha)
                                     in files.items()).encode("utf-8"))
    return hashlib.sha256(body).hexdigest(), len(body)


def _prune(folder: Path, stop: Path) -> None:
    """Empty folders removed from `folder` up to `stop` (excluded)."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def read_index(site_dir: Path) -> dict[str, tuple[str, int]] | None:
    """part file -> (sha256, size) of site/MANIFEST.tsv, or None when it is not an index of parts."""
    try:
        with (Path(site_dir) / P.SITE_MANIFEST).open(encoding="utf-8") as fh:
            if fh.readline() != INDEX_HEADER:
                return None
            return _lines(fh, Path(site_dir) / P.SITE_MANIFEST, 2)
    except OSError:
        return None


def write_index(site_dir: Path, index: dict[str, tuple[str, int]]) -> Path:
    target = Path(site_dir) / P.SITE_MANIFEST
    write_if_changed(target, (INDEX_HEADER + "".join(f"{sha}\t{size}\t{rel}\n" for rel, (sha, size)
                                                     in sorted(index.items()))).encode("utf-8"))
    return target


def site_files(site_dir: Path) -> list[tuple[str, os.stat_result]]:
    """(relative posix path, os.stat_result) of every file under site_dir but the manifest's, sorted by path."""
    found = []
    for rel, st in walk(site_dir):
        if not is_manifest(rel):
            _check(site_dir, rel)
            found.append((rel, st))
    return sorted(found, key=lambda item: item[0])


def parts_under(base: Path, tops: tuple[str, ...] = ("",)) -> set[str]:
    """The parts the files under base (or under its folders `tops`) lie in, from a walk of its folders alone:
    nothing is kept per file (the manifest's own folder is left out)."""
    out: set[str] = set()
    stack = [top for top in tops if os.path.isdir(f"{base}/{top}" if top else str(base))]
    while stack:
        rel = stack.pop()
        files = False
        with os.scandir(f"{base}/{rel}" if rel else str(base)) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    sub = f"{rel}/{entry.name}" if rel else entry.name
                    if entry.name != "__pycache__" and sub != PARTS_DIR:
                        stack.append(sub)
                else:
                    files = True
        if files:
            out.add(part_of(f"{rel}/x" if rel else "x"))
    return out


def part_files(site_dir: Path, part: str, stat: bool = True) -> dict:
    """Every file of one part of site_dir (but the manifest's): path -> os.stat_result, or its inode (stat
    False: os.scandir gives it without a stat; dot-files included, as leftovers to remove)."""
    start = f"{site_dir}/{part}" if part else str(site_dir)
    if not os.path.isdir(start):
        return {}

    def skip(rel: str, entry) -> bool:
        return entry.is_dir(follow_symlinks=False) and (entry.name == "__pycache__" or part_of(rel + "/x") != part)

    out = {}
    for rel, entry in _scan(start, f"{part}/" if part else "", skip):
        if not entry.is_dir() and not is_manifest(rel):
            out[rel] = entry.stat() if stat else entry.inode()
    return out


def manifest_site(site_dir: Path, cache_dir: Path) -> Path:
    """Every part of the manifest written from a walk of site_dir, a part at a time (files unchanged since the
    last run, by path, size, mtime_ns and inode, are not read again); parts and records no longer made are
    removed; the index's path.  The build brings only the parts an edit touched up to date (assemble.py)."""
    site_dir, cache_dir = Path(site_dir), Path(cache_dir)
    index = {}
    for part in sorted(parts_under(site_dir)):
        stats = part_files(site_dir, part)
        entry = write_part(site_dir, cache_dir, part, entries(site_dir, stats, load_record(cache_dir, part), stats))
        if entry is not None:
            index[part_file(part)] = entry
    for base in (site_dir / PARTS_DIR, cache_dir / CACHE_NAME):
        for rel, _ in list(walk(base)):
            if f"{PARTS_DIR}/{rel}" not in index:
                (base / rel).unlink()
                _prune((base / rel).parent, base)
    return write_index(site_dir, index)


def _lines(fh, path: Path, start: int) -> dict[str, tuple[str, int]]:
    entries_ = {}
    for number, line in enumerate(fh, start=start):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3 or len(parts[0]) != 64 or not parts[1].isdigit():
            raise ValueError(f"{path}:{number}: not a manifest line (sha256, size, path separated by tabs)")
        entries_[parts[2]] = (parts[0], int(parts[1]))
    return entries_


def read_manifest(path: Path) -> dict[str, tuple[str, int]]:
    """path -> (sha256, size) of every file a manifest lists: a part, a whole manifest of an older build, or
    an index with every part it names (read beside it) and the parts' files themselves.  A malformed line is
    an error naming the file and line."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        head = fh.readline()
        if head != INDEX_HEADER:
            out = _lines(fh, path, 2)
            if head != HEADER:  # a headerless manifest: its first line is an entry
                out.update(_lines([head], path, 1))
            return out
        index = _lines(fh, path, 2)
    out = dict(index)
    for rel in index:
        out.update(read_manifest(path.parent / rel))
    return out


def deploy_diff(old: dict[str, tuple[str, int]], new: dict[str, tuple[str, int]]) -> tuple[list[str], list[str]]:
    """(paths to upload: new or changed, paths to delete: gone), each sorted."""
    upload = sorted(p for p, entry in new.items() if old.get(p) != entry)
    delete = sorted(p for p in old if p not in new)
    return upload, delete


def _index(path: Path) -> dict | None:
    with Path(path).open(encoding="utf-8") as fh:
        return _lines(fh, path, 2) if fh.readline() == INDEX_HEADER else None


def diff_manifests(old: Path, new: Path) -> tuple[list[str], list[str]]:
    """deploy_diff of two manifests; of two indexes, only the parts whose sha256 differs are read (a path is
    always in the same part, so the others hold the same files)."""
    old_index, new_index = _index(old), _index(new)
    if old_index is None or new_index is None:
        return deploy_diff(read_manifest(old), read_manifest(new))
    sides = []
    for path, index, other in ((Path(old), old_index, new_index), (Path(new), new_index, old_index)):
        files = dict(index)
        for rel, entry in index.items():
            if other.get(rel) != entry:
                files.update(read_manifest(path.parent / rel))
        sides.append(files)
    return deploy_diff(*sides)


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
