"""Plain-text reports: tab-separated or pipe-separated table rows, prose in between."""
from __future__ import annotations

from pathlib import Path

from ..document import Document, Row
from .textcodec import decode


def split_line(line: str) -> tuple[str, ...] | None:
    """Cells of a table line, or None for a prose line."""
    if "\t" in line:
        return tuple(c.strip() for c in line.split("\t"))
    if "|" in line:
        cells = [c.strip() for c in line.split("|")]
        # A trailing '|' closes the last cell; it does not open an empty one.
        if cells and cells[-1] == "":
            cells.pop()
        return tuple(cells)
    return None


def text_to_document(text: str) -> Document:
    lines, rows = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        cells = split_line(line)
        if cells is not None:
            rows.append(Row(cells, index=number))
            lines.append(" ".join(c for c in cells if c))
        elif line.strip():
            lines.append(line.strip())
    return Document(lines=lines, rows=rows, format="txt")


def read(path: Path) -> Document:
    return text_to_document(decode(path.read_bytes(), path))
