"""Ruling lines of a table picture (gongkai/readers/ocr_rules.py), on drawn grids: no OCR engine needed."""
from __future__ import annotations

import numpy as np

from gongkai.readers import ocr_rules as RR
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


def _dashed(img: np.ndarray, x: int, y0: int, y1: int, rng, drop: float) -> None:
    """A hairline at x from y0 to y1 as grain leaves it: single pixels dropped at random, so no run is long."""
    for y in range(y0, y1 + 1):
        if rng.random() >= drop:
            img[y, x] = 0


def test_vertical_hairlines_that_grain_breaks_into_dashes_still_divide_the_columns():
    """041's noisy scan, table 三 and table 四's value row: the hairline verticals thresholded with grain
    lose a row of pixels every 10-20 px and end a few pixels short of the horizontal rules, so no run as long
    as a rule was found and the cells of whole rows merged (143 of 198 cells read).  Breaks of a pixel or two
    are closed along a thin line, and a rule ending short of the next one is bridged to it."""
    rows, cols = [100, 160, 220, 280], [100, 500, 600, 700, 800, 900]
    for seed in range(3):
        rng = np.random.default_rng(seed)
        img = np.full((500, 1100), 255, dtype=np.uint8)
        for y in rows:
            img[y:y + 2, cols[0]:cols[-1] + 2] = 0
        for x in cols:
            for top, bottom in zip(rows, rows[1:]):
                _dashed(img, x, top + 2 + int(rng.integers(0, 5)), bottom - 1 - int(rng.integers(0, 6)), rng, 0.07)
        grids, _ = T.find_tables(T.ink_mask(img), 200)
        assert [[len(r) for r in g.rows] for g in grids] == [[5, 5, 5]], seed


def _broken_rule(glyph: bool):
    """Masks of a vertical rule at x=600 from the rule at y=100 down to y=170, then broken (dots every 3 px)
    down to the rule at y=220; with `glyph`, a 0 printed across the break, its ends crossing the line."""
    vert = np.zeros((300, 800), dtype=np.uint8)
    horiz = np.zeros_like(vert)
    horiz[100:102, 100:700] = horiz[220:222, 100:700] = 255
    vert[100:170, 600] = 255
    ink = (vert > 0) | (horiz > 0)
    ink[170:220:3, 600] = True
    if glyph:
        ink[184:206, 593:596] = ink[184:206, 606:609] = True
        ink[184:187, 593:609] = ink[203:206, 593:609] = True
    return vert, horiz, ink


def test_a_break_is_bridged_through_paper_and_the_rules_remains_only():
    """A break in a rule is bridged to the next rule at its x only through paper and the rule's own remains:
    where a character's strokes cross the line in the break (a 0's ends, 上's bars), the rule stays broken and
    the cells it would divide stay one (withheld later), never split through a character."""
    vert, horiz, ink = _broken_rule(glyph=False)
    assert RR._bridge_breaks(vert, horiz, ink, 1.0)[170:220, 600].all()
    vert, horiz, ink = _broken_rule(glyph=True)
    assert not RR._bridge_breaks(vert, horiz, ink, 1.0)[170:220, 600].any()


def test_a_break_with_no_trace_of_the_rule_is_not_bridged():
    """Only a break the hairline left print along is bridged: a rule that stops 30 px short of the next, over
    bare paper, is not a rule broken by grain."""
    vert, horiz, ink = _broken_rule(glyph=False)
    ink[170:220, 600] = False
    assert not RR._bridge_breaks(vert, horiz, ink, 1.0)[175:215, 600].any()


def test_a_merged_cell_is_not_split_where_the_column_runs_in_other_rows():
    """A merged cell (the rule ends at the horizontal rules above and below it) holding print on the column's
    line — a column of 0s, or a seal's thick rim crossing it — stays one cell: a rule that ends on another has no
    break to bridge."""
    rows, cols = [100, 160, 220, 280], [100, 500, 600, 700]
    img = _grid(rows, cols, spans=[(2, 1, 2)])  # row 1: columns 1 and 2 merged
    for y in (168, 188):  # two lines of 0s, each with a side on the missing rule's line
        img[y:y + 14, 598:601] = 0
        img[y:y + 14, 608:611] = 0
    cv2 = __import__("cv2")
    cv2.circle(img, (640, 400), 230, 0, 8)  # a seal's rim, 8 px thick, crossing the merged cell
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [len(r) for r in grids[0].rows][:3] == [3, 2, 3]


def test_a_headings_stroke_just_above_a_table_is_not_bridged_into_it():
    """001's scans, table 二: the stem of 信 in the bold heading above the table (4 px wide, taller than a
    rule's shortest piece) ends 9 px above the table's top rule.  Bridged down to it, it ran out of the table's
    frame, and the table was refused as large print.  A piece is continued only when its other end meets or
    nears a rule; the stem's top is free."""
    rows, cols = [200, 260, 320], [100, 500, 600, 700]
    img = _grid(rows, cols, size=(500, 900))
    img[150:191, 540:544] = 0  # the stem, ending 9 px above the top rule
    img[150:154, 520:560] = 0  # a stroke across its top, as the character's other strokes
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [[len(r) for r in g.rows] for g in grids] == [[3, 3]]
    assert grids[0].frame.y0 >= 195


def test_a_headings_stroke_between_two_tables_is_not_bridged_into_either():
    """002's photographed page 4: the stems of 情 and 讼 in the heading of table 四 end a few pixels over its top
    rule, and their tops lie 20 px under table 三's last rule, within reach.  A top near a rule is not enough:
    the break up to it must be passable too (a trace of a rule along it), and over bare paper it is not."""
    rows, cols = [200, 260, 320], [100, 500, 600, 700]
    img = _grid(rows, cols, size=(500, 900))
    img[110:112, 100:702] = 0  # the last rule of the table above
    img[130:191, 540:544] = 0  # the stem: 20 px under that rule, 9 px over the table's top rule
    img[150:154, 520:560] = 0
    grids, _ = T.find_tables(T.ink_mask(img), 200)
    assert [[len(r) for r in g.rows] for g in grids][-1] == [3, 3]
    assert grids[-1].frame.y0 >= 195
