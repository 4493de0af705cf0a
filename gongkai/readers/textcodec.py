"""Decoding bytes of text-like reports whose encoding is not declared."""
from __future__ import annotations

from ..document import ReadError

_CANDIDATES = ("utf-8-sig", "gb18030")


def decode(data: bytes, path) -> str:
    if b"\x00" in data[:4096]:
        raise ReadError(path, "the file contains binary data (NUL bytes), not text")
    for codec in _CANDIDATES:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise ReadError(path, "the text is neither UTF-8 nor GB18030; re-save it as UTF-8")
