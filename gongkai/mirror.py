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


def _scan(path: str, rel: str, skip):
    """(relative posix path, DirEntry) of every file and folder under path, in os.walk's order: a folder's
    files by name, then each of its folders by name followed by what it holds.  skip(rel, entry) leaves an
    entry out, and with a folder what it holds; a link to a folder is listed as the link it is, not
    followed.  os.scandir gives an entry's kind and inode without a stat."""
    with os.scandir(path) as it:
        entries = sorted(it, key=lambda e: e.name)
    folders = []
    for entry in entries:
        sub = f"{rel}{entry.name}"
        if skip(sub, entry):
            continue
        if entry.is_dir(follow_symlinks=False):
            folders.append((sub, entry))
        else:
            yield sub, entry
    for sub, entry in folders:
        yield sub, entry
        yield from _scan(entry.path, f"{sub}/", skip)


def _hidden(rel: str, entry) -> bool:
    return entry.name.startswith(".") or entry.name == "__pycache__"


def tree(base: Path, tops: tuple[str, ...] | None = None) -> dict[str, tuple[str, int]]:
    """The files under base, or under those of its entries `tops` (paths relative to base) that exist:
    relative posix path -> (path, inode).  Dot-files and dot-folders (a killed build's temporary files) and
    __pycache__ are left out."""
    base = Path(base)
    out: dict[str, tuple[str, int]] = {}
    for top in ("",) if tops is None else tops:
        path = base / top
        if top.startswith("."):
            continue
        if path.is_dir():
            out.update((rel, (entry.path, entry.inode())) for rel, entry in
                       _scan(str(path), f"{top}/" if top else "", _hidden)
                       if not entry.is_dir(follow_symlinks=False))
        elif top and path.is_file():
            out[top] = (str(path), path.stat().st_ino)
    return out


def _listing(base: Path) -> tuple[dict[str, int], list[str]]:
    """Every file under base (dot-files too: leftovers to remove) -> inode, and every folder."""
    files: dict[str, int] = {}
    dirs: list[str] = []
    if base.is_dir():
        for rel, entry in _scan(str(base), "", lambda rel, entry: False):
            if entry.is_dir(follow_symlinks=False):
                dirs.append(rel)
            else:
                files[rel] = entry.inode()
    return files, dirs


def _parents(rel: str):
    """The folders a relative path lies in, outermost first: a/b/c -> a, a/b."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        yield "/".join(parts[:i])


def _folders(files) -> set[str]:
    """Every folder the relative paths lie in: each path's own folder, then the parents of the few distinct
    ones (many files share a folder)."""
    own = {rel.rpartition("/")[0] for rel in files} - {""}
    return {parent for folder in own for parent in _parents(folder + "/")}


def mirror(dest: Path, want: dict[str, tuple[str, int]], keep: tuple[str, ...] = (),
           have: dict[str, int] | None = None) -> tuple[int, int]:
    """Make dest hold exactly the files of `want` (relative path -> (source, its inode)), each a hard link to
    its source (a copy across devices: link_or_copy), touching only what differs; files and folders named in
    `keep` are left alone.  (files linked or copied, files removed).  `have`: see mirror_changes."""
    linked, removed = mirror_changes(dest, want, keep, have)
    return len(linked), len(removed)


def mirror_changes(dest: Path, want: dict[str, tuple[str, int]], keep: tuple[str, ...] = (),
                   have: dict[str, int] | None = None) -> tuple[list[str], list[str]]:
    """mirror, giving the files it linked and those it removed.  `have` (relative path -> inode of every file
    of dest, as the caller recorded it when it last made dest) replaces the listing of dest: at national
    scale that listing, not the few links an edit changes, is the cost.  A wrong `have` leaves dest wrong,
    so only a record the caller knows is complete may be given (site.py: one a finished build left)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if have is None:
        have, dirs = _listing(dest)
    else:
        dirs = sorted(_folders(have))
    if keep:  # a name in keep is a file or a folder left alone with all it holds
        def kept(rel: str) -> bool:
            return rel in keep or any(rel.startswith(k + "/") for k in keep)
        have = {rel: ino for rel, ino in have.items() if not kept(rel)}
        dirs = [rel for rel in dirs if not kept(rel)]
    wanted_dirs = _folders(want)
    gone: set[str] = set()  # folders no wanted file lies in, removed whole (a parent before its children)
    for rel in sorted(dirs, key=lambda d: d.count("/")):
        if rel not in wanted_dirs and not any(p in gone for p in _parents(rel)):
            shutil.rmtree(dest / rel, ignore_errors=True)
            gone.add(rel)
    removed = []
    for rel in sorted(set(have) - set(want)):
        if not any(p in gone for p in _parents(rel)):
            (dest / rel).unlink(missing_ok=True)  # a file no source gives, or a file where a folder must go
        removed.append(rel)
    linked = [rel for rel, (src, inode) in want.items() if have.get(rel) != inode and relink(Path(src), dest / rel)]
    return linked, removed


def relink(src: Path, dst: Path) -> bool:
    """dst made a hard link to src even when it holds the same bytes (a link to the source's old inode), so
    the next listing finds it right; across devices, link_or_copy copies only changed bytes."""
    try:  # nothing at dst yet (a first build links every file of the site): one system call, not three
        os.link(src, dst)
        return True
    except FileExistsError:
        pass
    except FileNotFoundError:
        if dst.parent.is_dir():
            raise  # the source is gone
        dst.parent.mkdir(parents=True, exist_ok=True)
        return relink(src, dst)
    except OSError:
        return link_or_copy(src, dst)
    tmp = dst.parent / f".{dst.name}.{os.getpid()}.tmp"
    try:
        os.link(src, tmp)
    except FileExistsError:
        tmp.unlink()
        return relink(src, dst)
    except OSError:
        return link_or_copy(src, dst)
    os.replace(tmp, dst)
    try:  # rename(2) leaves both names when they are already links to one file
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    return True


def walk(base: Path, skip_top: tuple[str, ...] = ()):
    """(relative posix path, stat) of every file under base, in os.walk's order; the folders __pycache__ and
    the top-level folders in skip_top are left out.  One stat a file and no Path objects: at 5,000 reports
    the site's inputs are some 200,000 files."""
    def skip(rel: str, entry) -> bool:
        return entry.is_dir() and (entry.name == "__pycache__" or ("/" not in rel and entry.name in skip_top))

    if Path(base).is_dir():
        for rel, entry in _scan(str(base), "", skip):
            if not entry.is_dir():  # a link to a folder is left out, as os.walk leaves it
                yield rel, entry.stat()
