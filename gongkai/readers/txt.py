"""Plain-text reports: table rows as tab- or pipe-separated lines, or one cell per line/paragraph."""
from __future__ import annotations

import re
from pathlib import Path

from gongkai.schema import registry as R
from gongkai.model import Document, Row
from gongkai.parse.labels import LabelIndex, is_value, label_key
from gongkai.readers.textcodec import decode
from gongkai.readers.textlines import is_furniture, looks_like_text_lines, to_rows

MIN_MULTI_CELL_LINES = 3
MAX_CELL_CHARS = 60
_TABLE_START = re.compile(r"主动公开政府信息情况|第二十条")
_TABLE_END = re.compile(r"^\s*五、")
_MD_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
_KNOWN = LabelIndex(R.AD_ITEMS + R.APP_ROWS)
_GROUP_KEYS = {label_key(g) for g in (R.G_RESULTS, R.G_REFUSED, R.G_UNABLE, R.G_NOT_PROCESSED, R.G_OTHER)}
_COLUMN_WORDS = {label_key(w) for w in R.HEADER_WORDS + ("总计", "行政复议", "行政诉讼")} | {
    label_key(m.zh) for m in R.AD_MEASURES} | {label_key(a) for m in R.AD_MEASURES for a in m.aliases}


def split_line(line: str) -> tuple[str, ...] | None:
    """Cells of a table line, or None for a prose line."""
    if "\t" in line:
        return tuple(c.strip() for c in line.split("\t"))
    if _MD_RULE.match(line):
        return ()  # the |---|---| line under a markdown table's first row
    if "|" in line:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            # A markdown table row: the outer pipes open and close it, they are not empty cells.
            return tuple(c.strip() for c in stripped[1:-1].split("|"))
        cells = [c.strip() for c in line.split("|")]
        # A trailing '|' closes the last cell; it does not open an empty one.
        if cells and cells[-1] == "":
            cells.pop()
        return tuple(cells)
    return None


def locate(line: str, cells) -> tuple[tuple[int, int] | None, ...]:
    """Where each cell of `split_line(line)` is in the line: (start, end) of its characters, None for an
    empty cell.  The cells are the line's own text, stripped, in order, so each is found after the last."""
    out, at = [], 0
    for cell in cells:
        start = line.find(cell, at) if cell else -1
        if start < 0:
            out.append(None)
            continue
        out.append((start, start + len(cell)))
        at = start + len(cell)
    return tuple(out)


def _is_row_label(text: str) -> bool:
    key = label_key(text)
    return key in _GROUP_KEYS or _KNOWN.match(text) is not None or text.strip().startswith("第二十条")


def regroup(tokens: list[tuple[str, int]], spans: list[tuple[int, int, int] | None] | None = None) -> list[Row]:
    """One cell per line -> rows: a row label starts a row, and so does a value after a column header.
    `spans` gives each token's place (line, start, end) in the text."""
    rows: list[list[str]] = []
    starts: list[int] = []
    places: list[list] = []
    prev_value = False
    prev_header = False
    for n, (text, line_no) in enumerate(tokens):
        value = is_value(text)
        key = label_key(text)
        new_row = (not rows
                   or (not value and (prev_value or _is_row_label(text) or key in _COLUMN_WORDS))
                   or (value and prev_header))
        if new_row:
            rows.append([])
            starts.append(line_no)
            places.append([])
        rows[-1].append(text)
        places[-1].append(spans[n] if spans else None)
        prev_value = value
        prev_header = not value and key in _COLUMN_WORDS
    return [Row(tuple(cells), index=start, spans=tuple(where) if spans else None)
            for cells, start, where in zip(rows, starts, places)]


def text_to_document(text: str) -> Document:
    raw_lines = [line.rstrip("\r") for line in text.splitlines()]
    split = [split_line(line) for line in raw_lines]
    multi = sum(1 for cells in split if cells and sum(1 for c in cells if c) >= 2)
    if multi >= MIN_MULTI_CELL_LINES:
        return _rows_per_line(raw_lines, split)
    if looks_like_text_lines(raw_lines):
        return _text_lines(raw_lines)
    return _cells_per_line(raw_lines, split)


def _text_lines(raw_lines) -> Document:
    """Text converted from a PDF: rows are lines of a label and space-separated values (textlines.py)."""
    lines, table_lines = [], []
    in_tables = False
    for number, line in enumerate(raw_lines, 1):
        stripped = line.strip()
        if not stripped or is_furniture(line):
            continue
        if _TABLE_END.match(stripped):
            in_tables = False
        elif not in_tables and _TABLE_START.search(stripped) and len(stripped) <= MAX_CELL_CHARS:
            in_tables = True
        if in_tables:
            table_lines.append((line, number))
        lines.append(stripped)
    return Document(lines=lines, rows=to_rows(table_lines), format="txt")


def _rows_per_line(raw_lines, split) -> Document:
    lines, rows = [], []
    for number, (line, cells) in enumerate(zip(raw_lines, split), 1):
        if cells is not None:
            spans = tuple(None if p is None else (number, *p) for p in locate(line, cells))
            rows.append(Row(cells, index=number, spans=spans))
            lines.append(" ".join(c for c in cells if c))
        elif line.strip():
            lines.append(line.strip())
    return Document(lines=lines, rows=rows, format="txt")


def _cells_per_line(raw_lines, split) -> Document:
    """Web-page text with one table cell per line (or per paragraph) inside the table sections."""
    lines, tokens, spans = [], [], []
    in_tables = False
    for number, (line, cells) in enumerate(zip(raw_lines, split), 1):
        stripped = line.strip()
        if _TABLE_END.match(stripped):
            in_tables = False
        elif not in_tables and _TABLE_START.search(stripped) and len(stripped) <= MAX_CELL_CHARS:
            in_tables = True
            lines.append(stripped)
            continue
        if in_tables:
            found = [c for c in cells if c] if cells is not None else ([stripped] if stripped else [])
            if all(len(c) <= MAX_CELL_CHARS for c in found):
                tokens.extend((c, number) for c in found)
                places = locate(line, found)
                spans.extend(None if p is None else (number, *p) for p in places)
                if found:
                    lines.append(" ".join(found))
                continue
        if stripped:
            lines.append(stripped)
    return Document(lines=lines, rows=regroup(tokens, spans), format="txt")


def read(path: Path) -> Document:
    return text_to_document(decode(path.read_bytes(), path))
