"""Versioned data releases with change notes: `make release` / `python -m gongkai release`.

A release is a date-based version (YYYY.MM.DD, then YYYY.MM.DD.2 … for a second release the same day).
`gongkai release` builds with that version (every package, workbook and the downloads page's citation
carry it: package.data_version), then keeps the whole-corpus downloads under releases/<version>/ with
  release.json      the version, date, extractor version, each report's source and sidecar checksums,
                    and the change notes against the previous release (package/changes.py);
  CHANGELOG.txt      the notes of every release, newest first (also docs/downloads/all/CHANGELOG.txt);
  MANIFEST.sha256   the sha256 of every other file of the release (`sha256sum -c MANIFEST.sha256`).
The files are hard links to the build's downloads: a later build replaces a file, never edits it.
Then it builds again, so the 更新记录 page, the downloads' CHANGELOG.txt and the citation include it.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from gongkai import EXTRACTOR_VERSION
from gongkai import paths as P
from gongkai.extract import sidecar_path
from gongkai.files import atomic_write, link_or_copy, sha256_file
from gongkai.package.changes import (changelog_text, citation, compare, list_releases, next_version, rows_by_report,
                                     summary_line, version_key)
from gongkai.package.datapackage import RELEASE_ENV, RELEASE_VERSION
from gongkai.package.exports import build_date
from gongkai.pipeline.build import run as build_run
from gongkai.site import build_site


# ---------------------------------------------------------------------------
# Making a release
# ---------------------------------------------------------------------------
def manifest_bytes(directory: Path) -> bytes:
    """`sha256sum` lines for every file of the release but the manifest, sorted by name."""
    lines = [f"{sha256_file(p)}  {p.name}\n" for p in sorted(directory.iterdir()) if p.is_file() and p.name != P.MANIFEST]
    return "".join(lines).encode("utf-8")


def report_sources(root: Path, metadata_csv: Path) -> dict[str, dict]:
    """report_id -> the source file, its checksum and its sidecar's, as this release published them."""
    out = {}
    for _, rows in rows_by_report(metadata_csv):
        row = rows[0]
        sidecar = sidecar_path(root / P.REPORTS_DIR / row["source_file"])
        out[row["report_id"]] = {"source_file": row["source_file"], "sha256": row["sha256"],
                                 "sidecar_sha256": sha256_file(sidecar) if sidecar.is_file() else None,
                                 "status": row["status"]}
    return out


def make_release(root: Path, version: str | None = None, log=print, jobs: int | None = None,
                 site: bool = True) -> int:
    """Build with a new release version, keep the release under releases/<version>/, render the notes."""
    root = Path(root)
    releases_dir = root / P.RELEASES_DIR
    history = list_releases(releases_dir)
    existing = {info["version"] for info in history}
    day = build_date(os.environ)
    version = version or next_version(day, existing)
    if not RELEASE_VERSION.fullmatch(version):
        print(f"error: {version!r} is not a release version (YYYY.MM.DD or YYYY.MM.DD.N)", file=sys.stderr)
        return 2
    if version in existing or (releases_dir / version).exists():
        print(f"error: release {version} already exists in {releases_dir}", file=sys.stderr)
        return 2
    previous = [info for info in history if version_key(info["version"]) < version_key(version)]
    before = previous[-1] if previous else None
    os.environ[RELEASE_ENV] = version
    if build_run(root)[0]:
        print(f"error: the build failed: release {version} not made", file=sys.stderr)
        return 1
    corpus = root / P.DOCS_DIR / P.DOWNLOADS / P.COMBINED
    tmp = releases_dir / f".{version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for path in sorted(corpus.iterdir()):
            if path.is_file() and path.name != P.CHANGELOG:
                link_or_copy(path, tmp / path.name)  # hard links: a later build replaces files, never edits them
        info = {"version": version, "date": day, "extractor_version": EXTRACTOR_VERSION,
                "previous": before["version"] if before else None,
                "reports": report_sources(root, tmp / "metadata.csv")}
        info["notes"] = compare(releases_dir / before["version"] if before else None, before, tmp, info)
        atomic_write(tmp / P.RELEASE_JSON, (json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
                     .encode("utf-8"))
        atomic_write(tmp / P.CHANGELOG, (citation(version, day) + "\n\n" + changelog_text(history + [info]))
                     .encode("utf-8"))
        atomic_write(tmp / P.MANIFEST, manifest_bytes(tmp))
        os.replace(tmp, releases_dir / version)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(f"release {version}: {summary_line(info['notes'])} -> {releases_dir / version}")
    # Build again: the pages, the downloads' CHANGELOG.txt and the downloads page now include this release
    # (the data files are the same bytes: same inputs, same version).
    status, result = build_run(root)
    if status or not site:
        return status
    return build_site(root, written=result.written) or 0
