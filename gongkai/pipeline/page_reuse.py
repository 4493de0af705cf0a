"""Groups of overview pages whose reports did not change since the last build are not rendered again.

After a one-report edit the pages phase rendered every page over many reports, every year, region and agency
page and their charts: 12 s at 1,000 reports, 32 s at 5,000, though one report changed.  pages/write.py renders
the pages in groups, each a function of its reports only (and of the code); this keys a group by its name,
a digest of each of its reports as the pages see it, anything else it shows (the hub: the failures and the
sources' state) and the code.  A group whose key was recorded with its files, all still on disk, keeps them.

A report's digest covers every field of its index (gongkai/index.py) that a page could show: not the
extraction cache key nor the source's sha256, which change with every edit of the file while its figures
stay the same; the API index, which links the archived copy by its sha256, adds them itself.

The records are one file (build/cache/pages/groups.json: key -> the group's files), read once and written
once at the end when a record changed: one small file per key was a read per agency on every edit (about
half as many agencies as reports) and a listing of them all to prune.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

from gongkai import index as I
from gongkai.files import atomic_write

# Fields of a ReportIndex that no overview page shows: the cache key and the log line; the sha256 (only the
# API index links the archive by it: api_key adds it); the folder of the source (only its name is shown);
# and the cross-year cells, whose failed checks are in failed_checks.
NOT_SHOWN = {"extract_key", "summary_line", "sha256", "source_dir", "cross_year", "cross_year_status",
             "cross_year_prev"}
RECORDS = "groups.json"
_SHOWN = tuple(f.name for f in dataclasses.fields(I.ReportIndex) if f.name not in NOT_SHOWN)


def report_digest(rep) -> str:
    """What the overview pages read of one report, as a digest (a full report through its index)."""
    index = rep if isinstance(rep, I.ReportIndex) else I.index_of(rep)
    return hashlib.sha256(repr(tuple(getattr(index, name) for name in _SHOWN)).encode("utf-8")).hexdigest()


class PageReuse:
    def __init__(self, directory: Path, docs: Path, salt: str):
        self.dir = Path(directory)
        self.docs = Path(docs)
        self.salt = salt  # the code and the dataset version: a new build of either renders every page
        self.used: set[str] = set()
        self.kept: list[str] = []  # names of the groups kept
        self.rendered: list[str] = []  # names of the groups rendered
        self._digests: dict[int, tuple] = {}
        self._known: dict | None = None  # key -> files, as the last build left them (RECORDS)
        self._changed = False

    def digest(self, rep) -> str:
        """report_digest, once per report object."""
        hit = self._digests.get(id(rep))
        if hit is None or hit[0] is not rep:  # the report is held, so its id is not another's
            hit = self._digests[id(rep)] = (rep, report_digest(rep))
        return hit[1]

    def key(self, name: str, reps, extra: str = "") -> str:
        h = hashlib.sha256("\0".join((self.salt, name, extra)).encode("utf-8"))
        for rep in reps:
            h.update(self.digest(rep).encode("ascii"))
        return h.hexdigest()

    def _records(self) -> dict:
        if self._known is None:
            try:
                data = json.loads((self.dir / RECORDS).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            self._known = data["groups"] if isinstance(data, dict) and data.get("salt") == self.salt else {}
        return self._known

    def get(self, name: str, reps, extra: str = "") -> list[str] | None:
        """The files (relative to docs/) the group wrote from these same inputs, if all are still there."""
        key = self.key(name, reps, extra)
        files = self._records().get(key)
        if not isinstance(files, list) or not all(os.path.isfile(self.docs / rel) for rel in files):
            self.rendered.append(name)
            return None
        self.used.add(key)
        self.kept.append(name)
        return files

    def put(self, name: str, reps, extra: str, files: list[str]) -> None:
        key = self.key(name, reps, extra)
        self._records()[key] = sorted(files)
        self._changed = True
        self.used.add(key)

    def save(self) -> None:
        """Write the records if one was added or dropped."""
        if self._changed:
            atomic_write(self.dir / RECORDS, json.dumps({"salt": self.salt, "groups": self._records()},
                                                        ensure_ascii=False, sort_keys=True).encode("utf-8"))
            self._changed = False

    def prune(self) -> None:
        """Drop the records this build did not use, and write them.  Folders of the earlier layout (one file
        per key, fanned out by its first two digits) go too."""
        known = self._records()
        for key in [k for k in known if k not in self.used]:
            del known[key]
            self._changed = True
        self.save()
        for old in self.dir.iterdir() if self.dir.is_dir() else ():
            if old.is_dir() and len(old.name) == 2 and set(old.name) <= set("0123456789abcdef"):
                shutil.rmtree(old, ignore_errors=True)
