"""Run MkDocs only when its inputs changed: docs/, mkdocs.yml and the versions of the site toolchain.

A no-op `make site` must not spend a minute re-rendering thousands of unchanged pages.  The inputs are
keyed by path, size and modification time; the build writes only files whose bytes changed, so an
unchanged page keeps its mtime.  `--clean` is kept for real builds: `--dirty` loses search entries.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

TOOLCHAIN = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2", "jieba")
STAMP = Path("build") / "cache" / "mkdocs.stamp"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def docs_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for dist in TOOLCHAIN:
        h.update(f"{dist}={_version(dist)}\n".encode())
    h.update(b"mkdocs.yml\0" + (root / "mkdocs.yml").read_bytes())
    docs = root / "docs"
    for dirpath, dirnames, filenames in os.walk(docs):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            st = path.stat()
            h.update(f"{path.relative_to(docs).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def site_is_current(root: Path, fingerprint: str) -> bool:
    stamp = root / STAMP
    return (root / "site" / "index.html").exists() and stamp.exists() and stamp.read_text().strip() == fingerprint


def build_site(root: Path, force: bool = False, log=print) -> int | None:
    """Run `mkdocs build --strict --clean` unless the site is current; None when skipped, else its exit code."""
    fingerprint = docs_fingerprint(root)
    if not force and site_is_current(root, fingerprint):
        log("site/ is up to date: no docs input changed, MkDocs skipped")
        return None
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--quiet"],
                          cwd=root, env=env)
    stamp = root / STAMP
    if proc.returncode == 0:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint + "\n")
    else:
        stamp.unlink(missing_ok=True)
    return proc.returncode
