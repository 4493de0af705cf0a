"""Derived outputs (zips, spreadsheet and database exports) recomputed only when their inputs change.

A no-op rebuild must not re-deflate every zip or re-render every workbook.  Each derived group is keyed by
a digest of its input bytes plus a digest of the gongkai code (a new exporter regenerates everything); the
stamp records which files the group wrote, and the group is skipped while the stamp and all those files exist.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from gongkai import paths as P
from gongkai.mirror import walk
from gongkai.pipeline.cleanup import prune_stamps

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def digest(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(files[rel]).digest())
    return h.hexdigest()


def folder_digest(folder: Path) -> str:
    """digest() of the files of a folder by name: a report's package folder on disk gives the digest the
    per-report phase gave the package it wrote there (publish.Published.digest)."""
    return digest({p.name: p.read_bytes() for p in Path(folder).iterdir() if p.is_file()})


def code_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Derived:
    def __init__(self, stamps: Path):
        self.dir = stamps
        self.code = code_digest()
        self.used: set[str] = set()

    def key(self, kind: str, *parts: str) -> str:
        return hashlib.sha256("\0".join((kind, self.code) + parts).encode()).hexdigest()

    def fresh(self, key: str, directory: Path) -> bool:
        """True when this exact input was turned into files that are all still there."""
        self.used.add(key)
        try:
            names = json.loads((self.dir / key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return all((directory / n).is_file() for n in names)

    def names(self, key: str) -> list[str]:
        """The files a group's stamp lists (none when there is no stamp)."""
        try:
            return json.loads((self.dir / key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []

    def remember(self, key: str, names) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / key).write_text(json.dumps(sorted(names)), encoding="utf-8")

    def prune(self) -> None:
        prune_stamps(self.dir, self.used)


def tree_state(*dirs: Path) -> str:
    """A digest of every file's path, size and modification time under `dirs` (no file is read; one stat a
    file, mirror.walk)."""
    h = hashlib.sha256()
    for base in dirs:
        h.update(f"[{base.name}]\n".encode())
        for rel, st in walk(base):
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


# The outputs' state, folder by folder (build/cache): a line a folder, `<path>\t<mtime_ns>\t<inode>\t<digest of
# its files' names, sizes and mtimes>`, under a header giving when it was taken.
FOLDERS = "outputs-folders.tsv"
# A folder changed this close before its state was taken may change again within the file system's timestamp
# tick without a new mtime: it is listed again next time (git's "racily clean" entries).
RACY_NS = 2_000_000_000


def _folder_state(path: str) -> tuple[str, list[str]]:
    """(digest of the files of one folder: name, size, mtime; its subfolders' names).  As mirror.walk: a link
    to a folder is neither a file nor followed, __pycache__ is left out."""
    h = hashlib.sha256()
    files, subs = [], []
    with os.scandir(path) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    subs.append(entry.name)
            elif not entry.is_dir():
                st = entry.stat()
                files.append(f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n")
    for line in sorted(files):
        h.update(line.encode("utf-8", "surrogateescape"))
    return h.hexdigest(), sorted(subs)


class Folders:
    """Every folder under some top folders -> (mtime_ns, inode, digest of its files).  Renaming, adding or
    removing a file changes its folder's mtime, and every write of this project is a rename (files.py), so a
    folder whose mtime and inode are those recorded holds what it held: bringing the record up to date costs
    a stat a folder and a listing of the folders that changed, not a stat of every file (issue 17: at 10,000
    reports the build's outputs are some 550,000 files in a tenth as many folders)."""

    def __init__(self, root: Path, tops: tuple[str, ...]):
        self.root, self.tops = Path(root), tops
        self._base = f"{self.root}/"  # strings, not Paths: a Path a folder was most of an update's time
        self.entries: dict[str, tuple[int, int, str]] = {}
        self.listed: list[str] = []  # folders listed by the last walk or update (what the tests look at)
        # Folders whose files differ from the loaded record after the last update: listed again with another
        # digest (a file added, removed, resized or touched), gone, or new.  A folder listed again only because
        # its mtime was racy, with the same files, is not in it.
        self.changed: set[str] = set()

    def digest(self) -> str:
        h = hashlib.sha256()
        for rel in sorted(self.entries):
            h.update(f"{rel}\0{self.entries[rel][2]}\n".encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def _list(self, rel: str, recurse) -> None:
        """List one folder again; its subfolders go to recurse(rel) (new ones) or are left to their own stat."""
        path = self._base + rel
        try:
            st = os.lstat(path)
            digest, subs = _folder_state(path)
        except (FileNotFoundError, NotADirectoryError):
            if self.entries.pop(rel, None) is not None:
                self.changed.add(rel)
            return
        self.listed.append(rel)
        old = self.entries.get(rel)
        if old is None or old[2] != digest:
            self.changed.add(rel)
        self.entries[rel] = (st.st_mtime_ns, st.st_ino, digest)
        for name in subs:
            recurse(f"{rel}/{name}")

    def walk(self) -> "Folders":
        """Every folder listed, every file stat-ed: the full check."""
        self.entries, self.listed = {}, []
        stack = [top for top in self.tops if (self.root / top).is_dir()]
        while stack:
            self._list(stack.pop(), stack.append)
        return self

    def update(self, taken_ns: int, also: set[str] = frozenset()) -> "Folders":
        """Bring a loaded record up to date: a folder is listed again when its mtime or inode changed, when it
        changed just before the record was taken (RACY_NS), or when it is in `also` (folders the caller
        wrote into); a new folder is listed with everything under it, a gone one dropped."""
        self.listed, self.changed = [], set()
        known = set(self.entries)
        again, new = [], [top for top in self.tops if top not in known and (self.root / top).is_dir()]
        for rel in sorted(known):
            try:
                st = os.lstat(self._base + rel)
            except OSError:
                self.entries.pop(rel)
                self.changed.add(rel)
                continue
            mtime, ino, _ = self.entries[rel]
            if (st.st_mtime_ns, st.st_ino) != (mtime, ino) or mtime >= taken_ns - RACY_NS or rel in also:
                again.append(rel)
        for rel in again:
            self._list(rel, lambda sub: None if sub in known else new.append(sub))
        while new:
            self._list(new.pop(), new.append)
        return self

    def save(self, path: Path, taken_ns: int) -> None:
        lines = [f"{taken_ns}\n"] + [f"{rel}\t{m}\t{i}\t{d}\n" for rel, (m, i, d) in sorted(self.entries.items())]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(lines), encoding="utf-8", errors="surrogateescape")
        os.replace(tmp, path)

    def load(self, path: Path) -> int | None:
        """The time the saved record was taken, its entries loaded; None when there is none (or a damaged one)."""
        try:
            with path.open(encoding="utf-8", errors="surrogateescape") as fh:
                taken = int(fh.readline())
                entries = {}
                for line in fh:
                    rel, mtime, ino, digest = line.rstrip("\n").split("\t")
                    entries[rel] = (int(mtime), int(ino), digest)
        except (OSError, ValueError):
            return None
        self.entries = entries
        return taken


class UpToDate:
    """The whole build is skipped when its inputs (reports, sidecars, code, build date) and its outputs
    (datapackages/, docs/) are exactly as the last successful build left them: a no-op `make site` at
    thousands of reports then costs a directory walk instead of re-rendering every page.

    The outputs' state is recorded folder by folder (Folders): the check of a no-op walks and stats every file
    (a file edited in place is seen), while the record at the end of a build lists only the folders that
    changed since the last record, so a one-report edit does not walk every output."""

    TOPS = (P.PACKAGES_DIR, P.DOCS_DIR)

    def __init__(self, root: Path, extra: str):
        self.root = root
        self.stamp = root / P.CACHE_DIR / "build.stamp"
        self.folders_file = root / P.CACHE_DIR / FOLDERS
        self.inputs = hashlib.sha256(f"{tree_state(root / 'reports')}\0{code_digest()}\0{extra}".encode()).hexdigest()
        self.folders = Folders(root, self.TOPS)
        self._started: int | None = None  # when changed_outputs (or the check's walk) brought the record up to date
        self._changed: set[str] | None = None  # what the check's walk found changed, when it walked

    def _outputs(self) -> str:
        """Every output folder listed and every file stat-ed; the record kept as the base of the next update,
        and the folders whose files differ from the last record's kept for changed_outputs."""
        taken = time.time_ns()
        before = Folders(self.root, self.TOPS)
        last = before.load(self.folders_file)
        self.folders.walk().save(self.folders_file, taken)
        now = self.folders.entries
        self._started, self._changed = taken, None if last is None else (
            {rel for rel, entry in now.items() if rel not in before.entries or before.entries[rel][2] != entry[2]}
            | (set(before.entries) - set(now)))
        return self.folders.digest()

    def current(self) -> bool:
        try:
            recorded = self.stamp.read_text(encoding="utf-8").split()
        except OSError:
            return False
        # The outputs are walked only when the inputs match: an edited report needs no walk of every output.
        return len(recorded) == 2 and recorded[0] == self.inputs and recorded[1] == self._outputs()

    def changed_outputs(self) -> set[str] | None:
        """The output folders (relative to the root) whose files differ from the record the last finished build
        left: a stat a folder, a listing of those whose mtime moved.  None without a record: anything may have
        changed.  Call it before the build writes; record() then starts from this state instead of loading it
        again.  (A per-report result kept from the last build needs its files: while none of their folders
        changed, they are all there, with no listing of each report's folders, pipeline/reuse.py.)"""
        if self._started is not None:  # the no-op check walked the outputs (its inputs were unchanged)
            return None if self._changed is None else set(self._changed)
        taken = time.time_ns()
        last = self.folders.load(self.folders_file)
        if last is None:
            return None
        self.folders.update(last)
        self._started = taken
        return set(self.folders.changed)

    def record(self, written=()) -> None:
        """The stamp of a build that finished.  `written`: the files it wrote (relative to the root), whose
        folders are listed again even if a write in place left their mtime alone."""
        taken = time.time_ns()
        last = self._started if self._started is not None else self.folders.load(self.folders_file)
        if last is None:
            self.folders.walk()
        else:
            self.folders.update(last, {rel.rpartition("/")[0] for rel in written})
        self.folders.save(self.folders_file, taken)
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        self.stamp.write_text(f"{self.inputs} {self.folders.digest()}\n", encoding="utf-8")

    def recorded(self) -> bool:
        """A stamp is there: the last build that started finished with valid packages."""
        return self.stamp.is_file()

    def forget(self) -> None:
        self.stamp.unlink(missing_ok=True)
