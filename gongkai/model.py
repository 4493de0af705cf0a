"""The intermediate form every reader produces: text lines and table rows of cells."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One table row as printed: cell texts in order, with where it came from."""

    cells: tuple[str, ...]
    page: int | None = None  # 1-based PDF page
    table: int | None = None  # index of the table in the source (HTML, PDF)
    index: int | None = None  # row index within that table (or line number for text)


@dataclass
class Document:
    """What a reader hands to the parser.

    `lines` is the running text in reading order (headings, prose, and the table rows
    flattened), used for metadata and narrative sections.  `rows` are the table rows.
    """

    lines: list[str]
    rows: list[Row]
    format: str
    meta: dict = field(default_factory=dict)  # facts the container itself states (e.g. <title>)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class ReadError(Exception):
    """A file that cannot be read as a report; the message says why in words a person can act on."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
