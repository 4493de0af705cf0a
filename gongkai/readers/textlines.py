"""Text converted from a PDF by a machine (pdftotext -layout / -raw and the like): one table row per
line, its label first and its values after it, separated by spaces.

Such text breaks rows in ways a printed table never does, and this module puts them back together:
- a row label on its own line(s), its values on the next line as a bare row (…（区分处理的，只计这 /
  一情形，不计其他情形） 3), or its label's last words on the line after its values;
- page furniture inside tables: footers such as `— 5 —` or `- 3 -`, a browser's URL and date lines;
- group labels broken into pieces (（三）不予 / 公开) next to the rows' own labels.
A label is joined with the lines before it only when the joined text is a row of the form; anything
else stays a cell of its own, which the table parser ignores.  Values keep their order; which
columns they belong to is decided later, by their count (tables.fit_span) or, for the space-aligned
output of -layout, by the column they are printed under (columns.py).
"""
from __future__ import annotations

import re

from gongkai.model import Row
from gongkai.parse.labels import LabelIndex, label_key, parse_cell, squash
from gongkai.schema import registry as R

_KNOWN = LabelIndex(R.AD_ITEMS + R.APP_ROWS)
_GROUP_KEYS = {label_key(g) for g in (R.G_RESULTS, R.G_REFUSED, R.G_UNABLE, R.G_NOT_PROCESSED, R.G_OTHER)}
# Page furniture: '- 3 -', '— 5 —', '－ 12 －', '第 3 页', '3/6' with a URL, a browser's date line.
_FURNITURE = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|"
    r"\S*://\S*(?:\s+\d{1,3}\s*/\s*\d{1,3})?|\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?)\s*$")
_TOKEN = re.compile(r"\S+")
_UNITS = ("元", "万元")
_HEADINGS = {label_key(w) for w in R.HEADER_WORDS + ("行政复议", "行政诉讼", "总计", "申请人情况")}
_CELL_GAP = re.compile(r"\s{2,}")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.、．]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")
NUMERIC_LINES_MIN = 5
MAX_JOINED = 4  # a label is never broken over more lines than this


class _Placed(str):
    """A value token that remembers where it is printed (line, start, end), so the row built from it can
    record its place (Row.spans).  The row's cells themselves are plain strings again (to_rows)."""

    line: int
    start: int
    end: int


def _placed(text: str, line: int, start: int, end: int) -> _Placed:
    out = _Placed(text)
    out.line, out.start, out.end = line, start, end
    return out


def is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))


def split_values(line: str) -> tuple[str, list[tuple[str, int]]]:
    """(label text, [(value, column where it starts)]) of one line: the values are the numbers that
    end the line, each a separate token."""
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(line)]
    if len(tokens) >= 2 and tokens[-1][0] in _UNITS and parse_cell(tokens[-2][0]).kind == "number":
        tokens[-2:] = [(tokens[-2][0] + tokens[-1][0], tokens[-2][1])]  # 251000 元: the unit of the amount
    k = len(tokens)
    while k > 0 and parse_cell(tokens[k - 1][0]).kind == "number":
        k -= 1
    label = line[: tokens[k][1]].rstrip() if k < len(tokens) else line.rstrip()
    if k == 0:
        label = ""
    return label.strip(), tokens[k:]


def looks_like_text_lines(lines: list[str]) -> bool:
    """True for converted PDF text: several lines that end in three or more numbers after a label."""
    count = 0
    for line in lines:
        label, values = split_values(line)
        if len(values) >= 3 and not ("\t" in line or "|" in line):
            count += 1
            if count >= NUMERIC_LINES_MIN:
                return True
    return False


def _known(text: str) -> bool:
    key = label_key(text)
    return bool(key) and (key in _GROUP_KEYS or _KNOWN.match(text) is not None)


def _exact(text: str) -> bool:
    return label_key(text) in _KNOWN.by_key


def _bare(text: str) -> str:
    return _NUMBERED.sub("", squash(text))


