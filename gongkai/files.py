"""Every way Gongkai writes a file, in one place: atomically, only when the bytes change, as a hard link
where it can, and zips whose bytes depend only on their members.

Readers of datapackages/, docs/ and site/ (a web server, a sync to a CDN, a second build) never see half
a file: each write goes to a temporary file beside its target (`.<name>.<random>.tmp`, which a killed
build leaves behind and the next build removes) and is renamed over it.
"""
from __future__ import annotations

import errno
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

# Re-exported: the hashes of a file are digest.py's, which extraction imports without this module.
from gongkai.digest import CHUNK, crc32_file, sha256_file  # noqa: F401

# A fixed timestamp for every zip member: zips are byte-identical for the same files.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEMP_GLOB = ".*.tmp"  # every temporary file of temp_beside: a dot-file ending .tmp


def temp_beside(target: Path, temp_dir: Path | None = None) -> tuple[int, str]:
    """An open temporary file in target's directory (same file system, so the rename is atomic), or in
    temp_dir, a folder on the same file system whose leftovers the caller cleans (the harvester's)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=temp_dir or target.parent, prefix=f".{target.name}.", suffix=".tmp")


def atomic_write(path: Path, data: bytes, temp_dir: Path | None = None) -> None:
    """Write to a temporary file beside the target (or in temp_dir), then rename: readers never see half
    a file."""
    fd, tmp = temp_beside(path, temp_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; published files are world-readable
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so an unchanged output keeps its mtime; True if it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


def write_files(directory: Path, files: dict[str, bytes]) -> list[Path]:
    """write_if_changed for {relative path: bytes}; the paths that changed."""
    return [directory / rel for rel, data in sorted(files.items()) if write_if_changed(directory / rel, data)]


def files_equal(a: Path, b: Path) -> bool:
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(CHUNK), fb.read(CHUNK)
            if x != y:
                return False
            if not x:
                return True


def copy_range(src, dst, start: int, length: int) -> None:
    """Append `length` bytes of open binary file src, from offset `start`, to open binary file dst.

    In the kernel (copy_file_range) where the system has it: an unchanged report's lines of a corpus file
    are copied without passing through Python, and a file system with reflinks shares the blocks.  dst
    must be unbuffered (buffering=0) or flushed, since the copy writes at its file descriptor's position."""
    if hasattr(os, "copy_file_range"):
        try:
            while length > 0:
                done = os.copy_file_range(src.fileno(), dst.fileno(), length, start)
                if not done:
                    raise OSError(f"{src.name}: ends before the range to copy")
                start, length = start + done, length - done
            return
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
    src.seek(start)
    while length > 0:
        block = src.read(min(CHUNK, length))
        if not block:
            raise OSError(f"{src.name}: ends before the range to copy")
        dst.write(block)
        start, length = start + len(block), length - len(block)


class Splice:
    """A new file made of new bytes and ranges of one old file, in order: the ranges are copied in the kernel
    (copy_range), neighbouring ones as one call.  fh must be unbuffered; pos is the new file's length so far,
    ranges not yet copied included."""

    def __init__(self, fh, src=None):
        self.fh, self.src, self.pos, self.pending = fh, src, 0, None

    def write(self, data: bytes) -> None:
        self.flush()
        view = memoryview(data)
        while view:
            view = view[self.fh.write(view):]
        self.pos += len(data)

    def copy(self, start: int, length: int) -> None:
        """[start, start + length) of the old file, at the current position."""
        if length:
            if self.pending is not None and sum(self.pending) == start:
                self.pending[1] += length
            else:
                self.flush()
                self.pending = [start, length]
            self.pos += length

    def flush(self) -> None:
        if self.pending is not None:
            copy_range(self.src, self.fh, *self.pending)
            self.pending = None


def commit_temp(tmp: str, target: Path) -> bool:
    """Rename a finished temporary file over target unless target already holds these bytes; True if
    target changed.  For outputs streamed to disk (temp_beside) rather than built in memory."""
    try:
        if target.stat().st_size == os.path.getsize(tmp) and files_equal(Path(tmp), target):
            os.unlink(tmp)
            return False
    except FileNotFoundError:
        pass
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return True


# (source device, target device) pairs where a hard link was refused (another device, a file system
# without links): files between them are copied without trying again.
_NO_LINKS: set[tuple[int, int]] = set()


def link_or_copy(src: Path, dst: Path) -> bool:
    """Make dst hold src's bytes, as a hard link where the file system allows; True if dst changed.

    The link is made under a temporary name and renamed over dst, so dst is never missing or half
    written; across devices (or where links are refused) the bytes are copied the same way."""
    st = src.stat()
    try:
        dt = dst.stat()
        if (st.st_ino, st.st_dev) == (dt.st_ino, dt.st_dev):
            return False
        if dt.st_size == st.st_size and files_equal(src, dst):
            return False
    except FileNotFoundError:
        pass
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.parent / f".{dst.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    devices = (st.st_dev, dst.parent.stat().st_dev)
    try:
        try:
            if devices in _NO_LINKS:
                raise OSError(errno.EXDEV, "links refused before")
            os.link(src, tmp)
        except OSError as exc:
            if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                _NO_LINKS.add(devices)  # don't ask again for every one of thousands of files
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def remove_temp_files(*directories: Path) -> None:
    """Temporary files (TEMP_GLOB) a killed build left beside their targets.  os.scandir, not Path.rglob:
    every build walks every output folder here, some 100,000 files at 5,000 reports."""
    def visit(path: str) -> None:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    visit(entry.path)
                elif entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    os.unlink(entry.path)

    for directory in directories:
        if Path(directory).is_dir():
            visit(str(directory))


def zip_info(name: str, date_time=FIXED_ZIP_TIME) -> zipfile.ZipInfo:
    """A member header that depends only on its name: fixed time, mode 644, deflated."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def zip_bytes(files: dict[str, bytes], prefix: str = "", date_time=FIXED_ZIP_TIME) -> bytes:
    """A zip whose bytes depend only on the files' names and contents, members in name order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(files):
            zf.writestr(zip_info(f"{prefix}/{rel}" if prefix else rel, date_time), files[rel])
    return buf.getvalue()


def zip_file_member(zf: zipfile.ZipFile, name: str, path: Path, chunk: int = CHUNK) -> None:
    """zf.writestr(zip_info(name), path.read_bytes()) without holding the file (the combined CSVs grow with
    the corpus): the size is set first, as writestr sets it, so the member's header is the same, and
    deflate's output does not depend on how its input is cut into writes."""
    info = zip_info(name)
    info.file_size = path.stat().st_size
    with path.open("rb") as src, zf.open(info, "w") as dst:
        while block := src.read(chunk):
            dst.write(block)


def stream_to(target: Path, fill) -> bool:
    """Write target by calling fill(binary file) on a temporary file beside it, then commit_temp;
    True if target changed.  Nothing is left behind if fill fails."""
    fd, tmp = temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        return commit_temp(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def file_stamp(path: Path) -> list[int] | None:
    """[inode, size, mtime_ns] of a file, or None when it is missing.  A state the build recorded about a file
    it wrote is trusted only while the file still has the same stamp: a file replaced or edited behind the
    build's back has another."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]
