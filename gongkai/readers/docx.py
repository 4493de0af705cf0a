"""Word (.docx) reports: body paragraphs become lines, Word tables become rows of printed cells.

The package is read with the standard library (zipfile + ElementTree): a .docx is a zip of
XML parts, and only `word/document.xml` carries the text.  Reading the XML directly lets the
reader see merged cells as they are printed: a horizontally merged cell (gridSpan) is one cell,
and the continuation of a vertically merged cell (vMerge without "restart") prints nothing,
the same way an HTML rowspan does, so both formats reach the parser in one shape.
"""
from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from gongkai.model import Document, ReadError, Row
from gongkai.readers.limits import open_checked_zip, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT_PART = "word/document.xml"
# A real report's document.xml is well under 5 MB.  Total size and ratio bounds are limits.py's own;
# a .docx may hold more parts than the generic default (headers, footers, images, fonts).
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 5000


def _text(el) -> str:
    """The visible text of a paragraph or cell: runs, tabs and line breaks, no deleted text."""
    out = []
    for node in el.iter():
        tag = node.tag
        if tag == W + "t":
            out.append(node.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "p" and out and out[-1] != "\n":
            out.append("\n")
    return "".join(out).strip()


def _cell_is_continuation(tc) -> bool:
    pr = tc.find(W + "tcPr")
    if pr is None:
        return False
    vmerge = pr.find(W + "vMerge")
    return vmerge is not None and vmerge.get(W + "val", "continue") != "restart"


def _paragraph_text(p) -> str:
    return "".join((n.text or "") if n.tag == W + "t" else "\t" if n.tag == W + "tab" else ""
                   for n in p.iter()).strip()


class _Walker:
    def __init__(self):
        self.lines: list[str] = []
        self.rows: list[Row] = []
        self.tables = 0

    def body(self, parent) -> None:
        for child in parent:
            if child.tag == W + "p":
                text = " ".join(_paragraph_text(child).split())
                if text:
                    self.lines.append(text)
            elif child.tag == W + "tbl":
                self.table(child)
            elif child.tag == W + "sdt":  # content controls wrap ordinary paragraphs and tables
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.body(content)

    def table(self, tbl) -> None:
        number = self.tables
        self.tables += 1
        nested = []
        for i, tr in enumerate(tbl.findall(W + "tr")):
            cells = []
            for tc in tr.findall(W + "tc"):
                nested.extend(tc.findall(W + "tbl"))
                if _cell_is_continuation(tc):
                    continue
                cells.append(_text(tc))
            if any(c.strip() for c in cells):
                self.rows.append(Row(tuple(cells), table=number, index=i))
                self.lines.append(" ".join(" ".join(c.split()) for c in cells if c.strip()))
        for inner in nested:
            self.table(inner)


def _open_part(path: Path) -> bytes:
    """word/document.xml, read through the checked zip opener (limits.py) so a bomb is refused unread."""
    with open_checked_zip(path, max_entries=MAX_ENTRIES) as zf:
        if DOCUMENT_PART not in zf.namelist():
            raise ReadError(path, "not a Word .docx file: the zip has no word/document.xml")
        return read_member(zf, DOCUMENT_PART, path, limit=MAX_PART_BYTES)


def docx_to_document(xml: bytes, path: Path | str = "document.xml") -> Document:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ReadError(path, f"the .docx text part is not well-formed XML ({exc}); the file is damaged") from exc
    body = root.find(W + "body")
    walker = _Walker()
    if body is not None:
        walker.body(body)
    images = sum(1 for el in root.iter() if el.tag in (W + "drawing", W + "pict"))
    return Document(lines=walker.lines, rows=walker.rows, format="docx", meta={"images": images})


def read(path: Path) -> Document:
    doc = docx_to_document(_open_part(path), path)
    if not doc.lines:
        raise ReadError(path, "the .docx contains no text")
    return doc