# Full printed labels (numbering off, parenthetical notes kept) -> the key of their row.
_FULL_LABELS = {_bare(w): label_key(d.zh) for d in R.AD_ITEMS + R.APP_ROWS for w in (d.zh, *d.aliases)}
_OTHER_KEY = label_key(R.G_OTHER)
_OTHER_SUB_KEYS = {label_key(d.zh) for d in R.APP_ROWS if d.code in R.OTHER_SPLIT}
_KEY_LABEL = {label_key(d.zh): d.zh for d in R.AD_ITEMS + R.APP_ROWS}
PREFIX_MIN = 6


def completes(text: str) -> str | None:
    """The row label `text` begins, when it is the start of exactly one label of the form (a label cut
    by a page break: （二）部分公开（区分处理的，只计 …)."""
    bare = _bare(text)
    if len(bare) < PREFIX_MIN:
        return None
    keys = {key for full, key in _FULL_LABELS.items() if full.startswith(bare)}
    return keys.pop() if len(keys) == 1 else None


def attach(pending: list[str], label: str) -> tuple[list[str], str]:
    """The cells before a row's label, and the label, from the label-only lines above it.

    The label alone wins when it is a row of the form; otherwise the shortest run of lines ending
    with it that is a row; otherwise the label stays as printed and the lines stay cells of their own.
    """
    if label and _exact(label):
        return pending, label
    low = max(len(pending) - MAX_JOINED, 0)
    for j in range(len(pending) - 1, low - 1, -1):
        joined = "".join(pending[j:]) + label
        if _exact(joined):
            return pending[:j], joined
    if label and _known(label):
        return pending, label
    for j in range(len(pending) - 1, low - 1, -1):
        joined = "".join(pending[j:]) + label
        if _KNOWN.match(joined) is not None:
            return pending[:j], joined
    return pending, label


def label_cells(label: str) -> list[str]:
    """A label part printed with wide gaps holds several cells: （三）不予  4.保护第三方合法权益.  A line
    of column headings is split at every space (行政复议 行政诉讼), so each heading is seen as one."""
    words = label.split()
    if len(words) > 1 and any(label_key(w) in _HEADINGS for w in words):
        return words
    cells = [c for c in _CELL_GAP.split(label.strip()) if c]
    if cells and not _exact(cells[-1]):
        # （四）无法提供 1.本机关不掌握相关政府信息: a group and a row label one space apart
        words = cells[-1].split()
        for k in range(1, len(words)):
            if _exact("".join(words[k:])):
                return cells[:-1] + [" ".join(words[:k]), "".join(words[k:])]
    return cells


def _items(lines: list[tuple[str, int]]) -> list[tuple[list[str], list[str], int]]:
    """(label pieces, values, line number) per line that is not blank and not page furniture."""
    out = []
    for line, number in lines:
        if not line.strip() or is_furniture(line):
            continue
        label, tokens = split_values(line)
        parts = label_cells(label)
        # The value's place: its own token (an amount's unit after a space is not part of the number).
        values = [_placed(v, number, col, _TOKEN.match(line, col).end()) for v, col in tokens]
        if any(parse_cell(p).kind == "number" for p in parts):
            number = -number  # a number inside the label part: this line's pieces never make a blank row
        out.append((parts, values, number))
    return out


def _closes_a_row(item) -> bool:
    """A label-only line that is (or starts) a row or group of its own."""
    parts, values, _n = item
    return not values and bool(parts) and (_known(parts[0]) or bool(_NUMBERED.match(parts[0])))


