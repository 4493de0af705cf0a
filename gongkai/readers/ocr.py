"""OCR: pictures of pages and tables -> the same lines and rows of cells the other readers produce.

Applies to PDFs without a text layer, PDF pages that are pictures, and the pictures of an HTML
report (inline `data:` images and the files the harvester saves beside the page, listed in the
sidecar's `images`).  Table structure comes from the ruling lines (ocr_table.py); each cell's lines
of print go to the engine (ocr_engines.py); each cell keeps its engine confidence, so the parser can
publish a value as `ocr` or withhold it as `illegible` (registry.STATUSES).  Nothing here touches
the network: the engines run on models installed with them.

Refusals are honest: a picture coarser than MIN_DPI is not read (digits a few pixels wide are
guesses), and the report keeps its `no text layer` / `tables as images` status with the reason.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gongkai.model import Document, Row
from gongkai.readers import ocr_table as T

RENDER_DPI = 200  # pages are read at this resolution whatever their scan's (thresholds are set for it)
MIN_DPI = 100  # below this a digit is 2–3 pixels wide: the engines guess, so nothing is read
MAX_IMAGES = 30  # pictures read per HTML report (logos and photos aside, a report has a few tables)
MAX_PIXELS = 40_000_000  # one picture larger than this is not decoded (a decompression bomb)
TEXT_SCALE = 0.75  # running text outside tables is read at this fraction of RENDER_DPI
CELL_MARGIN = 3  # pixels trimmed inside a cell, so a rule's blur is not read as print
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")
DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "，": ",", "。": "."})
_NUMBERISH = re.compile(r"[-+]?[0-9OoIl|〇]+(?:[.,，。][0-9Oo〇]+)*%?")


@dataclass
class Picture:
    """One picture to read: pixels (grey or RGB), its resolution, and where it sits in the document."""

    pixels: np.ndarray
    dpi: float | None  # pixels per inch; None when the file does not say (HTML images): estimated from the print
    detail_dpi: float | None = None  # the scan's own resolution when the pixels were upsampled (PDF pages)
    page: int | None = None  # PDF page, 1-based
    where: str = ""  # for messages: "page 3", "image 041.html.img02.png"
    line_index: int | None = None  # for HTML: insert the table's lines before doc.lines[line_index]


@dataclass
class Reading:
    lines: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    tables: int = 0
    read: list[str] = field(default_factory=list)  # "page 3", … pictures that gave tables or text
    refused: list[str] = field(default_factory=list)  # reasons, one per picture not read


# ---------------------------------------------------------------------------------------------
# One picture
# ---------------------------------------------------------------------------------------------
def estimate_dpi(gray: np.ndarray) -> float:
    """Resolution of a picture that does not state one, from the height of its digits and characters.

    Body text of these reports is 10–12 pt; at 200 dpi its glyphs are about 22 px tall.  The median
    height of the printed shapes that look like glyphs (not rules, not specks) scales with the dpi.
    """
    cv2 = T._cv2()
    ink = T.ink_mask(gray, 120)
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    glyph = (h >= 3) & (h <= 200) & (w <= 3 * h) & (w >= h / 6)
    if glyph.sum() < 10:
        return 0.0
    return float(np.median(h[glyph])) / 22 * T.BASE_DPI


def _to_gray(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(luminance, table grey): in the table grey, red print (the seals stamped across tables) turns
    to paper, since red ink is bright in the red channel while black print stays dark."""
    if pixels.ndim == 2:
        return pixels, pixels
    rgb = pixels[..., :3].astype(np.float32)
    lum = (rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)).astype(np.uint8)
    return lum, np.ascontiguousarray(pixels[..., 0])


def _scale_to(pixels: np.ndarray, factor: float) -> np.ndarray:
    if abs(factor - 1) < 0.05:
        return pixels
    cv2 = T._cv2()
    interp = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=interp)


def normalize_cell_text(text: str) -> str:
    """Join the lines of a cell and undo the engines' digit look-alikes (O for 0, l for 1) — only in a
    cell that is otherwise a number, so labels keep their letters."""
    joined = "".join(text.split())
    if _NUMBERISH.fullmatch(joined) and any(ch.isdigit() for ch in joined):
        return joined.translate(DIGIT_LOOKALIKES)
    return text.strip()


