"""PDF reports with a text layer, read with pdfplumber: page text plus ruled tables."""
from __future__ import annotations

import logging
from pathlib import Path

from ..document import Document, ReadError, Row

MAX_PAGES = 300
# pdfminer logs a warning per glyph for fonts it can still read (Chromium's embedded subsets); the
# reader reports real problems itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read(path: Path) -> Document:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(path)
    except PDFSyntaxError as exc:
        raise ReadError(path, f"not a readable PDF ({exc}); the file may be truncated or corrupt") from exc
    except Exception as exc:  # pdfminer raises many types for broken or encrypted files
        raise ReadError(path, f"cannot open the PDF: {type(exc).__name__}: {exc}") from exc
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReadError(path, f"the PDF has {len(pdf.pages)} pages; reports over {MAX_PAGES} pages are refused")
        lines: list[str] = []
        rows: list[Row] = []
        table_no = 0
        chars = images = 0
        for page_no, raw_page in enumerate(pdf.pages, 1):
            images += len(raw_page.images)
            # Word/WPS "faux bold" prints each glyph twice at a small offset: 总总计计 -> 总计.
            page = raw_page.dedupe_chars()
            text = page.extract_text() or ""
            chars += len(text.strip())
            lines.extend(line.strip() for line in text.splitlines() if line.strip())
            for table in page.extract_tables():
                for i, cells in enumerate(table):
                    # pdfplumber marks the cells a merged cell covers with None; they are not cells.
                    printed = tuple((c or "").strip() for c in cells if c is not None)
                    if any(printed):
                        rows.append(Row(printed, page=page_no, table=table_no, index=i))
                table_no += 1
        meta = {"pages": len(pdf.pages), "images": images}
        if chars == 0:
            # Published as "no text layer" when the sidecar names the agency and year (extract.py).
            meta["no_text_layer"] = True
    return Document(lines=lines, rows=rows, format="pdf", meta=meta)
