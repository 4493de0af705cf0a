"""URL- and path-safe slugs from agency names (readable pinyin, never a path escape)."""
from __future__ import annotations

import hashlib
import logging
import re

_SAFE = re.compile(r"[^a-z0-9]+")
MAX_LEN = 60


def _words(name: str) -> list[str]:
    import jieba
    from pypinyin import lazy_pinyin

    jieba.setLogLevel(logging.WARNING)
    words = []
    for word in jieba.cut(name):
        syllables = "".join(lazy_pinyin(word, errors=lambda chars: list(chars)))
        words.append(syllables)
    return words


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by '-'; long or empty results get a short hash of the name."""
    text = name.strip()
    joined = "-".join(_words(text)).lower()
    slug = _SAFE.sub("-", joined).strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    if not slug:
        return f"agency-{digest}"
    if len(slug) > MAX_LEN:
        slug = slug[:MAX_LEN].rstrip("-") + "-" + digest
    return slug
