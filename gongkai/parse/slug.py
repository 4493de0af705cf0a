"""URL- and path-safe slugs from agency names (readable pinyin, never a path escape).

A slug needs pypinyin's dictionary and jieba (~0.6 CPU-s to load, and 1.5 more for jieba's whole dictionary
before gongkai/segment.py), which a one-report edit paid for a name it had slugged before (issue 17).  So slugs
are memoised by name: `slugify` answers from the memo when it can, and the build keeps the memo between builds
(pipeline/runner.py: load_slugs, save_slugs) under `memo_salt`, which changes with this module, the segmenter
and the two libraries' versions, so a kept slug is always the one the full computation gives."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from gongkai.segment import tokenizer

_SAFE = re.compile(r"[^a-z0-9]+")
MAX_LEN = 60

# name -> slug, for every name slugged in this process or given by `remember`; the names asked for.
_MEMO: dict[str, str] = {}
_ASKED: set[str] = set()


def _words(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    words = []
    for word in tokenizer([name]).cut(name):
        syllables = "".join(lazy_pinyin(word, errors=lambda chars: list(chars)))
        words.append(syllables)
    return words


def compute(name: str) -> str:
    """The slug, computed (no memo)."""
    text = name.strip()
    joined = "-".join(_words(text)).lower()
    slug = _SAFE.sub("-", joined).strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    if not slug:
        return f"agency-{digest}"
    if len(slug) > MAX_LEN:
        slug = slug[:MAX_LEN].rstrip("-") + "-" + digest
    return slug


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by '-'; long or empty results get a short hash of the name."""
    _ASKED.add(name)
    slug = _MEMO.get(name)
    if slug is None:
        slug = _MEMO[name] = compute(name)
    return slug


@lru_cache(maxsize=1)
def memo_salt() -> str:
    """What a slug depends on besides the name: this module's code and jieba's and pypinyin's dictionaries
    (their versions)."""
    from importlib.metadata import version

    from gongkai import segment

    parts = [Path(__file__).read_bytes(), Path(segment.__file__).read_bytes(), version("jieba").encode(),
             version("pypinyin").encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def known() -> dict[str, str]:
    """A copy of the memo."""
    return dict(_MEMO)


def asked() -> set[str]:
    """The names slugify was asked for in this process, and those `remember` was given with asked=True."""
    return set(_ASKED)


def remember(slugs: dict[str, str], asked: bool = False) -> None:
    """Add slugs computed elsewhere under the same memo_salt (a kept memo, a child process's results);
    asked: as if slugify had been asked for them here (a child's)."""
    _MEMO.update(slugs)
    if asked:
        _ASKED.update(slugs)
