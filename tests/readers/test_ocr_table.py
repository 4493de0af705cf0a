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
