"""Recover table cells from crawler text whose cells run together (`一、本年新收…15130000154`).

A run of digits is split into the row's cells only where the form's identities admit
exactly one split; such values are `inferred`.  Where several splits fit, the cells are
`ambiguous` and get no value.  Nothing here guesses.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from gongkai.schema import registry as R
from gongkai.model import CellValue

MAX_SPLITS = 5000
MAX_COMBINATIONS = 200_000
# The digits after a label, with the unit an amount may carry (政府集中采购547.9659万元).
_RUN = re.compile(r"[\s\d.\-]*(?:万元|元)?")
_TOKEN = re.compile(r"-?[\d.]+")


def _parts(digits: str, k: int, negative_first: bool):
    """Ways to cut a digit string into k integers without leading zeros."""
    if k == 1:
        if len(digits) > 1 and digits[0] == "0":
            return
        yield (("-" if negative_first else "") + digits,)
        return
    for cut in range(1, len(digits) - k + 2):
        head = digits[:cut]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _parts(digits[cut:], k - 1, False):
            yield (("-" if negative_first else "") + head,) + rest


def split_run(run: str, n: int) -> list[tuple[Decimal, ...]] | None:
    """Every way to read `run` as n numbers; white space and '-' are boundaries that must be kept.

    None when the run cannot be read at all (a decimal point before the last cell, too many splits).
    """
    tokens = _TOKEN.findall(run)
    if not tokens or len(tokens) > n:
        return []
    if n == 1:
        try:
            return [(Decimal(tokens[0]),)] if len(tokens) == 1 else []
        except InvalidOperation:
            return None
    # A decimal point can only be in the run's last cell (the amount that ends a 2019 procurement or fee
    # row): a fraction is the end of a number, so what follows it cannot be another cell of the run.
    if any("." in t for t in tokens[:-1]) or tokens[-1].count(".") > 1 or tokens[-1].endswith(".") \
            or tokens[-1].lstrip("-").startswith("."):
        return None
    head, _, frac = tokens[-1].partition(".")
    tokens = tokens[:-1] + [head]
    out = []
    lengths = [len(t.lstrip("-")) for t in tokens]
    for counts in _compositions(n, len(tokens), lengths):
        per_token = [list(_parts(t.lstrip("-"), c, t.startswith("-"))) for t, c in zip(tokens, counts)]
        if frac:
            per_token[-1] = [p[:-1] + (p[-1] + "." + frac,) for p in per_token[-1]]
        for combo in itertools.product(*per_token):
            out.append(tuple(Decimal(x) for part in combo for x in part))
            if len(out) > MAX_SPLITS:
                return None
    return out


def _compositions(n: int, k: int, caps: list[int]):
    """Ways to give each of k tokens at least one and at most caps[i] cells, n cells in all."""
    if k == 1:
        if 1 <= n <= caps[0]:
            yield (n,)
        return
    for first in range(1, min(caps[0], n - k + 1) + 1):
        for rest in _compositions(n - first, k - 1, caps[1:]):
            yield (first,) + rest


# ---------------------------------------------------------------------------
# Finding the runs in the text
# ---------------------------------------------------------------------------
def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def _pattern(label: str) -> re.Pattern:
    chars = [re.escape(c) for c in _flat(label).replace(" ", "")]
    return re.compile(r"\s?".join(chars))


def _strip_numbering(label: str) -> tuple[str, str]:
    """('2.', '其他法律行政法规禁止公开') from '2.其他法律行政法规禁止公开'."""
    m = re.match(r"^(\d+\.|[（(][一二三四五六七][）)]|[一二三四]、)?(.*)$", _flat(label))
    return (m.group(1) or ""), m.group(2)


def _label_match(flat: str, body: str, pos: int):
    """(start, end) of a label's first occurrence from pos; a parenthetical note ending the label is optional."""
    m = _pattern(body).search(flat, pos)
    if m:
        return m.start(), m.end()
    short = re.sub(r"[（(][^）)]*[）)]$", "", body)
    m = _pattern(short).search(flat, pos) if short != body else None
    if not m:
        return None
    # A parenthetical note after the label belongs to the label, not the run.
    note = re.match(r"\s?[（(][^）)]*[）)]", flat[m.end():])
    return m.start(), m.end() + (note.end() if note else 0)


