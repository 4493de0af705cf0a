"""PDF reports with a text layer, read with pdfplumber: page text plus ruled tables."""
from __future__ import annotations

import logging
from pathlib import Path

from gongkai.model import Document, ReadError, Row

MAX_PAGES = 300
IMAGE_PAGE_CHARS = 20  # a page with an image and fewer characters than this is a picture of a page
# pdfminer logs a warning per glyph for fonts it can still read (Chromium's embedded subsets); the
# reader reports real problems itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _noop(*args, **kwargs) -> None:
    return None


def _mute_pdfminer_debug() -> None:
    """pdfminer calls `log.debug` tens of thousands of times a page (every token it parses); even below
    the logger's level each call costs two Python calls, 3–5% of reading a PDF.  Debug output is never
    wanted here, so the debug method of pdfminer's own loggers does nothing."""
    for name in list(logging.root.manager.loggerDict):
        if name == "pdfminer" or name.startswith("pdfminer."):
            logging.getLogger(name).debug = _noop


def read(path: Path) -> Document:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.table import TableSettings

    _mute_pdfminer_debug()

    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        looks = "HTML" if b"<html" in head.lower() or b"<!doctype" in head.lower() else "something else"
        raise ReadError(path, f"not a PDF: the file does not start with %PDF- (it looks like {looks}); "
                              "download the report again or give it its real extension")
    try:
        pdf = pdfplumber.open(path)
    except PDFSyntaxError as exc:
        raise ReadError(path, f"not a readable PDF ({exc}); the file may be truncated or corrupt") from exc
    except Exception as exc:  # pdfminer raises many types for broken or encrypted files
        raise ReadError(path, _open_failure(exc)) from exc
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReadError(path, f"the PDF has {len(pdf.pages)} pages; reports over {MAX_PAGES} pages are refused")
        lines: list[str] = []
        rows: list[Row] = []
        table_no = 0
        chars = images = 0
        image_pages: list[int] = []
        page_texts: list[tuple[int, list[str], int]] = []  # (page, text lines, rows before the next page)
        settings = TableSettings.resolve(None)  # extract_tables' defaults
        for page_no, raw_page in enumerate(pdf.pages, 1):
            images += len(raw_page.images)
            page = dedupe_chars(raw_page)
            text = page.extract_text() or ""
            chars += len(text.strip())
            lines.extend(line.strip() for line in text.splitlines() if line.strip())
            tables = page.find_tables(settings)  # what extract_tables reads, with each cell's box
            for table in tables:
                for i, (cells, found) in enumerate(zip(table.extract(**settings.text_settings), table.rows)):
                    # pdfplumber marks the cells a merged cell covers with None; they are not cells.
                    printed = tuple((c or "").strip() for c in cells if c is not None)
                    boxes = tuple(_box(b) for c, b in zip(cells, found.cells) if c is not None)
                    if any(printed):
                        rows.append(Row(printed, page=page_no, table=table_no, index=i, boxes=boxes))
                table_no += 1
            if tables:
                page_texts.append((page_no, text.splitlines(), len(rows)))
            if not tables and raw_page.images and len(text.strip()) < IMAGE_PAGE_CHARS:
                image_pages.append(page_no)
        rows = _with_rows_tables_lost(rows, page_texts)
        meta = {"pages": len(pdf.pages), "images": images}
        if image_pages:
            meta["image_pages"] = image_pages  # read by OCR (readers/ocr.py) when the text lacks the tables
        if chars == 0:
            # Published as "no text layer" when the sidecar names the agency and year (extract.py).
            meta["no_text_layer"] = True
    warnings = []
    if image_pages and chars:
        warnings.append(f"page(s) {', '.join(map(str, image_pages))} are images without text: tables printed "
                        "there are pictures and need OCR or a text version of the report")
    # (the OCR step drops this warning when it reads those pages)
    return Document(lines=lines, rows=rows, format="pdf", meta=meta, warnings=warnings)


def _box(bbox) -> tuple[float, float, float, float] | None:
    """A cell's (x0, top, x1, bottom), rounded to 0.01 pt so the data stay the same across float noise."""
    return None if bbox is None else tuple(round(float(v), 2) for v in bbox)


def _with_rows_tables_lost(rows: list[Row], page_texts) -> list[Row]:
    """The table rows, plus each form row that a page's text prints with values but no table row has
    (pdfplumber loses a row at a page break or beside a merged cell), after that page's table rows."""
    from gongkai.readers.textlines import missing_rows, row_key

    found = {key for row in rows if (key := row_key(row.cells))}
    out, done = [], 0
    for page_no, text_lines, end in page_texts:
        out.extend(rows[done:end])
        done = end
        out.extend(missing_rows(text_lines, found, page_no))
    out.extend(rows[done:])
    return out


class _IndexedChars(list):
    """The page's chars with an O(1) `index`.

    pdfplumber's `dedupe_chars` puts the kept chars back in page order with `sorted(key=chars.index)`,
    a linear search per char: quadratic, and most of the reader's cost beyond table extraction on
    pages of a few thousand glyphs.  The kept char is always the first of its equal twins in page
    order (pdfplumber keeps the first of each cluster, and equal dicts share a cluster), so its own
    position is what `list.index` would find.
    """

    def __init__(self, chars):
        super().__init__(chars)
        self._pos: dict[int, int] = {}
        for i, ch in enumerate(chars):
            self._pos.setdefault(id(ch), i)

    def index(self, ch, *args):
        return self._pos[id(ch)]


def dedupe_chars(page):
    """`page.dedupe_chars()` with the same result, in O(n log n); the page itself when nothing is doubled.

    Word/WPS "faux bold" prints each glyph twice at a small offset (总总计计 -> 总计); pdfplumber's rule
    (same text, font and size within 1 pt) decides which glyphs go.
    """
    from pdfplumber.page import FilteredPage
    from pdfplumber.utils import dedupe_chars as pdfplumber_dedupe

    chars = page.chars
    kept = pdfplumber_dedupe(_IndexedChars(chars))
    if len(kept) == len(chars):
        return page  # nothing doubled: the same chars in the same order
    derived = FilteredPage(page, lambda obj: True)  # what Page.dedupe_chars builds
    derived._objects = dict(page.objects)
    derived._objects["char"] = kept
    return derived


def _open_failure(exc: Exception) -> str:
    """pdfplumber wraps pdfminer's error; name the cause in words a person can act on."""
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(cause).__name__
    if name == "PDFPasswordIncorrect":
        return "the PDF is encrypted with a password needed to open it; get an unprotected copy of the report"
    if name in ("PSEOF", "PDFSyntaxError", "PSSyntaxError", "PDFNoValidXRef"):
        return (f"the PDF's structure is damaged ({name}: {cause}); the file is probably truncated or corrupt: "
                "download it again")
    return f"cannot open the PDF ({name}: {cause})"
