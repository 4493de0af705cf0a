"""Table structure from a page picture: ruling lines give the cells, cells give the printed rows.

Pure functions over numpy arrays (OpenCV for morphology); no OCR here.  The result has the shape the
other readers produce (pdfplumber's convention): a row holds the cells whose top edge lies on that
row's ruling line, so a merged cell appears once, in the row where it starts.

All sizes are given at 200 dpi and scaled by `dpi / 200`: the OCR reader renders pages at a known
resolution, so a threshold in pixels is a threshold in millimetres on paper.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ocr_rules import BASE_DPI, _cv2, ruling_lines

INK_CONTRAST = 50  # grey levels below the local paper colour: print, not grain or JPEG haze


@dataclass(frozen=True)
class Box:
    x0: int
    y0: int
    x1: int  # exclusive
    y1: int  # exclusive

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


@dataclass
class Grid:
    """One ruled table on a page: its frame and its cells in printed rows."""

    frame: Box
    rows: list[list[Box]]


def ink_mask(gray: np.ndarray, dpi: int = BASE_DPI) -> np.ndarray:
    """Print as True: pixels clearly darker than the paper around them.

    Local contrast (the page's brightest value nearby minus the pixel), not one global threshold: a
    hairline rule anti-aliased to light grey still counts, and grey cell shading (header bands) does
    not, since its text is dark against the shading rather than the shading against the paper.
    """
    cv2 = _cv2()
    k = max(9, int(15 * dpi / BASE_DPI)) | 1
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return (background.astype(np.int16) - gray) > INK_CONTRAST


def skew_angle(gray: np.ndarray, dpi: int) -> float:
    """The page's rotation in degrees (positive = counter-clockwise), from its long horizontal rules, or
    from the text lines when there are none; 0 when neither says."""
    cv2 = _cv2()
    ink = ink_mask(gray, dpi)
    horiz, _ = ruling_lines(ink, dpi)
    s = dpi / BASE_DPI
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz.astype(np.uint8), connectivity=8)
    angles, weights = [], []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < 250 * s:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        if len(xs) < 10:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(-np.degrees(np.arctan(slope)))
        weights.append(w)
    if angles:
        order = np.argsort(angles)
        cum = np.cumsum(np.array(weights, dtype=float)[order])
        return float(np.array(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median
    return _text_skew(ink)


def _text_skew(ink: np.ndarray) -> float:
    """Rotation that makes the rows of text sharpest (variance of the row profile), tried on a small copy."""
    cv2 = _cv2()
    small = cv2.resize(ink.astype(np.uint8) * 255, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if small.sum() == 0:
        return 0.0
    h, w = small.shape
    best, best_score = 0.0, -1.0
    for angle in np.arange(-3.0, 3.01, 0.25):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rotated = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        score = float(np.var(rotated.sum(axis=1)))
        if score > best_score:
            best, best_score = float(angle), score
    return -best


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Turn the picture by `-degrees` about its centre (undoing a skew of `degrees`), white outside."""
    cv2 = _cv2()
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    border = (255,) * (image.shape[2] if image.ndim == 3 else 1)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def find_tables(ink: np.ndarray, dpi: int) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables on a page, top to bottom, and the mask of all rules (to erase them from cells)."""
    cv2 = _cv2()
    s = dpi / BASE_DPI
    horiz, vert = ruling_lines(ink, dpi)
    rules = ((horiz | vert).astype(np.uint8)) * 255
    thick = max(2, int(3 * s))
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (thick, thick)))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < 150 * s or h < 40 * s:
            continue
        frame = Box(int(x), int(y), int(x + w), int(y + h))
        if _longest_run(horiz[y:y + h, x:x + w]) < 0.6 * w:
            continue  # no rule across it: the strokes of large print (a title), not a table
        part = rules[y:y + h, x:x + w].copy()
        _close_cut_edges(part, vert[y:y + h, x:x + w], s)
        cells = _cells(part, frame, s)
        if len(cells) >= 2 and _holds_its_print(ink, rules > 0, frame, cells, s):
            grids.append(Grid(frame, group_rows(cells, s)))
    grids.sort(key=lambda g: (g.frame.y0, g.frame.x0))
    return grids, rules > 0


PRINT_IN_CELLS = 0.85  # share of a table's print (its rules aside) that lies in its cells
PRINT_BEYOND = 0.1  # share of the print joined to a table's rules that may lie beyond its frame (a seal's rim)


def _holds_its_print(ink: np.ndarray, rules: np.ndarray, frame: Box, cells: list[Box], s: float) -> bool:
    """Whether the rules found are a table's: its print sits inside its cells, and what is printed joined to
    its rules stays inside its frame.

    The strokes of large print (a title's line: 年's bars, 二's strokes, run on by the rule-following
    across the neighbouring characters) also meet as "rules" and enclose "cells": the gaps between
    strokes.  Their other strokes then lie outside those cells (in the frame's open regions), and the
    characters the "rules" are cut from reach beyond the frame.  A table's text is in its cells, and
    nothing printed runs out through its frame.
    """
    cv2 = _cv2()
    y0, y1, x0, x1 = frame.y0, frame.y1, frame.x0, frame.x1
    printed = clean_specks(ink[y0:y1, x0:x1] & ~rules[y0:y1, x0:x1], s)
    in_cells = np.zeros_like(printed)
    for c in cells:
        in_cells[c.y0 - y0:c.y1 - y0, c.x0 - x0:c.x1 - x0] = True
    total = int(printed.sum())
    if total and (printed & in_cells).sum() < PRINT_IN_CELLS * total:
        return False
    pad = int(40 * s)
    H, W = ink.shape
    wy0, wy1, wx0, wx1 = max(0, y0 - pad), min(H, y1 + pad), max(0, x0 - pad), min(W, x1 + pad)
    window = ink[wy0:wy1, wx0:wx1].astype(np.uint8)
    on_rules = np.zeros(window.shape, dtype=bool)
    on_rules[y0 - wy0:y1 - wy0, x0 - wx0:x1 - wx0] = rules[y0:y1, x0:x1]
    _n, labels = cv2.connectedComponents(window, connectivity=8)
    joined = np.unique(labels[on_rules & (window > 0)])
    joined = np.isin(labels, joined[joined > 0])
    inside = np.zeros_like(joined)
    m = 2  # the frame's own blur
    inside[max(0, y0 - wy0 - m):y1 - wy0 + m, max(0, x0 - wx0 - m):x1 - wx0 + m] = True
    return (joined & ~inside).sum() <= PRINT_BEYOND * max(1, int(joined.sum()))


def _longest_run(horiz: np.ndarray) -> int:
    """The widest horizontal rule: a table's rules run across it, a character's strokes do not."""
    cv2 = _cv2()
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(horiz.astype(np.uint8), connectivity=8)
    return int(stats[1:, cv2.CC_STAT_WIDTH].max()) if n > 1 else 0


def _close_cut_edges(rules: np.ndarray, vert: np.ndarray, s: float) -> None:
    """Draw the missing rule along a page break: a line fitted through the ends of the vertical rules
    that reach the frame's top (bottom) edge, and each of those rules drawn on to it.

    A table cut by the page has no rule along the cut.  Closing the frame's straight edge encloses its
    last cells only when the page is square to the camera; on a page photographed at a slight angle the
    rules end on a slanting line, and on a grainy scan they end a few pixels apart.  Where a rule does
    close the table, the line drawn runs along it and changes nothing.
    """
    cv2 = _cv2()
    h, w = rules.shape
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(vert.astype(np.uint8), connectivity=8)
    reach = max(10 * s, 0.04 * w)  # the slant of a keystone of two degrees across the table
    thick = max(2, int(3 * s))
    for top in (True, False):
        ends = []  # (x, y, long enough to place the line)
        for i in range(1, n):
            x, y, cw, ch, _area = stats[i]
            end = int(y) if top else int(y + ch - 1)
            if (end <= reach if top else end >= h - 1 - reach) and ch >= 20 * s:
                ends.append((int(x + cw // 2), end, ch >= 60 * s))  # 60: a row's height, not a title's stroke
        support = [(x, y) for x, y, long in ends if long]
        line = _fit_line(support, tolerance=3 * thick)
        # The table's own rules are spread across it; the strokes of a title printed close above are not.
        if line is None or max(x for x, _y in support) - min(x for x, _y in support) < w / 2:
            continue
        slope, icept = line
        xs = [x for x, _y, _l in ends]
        x0, x1 = min(xs), max(xs)
        cv2.line(rules, (x0, round(slope * x0 + icept)), (x1, round(slope * x1 + icept)), 255, thick)
        for x, y, _long in ends:
            on_line = round(slope * x + icept)
            if abs(on_line - y) <= max(3 * thick, 12 * s):  # a rule that grain ended early, not a short one
                cv2.line(rules, (x, y), (x, on_line), 255, thick)


def _fit_line(points: list[tuple[int, int]], tolerance: float) -> tuple[float, float] | None:
    """y = slope * x + intercept through the points, refitted without those farther than `tolerance`;
    None for fewer than three points on it or a slope steeper than 3° (not an edge of the table)."""
    if len(points) < 3:
        return None
    pts = np.array(points, dtype=float)
    for _ in range(2):
        slope, icept = np.polyfit(pts[:, 0], pts[:, 1], 1)
        near = np.abs(pts[:, 1] - (slope * pts[:, 0] + icept)) <= tolerance
        if near.sum() < 3:
            # The ends lie on no one line (rules ending at the frame and others a row below it, in reach of a
            # wide table's edge): a line through their middle would cut the first row's print in two.
            return None
        if near.all():
            break
        pts = pts[near]
    if abs(slope) > 0.05:
        return None
    return float(slope), float(icept)


def _cells(rules: np.ndarray, frame: Box, s: float) -> list[Box]:
    """The regions the rules enclose; a region open to the frame's edge lies outside the table."""
    cv2 = _cv2()
    free = (rules == 0).astype(np.uint8)
    # A table cut by a page break has no rule along the cut: close the frame's top and bottom edges so the
    # cells of its first and last rows are enclosed (the sides stay open: regions beside a narrower part
    # of the table are outside it).
    free[0, :] = 0
    free[-1, :] = 0
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    h, w = rules.shape
    out = []
    for i in range(1, n):
        x, y, cw, ch, _area = stats[i]
        if x == 0 or y == 0 or x + cw >= w or y + ch >= h:
            continue
        if cw < 8 * s or ch < 8 * s:
            continue
        out.append(Box(frame.x0 + int(x), frame.y0 + int(y), frame.x0 + int(x + cw), frame.y0 + int(y + ch)))
    return out


def group_rows(cells: list[Box], s: float = 1.0) -> list[list[Box]]:
    """Printed rows: cells side by side whose top edges meet the same rule.

    Neighbours are compared pairwise along the row, so a row that slopes a little (a skewed or
    photographed page) still holds together, where one global y-tolerance would split or merge rows.
    """
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    gap = 16 * s
    order = sorted(range(len(cells)), key=lambda i: cells[i].x0)
    for a in order:
        A = cells[a]
        for b in order:
            B = cells[b]
            if b == a or not (0 <= B.x0 - A.x1 <= gap):
                continue
            # A third of the lower cell, but never a whole row: a cell spanning many rows is as tall as them.
            tol = max(6 * s, min(0.3 * min(A.height, B.height), 15 * s))
            if abs(A.y0 - B.y0) <= tol and min(A.y1, B.y1) > max(A.y0, B.y0):
                parent[find(a)] = find(b)
    groups: dict[int, list[Box]] = {}
    for i in range(len(cells)):
        groups.setdefault(find(i), []).append(cells[i])
    rows = [sorted(g, key=lambda c: c.x0) for g in groups.values()]
    rows.sort(key=lambda r: (r[0].y0, r[0].x0))
    return rows


def text_lines(ink: np.ndarray, s: float = 1.0) -> list[Box]:
    """The lines of print inside a cell (ink already cleaned of rules and specks), top to bottom, each
    cropped to its ink: a wrapped label gives several lines, a number one."""
    rows = np.nonzero(ink.sum(axis=1) > 0)[0]
    if len(rows) == 0:
        return []
    min_gap, min_height = max(1, int(2 * s)), max(3, int(5 * s))
    bands, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r - prev > min_gap:
            bands.append((start, prev + 1))
            start = r
        prev = r
    bands.append((start, prev + 1))
    out = []
    for y0, y1 in bands:
        # Too low, or too little print for even a "1" (a grainy scan's specks that clean_specks left):
        # read, they come back as stray letters or digits.
        if y1 - y0 < min_height or ink[y0:y1].sum() < 30 * s * s:
            continue
        cols = np.nonzero(ink[y0:y1].sum(axis=0) > 0)[0]
        out.append(Box(int(cols[0]), int(y0), int(cols[-1] + 1), int(y1)))
    return out


def clean_specks(ink: np.ndarray, s: float = 1.0) -> np.ndarray:
    """Drop isolated dots (scanner dust, JPEG ringing) smaller than a full stop."""
    cv2 = _cv2()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= max(3, int(5 * s * s))
    keep[0] = False
    return keep[labels]
