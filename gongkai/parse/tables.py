"""Rows of printed cells -> the three statistical tables, keyed by stable codes.

Rows are recognised by their labels, never by position: a table may start on any
page, rows may be split or repeated, and header rows come in many shapes.
"""
from __future__ import annotations

import re

from gongkai.schema import registry as R
from gongkai.model import CellValue, Row, Tables
from gongkai.parse.labels import LabelIndex, label_key, parse_cell, squash


def _source(row: Row | None, cell_index: int | None) -> dict:
    if row is None:
        return {}
    return {"page": row.page, "table": None if row.table is None else row.table + 1,
            "row": None if row.index is None else row.index + (0 if row.table is None else 1),
            "cell": None if cell_index is None else cell_index + 1,
            "span": row.spans[cell_index] if row.spans and cell_index is not None else None,
            "box": row.boxes[cell_index] if row.boxes and cell_index is not None else None}


_HEADER_KEYS = {label_key(w) for w in R.HEADER_WORDS}
_RL_HEADER_KEYS = {label_key(w) for w in ("行政复议", "行政诉讼", "结果维持", "复议后起诉")}
_AD_ITEMS = LabelIndex(R.AD_ITEMS)
_GROUPS = {
    label_key(R.G_RESULTS): "results",
    label_key(R.G_REFUSED): "refused",
    label_key(R.G_UNABLE): "unable",
    label_key(R.G_NOT_PROCESSED): "not_processed",
    label_key(R.G_OTHER): "other",
}
_APP_BY_GROUP = {
    g: LabelIndex([d for d in R.APP_ROWS if d.group_code == g])
    for g in ("refused", "unable", "not_processed", "other")
}
# Rows that are not inside a sub-group; 3.其他 is only recognised inside （六）其他处理.
_APP_TOP = LabelIndex([d for d in R.APP_ROWS if d.group_code in ("", "results")])
_APP_LEAVES = LabelIndex([d for d in R.APP_ROWS if d.group_code in ("refused", "unable", "not_processed")
                          or d.code in ("other_no_correction", "other_unpaid_fee")])
RL_CELL_COUNT = len(R.RL_CATEGORIES) * len(R.RL_RESULTS)


def detect_edition(texts) -> str | None:
    """The edition whose table-二 labels the document prints; None when it prints neither."""
    joined = squash(" ".join(texts))
    score = {ed: sum(joined.count(squash(m)) for m in markers) for ed, markers in R.EDITION_MARKERS.items()}
    best = max(score, key=lambda ed: score[ed])
    if score[best] == 0:
        return None
    if list(score.values()).count(score[best]) > 1:
        return None
    return best


def _is_header(cells) -> bool:
    return any(label_key(c) in _HEADER_KEYS or "勾稽关系" in squash(c) for c in cells if c)


AMBIGUOUS_PLACEMENT = "empty cells on both sides of the values, so which columns they are in is unknown"


def placements(cells: list[str], expected: int) -> list[int]:
    """Where `expected` cells can start in `cells` so that every cell left out is empty (layout only)."""
    if len(cells) <= expected:
        return [0]
    return [s for s in range(len(cells) - expected + 1)
            if not any(c.strip() for c in cells[:s]) and not any(c.strip() for c in cells[s + expected:])]


def fit_span(cells: list[str], expected: int, hint: int | None = None, check=None) -> tuple[int, list[str], str | None]:
    """Trim layout-only empty cells around a row's values until the count matches.

    Returns where the kept values start in `cells`, the values (possibly fewer than
    expected) and a problem, if any.  When the empty cells could be trimmed from either end
    and that moves values between columns, the placement is decided only by `check` (a
    reading the row's own total refutes is dropped) or by `hint` (where rows of the same shape
    in the same table have their values); otherwise the problem is AMBIGUOUS_PLACEMENT.
    """
    if len(cells) < expected:
        return 0, list(cells), f"{len(cells)} of {expected} cells"
    starts = placements(cells, expected)
    if not starts:
        return 0, [], f"{len(cells)} cells where the form has {expected}"
    readings = {s: tuple(cells[s:s + expected]) for s in starts}
    if len(set(readings.values())) > 1 and check is not None:
        kept = [s for s in starts if check(readings[s])]
        starts = kept or starts
    if len({readings[s] for s in starts}) > 1:
        if hint not in starts:
            return starts[0], list(cells[starts[0]:]), AMBIGUOUS_PLACEMENT
        starts = [hint]
    return starts[0], list(readings[starts[0]]), None


def _cell(raw: str, row: Row | None = None, cell_index: int | None = None) -> CellValue:
    parsed = parse_cell(raw)
    src = _source(row, cell_index)
    if row is not None and row.confidence is not None and cell_index is not None:
        return _ocr_cell(parsed, raw, row.confidence[cell_index], src)
    if parsed.kind == "number":
        return CellValue(parsed.value, "reported", raw, **src)
    if parsed.kind == "blank":
        return CellValue(None, "blank", raw, **src)
    return CellValue(None, "unreadable", raw, **src)