def find_runs(text: str, labels, start: int = 0) -> tuple[dict[str, str], int, set[str]]:
    """{code: the run of digits after its label}, searching labels in form order from `start`.

    `labels` is [(code, label or several printed wordings)]; the wording found first wins.  Also
    returns where the search ended and the codes whose label is followed straight by the next
    label: a row printed with no digits at all, i.e. blank cells.
    """
    flat = _flat(text)
    variants = {code: (label,) if isinstance(label, str) else tuple(label) for code, label in labels}
    order = [code for code, _ in labels]
    numbering = {code: _strip_numbering(variants[code][0])[0] for code in order}
    found: list[tuple[str, int, int]] = []  # (code, where its label starts, where it ends)
    pos = start
    for code in order:
        hits = [h for h in (_label_match(flat, _strip_numbering(v)[1], pos) for v in variants[code]) if h]
        if not hits:
            continue
        begin, end = min(hits, key=lambda h: (h[0], -h[1]))
        found.append((code, begin, end))
        pos = end
    runs, glued = {}, set()
    for i, (code, _begin, end) in enumerate(found):
        run = _RUN.match(flat, end).group(0)
        # The next row's list number glued to this row's digits (…属于国家秘密00000002.其他法律…): it is
        # the number of the row that follows in the form, whether or not that row's wording was found.
        k = order.index(code)
        following = [numbering[c] for c in order[k + 1:k + 2]]
        if i + 1 < len(found):
            following.append(numbering[found[i + 1][0]])
        for number in following:
            if number.endswith(".") and run.rstrip().endswith(number):
                run = run.rstrip()[: -len(number)]
                break
        runs[code] = run.strip()
        if not runs[code] and i + 1 < len(found):
            gap = flat[end:found[i + 1][1]].strip()
            number = numbering[found[i + 1][0]]
            if number and gap.endswith(number):
                gap = gap[: -len(number)]
            if not gap.strip():
                glued.add(code)
    return runs, pos, glued


def other_layout_in_text(text: str, default: str) -> str:
    """How run-together text prints （六）其他处理: one row with digits after it ("single") or its
    three sub-rows ("split").  Reports mix editions (a 2021 table 二 with the 2019 single row)."""
    flat = _flat(text)
    at = flat.find("本年新收")
    body = flat[at:] if at >= 0 else flat
    if re.search(r"逾期\s?不\s?补\s?正", body):
        return "split"
    if re.search(r"其他处理\s?-?\d", body):
        return "single"
    return default


# ---------------------------------------------------------------------------
# Choosing splits with the identities
# ---------------------------------------------------------------------------
def _row_ok_applications(v) -> bool:
    return sum(v[:6]) == v[6]


def _rl_ok(v) -> bool:
    return all(sum(v[i:i + 4]) == v[i + 4] for i in range(0, 15, 5))


def _columns_ok(assign: dict[str, tuple], leaves: tuple[str, ...]) -> bool:
    for col in range(7):
        def g(code):
            return assign[code][col] if code in assign else None
        new, carried, total, fwd = g("new_received"), g("carried_over"), g("total"), g("carried_forward")
        if None not in (new, carried, total, fwd) and new + carried != total + fwd:
            return False
        parts = [g(c) for c in leaves]
        if total is not None and None not in parts and sum(parts) != total:
            return False
    return True


def _agreed(readings) -> tuple | None:
    """Per cell, the value every reading agrees on (None where they differ); None when there is no reading."""
    readings = list(readings)
    if not readings:
        return None
    return tuple(vals.pop() if len(vals) == 1 else None for vals in (set(col) for col in zip(*readings)))


