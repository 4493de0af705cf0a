"""Derive scanned variants of golden reports: image-only PDFs, as a scanner or a phone would make them.

    python scripts/make_scans.py            # writes tests/fixtures/scans/

Each source PDF is rendered page by page (pypdfium2, a pdfplumber dependency) and printed back into a
PDF that holds only pictures (Pillow's PDF writer: grayscale JPEG, or colour JPEG where a red seal must
stay red).  The kinds of damage are those issue 16 lists: 150 and 300 dpi, a skew of 1–2°, scanner
noise, a red seal stamped across a table, a slight perspective.  Every random choice comes from a
fixed seed, so the same sources give the same files.  Each variant gets a sidecar with
`derived_from: <source golden>`, so the golden values of its source apply unchanged.  The sidecar
keeps no agency or year: the OCR has to find them in the picture, as for a real scan.
"""
from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "scans"
DERIVED = ROOT / "tests" / "fixtures" / "derived"
# (source PDF, the golden report it derives from).  Which pages hold the tables is read from each source's text
# layer (`table_pages`), never given per file: a page range typed in once cut 041's table 四 off its values.
SOURCES = (
    (ROOT / "reports" / "001_huaian_hongzequ_2023.pdf", "001_huaian_hongzequ_2023.pdf"),
    (ROOT / "reports" / "002_huaian_hongzequ_2024.pdf", "002_huaian_hongzequ_2024.pdf"),
    (DERIVED / "041_shanghai_shizhengfu_bgt_2019_chromium.pdf", "041_shanghai_shizhengfu_bgt_2019.html"),
)
SEAL_FONTS = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def _identity(golden: str) -> dict:
    """The source's sidecar agency, region and level, where it gives them because the document prints
    only part of the name (001/002 print 洪泽区人民政府, the sidecar says 淮安市洪泽区人民政府); never the
    year, which every source prints and the OCR must find."""
    source = yaml.safe_load((ROOT / "reports" / f"{golden}.yml").read_text(encoding="utf-8")) or {}
    return {k: source[k] for k in ("agency", "region", "level") if k in source}


def table_pages(pdf: Path) -> dict[int, int]:
    """{1-based page: cells of its tables} for the pages of the source that hold a table of two or more
    columns, from its text layer.  One-column boxes do not count: 001 and 002 frame their prose in one."""
    import pdfplumber

    found = {}
    with pdfplumber.open(pdf) as doc:
        for i, page in enumerate(doc.pages, 1):
            cells = sum(len(row.cells) for t in page.find_tables() for row in t.rows if len(t.rows[0].cells) > 1)
            if cells:
                found[i] = cells
    return found


def render(pdf: Path, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def skew(img: Image.Image, degrees: float) -> Image.Image:
    return img.rotate(degrees, resample=Image.BICUBIC, expand=False, fillcolor=255)


def noise(img: Image.Image, seed: int) -> Image.Image:
    """Grain (Gaussian, sigma 18 grey levels), speckles (0.2% of pixels black or white) and a slight blur:
    what a cheap sheet-fed scanner adds."""
    rng = np.random.default_rng(seed)
    a = np.asarray(img.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32)
    a = a + rng.normal(0, 18, a.shape)
    speck = rng.random(a.shape)
    a[speck < 0.001] = 0
    a[speck > 0.999] = 255
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def perspective(img: Image.Image, amount: float) -> Image.Image:
    """A page photographed from slightly below and to the left: the top edge shrinks by `amount` of the
    width on each side and the right edge leans in (a keystone, not a rotation)."""
    w, h = img.size
    dx, dy = amount * w, amount * h * 0.5
    # Image.transform's PERSPECTIVE maps output to input; find the 8 coefficients from 4 point pairs.
    dst = [(0, 0), (w, 0), (w, h), (0, h)]
    src = [(-dx, -dy * 0.3), (w + dx, dy), (w, h), (0, h)]
    coeffs = _perspective_coeffs(dst, src)
    return img.transform(img.size, Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=255)


def _perspective_coeffs(dst, src) -> list[float]:
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=float)
    b = np.array([c for p in src for c in p], dtype=float)
    return list(np.linalg.solve(a, b))