def _ocr_cell(parsed, raw: str, confidence: float, src: dict) -> CellValue:
    """A cell read from a picture: a number the engine is sure of is `ocr`; an empty cell with nothing
    printed is `blank`; anything else printed there (unsure digits, unreadable print) is `illegible`."""
    if parsed.kind == "number" and confidence >= R.OCR_MIN_CONFIDENCE:
        return CellValue(parsed.value, "ocr", raw, confidence=confidence, **src)
    if parsed.kind == "blank" and confidence >= R.OCR_MIN_CONFIDENCE:
        return CellValue(None, "blank", raw, confidence=confidence, **src)
    return CellValue(None, "illegible", raw, confidence=confidence, **src)


def _label_positions(cells) -> list[int]:
    return [i for i, c in enumerate(cells) if c.strip() and parse_cell(c).kind == "text"]


def _store(out: Tables, table: str, row_code: str, col_codes, values, row: Row, first: int, problem,
           last=False, indices=None):
    where = _where(row)
    found = out.rows_found.setdefault(table, [])
    if row_code in found:
        out.warnings.append(f"{table}: row '{row_code}' printed twice ({where}); the first is kept")
        return
    found.append(row_code)
    if problem:
        out.warnings.append(f"{table}: row '{row_code}' has {problem} ({where})")
    target = out.cells.setdefault(table, {})
    short = 0 < len(values) < len(col_codes)
    # A picture's row short of cells lost a rule (merged cells), wherever it sits in the document.
    if problem == AMBIGUOUS_PLACEMENT or (short and (not last or row.confidence is not None)):
        # Cells were dropped inside the document (blank cells lost in the text), so which
        # columns the values belong to is unknown: publish none of them.
        raw = " | ".join(values)
        for col in col_codes:
            target[(row_code, col)] = CellValue(None, "ambiguous", raw, **_source(row, None))
        return
    for i, (col, raw) in enumerate(zip(col_codes, values)):
        target[(row_code, col)] = _cell(raw, row, indices[i] if indices else first + i)


def _where(row: Row) -> str:
    if row.page:
        return f"page {row.page}"
    if row.table is not None:
        return f"table {row.table + 1}, row {row.index + 1}"
    return f"line {row.index}"


def parse_tables(rows: list[Row], texts: list[str]) -> Tables:
    edition = detect_edition(texts)
    out = Tables(edition=edition, other_layout="split" if edition == R.EDITION_2021 else "single")
    group = None
    after_rl_header = False
    last_index = len(rows) - 1
    hints = placement_hints(rows)
    header = None
    for i, row in enumerate(rows):
        last = i == last_index
        cells = list(row.cells)
        if not any(c.strip() for c in cells):
            continue
        if _is_header(cells):
            header = cells
            if any(label_key(c) in _RL_HEADER_KEYS for c in cells):
                after_rl_header = True
            continue
        labels = _label_positions(cells)
        if not labels:
            if after_rl_header and sum(1 for c in cells if c.strip()) >= 1:
                start, vals, problem = fit_span(cells, RL_CELL_COUNT)
                if problem is None or len(vals) > RL_CELL_COUNT // 2:
                    codes = [(cat.code, res.code) for cat in R.RL_CATEGORIES for res in R.RL_RESULTS]
                    _store_rl(out, codes, vals, row, start, problem)
                    after_rl_header = False
            continue
        if _parse_ad_row(out, cells, labels, row, edition, last, header):
            continue
        group = _parse_app_row(out, cells, labels, row, group, last, hints)
    if out.found("applications") and "other_total" in out.rows_found["applications"]:
        out.other_layout = "single"
    elif any(c in out.rows_found.get("applications", []) for c in R.OTHER_SPLIT):
        out.other_layout = "split"
    return out


def _store_rl(out: Tables, codes, vals, row: Row, first: int, problem):
    if "reviews_litigation" in out.rows_found:
        out.warnings.append(f"reviews_litigation: a second value row was ignored ({_where(row)})")
        return
    out.rows_found["reviews_litigation"] = ["all"]
    if problem:
        out.warnings.append(f"reviews_litigation: value row has {problem} ({_where(row)})")
    target = out.cells.setdefault("reviews_litigation", {})
    if problem and row.confidence is not None:
        # Read from a picture: a short row means a rule the scan lost merged two cells, so every value
        # after it would land one column off.  None is published.
        raw = " | ".join(vals)
        for code in codes:
            target[code] = CellValue(None, "ambiguous", raw, **_source(row, None))
        return
    for i, (code, raw) in enumerate(zip(codes, vals)):
        target[code] = _cell(raw, row, first + i)


