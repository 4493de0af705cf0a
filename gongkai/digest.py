"""A file's digests, read in chunks: the sha256 that names a source and the CRC-32 of a zip member.

Apart from files.py because extraction needs the sha256: the extraction cache is keyed by the code extraction
imports (pipeline/fingerprint.py), and with files.py among it, any change to a write helper extracted every report
again.
"""
from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The sha256 of a file on disk, read in chunks (a source file or a corpus export may be large)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def crc32_file(path: Path) -> int:
    """The CRC-32 of a file on disk, read in chunks: a mapped file's pages count in the process's resident
    memory, and a combined CSV grows with the corpus (issue 17: the build's memory flat in N)."""
    crc = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            crc = zlib.crc32(block, crc)
    return crc
