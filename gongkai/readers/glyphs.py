"""Radical code points -> the ideographs they stand for.

PDF printers map some glyphs of CJK fonts to the Kangxi Radicals (U+2F00–U+2FD5) or CJK Radicals
Supplement (U+2E80–U+2EF3) blocks instead of the unified ideographs: Chromium's 人民 comes out as
⼈⺠.  They look the same but match no label, so they are mapped back before parsing.  The Kangxi
block has compatibility decompositions (NFKC); the Supplement has none, so its standalone forms are
listed here (Unicode's EquivalentUnifiedIdeograph property).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from gongkai.model import Document

_SUPPLEMENT = {
    "⺟": "母", "⺠": "民", "⺩": "王", "⻄": "西", "⻅": "见", "⻆": "角", "⻈": "讠", "⻉": "贝",
    "⻋": "车", "⻐": "钅", "⻓": "长", "⻔": "门", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风",
    "⻜": "飞", "⻝": "食", "⻠": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟",
    "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟",
}
_RADICAL = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def _one(match: re.Match) -> str:
    ch = match.group()
    if ch in _SUPPLEMENT:
        return _SUPPLEMENT[ch]
    return unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch


def fix_radicals(text: str) -> str:
    return _RADICAL.sub(_one, text)


def normalize_glyphs(doc: Document) -> Document:
    if not any(_RADICAL.search(line) for line in doc.lines):
        return doc
    rows = [replace(r, cells=tuple(fix_radicals(c) for c in r.cells)) for r in doc.rows]
    meta = {k: fix_radicals(v) if isinstance(v, str) else v for k, v in doc.meta.items()}
    return replace(doc, lines=[fix_radicals(line) for line in doc.lines], rows=rows, meta=meta)
