"""The state of docs/ folder by folder, for the site step (gongkai/site.py): what changed since the site was
last assembled, found with a stat a folder instead of a stat of every file of docs/ (issue 17: ~35 files a
report, 350,000 at 10,000 reports, stat-ed on every edit to find the one page that changed).

Every write of the build replaces a file by a rename (files.py), which changes its folder's mtime, so a
folder whose mtime and inode are the recorded ones holds the files it held; it is listed again when they
changed, when it changed within RACY_NS before the record was taken (a timestamp that did not tick), when
the build says it wrote into it (`also`: a write in place), and always when it holds hand-written files (a
folder outside paths.GENERATED_DIRS and the downloads: docs/ itself, docs/assets/…), which an editor may
save in place.  The record (build/cache/site-docs.tsv) holds a line a folder: its mtime, inode, the digest
of its files' names, sizes and mtimes, and the names of its pages (the .md files MkDocs renders), so the
shards' plan needs no listing of docs/ and the pages an edit removed are known.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from gongkai import paths as P
from gongkai.pipeline.incremental import RACY_NS

RECORD = Path(P.CACHE_DIR) / "site-docs.tsv"
# Folders of docs/ whose every file the build writes (by a rename): the others hold hand-written files too.
GENERATED = (*P.GENERATED_DIRS, P.DOWNLOADS)


def is_page(rel: str) -> bool:
    """A file of docs/ that MkDocs renders: a .md file, not a dot-file, not among the downloads."""
    return rel.endswith(".md") and not rel.rsplit("/", 1)[-1].startswith(".") and not rel.startswith(
        P.DOWNLOADS + "/")


class DocsState:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._base = f"{self.root / P.DOCS_DIR}/"
        self.entries: dict[str, tuple[int, int, str, tuple[str, ...]]] = {}  # folder -> mtime, inode, digest, pages
        self.changed: set[str] = set()  # folders whose files changed (or new ones)
        self.gone: set[str] = set()
        self.pages_before: dict[str, tuple[str, ...]] = {}  # changed and gone folders -> their page names before
        self.listed: list[str] = []  # folders listed (what the tests look at)
        self.taken = time.time_ns()

    def _path(self, rel: str) -> str:
        return self._base + rel if rel else self._base[:-1]

    def _list(self, rel: str, recurse) -> None:
        """List one folder: its entry, and in `changed` when its files differ from the record."""
        path = self._path(rel)
        try:
            st = os.lstat(path)
            with os.scandir(path) as it:
                items = sorted(it, key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            self._forget(rel)
            return
        self.listed.append(rel)
        h = hashlib.sha256()
        pages = []
        prefix = f"{rel}/" if rel else ""
        for entry in items:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    recurse(prefix + entry.name)
            elif not entry.is_dir():  # a link to a folder is neither a file nor followed (mirror.walk)
                est = entry.stat()
                h.update(f"{entry.name}\0{est.st_size}\0{est.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
                if is_page(prefix + entry.name):
                    pages.append(entry.name)
        old = self.entries.get(rel)
        digest = h.hexdigest()
        if old is None or old[2] != digest:
            self.changed.add(rel)
            self.pages_before[rel] = old[3] if old else ()
        self.entries[rel] = (st.st_mtime_ns, st.st_ino, digest, tuple(pages))

    def _forget(self, rel: str) -> None:
        old = self.entries.pop(rel, None)
        if old is not None:
            self.gone.add(rel)
            self.pages_before[rel] = old[3]

    def walk(self) -> "DocsState":
        """Every folder listed, every file stat-ed: a first build, or no record."""
        stack = [""]
        while stack:
            self._list(stack.pop(), stack.append)
        return self

    def update(self, taken_ns: int, also: set[str] = frozenset()) -> "DocsState":
        """Bring a loaded record up to date: a folder is listed again when its mtime or inode changed, when it
        changed within RACY_NS before `taken_ns`, when it is in `also` (folders the build wrote into, relative
        to docs/) or holds hand-written files; a new folder is listed with all it holds, a gone one dropped."""
        known = set(self.entries)
        again, new = [], []
        for rel in sorted(known):
            try:
                st = os.lstat(self._path(rel))
            except OSError:
                self._forget(rel)
                continue
            mtime, ino = self.entries[rel][:2]
            if ((st.st_mtime_ns, st.st_ino) != (mtime, ino) or mtime >= taken_ns - RACY_NS or rel in also
                    or rel.split("/", 1)[0] not in GENERATED):
                again.append(rel)
        for rel in again:
            if rel in self.entries:
                self._list(rel, lambda sub: None if sub in known else new.append(sub))
        while new:
            self._list(new.pop(), new.append)
        for rel in sorted(self.entries, key=lambda r: r.count("/")):  # a folder under a gone one is gone too
            if rel and rel.rpartition("/")[0] not in self.entries:
                self._forget(rel)
        return self

    def digest(self) -> str:
        """Every folder's path and the digest of its files: docs/ as MkDocs and the assembly read it."""
        h = hashlib.sha256()
        for rel in sorted(self.entries):
            h.update(f"{rel}\0{self.entries[rel][2]}\n".encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def pages(self) -> list[str]:
        """Every page of docs/ (relative path), from the record."""
        return [f"{rel}/{name}" if rel else name for rel, entry in self.entries.items() for name in entry[3]]

    def save(self) -> None:
        path = self.root / RECORD
        lines = [f"{self.taken}\n"] + [f"{rel}\t{m}\t{i}\t{d}\t{'/'.join(pages)}\n"
                                       for rel, (m, i, d, pages) in sorted(self.entries.items())]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(lines), encoding="utf-8", errors="surrogateescape")
        os.replace(tmp, path)

    def load(self) -> int | None:
        """The time the saved record was taken, its entries loaded; None when there is none (or a damaged one)."""
        try:
            with (self.root / RECORD).open(encoding="utf-8", errors="surrogateescape") as fh:
                taken = int(fh.readline())
                entries = {}
                for line in fh:
                    rel, mtime, ino, digest, pages = line.rstrip("\n").split("\t")
                    entries[rel] = (int(mtime), int(ino), digest, tuple(pages.split("/")) if pages else ())
        except (OSError, ValueError):
            return None
        self.entries = entries
        return taken

    def forget_record(self) -> None:
        (self.root / RECORD).unlink(missing_ok=True)


def current(root: Path, also: set[str] = frozenset()) -> tuple[DocsState, bool]:
    """docs/'s state now, from the saved record brought up to date (True), or a walk of every folder (False:
    no record)."""
    state = DocsState(root)
    taken = state.load()
    if taken is None:
        return state.walk(), False
    return state.update(taken, also), True
