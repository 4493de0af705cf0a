"""Reports whose inputs did not change since the last build are not published again.

The per-report phase (pipeline/publish.py) loads a report's full form from the extraction cache, renders its
package, downloads, page, evidence and API file, and checks them: tens of milliseconds a report, so after one
edit at 10,000 reports it spent a minute making files that came out the same.  A report's inputs are keyed
here: its extraction (the cache key covers the source bytes, the sidecar and the extractor), what the main
process decided for it (its slug, the cross-year checks), the neighbours its page links to, its source's
check state, the dataset version and the whole package's code.  A report whose key was recorded with its
result, and whose files are all still on disk, takes that result instead of being published again.

The records are kept in 256 files by key (index_store.IndexStore), not one file per key: reading one JSON
record and stat-ing each of its ~50 files per report cost 1.5 s at 1,000 reports on an edit of one.  A
one-report edit now rewrites the one or two files holding its old and new key.  A record's files are kept
as (folder, names) pairs, the names a tuple shared by every report (the same package files everywhere), and
"still on disk" is checked by listing each folder once per build, not by a stat per file.

A record is kept in two parts.  What the build takes of it (the report's id, its package's digest, its pages,
its stamps' keys) is a tuple of strings in the store's files, decoded a file at a time with the rest of its file:
not a pickle and an inflate a report (2 s of a one-report edit at 10,000 reports).  Its files' names, kept
pickled and compressed in a second store beside it (`<directory>-files`, ~0.6 KB a report; unpickled, ~50 file
names took ~5 KB), are read only when a folder they are in changed since the last finished build recorded the
outputs (incremental.UpToDate.changed_outputs: a stat a folder, done once for the whole build), or when there is
no such record; a one-report edit reads none of them, and lists no report's folders (a listing of each report's
~6 folders was 1 s of an edit at 2,000 reports).  What the build holds stays bounded per report (issue 17): a
reused result does not carry its files' names, and a folder's listing is kept only for a folder a second report
asks about (the shared ones), not for each report's own.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import zlib
from dataclasses import asdict
from pathlib import Path

from gongkai.pipeline.index_store import IndexStore

# What a record keeps of a Published: not what this build wrote, its timings or errors (a report with
# errors is not recorded).
_DROPPED = ("written", "export_s", "validate_s", "errors")
_FIELDS: dict[tuple, tuple] = {}  # one tuple of a record's field names, shared by every record


class Reuse:
    def __init__(self, directory: Path, salt: str, changed: set[str] | None = None):
        """changed: the folders (relative to the root) whose files differ from what the last finished build
        left (incremental.UpToDate.changed_outputs); None: not known, so every record's folders are listed."""
        self.dir = Path(directory)
        self.salt = salt  # the code and the dataset version: a new build of either republishes everything
        self.changed = changed
        self.used: set[str] = set()
        self.hits: set[str] = set()  # keys whose recorded result was taken
        # The records' form is in the salts.
        self.store = IndexStore(self.dir, f"{salt}\0records: fields and values")
        self.files = IndexStore(self.dir.with_name(f"{self.dir.name}-files"), f"{salt}\0compressed folders")
        self._listed: dict[str, frozenset] = {}  # folder (relative to root) -> its entries, for folders asked twice
        self._asked: set[str] = set()  # folders listed once in this build

    def key(self, rep, prev_rep, next_rep, source_check: dict | None) -> str | None:
        """The digest of everything publish_one reads for `rep`; None when the report is not keyed by its
        extraction (a report kept whole, not loaded again from the cache: always published)."""
        extract_key = getattr(rep, "extract_key", None)
        if not extract_key:
            return None
        # The cross-year check replayed on it (slim.full_report) reads the year before's cells (index.py).
        checks = [repr(getattr(rep, "cross_year_prev", None))]
        parts = [self.salt, extract_key, rep.report_id, rep.slug, json.dumps(checks, ensure_ascii=False),
                 prev_rep.report_id if prev_rep else "", next_rep.report_id if next_rep else "",
                 json.dumps(source_check, ensure_ascii=False, sort_keys=True, default=str)]
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def _listing(self, root: Path, folder: str) -> frozenset:
        listed = self._listed.get(folder)
        if listed is None:
            try:
                listed = frozenset(os.listdir(os.path.join(root, folder)))
            except OSError:
                listed = frozenset()
            if folder in self._asked:  # a folder several reports share (the archive's): listed once more, kept
                self._listed[folder] = listed
            self._asked.add(folder)
        return listed

    def _present(self, root: Path, key: str) -> bool:
        """Every file of the record is there: its folders unchanged since the last finished build, or listed."""
        if self.changed is not None and not self.changed:
            return True  # no output folder changed since the last build recorded them: its files are all there
        blob = self.files.get(key)
        if blob is None:
            return False
        folders = pickle.loads(zlib.decompress(blob))
        return all((self.changed is not None and folder not in self.changed)
                   or self._listing(root, folder).issuperset(names) for folder, names in folders)

    def get(self, key: str | None, root: Path, make):
        """The recorded result for `key` (built by `make(**fields)`, its `files` left empty), if every file it
        lists is still there.  Ask about every report before writing any: the folders are read as they were
        before this build wrote."""
        if key is None:
            return None
        record = self.store.get(key)
        if record is None or not self._present(root, key):
            return None
        self.used.add(key)
        self.hits.add(key)
        fields, values = record
        return make(**dict(zip(fields, values)))

    def put(self, key: str | None, published) -> None:
        """Record a report's result, with the files it owns (`published.files`); not one with errors: a report
        that failed is always published again."""
        if key is None or published.errors:
            return
        record = {k: v for k, v in asdict(published).items() if k not in _DROPPED and k != "files"}
        by_folder: dict[str, list[str]] = {}
        for rel in published.files:
            folder, _, name = rel.rpartition("/")
            by_folder.setdefault(folder, []).append(name)
        folders = tuple((folder, tuple(sorted(names))) for folder, names in sorted(by_folder.items()))
        self.store.put(key, (_FIELDS.setdefault(tuple(record), tuple(record)), tuple(record.values())))
        self.files.put(key, zlib.compress(pickle.dumps(folders, protocol=5)))
        self.used.add(key)

    def prune(self) -> None:
        """Keep the records this build used, drop the others, and write the files of the store that changed.
        Folders left by the earlier layout (one JSON file per key) go too."""
        # The files' store is read only where it holds a record this build did not use (their keys are in the
        # records' store, which every build reads whole) or where this build added one.
        stale = {key[:2] for key in self.store.keys() - self.used}
        self.files.save(self.used, stale)
        self.store.save(self.used)
        for old in self.dir.iterdir() if self.dir.is_dir() else ():
            if old.is_dir() and len(old.name) == 2 and set(old.name) <= set("0123456789abcdef"):
                shutil.rmtree(old, ignore_errors=True)
