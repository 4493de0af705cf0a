"""What the archived originals (原文存档) add to a build: files, bytes and the time to hash and link them.

    python scripts/bench_archive.py REPORTS_DIR OUT_DIR

Does for every report file in REPORTS_DIR what pipeline/publish.archive_source does at build time: hash
the file, hard-link (or copy) it to OUT_DIR/<paths.archive_file>, hash the copy again.  Prints one line:
files, bytes, bytes per file, and seconds.  farm-bench times the whole command from outside.
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from gongkai import paths as P
from gongkai.files import sha256_file
from gongkai.files import link_or_copy
from gongkai.readers import SUPPORTED


def main(reports: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    files = sorted(p for p in reports.iterdir() if p.suffix.lower() in SUPPORTED)
    size = 0
    for path in files:
        sha = sha256_file(path)
        dest = out / P.archive_file(sha, path.name)
        link_or_copy(path, dest)
        assert sha256_file(dest) == sha
        size += dest.stat().st_size
    took = time.perf_counter() - t
    print(f"{len(files)} files, {size} bytes ({size // max(1, len(files))} per file), {took:.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