def seal(img: Image.Image, dpi: int, agency: str) -> Image.Image:
    """A red official seal (ring, star, the agency's name around the rim) stamped over the table's middle,
    semi-transparent as ink is: the table's digits under it stay dark but sit on red."""
    rgb = img.convert("RGB")
    w, h = rgb.size
    r = int(dpi * 0.8)  # a 4 cm seal is about 1.6 inch across
    cx, cy = w // 2, int(h * 0.45)
    layer = Image.new("L", rgb.size, 0)
    d = ImageDraw.Draw(layer)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(3, dpi // 25))
    star = [(cx + r * 0.28 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - r * 0.28 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(star, fill=255)
    font_path = next((f for f in SEAL_FONTS if Path(f).exists()), None)
    if font_path:
        size = int(r * 0.2)
        font = ImageFont.truetype(font_path, size)
        text = agency[:14]
        span = math.radians(220)
        for i, ch in enumerate(text):
            angle = math.radians(200) - span * i / max(1, len(text) - 1)
            tx, ty = cx + (r * 0.75) * math.cos(angle), cy - (r * 0.75) * math.sin(angle)
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size // 2, size // 2), ch, fill=255, font=font)
            glyph = glyph.rotate(math.degrees(angle) - 90, resample=Image.BICUBIC)
            layer.paste(255, (int(tx - size), int(ty - size)), glyph)
    ink = np.asarray(layer, dtype=np.float32)[..., None] / 255 * 0.75
    red = np.array([215, 30, 40], dtype=np.float32)
    base = np.asarray(rgb, dtype=np.float32)
    # Multiply: the seal's red darkens the page under it as ink does, and black print stays black.
    out = base * (1 - ink) + (base * red / 255) * ink
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "RGB")


def mixed(pages: list[Image.Image], dpi: int, seal_page: int, last_page: int, agency: str,
          seed: int) -> list[Image.Image]:
    """A short scan with every kind of damage: page 1 cut to its top fifth (the title, which prints the
    year), then each page up to the last with a table: grain before table 三's page, the seal on it, a
    slight perspective after it.  Pages after those are left out (prose only)."""
    w, h = pages[0].size
    out = [pages[0].crop((0, 0, w, h // 5))]
    for i, page in enumerate(pages[1:last_page], start=2):
        if i < seal_page:
            out.append(noise(page, seed + i).point(lambda v: 255 if v > 150 else 0))
        elif i == seal_page:
            out.append(seal(page, dpi, agency))
        else:
            out.append(perspective(page, 0.02))
    return [p.convert("RGB") for p in out]


def write_pdf(pages: list[Image.Image], dpi: int, dest: Path, quality: int | None) -> None:
    """Pillow embeds each page as one picture at the given resolution: an image-only PDF.  quality None:
    black and white (1 bit, CCITT G4 as office scanners and fax make them); otherwise JPEG at that quality."""
    if quality is None:
        pages = [p.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1") for p in pages]
    buf = io.BytesIO()
    extra = {} if quality is None else {"quality": quality}
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, **extra)
    dest.write_bytes(buf.getvalue())


VARIANTS = {
    # name: (dpi, how, pages -> pages, JPEG quality or None for black and white)
    "scan150": (150, "rendered at 150 dpi in grayscale (JPEG) and printed back as an image-only PDF", None, 40),
    "scan300": (300, "rendered at 300 dpi in black and white (CCITT G4) and printed back as an image-only PDF",
                None, None),
    "skew": (200, "rendered at 200 dpi and turned by 1.5° and -1.2° on alternate pages (fed askew), black and "
                  "white image-only PDF", "skew", None),
    "noise": (200, "rendered at 200 dpi with scanner noise (grain, speckles, slight blur) before thresholding "
                   "to black and white, image-only PDF", "noise", None),
    "seal": (150, "rendered at 150 dpi with a red seal stamped across table 三, colour JPEG image-only PDF",
             "seal", 40),
    "perspective": (150, "rendered at 150 dpi and warped as if photographed at a slight angle (keystone of "
                         "2% of the width), grayscale JPEG image-only PDF", "perspective", 40),
    # The small one `make test` reads: the title of page 1 and the pages of the tables, each with other damage.
    "mixed": (150, "rendered at 150 dpi; page 1 cut to its title, then the pages up to the last with a table, "
                   "each damaged differently (noise thresholded to black and white; a seal across table 三; "
                   "the rest photographed at a slight angle), the rest left out; colour JPEG image-only PDF",
              "mixed", 40),
}


def make(src: Path, golden: str, name: str, agency: str) -> Path:
    dpi, how, kind, quality = VARIANTS[name]
    tables = table_pages(src)
    # The seal goes across the largest table (table 三 of the form); `mixed` keeps pages up to the last table.
    seal_page, last_page = max(tables, key=lambda p: (tables[p], -p)), max(tables)
    pages = render(src, dpi)
    seed = sum(map(ord, f"{golden}:{name}"))  # fixed per variant: the same file every run
    if kind == "skew":
        pages = [skew(p, 1.5 if i % 2 == 0 else -1.2) for i, p in enumerate(pages)]
    elif kind == "noise":
        pages = [noise(p, seed + i) for i, p in enumerate(pages)]
    elif kind == "perspective":
        pages = [perspective(p, 0.02) for p in pages]
    elif kind == "seal":
        pages = [seal(p, dpi, agency) if i + 1 == seal_page else p for i, p in enumerate(pages)]
    elif kind == "mixed":
        pages = mixed(pages, dpi, seal_page, last_page, agency, seed)
    stem = golden.rsplit(".", 1)[0]
    dest = OUT / f"{stem}_{name}.pdf"
    write_pdf(pages, dpi, dest, quality)
    sidecar = {
        "derived_from": golden,
        "notes": f"Test variant derived from {src.relative_to(ROOT)}: {how}. Same golden values as its "
                 "source; the year is left out on purpose (OCR must read it).",
    }
    sidecar.update(_identity(golden))
    (OUT / f"{dest.name}.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=True),
                                         encoding="utf-8")
    return dest


HTML_SOURCE = ROOT / "reports" / "041_shanghai_shizhengfu_bgt_2019.html"


def html_with_images_beside(dpi: int = 150) -> Path:
    """041's HTML page with each <table> replaced by a picture file saved beside it, as the harvester
    stores a page whose tables are images (sidecar `images:`; see /work/wt/briefs/ocr-harvest.md).
    The pictures are the pages of the Chromium print that hold tables (found in its text layer: a fixed page
    range once left out the page with table 四's values), in black and white."""
    import re

    name = "041_shanghai_shizhengfu_bgt_2019_images_beside.html"
    dest = OUT / name
    with_tables = [p - 1 for p in table_pages(SOURCES[2][0])]
    pages = [render(SOURCES[2][0], dpi)[i] for i in with_tables]
    files = []
    for i, page in enumerate(pages, 1):
        file = f"{name}.img{i:02d}.png"
        page.point(lambda v: 255 if v > 150 else 0).convert("1").save(OUT / file, "PNG", optimize=True)
        files.append(file)
    markup = HTML_SOURCE.read_text(encoding="utf-8")
    tables = list(re.finditer(r"<table.*?</table>", markup, flags=re.S | re.I))
    for m, file in reversed(list(zip(tables, files))):
        markup = markup[: m.start()] + f'<p><img alt="" src="{file}"></p>' + markup[m.end():]
    dest.write_text(markup, encoding="utf-8")
    sidecar = {
        "derived_from": HTML_SOURCE.name,
        "images": files,
        "notes": f"Test variant derived from reports/{HTML_SOURCE.name}: each <table> replaced by a picture "
                 f"file beside the page (the pages of its Chromium print that hold tables, "
                 f"{', '.join(str(i + 1) for i in with_tables)}, at {dpi} dpi, black and white). Same "
                 "golden values as its source.",
    }
    (OUT / f"{name}.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return dest


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(argv) or set(VARIANTS)
    for src, golden in SOURCES:
        agency = yaml.safe_load((ROOT / "tests" / "golden" / f"{golden}.yml").read_text(encoding="utf-8"))["agency"]
        for name in VARIANTS:
            if name in wanted:
                dest = make(src, golden, name, agency)
                print(dest.relative_to(ROOT), dest.stat().st_size)
    if not argv or "images_beside" in argv:
        dest = html_with_images_beside()
        print(dest.relative_to(ROOT), sum(p.stat().st_size for p in OUT.glob(f"{dest.name}*")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
