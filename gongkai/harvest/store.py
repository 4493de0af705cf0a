"""Harvested files in reports/: names, atomic writes, one copy per sha256, and the sidecars.

Layout (also in /work/wt/briefs/ocr-harvest.md and reports/README.md):
  reports/NAME.EXT            the report as retrieved (EXT sniffed from the bytes)
  reports/NAME.EXT.yml        its sidecar
  reports/NAME.parts/         attachments (att-N.EXT) and body images (img-NNN.EXT) of an HTML page
  reports/.harvest-partial/   downloads in progress; emptied at the start and end of every harvest
NAME is derived from the URL alone (host, last path segment, 8 hex digits of the URL's sha256), so a
rerun after a kill writes the same names again instead of new ones.  Every file reaches its final name
by rename from the partial folder, and the sidecar is written last: a killed harvest leaves either no
report or a report the next run rewrites under the same name.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from gongkai.files import atomic_write
from gongkai.harvest.safety import relative_part, safe_name
from gongkai.harvest.sniff import EXTENSIONS

# libyaml's loader when PyYAML was built with it: indexing 10,000 sidecars at the start of a rerun took
# most of the rerun with the pure-Python one (scripts/bench_harvest.py).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)


PARTIAL = ".harvest-partial"
PARTS_SUFFIX = ".parts"
# Order of the fields in a sidecar (the team's schema); anything else the sidecar holds follows.
FIELD_ORDER = ("source_url", "final_url", "mirror_url", "retrieved", "http_status", "content_type", "etag",
               "last_modified", "sha256", "size", "agency", "region", "level", "year", "attachments", "images",
               "also_at")


def name_for(url: str) -> str:
    """The stem of the file a URL is stored under: host, last path segment, and a hash of the whole URL."""
    parts = urlsplit(url)
    host = safe_name((parts.hostname or "host").lower(), 40)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    segment = safe_name(segment.rsplit(".", 1)[0] if "." in segment else segment, 40)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return "_".join(p for p in (host, segment, digest) if p)


def dump_sidecar(data: dict) -> bytes:
    ordered = {k: data[k] for k in FIELD_ORDER if data.get(k) not in (None, "", [])}
    ordered.update({k: v for k, v in data.items() if k not in ordered and v not in (None, "", [])})
    return yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


def read_sidecars(directory: Path):
    """(report file name, sidecar mapping) for every readable sidecar in directory whose report exists."""
    for side in sorted(Path(directory).glob("*.yml")):
        target = side.with_name(side.name[:-4])
        if not target.is_file():
            continue
        try:
            data = load_yaml(side.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict):
            yield target.name, data


@dataclass
class Entry:
    """What a sidecar in reports/ says about one stored report."""
    file: str
    sidecar: dict
    also: list[str] = field(default_factory=list)


class Store:
    def __init__(self, reports: Path):
        self.dir = Path(reports)
        self.partial = self.dir / PARTIAL
        self.by_url: dict[str, Entry] = {}
        self.by_sha: dict[str, str] = {}  # sha256 -> file (a report or one of its attachments), relative to reports/

    # -- start and end ------------------------------------------------------------------------
    def open(self) -> None:
        """Remove what a killed harvest left half-done, then index the sidecars already there."""
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.partial, ignore_errors=True)
        self.partial.mkdir()
        for name, data in read_sidecars(self.dir):
            self._index(name, data)

    def close(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)

    def _index(self, file: str, data: dict) -> None:
        entry = Entry(file, data)
        for url in [data.get("source_url")] + list(data.get("also_at") or []):
            if isinstance(url, str) and url:
                self.by_url.setdefault(url, entry)
        if isinstance(data.get("sha256"), str):
            self.by_sha.setdefault(data["sha256"], file)
        for att in data.get("attachments") or []:
            if isinstance(att, dict) and isinstance(att.get("sha256"), str) and relative_part(str(att.get("file", ""))):
                self.by_sha.setdefault(att["sha256"], att["file"])

    # -- writing -----------------------------------------------------------------------------
    def file_name(self, url: str, kind: str) -> str:
        return name_for(url) + EXTENSIONS[kind]

    def parts_dir(self, report_name: str) -> str:
        return report_name.rsplit(".", 1)[0] + PARTS_SUFFIX

    def place(self, temp: Path, rel: str) -> None:
        """Move a finished download to reports/REL (same file system: an atomic rename)."""
        target = self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)

    def write_part(self, rel: str, data: bytes) -> None:
        target = self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, self.partial)

    def write_sidecar(self, report_name: str, data: dict) -> None:
        atomic_write(self.dir / (report_name + ".yml"), dump_sidecar(data), self.partial)
        self._index(report_name, data)
        self.by_url[data["source_url"]] = Entry(report_name, data)

    def add_alias(self, file: str, url: str) -> None:
        """Record that `url` served the same bytes as the stored `file` (kept once, under its first URL)."""
        side = self.dir / (file + ".yml")
        data = load_yaml(side.read_text(encoding="utf-8")) or {}
        also = list(data.get("also_at") or [])
        if url != data.get("source_url") and url not in also:
            also.append(url)
            data["also_at"] = sorted(also)
            atomic_write(side, dump_sidecar(data), self.partial)
        self.by_url[url] = Entry(file, data)

    def forget(self, entry: Entry) -> None:
        """Drop the index entries of a version that is being replaced (its bytes are no longer stored)."""
        old = [entry.sidecar.get("sha256")] + [a.get("sha256") for a in entry.sidecar.get("attachments") or []
                                               if isinstance(a, dict)]
        for sha in old:
            if isinstance(sha, str) and self.by_sha.get(sha, "").split("/", 1)[0] in (
                    entry.file, self.parts_dir(entry.file)):
                del self.by_sha[sha]

    def remove_report(self, name: str) -> None:
        """Drop a report stored under another name before (its URL now serves another type of file)."""
        (self.dir / name).unlink(missing_ok=True)
        (self.dir / (name + ".yml")).unlink(missing_ok=True)
        shutil.rmtree(self.dir / self.parts_dir(name), ignore_errors=True)
