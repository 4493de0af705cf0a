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

What the build holds of them is bounded per report (issue 17: the build's memory flat in N). A record is kept
pickled and compressed until it is asked for (~0.6 KB; unpickled, its ~50 file names took ~5 KB a report); a
reused result does not carry its files' names (nothing reads them once the record is taken); and a folder's
listing is kept only for a folder a second report asks about (the shared ones), not for each report's own.
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


class Reuse:
    def __init__(self, directory: Path, salt: str):
        self.dir = Path(directory)
        self.salt = salt  # the code and the dataset version: a new build of either republishes everything
        self.used: set[str] = set()
        self.hits: set[str] = set()  # keys whose recorded result was taken
        self.store = IndexStore(self.dir, f"{salt}\0compressed records")  # the records' form is in the salt
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

    def _present(self, root: Path, folders) -> bool:
        return all(self._listing(root, folder).issuperset(names) for folder, names in folders)

    def get(self, key: str | None, root: Path, make):
        """The recorded result for `key` (built by `make(**fields)`, its `files` left empty), if every file it
        lists is still there.  Ask about every report before writing any: the folders are read as they were
        before this build wrote."""
        if key is None:
            return None
        blob = self.store.get(key)
        record = None if blob is None else pickle.loads(zlib.decompress(blob))
        if record is None or not self._present(root, record.pop("files")):
            return None
        self.used.add(key)
        self.hits.add(key)
        return make(**record)

    def put(self, key: str | None, published) -> None:
        """Record a report's result, with the files it owns (`published.files`); not one with errors: a report
        that failed is always published again."""
        if key is None or published.errors:
            return
        record = {k: v for k, v in asdict(published).items() if k not in _DROPPED}
        by_folder: dict[str, list[str]] = {}
        for rel in published.files:
            folder, _, name = rel.rpartition("/")
            by_folder.setdefault(folder, []).append(name)
        record["files"] = tuple((folder, tuple(sorted(names))) for folder, names in sorted(by_folder.items()))
        self.store.put(key, zlib.compress(pickle.dumps(record, protocol=5)))
        self.used.add(key)

    def prune(self) -> None:
        """Keep the records this build used, drop the others, and write the files of the store that changed.
        Folders left by the earlier layout (one JSON file per key) go too."""
        self.store.save(self.used)
        for old in self.dir.iterdir() if self.dir.is_dir() else ():
            if old.is_dir() and len(old.name) == 2 and set(old.name) <= set("0123456789abcdef"):
                shutil.rmtree(old, ignore_errors=True)


def prune_records(directory: Path, used: set[str]) -> None:
    """Remove the records under directory/<k[:2]>/<key>.* whose key is not in `used`."""
    if not directory.is_dir():
        return
    for sub in directory.iterdir():
        for path in sub.iterdir() if sub.is_dir() else []:
            if path.stem not in used:
                path.unlink(missing_ok=True)
