"""Folders of hard links (a shard's pages, the assembled site), made to match their sources in place.

A hard link shares its source's inode, and os.scandir gives every entry's inode without a stat, so two
listings tell which links are still right; every write of this project replaces a file by a rename
(files.py), which gives it a new inode, so a rewritten source is never taken for the old one.  This lives
apart from files.py, which extraction imports: code that only the site uses does not re-extract reports.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from gongkai.files import link_or_copy


def _tree_into(base: str, rel: str, out: dict[str, tuple[str, int]]) -> None:
    with os.scandir(os.path.join(base, rel) if rel else base) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            sub = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                _tree_into(base, sub, out)
            else:
                out[sub] = (entry.path, entry.inode())


def tree(base: Path, tops: tuple[str, ...] | None = None) -> dict[str, tuple[str, int]]:
    """The files under base, or under those of its top-level entries `tops` that exist: relative posix path
    -> (path, inode), in a fixed order.  Dot-files and dot-folders (a killed build's temporary files) and
    __pycache__ are left out."""
    out: dict[str, tuple[str, int]] = {}
    base = Path(base)
    if tops is None:
        if base.is_dir():
            _tree_into(str(base), "", out)
        return out
    for top in tops:
        path = base / top
        if top.startswith("."):
            continue
        if path.is_dir():
            _tree_into(str(base), top, out)
        elif path.is_file():
            out[top] = (str(path), path.stat().st_ino)
    return out


def _listing(base: Path) -> tuple[dict[str, int], list[str]]:
    """Every file under base (dot-files too: leftovers to remove) -> inode, and every folder."""
    files: dict[str, int] = {}
    dirs: list[str] = []

    def walk(rel: str) -> None:
        with os.scandir(base / rel if rel else base) as entries:
            for entry in entries:
                sub = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    dirs.append(sub)
                    walk(sub)
                else:
                    files[sub] = entry.inode()

    if base.is_dir():
        walk("")
    return files, dirs


def _parents(rel: str):
    """The folders a relative path lies in, outermost first: a/b/c -> a, a/b."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        yield "/".join(parts[:i])


def mirror(dest: Path, want: dict[str, tuple[str, int]], keep: tuple[str, ...] = ()) -> tuple[int, int]:
    """Make dest hold exactly the files of `want` (relative path -> (source, its inode)), each a hard link to
    its source (a copy across devices: link_or_copy), touching only what differs; files named in `keep` are
    left alone.  (files linked or copied, files removed)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    have, dirs = _listing(dest)
    wanted_dirs = {parent for rel in want for parent in _parents(rel)}
    gone: set[str] = set()  # folders no wanted file lies in, removed whole (a parent before its children)
    for rel in sorted(dirs, key=lambda d: d.count("/")):
        if rel not in wanted_dirs and not any(p in gone for p in _parents(rel)):
            shutil.rmtree(dest / rel)
            gone.add(rel)
    removed = 0
    for rel in sorted(set(have) - set(want) - set(keep)):
        if not any(p in gone for p in _parents(rel)):
            (dest / rel).unlink()  # a file no source gives, or a file where a folder must go
        removed += 1
    linked = 0
    for rel, (src, inode) in want.items():
        if have.get(rel) != inode and _relink(Path(src), dest / rel):
            linked += 1
    return linked, removed


def _relink(src: Path, dst: Path) -> bool:
    """dst made a hard link to src even when it holds the same bytes (a link to the source's old inode), so
    the next listing finds it right; across devices, link_or_copy copies only changed bytes."""
    tmp = dst.parent / f".{dst.name}.{os.getpid()}.tmp"
    try:
        os.link(src, tmp)
    except FileNotFoundError:
        if dst.parent.is_dir():
            raise  # the source is gone
        dst.parent.mkdir(parents=True, exist_ok=True)
        return _relink(src, dst)
    except FileExistsError:
        tmp.unlink()
        return _relink(src, dst)
    except OSError:
        return link_or_copy(src, dst)
    os.replace(tmp, dst)
    return True


def walk(base: Path, skip_top: tuple[str, ...] = ()):
    """(relative posix path, stat) of every file under base, in os.walk's order (a folder's files by name,
    then its folders by name); __pycache__ and the top-level folders in skip_top are left out.  One stat a
    file and no Path objects: at 5,000 reports the site's inputs are some 200,000 files."""
    def visit(path: str, rel: str):
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        folders = []
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__" and not (not rel and entry.name in skip_top):
                    folders.append(entry)
            else:
                yield f"{rel}{entry.name}", entry.stat()
        for entry in folders:
            if not entry.is_symlink():
                yield from visit(entry.path, f"{rel}{entry.name}/")

    if Path(base).is_dir():
        yield from visit(str(base), "")
