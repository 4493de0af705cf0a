"""Table structure from a page picture (gongkai/readers/ocr_table.py), on drawn grids: no OCR engine needed."""
from __future__ import annotations

import numpy as np

from gongkai.readers import ocr_table as T


# ---------------------------------------------------------------------------------------------
def _grid(rows_y, cols_x, spans=(), size=(900, 1400), thickness=2) -> np.ndarray:
    """A white page with a ruled table: horizontal rules at rows_y, vertical rules at cols_x, except the
    vertical rule segments listed in `spans` as (column rule index, row from, row to) which are left out
    (a merged cell) — and horizontal segments as ("h", row rule index, col from, col to)."""
    img = np.full(size, 255, dtype=np.uint8)
    x0, x1, y0, y1 = cols_x[0], cols_x[-1], rows_y[0], rows_y[-1]
    gaps_h = {(s[1], c) for s in spans if s[0] == "h" for c in range(s[2], s[3])}
    gaps_v = {(s[0], r) for s in spans if s[0] != "h" for r in range(s[1], s[2])}
    for i, y in enumerate(rows_y):
        for c in range(len(cols_x) - 1):
            if (i, c) not in gaps_h:
                img[y:y + thickness, cols_x[c]:cols_x[c + 1] + thickness] = 0
    for j, x in enumerate(cols_x):
        for r in range(len(rows_y) - 1):
            if (j, r) not in gaps_v:
                img[rows_y[r]:rows_y[r + 1] + thickness, x:x + thickness] = 0
    assert x1 > x0 and y1 > y0
    return img


def test_a_plain_grid_gives_its_rows_and_cells():
    img = _grid([100, 150, 200, 250], [100, 500, 600, 700, 800])
    grids, _rules = T.find_tables(T.ink_mask(img), 200)
    assert len(grids) == 1
    assert [len(r) for r in grids[0].rows] == [4, 4, 4]


def test_a_merged_cell_sits_in_the_row_where_it_starts():
    # First column: one cell spanning rows 1-2 (the horizontal rule between them is missing there),
    # as 三、本年度办理结果 spans its rows: pdfplumber's convention, which the parser expects.
    img = _grid([100, 150, 200, 250], [100, 300, 600, 700], spans=[("h", 2, 0, 1)])
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [len(r) for r in grids[0].rows] == [3, 3, 2]


def test_a_skewed_grid_is_straightened_before_rows_are_grouped():
    from PIL import Image

    img = _grid([200, 250, 300, 350, 400], [200, 700, 800, 900, 1000, 1100, 1200])
    turned = np.asarray(Image.fromarray(img).rotate(1.5, resample=Image.BICUBIC, fillcolor=255))
    angle = T.skew_angle(turned, 200)
    assert abs(angle - 1.5) < 0.2
    grids, _ = T.find_tables(T.ink_mask(T.rotate(turned, angle)), 200)
    assert [len(r) for r in grids[0].rows] == [6, 6, 6, 6]


def test_rows_that_slope_still_group_by_neighbours():
    # A row drifting down 6 px per cell (a photographed page): 5 cells, 30 px lower at the right end.
    cells = [T.Box(100 + 100 * i, 100 + 6 * i, 196 + 100 * i, 140 + 6 * i) for i in range(5)]
    cells += [T.Box(100 + 100 * i, 144 + 6 * i, 196 + 100 * i, 184 + 6 * i) for i in range(5)]
    rows = T.group_rows(cells)
    assert [len(r) for r in rows] == [5, 5]


def test_rules_broken_by_a_grainy_scan_still_divide_the_rows():
    """001's noisy scan: hairline rules thresholded to dots, with whole stretches gone (30 px under a
    cell of table 三), merged two rows into one cell each and left the parser two values per cell."""
    rng = np.random.default_rng(7)
    img = _grid([100, 150, 200, 250, 300], [100, 500, 580, 660, 740, 820], thickness=1)
    for y in (100, 150, 200, 250, 300):  # grain breaks the horizontal hairlines every 20-60 px, for 2-8 px
        x = 100
        while x < 820:
            x += int(rng.integers(20, 60))
            img[y, x:x + int(rng.integers(2, 9))] = 255
    img[200, 665:695] = 255  # and one stretch of 30 px under a narrow cell gone
    img[150, 300:330] = 255  # and one under the label
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [len(r) for r in grids[0].rows] == [5, 5, 5, 5]


