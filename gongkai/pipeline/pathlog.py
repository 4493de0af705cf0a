"""The list of files a build wrote, kept compressed: a cold build writes some fifty files per report, and
holding each path as a string cost more memory than everything else the build keeps of the report."""
from __future__ import annotations

import zlib

SEP = "\0"  # no path contains it
CHUNK = 4096  # paths per compressed block


class PathLog:
    """A list of paths (append, +=, len, iteration, ==, in) whose full blocks are zlib-compressed: the paths of
    one report share long prefixes, so a block takes about a tenth of its strings' memory."""

    __slots__ = ("_blocks", "_tail", "_count")

    def __init__(self, paths=()):
        self._blocks: list[bytes] = []
        self._tail: list[str] = []
        self._count = 0
        self.extend(paths)

    def append(self, path: str) -> None:
        self._tail.append(path)
        self._count += 1
        if len(self._tail) >= CHUNK:
            self._blocks.append(zlib.compress(SEP.join(self._tail).encode("utf-8")))
            self._tail = []

    def extend(self, paths) -> None:
        for path in paths:
            self.append(path)

    def __iadd__(self, paths):
        self.extend(paths)
        return self

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        for block in self._blocks:
            yield from zlib.decompress(block).decode("utf-8").split(SEP)
        yield from self._tail

    def __contains__(self, path) -> bool:
        return any(p == path for p in self)

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __getitem__(self, i):
        return list(self)[i]

    def __repr__(self) -> str:
        return f"PathLog({list(self)!r})"
