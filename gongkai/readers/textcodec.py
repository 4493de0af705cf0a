"""Decoding bytes of text-like reports whose encoding is not declared."""
from __future__ import annotations

import codecs

from gongkai.model import ReadError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MIXED_MIN_LINES = 3  # a GBK line is valid UTF-8 by accident now and then; several are not an accident


def _utf8_lines(data: bytes) -> tuple[int, int]:
    """(lines with non-ASCII bytes that are valid UTF-8, lines with non-ASCII bytes that are not)."""
    ok = bad = 0
    for line in data.splitlines():
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
            ok += 1
        except UnicodeDecodeError:
            bad += 1
    return ok, bad


def decode(data: bytes, path) -> str:
    if data.startswith(_UTF16_BOMS):  # Notepad's "Unicode": the BOM says what it is
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(path, f"the text starts with a UTF-16 mark but is not UTF-16 ({exc.reason}); "
                                  "re-save it as UTF-8") from exc
    if b"\x00" in data[:4096]:
        raise ReadError(path, "the file contains binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    ok, bad = _utf8_lines(data)
    if ok >= MIXED_MIN_LINES and bad:
        raise ReadError(path, f"the text mixes encodings: {ok} lines are UTF-8 and {bad} are not (probably GBK); "
                              "re-save the whole file as UTF-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    raise ReadError(path, "the text is neither UTF-8 nor GB18030; re-save it as UTF-8")
