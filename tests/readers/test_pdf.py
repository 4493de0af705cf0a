"""The PDF reader's own duplicate-glyph removal against pdfplumber's `Page.dedupe_chars`.

`gongkai.readers.pdf.dedupe_chars` replaces pdfplumber's quadratic re-ordering step; these tests check
that it keeps exactly the chars pdfplumber keeps, in the same order, on a page printed with "faux bold"
(every glyph drawn twice, 0.4 pt apart, as Word/WPS do) and on the real sample PDFs (no doubling).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber

from conftest import ROOT
from gongkai.readers import pdf as pdf_reader

# (text, x, y) on a US-letter page; the table grid below rules two rows of two cells.
CELLS = [("Item", 80, 700), ("Total", 280, 700), ("Requests", 80, 670), ("1234", 280, 670)]
GRID = [(70, 690, 470, 690), (70, 660, 470, 660), (70, 720, 470, 720),
        (70, 660, 70, 720), (270, 660, 270, 720), (470, 660, 470, 720)]


def _faux_bold_pdf(path: Path, offset: float) -> Path:
    """A one-page PDF (Helvetica, no embedded font) whose every text run is drawn twice, `offset` pt apart."""
    ops = ["0.5 w"] + [f"{x0} {y0} m {x1} {y1} l S" for x0, y0, x1, y1 in GRID]
    for text, x, y in CELLS:
        for dx in (0, offset) if offset else (0,):
            ops.append(f"BT /F1 12 Tf {x + dx:g} {y} Td ({text}) Tj ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _same_chars(page) -> None:
    ours = pdf_reader.dedupe_chars(page).chars
    theirs = page.dedupe_chars().chars
    assert [(c["text"], c["x0"], c["doctop"]) for c in ours] == [(c["text"], c["x0"], c["doctop"]) for c in theirs]


def test_faux_bold_glyphs_are_removed_like_pdfplumber(tmp_path):
    path = _faux_bold_pdf(tmp_path / "bold.pdf", 0.4)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert len(page.chars) == 2 * sum(len(t) for t, _, _ in CELLS)  # the doubling is really there
        _same_chars(page)
    doc = pdf_reader.read(path)
    assert doc.lines == ["Item Total", "Requests 1234"]
    assert [r.cells for r in doc.rows] == [("Item", "Total"), ("Requests", "1234")]


def test_single_glyph_pages_are_returned_unchanged(tmp_path):
    path = _faux_bold_pdf(tmp_path / "plain.pdf", 0)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert pdf_reader.dedupe_chars(page) is page
    doc = pdf_reader.read(path)
    assert [r.cells for r in doc.rows] == [("Item", "Total"), ("Requests", "1234")]


def test_glyphs_two_points_apart_are_both_kept(tmp_path):
    # Beyond pdfplumber's 1 pt tolerance the second glyph is a real character, not a bold stroke.
    path = _faux_bold_pdf(tmp_path / "apart.pdf", 2)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        _same_chars(page)
        assert len(pdf_reader.dedupe_chars(page).chars) == len(page.chars)


def test_real_pdfs_keep_the_chars_pdfplumber_keeps():
    for path in sorted((ROOT / "reports").glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                _same_chars(page)


def test_each_table_cell_records_its_box_and_the_box_holds_the_cells_text():
    """reports/001 (淮安市洪泽区 2023): the characters inside each recorded box are the cell's own, read back with
    pdfplumber; cells a merged cell covers are not cells, so they have no box either."""
    path = ROOT / "reports" / "001_huaian_hongzequ_2023.pdf"
    doc = pdf_reader.read(path)
    boxed = [r for r in doc.rows if r.boxes]
    assert len(boxed) > 50 and all(len(r.boxes) == len(r.cells) for r in boxed)
    checked = 0
    with pdfplumber.open(path) as pdf:
        for row in boxed:
            chars = pdf_reader.dedupe_chars(pdf.pages[row.page - 1]).chars
            for cell, box in zip(row.cells, row.boxes):
                if cell and box:
                    x0, top, x1, bottom = box
                    # the characters whose middle is in the box, as the table finder takes them
                    inside = [c["text"] for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1
                              and top <= (c["top"] + c["bottom"]) / 2 < bottom]
                    assert Counter("".join("".join(inside).split())) == Counter("".join(cell.split())), (row.page, box, cell)
                    checked += 1
    assert checked > 300
