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

BASE_DPI = 200
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


def _cv2():
    import cv2  # imported here: only pages that need OCR pay for OpenCV

    return cv2


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


def ruling_lines(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: runs of print far longer than any stroke of a character.

    A vertical rule is kept only where it meets a horizontal one: the tall strokes of 1 or 丨 in a
    cell never touch the cell's frame.
    """
    cv2 = _cv2()
    s = dpi / BASE_DPI
    img = ink.astype(np.uint8) * 255
    # 45 px = 5.7 mm: longer than any stroke of body text (一 at 14 pt), shorter than the rule of a narrow
    # cell drawn as its own box (HTML tables with cellspacing print each cell's border separately).
    h_len, v_len = max(12, int(45 * s)), max(10, int(34 * s))
    horiz = cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vert = cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    # Close the small breaks a scan or a stamp leaves in a rule.
    gap = max(3, int(6 * s))
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap * 2, 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap * 2)))
    near_h = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (gap * 2 + 1, gap * 2 + 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    touching = np.unique(labels[(near_h > 0) & (vert > 0)])
    keep = np.zeros(n, dtype=bool)
    keep[touching] = True
    keep[0] = False
    vert = np.where(keep[labels], 255, 0).astype(np.uint8)
    return horiz > 0, vert > 0


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
        cells = _cells(rules[y:y + h, x:x + w], frame, s)
        if len(cells) >= 2:
            grids.append(Grid(frame, group_rows(cells, s)))
    grids.sort(key=lambda g: (g.frame.y0, g.frame.x0))
    return grids, rules > 0


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
            tol = max(6 * s, 0.3 * min(A.height, B.height))
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
        if y1 - y0 < min_height:
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