def test_a_gap_as_wide_as_a_cell_stays_a_merged_cell():
    # Following a broken rule must not close a real opening: a cell spanning two rows in a narrow column.
    img = _grid([100, 150, 200, 250], [100, 500, 580, 660, 740], spans=[("h", 2, 3, 4)], thickness=1)
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [len(r) for r in grids[0].rows] == [4, 4, 3]


def test_a_table_cut_by_the_page_at_a_slant_keeps_its_last_row():
    """001's photographed page: the table runs on over the page break, so its last row has no bottom rule,
    and the vertical rules end on a slanting line (2% lower to the right).  That row's cells were open to the
    edge, discarded, and the row (2.没有现成信息需要另行制作) was lost."""
    cols = [100, 500, 580, 660, 740, 820, 900]
    img = _grid([100, 150, 200], cols)
    for x in cols:  # the last row: verticals only
        img[200:250 + round(0.02 * (x - 100)), x:x + 2] = 0
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [len(r) for r in grids[0].rows] == [6, 6, 6]


def test_cells_spanning_many_rows_do_not_join_them():
    # 001's photographed page 4: the column of 三、本年度办理结果 (from the top) beside （五）不予处理 (from the
    # second row), both many rows tall: a third of their heights is more than a row, so the first two
    # rows were grouped as one.
    cells = [T.Box(100, 100, 180, 400), T.Box(182, 150, 300, 400), T.Box(182, 100, 300, 148)]
    cells += [T.Box(302, 100 + 50 * i, 500, 148 + 50 * i) for i in range(6)]
    assert [len(r) for r in T.group_rows(cells)] == [3, 2, 1, 1, 1, 1]


def test_specks_in_a_cell_are_not_a_line_of_print():
    """001's grainy page 2: a cluster of specks above 规章 was read as a line "P", and the label no longer
    matched; one beside a 0 came back as "43".  A line needs at least as much print as a "1"."""
    ink = np.zeros((60, 120), dtype=bool)
    ink[5:11, 10:13] = True  # specks: 6 px tall, 18 px of print
    ink[25:47, 50:53] = True  # a "1": 22 px tall, 3 px wide
    assert [(b.y0, b.y1) for b in T.text_lines(ink)] == [(25, 47)]


def _page_ink(name: str, page: int) -> np.ndarray:
    from pathlib import Path

    from gongkai.readers import ocr

    path = Path(__file__).resolve().parent.parent / "fixtures" / "scans" / name
    pic = ocr.pdf_pictures(path, [page])[0]
    return T.ink_mask(ocr._to_gray(pic.pixels)[1])


def test_large_print_is_not_a_table():
    """The strokes of a title (001's, cut from page 1) and of a bold heading in the prose (001's page 2:
    （四）政府信息公开平台建设情况) touch like rules; read as tables, their text was lost to the title search
    and the year could not be found."""
    grids, _ = T.find_tables(_page_ink("001_huaian_hongzequ_2023_mixed.pdf", 1), 200)
    assert grids == []
    grids, _ = T.find_tables(_page_ink("001_huaian_hongzequ_2023_scan150.pdf", 2), 200)
    assert [[len(r) for r in g.rows] for g in grids] == [[1, 4, 4, 4, 1, 2, 2, 1]]  # table 二 only


_FONTS = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def _title(text: str, font_path: str, points: int, width: int = 1654) -> np.ndarray:
    """One line of large print at 200 dpi, as a report's title is printed."""
    import pytest
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype(font_path, int(points * 200 / 72))
    except OSError:
        pytest.skip(f"font {font_path} not installed")
    px = int(points * 200 / 72)
    img = Image.new("L", (width, px * 3), 255)
    ImageDraw.Draw(img).text((100, px), text, fill=0, font=font)
    return np.asarray(img)


