"""Opening zip containers (DOCX, XLSX) only after their directory shows they are safe to decompress.

A zip's central directory declares every member's sizes; a bomb declares (or hides) a huge
uncompressed size behind a tiny file.  `open_checked_zip` refuses a container whose declared
totals exceed the limits, and `read_member` stops reading a member as soon as it produces more
bytes than declared or allowed, so a lying directory cannot get past either.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from gongkai.model import ReadError

MAX_ENTRIES = 2000
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all members uncompressed
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member above a small size
_RATIO_FLOOR = 1024 * 1024  # members smaller than this are never a bomb, whatever their ratio
_CHUNK = 1 << 16


def check_infos(path, infos: list[zipfile.ZipInfo], max_entries: int = MAX_ENTRIES,
                max_total: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO) -> None:
    """Raise ReadError when the declared directory is too big, too many or too compressed."""
    if len(infos) > max_entries:
        raise ReadError(path, f"the zip container has {len(infos)} entries (limit {max_entries}); "
                              "it is not a plain document")
    total = sum(i.file_size for i in infos)
    if total > max_total:
        raise ReadError(path, f"the zip container would decompress to {total // (1024 * 1024)} MB "
                              f"(limit {max_total // (1024 * 1024)} MB); it looks like a zip bomb")
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ReadError(path, f"zip member '{info.filename}' is compressed {ratio}:1 (limit {max_ratio}:1); "
                                  "it looks like a zip bomb")


def open_checked_zip(path: Path, **limits) -> zipfile.ZipFile:
    """A ZipFile whose directory passed `check_infos`; ReadError for a file that is not a zip at all."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ReadError(path, f"not a zip container ({exc}); a .docx must be a Word document saved as DOCX, "
                              "not renamed from another format") from exc
    except OSError as exc:
        raise ReadError(path, f"cannot open the file: {exc}") from exc
    try:
        check_infos(path, zf.infolist(), **limits)
    except ReadError:
        zf.close()
        raise
    return zf


def read_member(zf: zipfile.ZipFile, name: str, path, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """One member's bytes, stopping at `limit` or at the declared size, whichever is smaller."""
    try:
        info = zf.getinfo(name)
    except KeyError as exc:
        raise ReadError(path, f"the zip container has no '{name}'") from exc
    cap = min(limit, info.file_size)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    raise ReadError(path, f"zip member '{name}' decompresses past {cap} bytes "
                                          "(more than it declares or than allowed); it looks like a zip bomb")
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise ReadError(path, f"zip member '{name}' is corrupt ({type(exc).__name__}: {exc})") from exc
    return bytes(out)


__all__ = ["open_checked_zip", "read_member", "check_infos", "MAX_ENTRIES", "MAX_TOTAL_BYTES", "MAX_RATIO"]