def choose_cells(candidates: dict[str, list[tuple] | None], leaves: tuple[str, ...],
                 runs: dict[str, str] | None = None) -> dict[str, tuple | None]:
    """Per row, per cell: the value every reading that fits the identities agrees on, else None.

    A cell is published only when it is forced: every split of its row that keeps the row total and,
    where the rows are few enough to try together, the column identities, gives it the same value
    (4500 read as 行政许可's three cells is 45|0|0 or 4|50|0: the last cell is 0 either way).  A row
    whose digits are too few for its cells (one cell lost in the crawl: '0 00000') is solved from
    the column identity it alone leaves open, and kept only when its printed digits are that
    solution's digits less one cell.  A row printed inconsistently (its total is not the sum of its
    cells) is read only where the column identities pin its six applicant cells to one split.
    """
    fitting = {code: [c for c in cands if _row_ok_applications(c)] if cands is not None else None
               for code, cands in candidates.items()}
    fixed = {code: c[0] for code, c in fitting.items() if c is not None and len(c) == 1}
    open_rows = [code for code, c in fitting.items() if c is not None and len(c) > 1]
    sizes = 1
    for code in open_rows:
        sizes *= len(fitting[code])
    chosen: dict[str, tuple | None] = {code: fixed.get(code) for code in candidates}
    solutions = None
    if open_rows and sizes <= MAX_COMBINATIONS:
        solutions = [combo for combo in itertools.product(*(fitting[c] for c in open_rows))
                     if _columns_ok(dict(fixed, **dict(zip(open_rows, combo))), leaves)]
    for i, code in enumerate(open_rows):
        if solutions:
            chosen[code] = _agreed(s[i] for s in solutions)
        elif solutions is None:
            chosen[code] = _agreed(fitting[code])
        # solutions == []: the report's own columns do not add up; nothing beyond the fixed rows is forced
    if runs is not None and solutions != []:
        for code, cands in candidates.items():
            if cands == [] and chosen.get(code) is None:
                chosen[code] = _solve_short_row(code, chosen, leaves, runs.get(code, ""))
            elif cands and fitting.get(code) == [] and chosen.get(code) is None:
                chosen[code] = _solve_inconsistent_row(code, chosen, leaves, cands)
    return chosen


def _from_columns(code: str, chosen: dict[str, tuple | None], leaves: tuple[str, ...]) -> tuple | None:
    """The row the column identities give when it is the one row they leave open, or None."""
    def full(c):
        row = chosen.get(c)
        return row if row is not None and None not in row else None

    flow = ("new_received", "carried_over", "total", "carried_forward")
    sign = {"new_received": 1, "carried_over": 1, "total": -1, "carried_forward": -1}
    if code in flow:
        others = [c for c in flow if c != code]
        if all(full(c) for c in others):
            # new + carried = total + forward, per column
            return tuple(-sign[code] * sum(sign[c] * full(c)[k] for c in others) for k in range(7))
    if code in leaves:
        parts = [c for c in leaves if c != code]
        if full("total") and all(full(c) for c in parts):
            return tuple(full("total")[k] - sum(full(c)[k] for c in parts) for k in range(7))
    return None


def _solve_inconsistent_row(code: str, chosen, leaves, cands: list[tuple]) -> tuple | None:
    """A row no split of which adds up to its own total (the agency's arithmetic, e.g. 33|0|…|0|34): the
    reading whose six applicant cells are the ones the column identities give, when exactly one is.
    Its total is left unknown: the text cannot tell an inconsistent total from a lost cell."""
    solved = _from_columns(code, chosen, leaves)
    if solved is None or any(v < 0 for v in solved):
        return None
    matching = [c for c in cands if c[:6] == solved[:6]]
    if len(matching) != 1:
        return None
    # The printed total is not published: the same digits arise when the crawl lost one of the row's
    # cells, and then the split's last cell is not the total (a property test found 0 for a true 10).
    return matching[0][:6] + (None,)


def _solve_short_row(code: str, chosen: dict[str, tuple | None], leaves: tuple[str, ...], run: str):
    solved = _from_columns(code, chosen, leaves)
    if solved is None or any(v < 0 for v in solved) or not _row_ok_applications(solved):
        return None
    digits = re.sub(r"\D", "", run)
    texts = [str(int(v)) for v in solved]
    if any("".join(texts[:k] + texts[k + 1:]) == digits for k in range(7)):
        return solved
    return None


def choose_applications(candidates: dict[str, list[tuple] | None], leaves: tuple[str, ...]):
    """Per row: the one split every solution agrees on, or None (ambiguous)."""
    cells = choose_cells(candidates, leaves)
    return {code: row if row is not None and None not in row else None for code, row in cells.items()}


