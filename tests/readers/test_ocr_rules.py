"""Ruling lines of a table picture (gongkai/readers/ocr_rules.py), on drawn grids: no OCR engine needed."""
from __future__ import annotations

import numpy as np

from gongkai.readers import ocr_table as T
from tests.readers.test_ocr_table import _grid


def _hairline_grid(rows_y, cols_x, seed: int, size=(900, 1400)) -> np.ndarray:
    """A ruled table printed with hairlines and scanned with grain: each vertical rule is one pixel wide and steps a
    pixel left or right every few pixels; specks are scattered over the page."""
    rng = np.random.default_rng(seed)
    img = np.full(size, 255, dtype=np.uint8)
    for y in rows_y:
        img[y, cols_x[0]:cols_x[-1] + 1] = 0
    for x in cols_x:
        offset = 0
        for y in range(rows_y[0], rows_y[-1] + 1):
            if rng.random() < 0.2:
                offset = int(np.clip(offset + rng.integers(-1, 2), -1, 1))
            img[y, x + offset] = 0
    specks = rng.random(size) < 0.002
    img[specks] = 0
    return img


def test_hairline_vertical_rules_broken_by_grain_still_divide_the_columns():
    """041's noisy scan: the Chromium print's hairline vertical rules, thresholded with grain, step between
    columns of pixels, so no unbroken vertical run was found: nearly every row came out cells short and was
    withheld (3 of 198 cells read).  A thin rule is now looked for with a pixel of play each side."""
    rows, cols = [100, 160, 220, 280, 340, 400], [100, 500, 580, 660, 740, 820, 900]
    for seed in range(3):
        grids, _ = T.find_tables(T.ink_mask(_hairline_grid(rows, cols, seed)), 200)
        assert [[len(r) for r in g.rows] for g in grids] == [[6] * 5], seed


def test_a_stroke_under_a_rule_does_not_continue_it_through_a_label():
    """A merged label cell (no vertical rule across it) whose characters have a stem where the column's rule
    runs in the rows below (上, 中 on a photographed page): the stem reaches neither rule, so the label stays
    one cell."""
    rows, cols = [100, 160, 220, 280], [100, 500, 580, 660]
    img = _grid(rows, cols, spans=[(1, 0, 1)])  # row 1: the label spans the first two columns
    img[112:134, 500:503] = 0  # 上's stem, on the rule's line, 12 px below the rule above
    img[122:124, 490:515] = 0  # its bar
    img[132:134, 480:520] = 0  # its foot
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [[len(r) for r in g.rows] for g in grids] == [[2, 3, 3]]
