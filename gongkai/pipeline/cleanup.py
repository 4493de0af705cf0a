"""Removing what a build no longer generates: packages and downloads of reports that are gone, their
pages, and validation stamps no package uses."""
from __future__ import annotations

import os
import shutil
from contextlib import nullcontext
from pathlib import Path

from gongkai import paths as P
from gongkai.files import atomic_write

def remove_stale(directory: Path, keep: set[str], previous: set[str] | None = None) -> None:
    """Report folders (<bucket>/<slug>/<year>, paths.report_dir) under datapackages/ or docs/downloads/ whose
    report id is not in `keep`, and the folders they leave empty.  Files sitting above the report level
    inside a bucket (left by an older layout) go too; files at the top (build_report.json) and the combined
    and archive folders stay.

    previous: the report ids the last build published or kept, when that build finished (build_report.json):
    then only their folders that are not kept are looked at, instead of a listing of every agency's folder
    (two a report on each edit, issue 17).  A build that did not finish leaves no stamp, and the next one
    walks."""
    if previous is not None:
        for rid in sorted(previous - keep):
            _remove_report_dir(directory, rid)
        return
    if not directory.exists():
        return
    keep_dirs = {P.report_dir_of(rid) for rid in keep}
    for bucket_dir in directory.iterdir():
        if not bucket_dir.is_dir() or bucket_dir.name in (P.COMBINED, P.ARCHIVE):
            continue
        for slug_dir in bucket_dir.iterdir():
            if not slug_dir.is_dir():
                slug_dir.unlink()
                continue
            for year_dir in slug_dir.iterdir():
                if f"{bucket_dir.name}/{slug_dir.name}/{year_dir.name}" in keep_dirs and year_dir.is_dir():
                    continue
                if year_dir.is_dir():
                    shutil.rmtree(year_dir)
                else:
                    year_dir.unlink()
            if not any(slug_dir.iterdir()):
                slug_dir.rmdir()
        if not any(bucket_dir.iterdir()):
            bucket_dir.rmdir()


def _remove_report_dir(directory: Path, rid: str) -> None:
    """One report's folder, and its agency's and bucket's folders when it leaves them empty."""
    folder = directory / P.report_dir_of(rid)
    shutil.rmtree(folder, ignore_errors=True)
    for parent in (folder.parent, folder.parent.parent):
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break


def remove_stale_pages(docs: Path, keep: set[str]) -> None:
    """Generated pages of reports and agencies that are gone; the rest are rewritten only if changed."""
    for gen in P.GENERATED_DIRS:
        base = docs / gen
        if not base.exists():
            continue
        for page in sorted(base.rglob("*"), reverse=True):
            rel = page.relative_to(docs).as_posix()
            if page.is_file() and rel not in keep:
                page.unlink()
            elif page.is_dir() and not any(page.iterdir()):
                page.rmdir()


def remove_stale_listed(docs: Path, keep: set[str], listing: Path) -> None:
    """remove_stale_pages without walking every generated folder: the pages the last build generated are
    listed in `listing` (written here at the end, one path a line), so those not kept now are removed, and
    the folders they leave empty.  Without a listing (the first build, or one after a build that did not
    finish: the build then removes it as it starts, forget_listing) every generated folder is walked."""
    try:
        before = listing.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        before = None
    if before is None:
        remove_stale_pages(docs, keep)
    else:
        generated = tuple(f"{gen}/" for gen in P.GENERATED_DIRS)
        for rel in sorted(set(before) - keep, reverse=True):
            if not rel.startswith(generated) or ".." in rel.split("/"):
                continue  # only generated pages are ever removed
            (docs / rel).unlink(missing_ok=True)
            top, parent = docs / rel.split("/", 1)[0], (docs / rel).parent
            while parent != top and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    atomic_write(listing, "".join(f"{rel}\n" for rel in sorted(keep)).encode("utf-8"))


def forget_listing(listing: Path) -> None:
    """At the start of a build after one that did not finish: what is under docs/ may differ from the listing
    (a build that stops half-way leaves pages of reports it published), so the pages phase walks instead."""
    listing.unlink(missing_ok=True)


def _names(folder) -> list[str]:
    """The entries' names of a folder (none when it is not there): no Path made for each (a stamp a report)."""
    try:
        return os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []


def prune_stamps(stamps: Path, used: set[str]) -> None:
    for name in _names(stamps):
        if name not in used:
            (stamps / name).unlink()


def prune_archive(archive: Path, keep_sha256: set[str]) -> None:
    """Archived source files whose hash no published report has any more (files are named <sha256>.<ext>)."""
    with os.scandir(archive) if archive.is_dir() else nullcontext(()) as fans:
        folders = sorted(entry.path for entry in fans if entry.is_dir())
    for fan in folders:
        names = os.listdir(fan)
        gone = [name for name in names if name.split(".", 1)[0] not in keep_sha256]
        for name in gone:
            os.unlink(os.path.join(fan, name))
        if len(gone) == len(names):
            os.rmdir(fan)
