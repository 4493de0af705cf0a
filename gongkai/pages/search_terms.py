"""Words hidden inside longer words, added to a page so that the site search finds them.

Pagefind splits Chinese text into words once, at build time, with a dictionary segmenter (jieba's
dictionary), and the browser matches what a reader types against the start of those words.  A word that
the dictionary only knows as part of a longer one is then never found: 办公厅 inside 国务院办公厅, 复议
inside 行政复议.  For every dictionary word of three or more characters that occurs in a page, this
module lists the dictionary words that start inside it (not at its first character, which a prefix
search finds already).  The page carries them in a hidden block that Pagefind indexes and readers do
not see.

Every listed word is a substring of the page's own text, so the list never makes a page match a word
it does not contain.  The scan is dictionary lookups over substrings (a few ms a page), not a full
segmentation (about 30 ms a report page with jieba.cut), because the site has tens of thousands of pages.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache

# Runs of Han characters: the only text the segmenter splits without spaces.
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{3,}")
LONGEST = 8  # longer dictionary entries are idioms and names no one types a part of


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ


def dictionary_for(text: str) -> dict[str, int]:
    """The entries of jieba's dictionary that are substrings of the text's Han runs: every lookup hidden_words
    makes for this text gives what the whole dictionary gives.  Loading the whole dictionary costs 1.5-2.5 CPU-s,
    which a run rendering a few changed pages paid for each of them (issue 17); the entries come from the
    SQLite copy gongkai/segment.py keeps (the whole dictionary when it is loaded in this process already)."""
    from gongkai.segment import tokenizer

    _import_jieba()
    return tokenizer(HAN_RUN.findall(text)).FREQ


def _import_jieba() -> None:
    """jieba imports pkg_resources only to open its own data files, and opens them by their path without it; the
    import scans every installed distribution, a third of a run that renders a few pages."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # makes `import pkg_resources` fail, for this import alone
    try:
        import jieba  # noqa: F401
    finally:
        del sys.modules["pkg_resources"]


# A word's inner words are the same with any dictionary holding every entry that is a substring of it (the
# whole one, or dictionary_for of a text containing it), so one memo serves both.
_INNER: dict[str, tuple[str, ...]] = {}
_INNER_MAX = 200_000


def inner_words(word: str, freq: dict[str, int] | None = None) -> tuple[str, ...]:
    """Dictionary words of two or more characters that start after the first character of `word`."""
    hit = _INNER.get(word)
    if hit is None:
        freq = _dictionary() if freq is None else freq
        n = len(word)
        hit = tuple(word[i:j] for i in range(1, n - 1) for j in range(i + 2, n + 1) if freq.get(word[i:j]))
        if len(_INNER) < _INNER_MAX:
            _INNER[word] = hit
    return hit


def hidden_words(text: str, freq: dict[str, int] | None = None) -> list[str]:
    """The sorted words inside the page's longer dictionary words (see the module's docstring).  `freq`: a
    dictionary holding at least the entries that are substrings of the text (dictionary_for), else the whole."""
    freq = _dictionary() if freq is None else freq
    found: set[str] = set()
    for run in HAN_RUN.findall(text):
        n = len(run)
        for i in range(n - 2):
            for j in range(i + 3, min(n, i + LONGEST) + 1):
                if freq.get(run[i:j]):
                    found.update(inner_words(run[i:j], freq))
    return sorted(found)


TAG = re.compile(r"<[^>]*>")
TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def page_text(html: str) -> str:
    """The text Pagefind indexes of an article's HTML: tables are excluded from the index (gongkai/site.py)."""
    return TAG.sub(" ", TABLE.sub(" ", html))


def hidden_block(html: str, few: bool = False) -> str:
    """The block to append to an article: empty when no word is hidden in a longer one.  `few`: the run renders
    a few pages, so each looks up its own words (dictionary_for) instead of loading the whole dictionary."""
    text = page_text(html)
    words = hidden_words(text, dictionary_for(text) if few else None)
    if not words:
        return ""
    # Only Han characters reach here (HAN_RUN), so nothing needs escaping.
    return '<div class="gk-search-terms" hidden aria-hidden="true">' + " ".join(words) + "</div>"