def recover(text: str, edition: str | None, other_layout: str):
    """Cells recovered from run-together text, as {table: {(row, col): CellValue}}."""
    out: dict[str, dict] = {t: {} for t in R.TABLES}
    flat = _flat(text)
    # The table starts at its first article heading; earlier mentions of 规章 are prose.
    start = max(flat.find("第二十条"), 0)
    if edition in R.EDITIONS:
        items = R.by_code(R.AD_ITEMS)
        by_measure = R.by_code(R.AD_MEASURES)
        layout = R.AD_LAYOUT[edition]
        labels = [(code, _wordings(items[code], edition)) for code in layout]
        runs, _, glued = find_runs(flat, labels, start)
        for code, run in runs.items():
            measures = layout[code]
            if code in glued:
                _put_blank(out["active_disclosure"], code, measures)
                continue
            cands = split_run(run, len(measures))
            if cands is not None:
                # Only 本年增/减 may be negative: a '-' starts that cell, never a count's.
                cands = [c for c in cands if all(m.minimum is None or v >= m.minimum
                                                 for v, m in zip(c, (by_measure[x] for x in measures)))]
                cands = pinned_by_prose(cands, measures, prose_figures(flat, code))
            _put_chosen(out["active_disclosure"], code, measures,
                        _agreed(cands) if cands is not None else None, run)
    app_start = flat.find("本年新收")
    skip = R.OTHER_SPLIT if other_layout == "single" else ("other_total",)
    app_labels = [(d.code, _wordings(d, edition)) for d in R.APP_ROWS if d.code not in skip]
    if app_start >= 0:
        runs, end, glued = find_runs(flat, app_labels, max(app_start - 8, 0))
        cands = {code: split_run(run, 7) for code, run in runs.items() if code not in glued}
        leaves = R.OUTCOME_LEAVES + (("other_total",) if other_layout == "single" else R.OTHER_SPLIT)
        chosen = choose_cells(cands, leaves, runs)
        cols = [a.code for a in R.APPLICANTS]
        for code in runs:
            if code in glued:
                _put_blank(out["applications"], code, cols)
            else:
                _put_chosen(out["applications"], code, cols, chosen[code], runs[code])
    rl_start = flat.find("复议后起诉")
    if rl_start >= 0:
        run = re.search(r"-?\d[\d\s\-]*", flat[rl_start:])
        if run:
            cands = split_run(run.group(0), 15)
            fitting = [c for c in cands if _rl_ok(c)] if cands is not None else []
            values = _agreed(fitting)
            for i, cat in enumerate(R.RL_CATEGORIES):
                cols = [r.code for r in R.RL_RESULTS]
                part = values[i * 5:(i + 1) * 5] if values else None
                _put_chosen(out["reviews_litigation"], cat.code, cols, part, run.group(0).strip())
    return out


# Section 一 often repeats the year's figures for normative documents (…本年度制发规范性文件34件，现行有效
# 件数424件; …制发行政规范性文件9件，按程序确认失效或废止文件7件).  Only these unambiguous phrasings are read.
_DOC = r"(?:行政)?规范性文件"
_PROSE_FIGURES = {
    "normative_documents": (
        ("issued", re.compile(r"(?:制发|发布|印发|出台)(?:了)?" + _DOC + r"(?:共)?(\d+)\s?[件份]")),
        ("repealed", re.compile(r"(?:废止|失效或废止)(?:了)?(?:" + _DOC + r"|文件)(?:共)?(\d+)\s?[件份]")),
        ("in_force", re.compile(r"现行有效(?:件数|" + _DOC + r")(?:共)?(\d+)\s?[件份]")),
    ),
}


def prose_figures(flat: str, item: str) -> dict[str, Decimal]:
    """{measure: figure} that section 一 states once (a measure stated with two figures is left out)."""
    end = flat.find("第二十条")  # where table 二 starts
    opening = flat[:end] if end > 0 else ""
    out = {}
    for measure, pattern in _PROSE_FIGURES.get(item, ()):
        found = {Decimal(m.group(1)) for m in pattern.finditer(opening.replace(" ", ""))}
        if len(found) == 1:
            out[measure] = found.pop()
    return out


def pinned_by_prose(cands: list[tuple], measures, figures: dict[str, Decimal]) -> list[tuple]:
    """The readings that agree with each figure section 一 states; a figure no reading agrees with
    (the prose and the table disagree, as 106's 现行有效件数424件 does) decides nothing."""
    for measure, figure in figures.items():
        if measure not in measures:
            continue
        k = list(measures).index(measure)
        agreeing = [c for c in cands if c[k] == figure]
        if agreeing:
            cands = agreeing
    return cands


def _wordings(dim, edition: str | None) -> tuple[str, ...]:
    """The printed wordings of a row: the edition's label first, then the registry's aliases."""
    first = dim.label(edition) if edition else dim.zh
    return tuple(dict.fromkeys((first, dim.zh, *dim.aliases)))


def _put_blank(target, row, cols):
    for col in cols:
        target[(row, col)] = CellValue(None, "blank", "")


def _put_chosen(target, row, cols, values, run):
    for i, col in enumerate(cols):
        if values is None or values[i] is None:
            target[(row, col)] = CellValue(None, "ambiguous", run)
        else:
            target[(row, col)] = CellValue(values[i], "inferred", run)
