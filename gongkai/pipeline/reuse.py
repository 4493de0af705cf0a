"""Reports whose inputs did not change since the last build are not published again.

The per-report phase (pipeline/publish.py) loads a report's full form from the extraction cache, renders its
package, downloads, page, evidence and API file, and checks them: tens of milliseconds a report, so after one
edit at 10,000 reports it spent a minute making files that came out the same.  A report's inputs are keyed
here: its extraction (the cache key covers the source bytes, the sidecar and the extractor), what the main
process decided for it (its slug, the cross-year checks), the neighbours its page links to, its source's
check state, the dataset version and the whole package's code.  A report whose key was recorded with its
result, and whose files are all still on disk, takes that result instead of being published again.

One small file per key under build/cache/published/ (fanned out by the key's first two digits): the build
reads the record of each report it needs and holds none of the others.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from gongkai.files import atomic_write


class Reuse:
    def __init__(self, directory: Path, salt: str):
        self.dir = Path(directory)
        self.salt = salt  # the code and the dataset version: a new build of either republishes everything
        self.used: set[str] = set()
        self.hits: set[str] = set()  # keys whose recorded result was taken

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

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str | None, root: Path, make):
        """The recorded result for `key` (built by `make(**fields)`), if every file it lists is still there."""
        if key is None:
            return None
        try:
            record = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not all(os.path.isfile(root / rel) for rel in record.get("files", [])):
            return None
        self.used.add(key)
        self.hits.add(key)
        return make(**record)

    def put(self, key: str | None, published) -> None:
        """Record a report's result, with the files it owns (`published.files`); not one with errors: a report
        that failed is always published again."""
        if key is None or published.errors:
            return
        record = {**asdict(published), "written": [], "export_s": 0.0, "validate_s": 0.0}
        atomic_write(self._path(key), json.dumps(record, ensure_ascii=False).encode("utf-8"))
        self.used.add(key)

    def prune(self) -> None:
        """Drop the records this build did not use."""
        prune_records(self.dir, self.used)


def prune_records(directory: Path, used: set[str]) -> None:
    """Remove the records under directory/<k[:2]>/<key>.* whose key is not in `used`."""
    if not directory.is_dir():
        return
    for sub in directory.iterdir():
        for path in sub.iterdir() if sub.is_dir() else []:
            if path.stem not in used:
                path.unlink(missing_ok=True)
