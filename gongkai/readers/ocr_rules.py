"""Ruling lines of a table picture: horizontal and vertical rules told from the strokes of print.

Pure functions over a 0/1 ink mask (OpenCV morphology).  Sizes are given at 200 dpi (BASE_DPI) and scaled
by `dpi / 200`, as in ocr_table.py, which builds cells and rows from these rules.
"""
from __future__ import annotations

import numpy as np

BASE_DPI = 200


def _cv2():
    import cv2  # imported here: only pages that need OCR pay for OpenCV

    return cv2


def ruling_lines(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: runs of print far longer than any stroke of a character.

    A vertical rule is kept only where it meets a horizontal one: the tall strokes of 1 or 丨 in a
    cell never touch the cell's frame.
    """
    cv2 = _cv2()
    s = dpi / BASE_DPI
    img = ink.astype(np.uint8)
    # 45 px = 5.7 mm: longer than any stroke of body text (一 at 14 pt), shorter than the rule of a narrow
    # cell drawn as its own box (HTML tables with cellspacing print each cell's border separately).
    h_len, v_len = max(12, int(45 * s)), max(10, int(34 * s))
    gap = max(3, int(6 * s))
    horiz = _rule_runs(img, h_len, gap)
    column = cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    strict = cv2.morphologyEx(img, cv2.MORPH_OPEN, column)
    # A hairline one pixel wide, thresholded with grain, steps between neighbouring columns of pixels: a vertical
    # run is also looked for with a pixel of play each side (as a horizontal rule is followed a pixel up or
    # down), and what that adds must be as thin as a hairline: a bold character's stems, so widened, would
    # otherwise meet as rules.
    wavering = cv2.dilate(img, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    # Grain also drops rows of pixels from a hairline: a gap of up to 4 px is closed along it (the lines of
    # text stacked in a cell lie farther apart, and the thin test below still applies) — but not a gap to a
    # horizontal rule: a heading's stroke ending just above a table's top rule would become a "rule" poking
    # out of the table (信 over 001's table 二).
    off_rules = wavering & ~cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3))).astype(bool)
    wavering |= cv2.morphologyEx(off_rules.astype(np.uint8), cv2.MORPH_CLOSE,
                                 cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    played = cv2.morphologyEx(wavering, cv2.MORPH_OPEN, column)
    played &= ~cv2.dilate(strict, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(played, connectivity=8)
    thin = np.zeros(n, dtype=bool)
    for i in range(1, n):  # the print along it, a pixel or two each side, is a hairline's width, not a stroke's
        x, y, w, h, _area = stats[i]
        thin[i] = img[y:y + h, max(0, x - 2):x + w + 2].sum() <= 3.5 * s * h
    vert = cv2.morphologyEx(strict | thin[labels].astype(np.uint8), cv2.MORPH_CLOSE,
                            cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap * 2))) * 255
    vert = _bridge_breaks(vert, horiz, img, s)
    vert = _meeting(vert, horiz, gap)
    return horiz > 0, vert > 0


def _meeting(vert: np.ndarray, horiz: np.ndarray, gap: int) -> np.ndarray:
    """The vertical rules (0/255) that meet a horizontal one."""
    cv2 = _cv2()
    near_h = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (gap * 2 + 1, gap * 2 + 1)))
    n, labels, _stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    keep[np.unique(labels[(near_h > 0) & (vert > 0)])] = True
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


BRIDGE_REACH = 60  # px at 200 dpi: the longest break of a vertical rule bridged (about a row's height)
BRIDGE_TRACE = 0.3  # share of a break's length where the broken hairline still left print at its x
BRIDGE_THIN = 4  # px at 200 dpi: print in a break wider than this is a character, not a rule's remains


def _bridge_breaks(vert: np.ndarray, horiz: np.ndarray, ink: np.ndarray, s: float) -> np.ndarray:
    """Vertical rules (0/255) continued across the breaks grain leaves, each up to the next rule at its x.

    A hairline thresholded with grain breaks into dashes, and a cell whose dividing rule has a break
    merges with its neighbour.  A break is bridged only when it ends on a rule at the same x (±1 px) within
    BRIDGE_REACH, the hairline left print along BRIDGE_TRACE of it, and all the print there is thin: a
    character in the way (the long stroke of 上 under a rule, on a photographed page; the side of a 0; a
    seal's rim, thick) is joined to strokes reaching across, so a rule never cuts a label or a digit.  A
    rule that really ends, at a merged cell, ends on a horizontal rule: there is no break to bridge.
    """
    cv2 = _cv2()
    H, W = vert.shape
    rules = (vert > 0) | (horiz > 0)
    loose = ink.astype(bool) & ~cv2.dilate(rules.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    reach, side, thin, short = int(BRIDGE_REACH * s), max(6, int(15 * s)), BRIDGE_THIN * s, max(3, int(8 * s))
    out = vert.copy()
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        ends = [_gap_ahead(labels, rules, i, int(x), int(y), int(w), int(h), down, reach) for down in (True, False)]

        def passable(gap, xc) -> bool:
            """The break holds only the rule's own remains: a trace along it (unless a few pixels short) and no
            character's strokes crossing its line."""
            g0, g1 = gap
            # A few pixels short of the next rule need no trace: grain and blur thin a hairline where it meets one.
            if g1 - g0 > short and ink[g0:g1, xc - 1:xc + 2].any(axis=1).mean() < BRIDGE_TRACE:
                return False
            x0 = max(0, xc - side)
            _m, lab, st, _ = cv2.connectedComponentsWithStats(
                loose[g0:g1, x0:xc + side + 1].astype(np.uint8), connectivity=8)
            crossing = np.unique(lab[:, xc - 1 - x0:xc + 2 - x0])
            return not any(st[c, cv2.CC_STAT_WIDTH] > thin for c in crossing if c)

        for (gap, xc), (other, x_other) in (ends, ends[::-1]):
            # Only a piece of a rule is continued: its other end meets a rule or is itself a break to bridge.  A
            # stroke of a heading printed just above a table (the stems of 信, 情) ends a few pixels over its top
            # rule, but its top is free: paper, or print across the line, up to whatever lies above.
            if gap is None or gap[1] == gap[0] or other is None:
                continue
            if other[1] != other[0] and not passable(other, x_other):
                continue
            if passable(gap, xc):
                out[gap[0]:gap[1], xc] = 255
    return out


def _gap_ahead(labels, rules, i, x, y, w, h, down, reach):
    """((first row, end row) of the paper between piece i's end and the next rule at its x, or None when no
    rule lies within reach; empty when it meets one), and the x of the piece's end."""
    H, W = labels.shape
    end = y + h - 1 if down else y
    xs = np.nonzero(labels[end, x:x + w] == i)[0]
    xc = int(x + xs.mean().round()) if len(xs) else x + w // 2
    if xc < 1 or xc > W - 2:
        return None, xc
    # From the end row itself: a rule the piece crosses there (a horizontal one it ends on) is met at 0.
    lo, hi = (end, min(H, end + 1 + reach)) if down else (max(0, end - reach), end + 1)
    ahead = (rules[lo:hi, xc - 1:xc + 2] & (labels[lo:hi, xc - 1:xc + 2] != i)).any(axis=1)
    if not ahead.any():
        return None, xc
    k = int(np.argmax(ahead)) if down else int(np.argmax(ahead[::-1]))
    return ((lo, lo + k) if down else (hi - k, hi)), xc


WEAK_RULE = 0.25  # share along a rule's own line that continues it across the breaks a noisy scan leaves
RULE_SHARE = 0.6  # share of print along the whole of a rule so followed


def _rule_runs(img: np.ndarray, length: int, gap: int) -> np.ndarray:
    """Horizontal rules as a 0/255 mask.

    A rule starts where print runs unbroken for `length` pixels; it is then followed along its own
    row of pixels as long as a sliding window of `length` keeps WEAK_RULE of print (hysteresis): a
    hairline scanned with grain comes out dotted, with breaks of a few millimetres, which an unbroken
    run alone would miss, while text never starts a rule.  Print one pixel above or below counts, for
    a rule that wavers.
    """
    cv2 = _cv2()
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    # Seeds: unbroken runs of `length`, as a character's strokes never are (closing even 2 px gaps first
    # would join the strokes of a bold heading into one).
    strong = cv2.morphologyEx(img, cv2.MORPH_OPEN, kernel) > 0
    band = cv2.dilate(img, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    weak = cv2.blur(band.astype(np.float32), (length, 1), borderType=cv2.BORDER_CONSTANT) >= WEAK_RULE
    # Only where the rows a little above and below are mostly paper, as beside a rule (a cell's text keeps
    # more than 5 px = 0.6 mm from it): within a line of text they are print, and a stroke of it must not
    # carry a "rule" along the whole line.
    d = max(3, int(5 * length / 45))
    above, below = np.zeros_like(band), np.zeros_like(band)
    above[d:], below[:-d] = band[:-d], band[d:]
    share_above, share_below = (cv2.blur(x.astype(np.float32), (length, 1), borderType=cv2.BORDER_CONSTANT)
                                for x in (above, below))
    weak = (weak & (np.maximum(share_above, share_below) <= WEAK_RULE)) | strong  # a seed always stands
    # Runs of `weak` along each row of pixels, kept when they hold a strong window.
    w = np.pad(weak, ((0, 0), (0, 1))).ravel()
    starts = w & ~np.concatenate(([False], w[:-1]))
    run = np.cumsum(starts) * w
    good = np.zeros(run.max() + 1, dtype=bool)
    good[run[np.pad(strong, ((0, 0), (0, 1))).ravel() & w]] = True
    # A rule is mostly print along its whole run, breaks and all; the top row of a line of text that a
    # dash started is not.
    printed = np.bincount(run, weights=np.pad(band, ((0, 0), (0, 1))).ravel().astype(np.float64))
    good &= printed >= RULE_SHARE * np.bincount(run)
    good[0] = False
    kept = good[run].reshape(weak.shape[0], -1)[:, :-1]
    # From window centres back to the rule: the half window each side, but not past the rule's last print
    # (a closing bridges the breaks inside the rule and adds nothing beyond its ends).
    out = cv2.dilate(kept.astype(np.uint8) * 255, kernel) & cv2.morphologyEx(band * 255, cv2.MORPH_CLOSE, kernel)
    return cv2.morphologyEx(out, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap * 2, 1)))
