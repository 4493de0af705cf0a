"""The statistics table (统计表) of reports in the format used before 2019.

Before the 2019 form, many reports closed with a table of 指标名称 | 计量单位 | 本年度 | 历年累计.
Its rows differ from agency to agency, so they are published as printed (label, unit, two
values), not mapped onto the codes of the 2019/2021 form.

In crawler text the cells run together ("主动公开文件数条212210037"); the unit ends the label, so
only the split of the digits between 本年度 and 历年累计 is unknown.  A split is accepted only when
exactly one reading is possible (no leading zeros; this year cannot exceed the running total);
otherwise the row is published with status `ambiguous` and no values.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from gongkai.model import Row
from gongkai.parse.labels import parse_cell, squash

UNITS = ("人次", "万元", "条", "件", "个", "次", "元", "项", "份", "期", "场", "人", "篇", "家", "批")
_HEADER = re.compile(r"指标名称\s*计量单位")
_UNIT_ALT = "|".join(sorted(UNITS, key=len, reverse=True))
# label (no digits except enumerations such as "1、"), unit, digits
_RUN_ROW = re.compile(r"(?P<label>(?:[^\d\s]|\d+[、.．])+?)(?P<unit>" + _UNIT_ALT + r")(?P<digits>\d+)")
_ENUM_MARKS = "、.．"
_END = re.compile(r"附件|五、|六、|七、|八、")


def _record(index, label, unit, this_year, cumulative, status, raw, source_row=None) -> dict:
    return {"row": index, "indicator": label, "unit": unit, "this_year": this_year, "cumulative": cumulative,
            "status": status, "raw": raw, "source_row": source_row}


def splits(digits: str) -> list[tuple[Decimal, Decimal]]:
    """Every reading of run-together digits as (本年度, 历年累计)."""
    out = []
    for cut in range(1, len(digits)):
        a, b = digits[:cut], digits[cut:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(a) <= int(b):
            out.append((Decimal(a), Decimal(b)))
    return out


def from_rows(rows: list[Row]) -> list[dict]:
    """Rows with separated cells: the rows after a 指标名称 | 计量单位 header."""
    out: list[dict] = []
    started = False
    for row in rows:
        cells = [c.strip() for c in row.cells]
        if not started:
            started = bool(_HEADER.search(squash(" ".join(cells))))
            continue
        filled = [c for c in cells if c]
        if len(filled) < 2 or parse_cell(filled[0]).kind != "text":
            if out:
                break
            continue
        label, unit, *values = filled
        if unit not in UNITS:
            if out:
                break
            continue
        parsed = [parse_cell(v) for v in values[:2]] + [None] * (2 - len(values[:2]))
        nums = [p.value if p is not None and p.kind == "number" else None for p in parsed]
        bad = any(p is not None and p.kind == "text" for p in parsed)
        status = "unreadable" if bad else "reported"
        out.append(_record(len(out) + 1, label, unit, nums[0], nums[1], status, " | ".join(cells),
                           row.index))
    return out


def _spaced(text: str) -> str:
    """NFKC text with every run of white space as one space: a space between digits is a cell boundary."""
    return re.sub(r"[\s\u00a0\u3000]+", " ", unicodedata.normalize("NFKC", text))


def _loose(words: str) -> str:
    """A pattern for words that may be letter-spaced (指 标 名 称)."""
    return r"\s?".join(re.escape(c) for c in words)


_TEXT_HEADER = re.compile(_loose("指标名称") + r"\s?" + _loose("计量单位") + r"\s?(?:\d{4}\s?年\s?度?|本\s?年\s?度?)\s?"
                          + _loose("历年累计"))
_SPACED_ROW = re.compile(r"(?P<label>(?:[^\d\s]|\d+[、.．]|\s)+?)\s?(?P<unit>" + _UNIT_ALT + r")\s?"
                         r"(?P<digits>\d+(?: \d+)?)")


def _stated(opening: str, value: Decimal, unit: str) -> bool:
    return re.search(rf"(?<![\d.]){value}\s?{re.escape(unit)}", opening) is not None


def from_text(text: str) -> list[dict]:
    """Run-together crawler text after the header "指标名称计量单位…年度历年累计".

    Where a space separates the two values (条 225 1892) they are read as printed; where the digits
    run together, a split is accepted when it is the only one possible, or the only one whose two
    figures the report's text before the table also states with the row's unit (…主动公开政府信息
    290条。历年累计主动公开政府信息872条 pins 290872 as 290 | 872).
    """
    flat = _spaced(text)
    m = _TEXT_HEADER.search(flat)
    if not m:
        return []
    opening = flat[: m.start()].replace(" ", "")
    body = flat[m.end():]
    end = _END.search(body)
    if end:
        body = body[: end.start()]
    out = []
    pos = 0
    while (row := _SPACED_ROW.match(body, pos)) is not None:
        label, unit, digits = row.group("label"), row.group("unit"), row.group("digits")
        end = row.end()
        if end < len(body) and body[end] in _ENUM_MARKS and len(digits) > 1 and " " not in digits:
            # "…条00" + "2、网上申请数": the last digit numbers the next row's label.
            digits, end = digits[:-1], end - 1
        pos = end
        label = squash(label).strip("：:，, ")
        raw = label + unit + digits
        printed = " " in digits
        if printed:
            first, second = digits.split(" ")
            options = [(Decimal(first), Decimal(second))]
        else:
            options = splits(digits)
            if len(options) > 1:
                pinned = [o for o in options if _stated(opening, o[0], unit) and _stated(opening, o[1], unit)]
                options = pinned if len(pinned) == 1 else options
        if len(options) == 1:
            (a, b), status = options[0], "reported" if printed else "inferred"
        else:
            a = b = None
            status = "ambiguous"
        out.append(_record(len(out) + 1, label, unit, a, b, status, raw))
    return out


def legacy_statistics(rows: list[Row], text: str) -> list[dict]:
    return from_rows(rows) or from_text(text)