def read_picture(pic: Picture, engine, with_text: bool) -> tuple[list[tuple[float, str, object]], int, str | None]:
    """The picture's items in reading order — ("line", text) and ("row", (cells, confidences)) keyed
    by their height on the picture — the number of tables, and a refusal reason (or None)."""
    dpi = pic.dpi
    lum, tgray = _to_gray(pic.pixels)
    if dpi is None:
        dpi = estimate_dpi(tgray)
        if dpi == 0:
            return [], 0, None  # no print at all (a photo or a logo): nothing to read
    detail = min(dpi, pic.detail_dpi or dpi)
    if detail < MIN_DPI:
        return [], 0, (f"{pic.where}: the picture's resolution (about {detail:.0f} dpi) is too low to read digits "
                       f"reliably (at least {MIN_DPI} dpi is needed); no number is read from it")
    factor = T.BASE_DPI / dpi
    lum, tgray = _scale_to(lum, factor), _scale_to(tgray, factor)
    dpi = T.BASE_DPI
    angle = T.skew_angle(tgray, dpi)
    if abs(angle) > 0.1:
        lum, tgray = T.rotate(lum, angle), T.rotate(tgray, angle)
    ink = T.ink_mask(tgray, dpi)
    grids, rules = T.find_tables(ink, dpi)

    # Every line of print in every cell, read in one batch.
    crops: list[np.ndarray] = []
    owners: list[tuple[int, int, int]] = []
    inked: set[tuple[int, int, int]] = set()
    for g, grid in enumerate(grids):
        for r, row in enumerate(grid.rows):
            for c, box in enumerate(row):
                m = CELL_MARGIN
                if box.width <= 2 * m or box.height <= 2 * m:
                    continue
                y0, y1, x0, x1 = box.y0 + m, box.y1 - m, box.x0 + m, box.x1 - m
                cell_ink = T.clean_specks(ink[y0:y1, x0:x1] & ~rules[y0:y1, x0:x1])
                lines = T.text_lines(cell_ink)
                if lines:
                    inked.add((g, r, c))
                cell = tgray[y0:y1, x0:x1].copy()
                cell[rules[y0:y1, x0:x1]] = 255
                for ln in lines:
                    pad = 6
                    crop = np.full((ln.height + 2 * pad, ln.width + 2 * pad), 255, dtype=np.uint8)
                    crop[pad:pad + ln.height, pad:pad + ln.width] = cell[ln.y0:ln.y1, ln.x0:ln.x1]
                    crops.append(crop)
                    owners.append((g, r, c))
    texts: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for owner, found in zip(owners, engine.read_lines(crops)):
        texts.setdefault(owner, []).append(found)

    items: list[tuple[float, str, object]] = []
    for g, grid in enumerate(grids):
        for r, row in enumerate(grid.rows):
            cells, confs = [], []
            for c, _box in enumerate(row):
                found = texts.get((g, r, c), [])
                text = normalize_cell_text("\n".join(t for t, _s in found if t.strip()))
                numbers = sum(1 for t, _s in found if _NUMBERISH.fullmatch("".join(t.split())))
                if (g, r, c) not in inked:
                    conf = 1.0  # nothing printed: a blank cell, certainly
                elif not text or numbers > 1:
                    # Print the engine could not read; or numbers on two lines of one cell, which is two
                    # cells whose dividing rule the scan lost (1 over 031 is not 1031): neither is a value.
                    conf = 0.0
                else:
                    conf = min(s for t, s in found if t.strip())
                cells.append(text)
                confs.append(round(conf, 3))
            items.append((row[0].y0, "row", (tuple(cells), tuple(confs), g, r)))

    if with_text:
        items += [(y, "line", text) for y, text in _text_outside(lum, grids, engine)]
    items.sort(key=lambda it: (it[0], it[1] == "line"))
    return items, len(grids), None


def _text_outside(lum: np.ndarray, grids: list[T.Grid], engine) -> list[tuple[float, str]]:
    """Running text outside the tables (title, prose), read band by band between the tables."""
    h = lum.shape[0]
    covered = sorted((max(0, g.frame.y0 - 4), min(h, g.frame.y1 + 4)) for g in grids)
    bands, y = [], 0
    for y0, y1 in covered:
        if y0 > y:
            bands.append((y, y0))
        y = max(y, y1)
    if y < h:
        bands.append((y, h))
    out = []
    for y0, y1 in bands:
        band = lum[y0:y1]
        if band.shape[0] < 12 or not T.ink_mask(band).any():
            continue
        # Running text is read at 3/4 of the table resolution: its lines are long and the detector's cost
        # grows with the area, while 150 dpi still gives the recogniser glyphs taller than it needs.
        for line in _join_lines(engine.read_page(_scale_to(band, TEXT_SCALE))):
            out.append((y0 + line[0] / TEXT_SCALE, line[1]))
    return out


