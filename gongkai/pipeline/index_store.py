"""What a build needs of the extraction cache when its files did not change, kept in few files: each cached
file's index (gongkai/index.py) or failure, and each input file's sha256 by its stat.

A build keeps an index of every report (1,885 bytes), but it made each index by loading the report's
whole extraction from its pickle (build/cache/extract/): at 5,000 reports a one-report edit spent 35 s
reading 5,000 pickles and hashing every report file again to find the one that changed (BENCHMARKS.md).
Here the indexes are kept in 256 files by cache key (a one-report edit rewrites one of them), and a file's
sha256 is taken again only when its size, mtime or inode changed (git's index with core.trustctime off).

The indexes depend on the code that makes them (index.py, slim.py and what they import), so every file
carries a salt of that code: a changed index maker reads the pickles once more.  The pickles stay the
reference: an index is served only while its pickle exists, for the per-report phase loads it.
"""
from __future__ import annotations

import copy
import hashlib
import os
import pickle
from pathlib import Path

from gongkai.extract import SIDECAR_SUFFIX, companion_images
from gongkai.files import atomic_write

HASHES = "files.pickle"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class IndexStore:
    """Indexes by extraction-cache key, and file hashes by stat, under `directory` (None: nothing kept)."""

    def __init__(self, directory: Path | None, salt: str):
        self.dir = None if directory is None else Path(directory)
        self.salt = salt
        self._buckets: dict[str, dict] = {}
        self._dirty: set[str] = set()
        self._hashes: dict[str, tuple] | None = None  # path -> (stat, sha256)
        self._images: dict[str, list[str]] = {}  # a sidecar's sha256 -> the pictures it lists
        self._seen: set[str] = set()  # the files hashed in this build: the others' hashes are dropped
        self._hashes_dirty = False

    def _load(self, name: str):
        if self.dir is None:
            return {}
        try:
            with (self.dir / name).open("rb") as fh:
                salt, data = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return {}  # none yet, damaged, or from other code: built again
        return data if salt == self.salt else {}

    def _bucket(self, key: str) -> dict:
        name = key[:2]
        if name not in self._buckets:
            self._buckets[name] = self._load(f"{name}.pickle")
        return self._buckets[name]

    def sha256(self, path: Path) -> str:
        """The file's sha256, read again only when its stat changed since it was last read."""
        if self._hashes is None:
            self._hashes, self._images = self._load(HASHES) or ({}, {})
        name = os.path.abspath(path)  # the same file whether the build was given a relative root or not
        st = os.stat(name)
        self._seen.add(name)
        # Not the ctime, which git's index also compares: the build hard-links each source into the archive
        # (publish.archive_source), which changes its ctime, so every file published was read again next time.
        stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
        known = self._hashes.get(name)
        if known and known[0] == stamp:
            return known[1]
        sha = _sha256(path)
        self._hashes[name] = (stamp, sha)
        self._hashes_dirty = True
        return sha

    def images(self, path: Path) -> list[str]:
        """extract.companion_images(path), parsed again only when the sidecar's bytes changed."""
        try:
            # A stat, not a second one to ask whether it is there; its name a string, not a Path (issue 17).
            sha = self.sha256(os.fspath(path) + SIDECAR_SUFFIX)
        except FileNotFoundError:
            return []
        known = self._images.get(sha)
        if known is None:
            known = self._images[sha] = companion_images(path)
            self._hashes_dirty = True
        return known

    def get(self, key: str):
        """A copy of what was kept under key (the build changes an index's slug and checks), or None."""
        found = self._bucket(key).get(key)
        return None if found is None else copy.copy(found)

    def put(self, key: str, value) -> None:
        bucket = self._bucket(key)
        if bucket.get(key) is None:
            bucket[key] = copy.copy(value)
            self._dirty.add(key[:2])

    def _names(self) -> list[str]:
        return sorted(p.name[:2] for p in self.dir.glob("??.pickle")) if self.dir and self.dir.is_dir() else []

    def keys(self) -> set[str]:
        """Every key kept (each file loaded)."""
        return {key for name in self._names() for key in self._bucket(name)} | \
            {key for bucket in self._buckets.values() for key in bucket}

    def save(self, keys: set[str], buckets: set[str] | None = None) -> None:
        """Keep only the entries of `keys` and the hashes of the files looked at in this build, and write the
        files that changed.  buckets: the only files that may hold entries not in `keys` (by the first two
        characters of those entries' keys), when the caller knows them: the other files are left unread."""
        if self.dir is None:
            return
        for name in self._names() if buckets is None else sorted(buckets):
            self._bucket(name)
        for name, bucket in sorted(self._buckets.items()):
            stale = [k for k in bucket if k not in keys]
            for k in stale:
                del bucket[k]
            if stale or name in self._dirty:
                if bucket:
                    atomic_write(self.dir / f"{name}.pickle", pickle.dumps((self.salt, bucket), protocol=5))
                else:
                    (self.dir / f"{name}.pickle").unlink(missing_ok=True)
        if self._hashes is not None:
            stale = [p for p in self._hashes if p not in self._seen]
            for p in stale:
                del self._hashes[p]
            shas = {sha for _, sha in self._hashes.values()}
            for sha in [s for s in self._images if s not in shas]:
                del self._images[sha]
                self._hashes_dirty = True
            if stale or self._hashes_dirty:
                atomic_write(self.dir / HASHES, pickle.dumps((self.salt, (self._hashes, self._images)), protocol=5))
        self._dirty.clear()
        self._hashes_dirty = False
