"""What the stages hand each other, in the order they do: a reader's Document, the parser's cells and
metadata, the checks' results, the Report that packages and pages are written from, and a Failure when a
file is not a report.  Every field is declared here; no stage attaches attributes to another's objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """One table row as printed: cell texts in order, with where it came from."""

    cells: tuple[str, ...]
    page: int | None = None  # 1-based PDF page
    table: int | None = None  # index of the table in the source (HTML, PDF)
    index: int | None = None  # row index within that table (or line number for text)
    # Per cell, the OCR engine's confidence in [0, 1] when the row was read from a picture (None: from
    # text).  1.0 on an empty cell means nothing is printed there; 0.0 means print that could not be read.
    confidence: tuple[float, ...] | None = None
    # Per cell, where its text is printed, for the evidence view (None for a cell with no single place):
    # text files: (line, start, end), the characters [start, end) of that 1-based line;
    # PDFs: the cell's box (x0, top, x1, bottom) in points from the page's top-left corner (pdfplumber's).
    spans: tuple[tuple[int, int, int] | None, ...] | None = None
    boxes: tuple[tuple[float, float, float, float] | None, ...] | None = None


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


@dataclass(frozen=True)
class CellValue:
    """A parsed cell and where it was printed (page for PDFs; table, row and cell for every table format)."""

    value: Decimal | None
    status: str
    raw: str = ""
    page: int | None = None
    table: int | None = None  # 1-based table number in the source
    row: int | None = None  # 1-based row in that table, or the line number in a text file
    cell: int | None = None  # 1-based position of the cell in its printed row
    confidence: float | None = None  # OCR engine's confidence, for cells read from a picture
    span: tuple[int, int, int] | None = None  # text files: (line, start, end) of the value's characters
    box: tuple[float, float, float, float] | None = None  # PDFs: the cell's box on its page (Row.boxes)


@dataclass
class Tables:
    """The cells found, per table, as {(row_code, col_code): CellValue}."""

    edition: str | None
    other_layout: str  # "single" (one （六）其他处理 row) or "split" (three sub-rows)
    cells: dict[str, dict[tuple[str, str], CellValue]] = field(default_factory=dict)
    rows_found: dict[str, list[str]] = field(default_factory=dict)
    run_together: bool = False
    warnings: list[str] = field(default_factory=list)

    def found(self, table: str) -> bool:
        return bool(self.rows_found.get(table))


@dataclass
class Metadata:
    agency: str | None = None  # as printed (or as the sidecar gives it)
    agency_official: str | None = None  # with short forms written out (parse/agency_names.py)
    year: int | None = None
    title: str | None = None
    publication_date: str | None = None
    province: str | None = None
    region: str | None = None
    level: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    identity: str
    lhs: Decimal | None
    rhs: Decimal | None
    result: str  # pass | fail | not checked
    note: str = ""


@dataclass
class Report:
    source: Path
    sha256: str
    meta: Metadata
    sidecar: dict
    slug: str
    edition: str | None
    status: str
    records: dict[str, list[dict]]  # resource name -> rows, columns as in the registry
    checks: list[CheckResult]
    warnings: list[str] = field(default_factory=list)

    @property
    def report_id(self) -> str:
        return f"{self.slug}/{self.meta.year}"

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.result == "fail"]


@dataclass(frozen=True)
class Failure:
    """Why a file did not become a report.  `transient` failures say more about this run than about the
    file (a timeout, memory, a crash): they are not cached, so the next build tries the file again."""

    kind: str
    message: str
    transient: bool = False


# Failure kinds.
UNREADABLE = "unreadable"  # ReadError: not a usable report, for a reason the message gives
MALFORMED = "malformed"  # nested too deeply to read
MEMORY = "memory"
TIMEOUT = "timeout"
CRASH = "crash"  # the child died on a signal
NO_RESULT = "no result"  # the child exited without a result
INTERNAL = "internal error"  # a bug of ours: not cached, so a fixed extractor retries it