def _join_lines(boxes) -> list[tuple[float, str]]:
    """Boxes on one line of print (the detector may cut a line in pieces) joined left to right."""
    boxes = sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2)
    lines: list[list] = []
    for b in boxes:
        mid, height = (b.y0 + b.y1) / 2, b.y1 - b.y0
        if lines:
            last = lines[-1]
            lmid = sum((x.y0 + x.y1) / 2 for x in last) / len(last)
            if abs(mid - lmid) < 0.5 * height:
                last.append(b)
                continue
        lines.append([b])
    out = []
    for line in lines:
        line.sort(key=lambda b: b.x0)
        text = ""
        for b in line:
            t = b.text.strip()
            if text and t and (text[-1].isascii() and t[0].isascii()):
                text += " "
            text += t
        if text:
            out.append((min(b.y0 for b in line), text))
    return out


# ---------------------------------------------------------------------------------------------
# Where pictures come from
# ---------------------------------------------------------------------------------------------
def pdf_pictures(path: Path, pages: list[int]) -> list[Picture]:
    """The given PDF pages rendered at RENDER_DPI, each with the resolution of the scan it holds."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for page_no in pages:
            page = doc[page_no - 1]
            native = 0.0
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                try:
                    px_w, _px_h = obj.get_px_size()
                    left, _bottom, right, _top = obj.get_bounds()
                except Exception:  # an image pdfium cannot measure: judge by the print instead
                    continue
                if right - left > 72:  # at least an inch wide: a page or a table, not an icon
                    native = max(native, px_w / ((right - left) / 72))
            bitmap = page.render(scale=RENDER_DPI / 72)
            pixels = bitmap.to_numpy()
            if pixels.ndim == 3 and pixels.shape[2] >= 3:
                pixels = np.ascontiguousarray(pixels[..., 2::-1])  # pdfium renders BGR(A)
            # Rendering upsamples a coarse scan's pixels but not its detail: judge legibility by the scan.
            out.append(Picture(pixels, dpi=RENDER_DPI, page=page_no, where=f"page {page_no}",
                               detail_dpi=native or None))
            page.close()
    finally:
        doc.close()
    return out


def image_picture(data: bytes, where: str, line_index: int | None = None) -> Picture | None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    import io

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.seek(0)
            if im.width * im.height > MAX_PIXELS:
                return None
            pixels = np.asarray(im.convert("RGB"))
    except Exception:  # not a picture Pillow can read (SVG, damaged): nothing to OCR
        return None
    return Picture(pixels, dpi=None, where=where, line_index=line_index)


def _data_uri_bytes(src: str) -> bytes | None:
    m = re.match(r"data:image/[a-z0-9.+-]+;base64,", src, flags=re.I)
    if not m:
        return None
    try:
        return base64.b64decode(src[m.end():], validate=False)
    except (binascii.Error, ValueError):
        return None


def html_pictures(doc: Document, path: Path, sidecar: dict) -> tuple[list[Picture], list[str]]:
    """The HTML report's pictures in page order: inline data: images, then the files listed in the sidecar's
    `images` (saved beside the report by the harvester)."""
    pictures, problems = [], []
    for src, line_index in doc.meta.get("image_sources", [])[:MAX_IMAGES]:
        data = _data_uri_bytes(src)
        if data:
            pic = image_picture(data, f"inline image {len(pictures) + 1}", line_index)
            if pic is not None:
                pictures.append(pic)
    names = sidecar.get("images") or []
    if not isinstance(names, list):
        return pictures, ["sidecar 'images' is not a list of file names; ignored"]
    for name in names[:MAX_IMAGES]:
        name = str(name)
        if "/" in name or "\\" in name or name.startswith(".") or not name.lower().endswith(IMAGE_SUFFIXES):
            problems.append(f"sidecar image '{name}' is not a picture file name beside the report; ignored")
            continue
        file = path.with_name(name)
        if not file.is_file():
            problems.append(f"sidecar image '{name}' is not beside the report; ignored")
            continue
        pic = image_picture(file.read_bytes(), f"image {name}")
        if pic is None:
            problems.append(f"sidecar image '{name}' is not a readable picture; ignored")
        else:
            pictures.append(pic)
    return pictures, problems


# ---------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------
def read_pictures(pictures: list[Picture], engine, with_text: bool, first_table: int = 0) -> Reading:
    out = Reading()
    table_no = first_table
    for pic in pictures:
        items, n_tables, refused = read_picture(pic, engine, with_text)
        if refused:
            out.refused.append(refused)
            continue
        if items:
            out.read.append(pic.where)
        for _y, kind, payload in items:
            if kind == "line":
                out.lines.append(payload)
                continue
            cells, confs, g, r = payload
            if any(cells):
                out.rows.append(Row(cells, page=pic.page, table=table_no + g, index=r, confidence=confs))
                out.lines.append(" ".join(" ".join(c.split()) for c in cells if c.strip()))
        table_no += n_tables
        out.tables += n_tables
    return out


def needs_ocr(doc: Document, sidecar: dict) -> bool:
    """Whether the document has pictures OCR could read: scanned or picture pages of a PDF, an HTML page's
    inline images or the picture files its sidecar lists."""
    if doc.format == "pdf":
        return bool(doc.meta.get("no_text_layer") or doc.meta.get("image_pages"))
    if doc.format == "html":
        return bool(doc.meta.get("image_sources")) or bool(sidecar.get("images"))
    return False


def complete(doc: Document, path: Path, sidecar: dict, engine=None, tables_found: bool = False) -> Document:
    """The document with what OCR reads from its pictures added (or, for a scan, as its only content).

    `tables_found`: the text already holds the statistical tables, so pictures are not read (an HTML
    page's logos and photos cost time and add nothing).
    """
    if doc.format == "pdf" and (doc.meta.get("no_text_layer") or doc.meta.get("image_pages")):
        scan = bool(doc.meta.get("no_text_layer"))
        pages = list(range(1, doc.meta.get("pages", 0) + 1)) if scan else list(doc.meta["image_pages"])
        if not scan and tables_found:
            return doc
        engine = engine or _engine()
        reading = read_pictures(pdf_pictures(path, pages), engine, with_text=True,
                                first_table=1 + max((r.table or 0 for r in doc.rows), default=-1))
        lines = reading.lines if scan else doc.lines + reading.lines
        rows = reading.rows if scan else doc.rows + reading.rows
    elif doc.format == "html" and not tables_found:
        pictures, problems = html_pictures(doc, path, sidecar)
        if not pictures:
            return _with(doc, doc.lines, doc.rows, None, problems)
        engine = engine or _engine()
        reading = Reading()
        lines = list(doc.lines)
        inserts: list[tuple[int, list[str]]] = []
        rows = list(doc.rows)
        first = 1 + max((r.table or 0 for r in doc.rows), default=-1)
        for pic in pictures:
            part = read_pictures([pic], engine, with_text=False, first_table=first + reading.tables)
            reading.tables += part.tables
            reading.read += part.read
            reading.refused += part.refused
            rows += part.rows
            at = len(doc.lines) if pic.line_index is None else pic.line_index
            inserts.append((at, part.lines))
        for at, part_lines in sorted(inserts, key=lambda x: x[0], reverse=True):
            lines[at:at] = part_lines
        doc = _with(doc, lines, rows, reading, problems)
        return doc
    else:
        return doc
    return _with(doc, lines, rows, reading, [])


def _engine():
    from .ocr_engines import engine

    return engine()


def _with(doc: Document, lines, rows, reading: Reading | None, problems: list[str]) -> Document:
    meta = dict(doc.meta)
    warnings = list(doc.warnings) + problems
    if reading is not None:
        warnings += reading.refused
        if reading.rows or reading.lines:
            version = _engine().version
            meta["ocr"] = {"engine": version, "read": reading.read, "tables": reading.tables}
            warnings.append(f"read by OCR ({version}) from {', '.join(reading.read) or 'pictures'}: "
                            f"{reading.tables} ruled table(s); values read so have status 'ocr' with the engine's "
                            "confidence, and print it could not read is 'illegible'")
            meta.pop("no_text_layer", None)
            warnings = [w for w in warnings if "need OCR" not in w]
    return Document(lines=lines, rows=rows, format=doc.format, meta=meta, warnings=warnings)