def text_line_rows(lines: list[tuple[str, int]]) -> list[tuple[list[str], list[str], int]]:
    """Logical rows of the text: (label cells, values, line number), in order.  A row label printed
    with no values at all, between other rows, is a row of blank cells."""
    items = _items(lines)
    rows: list[tuple[list[str], list[str], int]] = []
    pending: list[tuple[str, int]] = []  # label-only pieces not yet given to a row

    def blank_row(joined: str, key: str, following: str | None) -> bool:
        if key == _OTHER_KEY:
            # （六）其他处理 alone is the 2019 edition's row, unless its three sub-rows follow it
            return following is not None and label_key(following) not in _OTHER_SUB_KEYS
        return key not in _GROUP_KEYS and (key not in _HEADINGS or bool(_NUMBERED.match(joined)))

    def flush(pieces, following=None):
        i = 0
        while i < len(pieces):
            for k in range(min(MAX_JOINED, len(pieces) - i), 0, -1):
                joined = "".join(p for p, _n in pieces[i:i + k])
                key = label_key(joined)
                after = pieces[i + k][0] if i + k < len(pieces) else following
                if all(n > 0 for _p, n in pieces[i:i + k]) and _exact(joined) and blank_row(joined, key, after):
                    rows.append(([joined], [""] * len(R.APPLICANTS), pieces[i][1]))
                    i += k
                    break
            else:
                rows.append(([pieces[i][0]], [], pieces[i][1]))
                i += 1

    i = 0
    while i < len(items):
        parts, values, number = items[i]
        i += 1
        if not values:
            pending.extend((p, number) for p in parts)
            continue
        before, last = (parts[:-1], parts[-1]) if parts else ([], "")
        pieces = pending + [(p, number) for p in before]
        names = [p for p, _n in pieces]
        whole_rows = [p for p in names if _exact(p) and label_key(p) not in _GROUP_KEYS]
        if len(values) > len(R.APPLICANTS) or (not parts and len(whole_rows) >= 2):
            # More values than any labelled row has: a bare row (table 四's 15), never a label's.  Or a bare
            # row under two or more whole row labels: a converter that prints the label column before the
            # value columns; which label the values belong to is unknown, so they go to none, and the labels
            # are not taken for blank rows either.
            for text, at in pieces:
                rows.append(([text], [], at))
            rows.append(([last] if last else [], values, number))
            pending = []
            continue
        else:
            prefix, full = attach(names, last)
            nxt = items[i] if i < len(items) else None
            if full and not _known(full):
                # the label's last words on the line(s) after its values: …（区分处理的，只计这 3 / 一情形…）
                longer, k = full, i
                while k < len(items) and k - i < MAX_JOINED and not items[k][1] and items[k][0]:
                    longer += items[k][0][0]
                    k += 1
                    if _exact(longer):
                        break
                if _exact(longer):
                    full = longer
                    pending_next = [(p, items[k - 1][2]) for p in items[k - 1][0][1:]]
                    i = k
                    kept = pieces[: len(prefix)]
                    flush(kept, full)
                    rows.append(([full], values, (pieces[len(prefix)][1] if len(pieces) > len(prefix) else number)))
                    pending = pending_next
                    continue
            prev = items[i - 2] if i >= 2 else None
            if not full and not pieces and nxt and _closes_a_row(nxt) and _exact("".join(nxt[0])) \
                    and prev is not None and prev[0] and prev[1] \
                    and not (i + 1 < len(items) and items[i + 1][1] and not items[i + 1][0]):
                # a bare row of values between a whole row and a label printed alone: the label's values
                rows.append((["".join(nxt[0])], values, number))
                i += 1
                continue
        kept = pieces[: len(prefix)]
        flush(kept, full or None)
        first = pieces[len(prefix)][1] if len(pieces) > len(prefix) else number
        rows.append(([full] if full else [], values, first))
        pending = []
    flush(pending)
    return rows


def to_rows(lines: list[tuple[str, int]]) -> list[Row]:
    out = []
    for cells, values, number in text_line_rows(lines):
        printed = tuple(cells) + tuple(values)
        spans = tuple((c.line, c.start, c.end) if isinstance(c, _Placed) else None for c in printed)
        out.append(Row(tuple(map(str, printed)), index=abs(number), spans=spans))
    return out


def row_key(cells) -> str | None:
    """The key of the form row a row's label names exactly (its last text cell), or None."""
    texts = [c for c in cells if c.strip() and parse_cell(c).kind == "text"]
    if not texts:
        return None
    if _exact(texts[-1]):
        return label_key(texts[-1])
    return completes(texts[-1])


def missing_rows(text_lines: list[str], found: set[str], page: int) -> list[Row]:
    """Rows the page's text prints with values whose label no table row of the document has: a row a
    table finder lost (at a page break, or beside a merged group cell printed off its line)."""
    out = []
    for cells, values, _number in text_line_rows([(line, n) for n, line in enumerate(text_lines, 1)]):
        key = row_key(cells)
        if key and key not in found and any(v.strip() for v in values) and len(values) <= len(R.APPLICANTS):
            label = cells[-1] if _exact(cells[-1]) else _KEY_LABEL[key]  # a label cut short, completed
            out.append(Row((label,) + tuple(map(str, values)), page=page))
            found.add(key)
    return out