def _parse_ad_row(out: Tables, cells, labels, row: Row, edition, last=False, header=None) -> bool:
    for pos in labels:
        item = _AD_ITEMS.match(cells[pos])
        if item is None:
            continue
        if edition is None:
            out.warnings.append(f"active_disclosure: row '{item.code}' found but the edition is unknown")
            return True
        layout = R.AD_LAYOUT[edition].get(item.code)
        if layout is None:
            out.warnings.append(f"active_disclosure: row '{item.code}' is not part of the {edition} edition")
            return True
        if not cells[pos + 1:]:
            return True  # a label with no cells after it: a heading, not a data row
        start, vals, problem = fit_span(cells[pos + 1:], len(layout))
        spans = _under_header(header, cells, pos, len(layout)) if problem else None
        if spans is not None:
            vals, indices = spans
            _store(out, "active_disclosure", item.code, layout, vals, row, 0, None, last, indices)
            return True
        _store(out, "active_disclosure", item.code, layout, vals, row, pos + 1 + start, problem, last)
        return True
    return False


def _under_header(header, cells, pos: int, expected: int):
    """A row with more cells than the form has, read under its header row of the same shape: each
    heading spans the empty heading cells after it (a merged cell split by the converter), and holds
    the one value printed under it (values, cell indices); None when that does not fit."""
    if not header or len(header) != len(cells) or not header[pos + 1:] or not header[pos + 1].strip():
        return None
    spans: list[list[int]] = []
    for i in range(pos + 1, len(cells)):
        if header[i].strip():
            spans.append([])
        spans[-1].append(i)
    if len(spans) != expected:
        return None
    vals, indices = [], []
    for span in spans:
        filled = [i for i in span if cells[i].strip()]
        if len(filled) > 1:
            return None
        vals.append(cells[filled[0]] if filled else "")
        indices.append(filled[0] if filled else span[0])
    return vals, indices


def _parse_app_row(out: Tables, cells, labels, row: Row, group, last=False, hints=None):
    """Match a table-三 row; returns the group (（三）不予公开 …) in force after this row."""
    matched = None
    matched_pos = None
    for pos in labels:
        key = label_key(cells[pos])
        if key in _GROUPS:
            group = _GROUPS[key]
            if group == "other":
                matched, matched_pos = R.by_code(R.APP_ROWS)["other_total"], pos
            continue
        dim = None
        if group in _APP_BY_GROUP:
            dim = _APP_BY_GROUP[group].match(cells[pos])
        if dim is None:
            dim = _APP_TOP.match(cells[pos]) or _APP_LEAVES.match(cells[pos])
        if dim is not None:
            matched, matched_pos = dim, pos
            if dim.group_code in _APP_BY_GROUP:
                group = dim.group_code
            elif dim.code in ("carried_forward", "new_received"):
                group = None
    if matched is None:
        return group
    values = cells[matched_pos + 1:]
    if not values:
        return group  # a label with no cells after it: a heading, not a data row
    if matched.code == "other_total" and not any(v.strip() for v in values) and len(values) < len(R.APPLICANTS):
        # （六）其他处理 printed as a group heading over its three sub-rows.
        return group
    cols = [c.code for c in R.APPLICANTS]
    forced = hints.get((len(cells), matched_pos), set()) if hints else set()
    hint = next(iter(forced)) - matched_pos - 1 if len(forced) == 1 else None
    start, vals, problem = fit_span(values, len(cols), hint, _row_total_holds)
    _store(out, "applications", matched.code, cols, vals, row, matched_pos + 1 + start, problem, last)
    return group


def _row_total_holds(vals) -> bool:
    """False only when the six applicant cells and the total are all numbers that do not add up."""
    parsed = [parse_cell(v) for v in vals]
    if any(p.kind != "number" for p in parsed):
        return True
    return sum(p.value for p in parsed[:6]) == parsed[6].value


def placement_hints(rows: list[Row]) -> dict[tuple[int, int], set[int]]:
    """{(cells in the row, position of its last label): where its values start} for the table-三 rows
    whose placement is forced (a value at one end of the row).  Rows of one table share a shape, so a
    row whose empty cells could be on either side takes its columns from them."""
    out: dict[tuple[int, int], set[int]] = {}
    width = len(R.APPLICANTS)
    for row in rows:
        cells = list(row.cells)
        labels = _label_positions(cells)
        if not labels:
            continue
        pos = labels[-1]
        values = cells[pos + 1:]
        if len(values) <= width:
            continue
        starts = placements(values, width)
        if len(starts) == 1:
            out.setdefault((len(cells), pos), set()).add(pos + 1 + starts[0])
    return out


# Text whose table labels are immediately followed by digits: crawler output with no separators.
_RUN_TOGETHER = re.compile(r"(本年新收政府信息公开申请数量|行政规范性文件|规章)[0-9]{3,}")


def cells_run_together(texts) -> bool:
    return bool(_RUN_TOGETHER.search(squash(" ".join(texts))))