def test_a_title_in_large_print_is_read_as_text_not_as_a_table():
    """002's mixed scan: page 1 is only the title, and the strokes of its second line (2024 年…年度报告, large
    print) met as rules: 年's bars, run on across 4 and 政, enclosed the gaps between strokes as two cells.
    Read as a table, the line never reached the title search, and the year was not found.  Titles in
    large print, in a Song (serif) and a bold Hei (sans) face at 18–36 pt, give no table."""
    found = {}
    for font in _FONTS:
        for points in (18, 20, 22, 24, 28, 32, 36):
            for text in ("2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府", "2023年度政府信息公开工作报告",
                         "二〇二二年工作年度报告"):
                grids, _ = T.find_tables(T.ink_mask(_title(text, font, points)), 200)
                if grids:
                    found[(font.rsplit("/", 1)[1], points, text)] = [[len(r) for r in g.rows] for g in grids]
    assert found == {}
    grids, _ = T.find_tables(_page_ink("002_huaian_hongzequ_2024_mixed.pdf", 1), 200)
    assert grids == []


def test_a_table_under_a_title_in_large_print_is_still_a_table():
    title = _title("2024年政府信息公开工作年度报告", _FONTS[1], 28)
    img = _grid([100, 150, 200, 250], [100, 500, 600, 700, 800], size=(400, 1654))
    page = np.vstack([title, img])
    grids, _ = T.find_tables(T.ink_mask(page), 200)
    assert [[len(r) for r in g.rows] for g in grids] == [[4, 4, 4]]


def test_the_pictures_beside_041s_page_hold_its_tables_whole():
    """The fixture once took a fixed range of pages of the print: the last picture ended at table 四's header
    and its 15 values were in no picture, so the reader could not find them.  The pictures now hold every
    row of the three tables: the last one ends with the values row of table 四 (15 cells)."""
    from pathlib import Path

    from gongkai.readers import ocr

    scans = Path(__file__).resolve().parent.parent / "fixtures" / "scans"
    name = "041_shanghai_shizhengfu_bgt_2019_images_beside.html"
    pic = ocr.image_picture((scans / f"{name}.img03.png").read_bytes(), "img03")
    gray = ocr._scale_to(ocr._to_gray(pic.pixels)[1], T.BASE_DPI / ocr.estimate_dpi(ocr._to_gray(pic.pixels)[1]))
    grids, _ = T.find_tables(T.ink_mask(gray), 200)
    assert [len(r) for r in grids[-1].rows][-1] == 15



def test_the_scan_variants_take_their_table_pages_from_the_document():
    """scripts/make_scans.py once gave each source's last page with a table as a number: 041's said 5, and its
    `mixed` scan ended before table 四's values (page 6 of the print, one row of 15 cells).  The pages that hold
    tables now come from the source's text layer, and `mixed` keeps the title and every page up to the last."""
    import importlib.util
    from pathlib import Path

    import pypdfium2 as pdfium

    root = Path(__file__).resolve().parent.parent.parent
    spec = importlib.util.spec_from_file_location("make_scans", root / "scripts" / "make_scans.py")
    make_scans = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_scans)
    source = next(src for src, golden in make_scans.SOURCES if golden.startswith("041_"))
    pages = make_scans.table_pages(source)
    assert sorted(pages) == [4, 5, 6]  # tables 二 and 三 on 4, 三 and 四 on 5, 四's values on 6
    assert max(pages, key=pages.get) == 5  # the largest table (三), where the seal goes
    mixed = pdfium.PdfDocument(str(root / "tests" / "fixtures" / "scans" / "041_shanghai_shizhengfu_bgt_2019_mixed.pdf"))
    try:
        assert len(mixed) == 6  # the title, then pages 2 to 6
    finally:
        mixed.close()


def test_rules_ending_a_row_apart_near_a_wide_tables_top_draw_no_edge_through_it():
    """041's table 四 on its noisy scan: a wide table (1,500 px) reaches 60 px for the ends of rules cut by the
    page, and its first row (行政复议 | 行政诉讼) is 54 px tall: three rules end at the top rule, five of the
    row below a row lower.  A line fitted through both sets ran through the middle of the first row and cut it
    in two rows.  Ends on no one line give no edge."""
    cols = [100 + 100 * i for i in range(16)]
    rows = [100, 154, 214, 274]
    spans = [(j, 0, 1) for j in range(len(cols)) if j not in (0, 5, 15)]  # row 0: two wide cells
    spans += [(j, 1, 2) for j in range(len(cols)) if j not in (0, 1, 2, 3, 4, 5, 10, 15)]  # row 1: seven
    img = _grid(rows, cols, spans=spans, size=(500, 1800))
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [[len(r) for r in g.rows] for g in grids] == [[2, 7, 15]]
