"""Derived outputs (zips, spreadsheet and database exports) recomputed only when their inputs change.

A no-op rebuild must not re-deflate every zip or re-render every workbook.  Each derived group is keyed by
a digest of its input bytes plus a digest of the gongkai code (a new exporter regenerates everything); the
stamp records which files the group wrote, and the group is skipped while the stamp and all those files exist.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gongkai import paths as P
from gongkai.mirror import walk

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
        if self.dir.exists():
            for stale in self.dir.iterdir():
                if stale.name not in self.used:
                    stale.unlink()


def tree_state(*dirs: Path) -> str:
    """A digest of every file's path, size and modification time under `dirs` (no file is read; one stat a
    file, mirror.walk)."""
    h = hashlib.sha256()
    for base in dirs:
        h.update(f"[{base.name}]\n".encode())
        for rel, st in walk(base):
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class UpToDate:
    """The whole build is skipped when its inputs (reports, sidecars, code, build date) and its outputs
    (datapackages/, docs/) are exactly as the last successful build left them: a no-op `make site` at
    thousands of reports then costs a directory walk instead of re-rendering every page."""

    def __init__(self, root: Path, extra: str):
        self.root = root
        self.stamp = root / P.CACHE_DIR / "build.stamp"
        self.inputs = hashlib.sha256(f"{tree_state(root / 'reports')}\0{code_digest()}\0{extra}".encode()).hexdigest()

    def _outputs(self) -> str:
        return tree_state(self.root / P.PACKAGES_DIR, self.root / P.DOCS_DIR)

    def current(self) -> bool:
        try:
            recorded = self.stamp.read_text(encoding="utf-8").split()
        except OSError:
            return False
        # The outputs are walked only when the inputs match: an edited report needs no walk of every output.
        return len(recorded) == 2 and recorded[0] == self.inputs and recorded[1] == self._outputs()

    def record(self) -> None:
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        self.stamp.write_text(f"{self.inputs} {self._outputs()}\n", encoding="utf-8")

    def recorded(self) -> bool:
        """A stamp is there: the last build that started finished with valid packages."""
        return self.stamp.is_file()

    def forget(self) -> None:
        self.stamp.unlink(missing_ok=True)
