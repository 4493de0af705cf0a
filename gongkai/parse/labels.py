"""Pure functions that turn printed labels and cells into comparable keys and numbers."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b]+")
# Leading numbering: 一、 （一） (一) 1. 1、 第…项 is kept (it is an item label).
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、．](?!\d))")
_PAREN = re.compile(r"\([^()]*\)")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "、": "、"})


def squash(text: str | None) -> str:
    """NFKC-normalise and drop every kind of white space (labels are broken anywhere)."""
    if not text:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)


# Reports repeat the same few hundred labels and cell texts; both functions are pure, so they are cached.
@lru_cache(maxsize=1 << 14)
def label_key(text: str | None) -> str:
    """The comparable key of a row or column label: no numbering, no parenthetical notes."""
    s = squash(text)
    prev = None
    while prev != s:
        prev = s
        s = _NUMBERING.sub("", s)
    s = _PAREN.sub("", s)
    return s.strip('"')


class LabelIndex:
    """Finds the registry member a printed label stands for, tolerating small typos."""

    def __init__(self, dims, cutoff: float = 0.86):
        self.cutoff = cutoff
        self.by_key: dict[str, object] = {}
        for d in dims:
            for label in (d.zh, *d.aliases, *d.labels_by_edition.values()):
                self.by_key.setdefault(label_key(label), d)
        self.keys = sorted(self.by_key)
        self._fuzzy: dict[str, object] = {}

    def match(self, text: str | None):
        key = label_key(text)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        if len(key) < 4:
            return None
        if key not in self._fuzzy:
            if len(self._fuzzy) >= 1 << 14:
                self._fuzzy.clear()
            self._fuzzy[key] = self._closest(key)
        return self._fuzzy[key]

    def _closest(self, key: str):
        close = difflib.get_close_matches(key, self.keys, n=2, cutoff=self.cutoff)
        # Two equally close candidates mean we cannot tell: refuse rather than guess.
        if len(close) == 1 or (close and _ratio(key, close[0]) > _ratio(key, close[1])):
            return self.by_key[close[0]]
        return None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------
BLANK_MARKS = {"", "-", "—", "–", "/", "／", "无", "——"}
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|元|件|条|项|个|次)?$")


@dataclass(frozen=True)
class Cell:
    """A parsed table cell: value is None when blank; kind says which."""

    raw: str
    value: Decimal | None
    kind: str  # "number", "blank" or "text"


@lru_cache(maxsize=1 << 14)
def parse_cell(raw: str | None) -> Cell:
    raw = raw if raw is not None else ""
    s = squash(raw)
    if s in BLANK_MARKS:
        return Cell(raw, None, "blank")
    m = _NUMBER.match(s.replace("，", ","))
    if not m:
        return Cell(raw, None, "text")
    sign, digits, frac, _unit = m.groups()
    try:
        value = Decimal(sign + digits.replace(",", "") + (frac or ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return Cell(raw, None, "text")
    return Cell(raw, value, "number")


def is_value(raw: str | None) -> bool:
    return parse_cell(raw).kind != "text"


def format_decimal(value: Decimal | None) -> str:
    """Render a Decimal without exponent or trailing zeros (stable across runs)."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
