"""Traditional-character reports (mirror sites) are converted to simplified before parsing."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from gongkai.model import Document

_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_CHANGED = 10
MIN_SHARE = 0.02


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """True when converting to simplified changes enough characters to be a traditional text."""
    han = _HAN.findall(text)
    if not han:
        return False
    converted = _converter().convert(text)
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    return changed >= MIN_CHANGED and changed / len(han) >= MIN_SHARE


def to_simplified(doc: Document) -> Document:
    if not is_traditional(doc.text):
        return doc
    conv = _converter().convert
    rows = [replace(r, cells=tuple(conv(c) for c in r.cells)) for r in doc.rows]
    meta = {k: conv(v) if isinstance(v, str) else v for k, v in doc.meta.items()}
    return Document(lines=[conv(line) for line in doc.lines], rows=rows, format=doc.format, meta=meta,
                    warnings=doc.warnings + ["the text is in traditional characters; it was converted to "
                                             "simplified (OpenCC t2s) before reading"])


__all__ = ["is_traditional", "to_simplified"]
