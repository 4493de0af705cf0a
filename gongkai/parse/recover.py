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
_RUN = re.compile(r"[\s\d.\-]*")
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

    None when the run cannot be read at all (a decimal point inside a multi-cell run, too many splits).
    """
    tokens = _TOKEN.findall(run)
    if not tokens or len(tokens) > n:
        return []
    if n == 1:
        try:
            return [(Decimal(tokens[0]),)] if len(tokens) == 1 else []
        except InvalidOperation:
            return None
    if any("." in t for t in tokens):
        return None
    out = []
    lengths = [len(t.lstrip("-")) for t in tokens]
    for counts in _compositions(n, len(tokens), lengths):
        per_token = [list(_parts(t.lstrip("-"), c, t.startswith("-"))) for t, c in zip(tokens, counts)]
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


def find_runs(text: str, labels: list[tuple[str, str]], start: int = 0) -> tuple[dict[str, str], int]:
    """{code: the run of digits after its label}, searching labels in form order from `start`."""
    flat = _flat(text)
    numbering = {code: _strip_numbering(label)[0] for code, label in labels}
    found: list[tuple[str, int]] = []  # (code, where its label ends)
    pos = start
    for code, label in labels:
        _num, body = _strip_numbering(label)
        m = _pattern(body).search(flat, pos)
        if m:
            end = m.end()
        else:
            short = re.sub(r"[（(][^）)]*[）)]$", "", body)
            m = _pattern(short).search(flat, pos) if short != body else None
            if not m:
                continue
            # A parenthetical note after the label belongs to the label, not the run.
            note = re.match(r"\s?[（(][^）)]*[）)]", flat[m.end():])
            end = m.end() + (note.end() if note else 0)
        found.append((code, end))
        pos = end
    runs = {}
    for i, (code, end) in enumerate(found):
        run = _RUN.match(flat, end).group(0)
        if i + 1 < len(found):
            number = numbering[found[i + 1][0]]
            if number.endswith(".") and run.rstrip().endswith(number):
                run = run.rstrip()[: -len(number)]
        runs[code] = run.strip()
    return runs, pos


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


def choose_applications(candidates: dict[str, list[tuple] | None], leaves: tuple[str, ...]):
    """Per row: the one split every solution agrees on, or None (ambiguous)."""
    fitting = {code: [c for c in cands if _row_ok_applications(c)] if cands is not None else None
               for code, cands in candidates.items()}
    fixed = {code: c[0] for code, c in fitting.items() if c is not None and len(c) == 1}
    open_rows = [code for code, c in fitting.items() if c is not None and len(c) > 1]
    sizes = 1
    for code in open_rows:
        sizes *= len(fitting[code])
    chosen: dict[str, tuple | None] = {code: fixed.get(code) for code in candidates}
    if not open_rows or sizes > MAX_COMBINATIONS:
        return chosen
    solutions = []
    for combo in itertools.product(*(fitting[c] for c in open_rows)):
        assign = dict(fixed, **dict(zip(open_rows, combo)))
        if _columns_ok(assign, leaves):
            solutions.append(combo)
    if not solutions:
        return chosen
    for i, code in enumerate(open_rows):
        values = {s[i] for s in solutions}
        chosen[code] = values.pop() if len(values) == 1 else None
    return chosen


def recover(text: str, edition: str | None, other_layout: str):
    """Cells recovered from run-together text, as {table: {(row, col): CellValue}}."""
    out: dict[str, dict] = {t: {} for t in R.TABLES}
    flat = _flat(text)
    # The table starts at its first article heading; earlier mentions of 规章 are prose.
    start = max(flat.find("第二十条"), 0)
    if edition in R.EDITIONS:
        items = R.by_code(R.AD_ITEMS)
        layout = R.AD_LAYOUT[edition]
        labels = [(code, items[code].label(edition)) for code in layout]
        runs, _ = find_runs(flat, labels, start)
        for code, run in runs.items():
            measures = layout[code]
            cands = split_run(run, len(measures))
            _put(out["active_disclosure"], code, measures, cands, run)
    app_start = flat.find("本年新收")
    skip = R.OTHER_SPLIT if other_layout == "single" else ("other_total",)
    app_labels = [(d.code, d.zh) for d in R.APP_ROWS if d.code not in skip]
    if app_start >= 0:
        runs, end = find_runs(flat, app_labels, max(app_start - 8, 0))
        cands = {code: split_run(run, 7) for code, run in runs.items()}
        leaves = R.OUTCOME_LEAVES + (("other_total",) if other_layout == "single" else R.OTHER_SPLIT)
        chosen = choose_applications(cands, leaves)
        cols = [a.code for a in R.APPLICANTS]
        for code, values in chosen.items():
            _put_chosen(out["applications"], code, cols, values, runs[code])
    rl_start = flat.find("复议后起诉")
    if rl_start >= 0:
        run = re.search(r"-?\d[\d\s\-]*", flat[rl_start:])
        if run:
            cands = split_run(run.group(0), 15)
            fitting = [c for c in cands if _rl_ok(c)] if cands is not None else []
            values = fitting[0] if len(fitting) == 1 else None
            for i, cat in enumerate(R.RL_CATEGORIES):
                cols = [r.code for r in R.RL_RESULTS]
                part = values[i * 5:(i + 1) * 5] if values else None
                _put_chosen(out["reviews_litigation"], cat.code, cols, part, run.group(0).strip())
    return out


def _put(target, row, cols, cands, run):
    values = cands[0] if cands is not None and len(cands) == 1 else None
    _put_chosen(target, row, cols, values, run)


def _put_chosen(target, row, cols, values, run):
    for i, col in enumerate(cols):
        if values is None:
            target[(row, col)] = CellValue(None, "ambiguous", run)
        else:
            target[(row, col)] = CellValue(values[i], "inferred", run)
