"""Chinese word segmentation with jieba, without loading its whole dictionary for a few texts.

jieba's default tokenizer loads its prefix dictionary (about 500,000 entries) on first use: 1.5 CPU-s, which
a one-report edit paid once for the full-text words of the one report's sections and once more for a slug
(issue 17).  Its segmentation only ever looks up substrings of the text it is given (the prefixes walked from
each character, the 2- and 3-character grams of a word in search mode, runs of single characters), never
longer than the longest word, and the dictionary's total count.  So a tokenizer whose dictionary holds
exactly the entries of the full one that are substrings of the texts, with the same total, segments those
texts as the full one does.  Those entries are read from a SQLite copy of the dictionary, made once from
jieba's own (in the temporary folder, beside the cache jieba itself keeps there) and named by jieba's version
and its dictionary file's size and mtime.  Once the full dictionary is loaded in this process (a build's
workers load it before forking), it is used as it is.  tests/test_segment.py holds the two to the same words.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from pathlib import Path

_BATCH = 900  # SQLite's default limit on a statement's parameters is 999 in older builds


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _table() -> Path:
    """The SQLite copy of jieba's dictionary for the installed jieba, made when missing."""
    from importlib.metadata import version

    jieba = _jieba()
    st = os.stat(Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    path = Path(tempfile.gettempdir()) / f"gongkai-jieba-{version('jieba')}-{st.st_size}-{st.st_mtime_ns}.sqlite"
    if not path.exists():
        jieba.dt.check_initialized()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            con = sqlite3.connect(tmp)
            with con:
                con.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
                con.execute("CREATE TABLE total (n INTEGER NOT NULL)")
                con.executemany("INSERT INTO freq VALUES (?, ?)", sorted(jieba.dt.FREQ.items()))
                con.execute("INSERT INTO total VALUES (?)", (jieba.dt.total,))
            con.close()
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return path


def entries(con: sqlite3.Connection, texts) -> dict[str, int]:
    """The dictionary's entries that are substrings of the texts.  jieba's dictionary holds every prefix of
    every word (with count 0 when the prefix is not a word), so the substrings of length k+1 worth asking for
    are those whose first k characters were found: one query a length (and a batch)."""
    found: dict[str, int] = {}
    texts = [t for t in texts if t]
    level = {ch for t in texts for ch in t}
    k = 1
    while level:
        hits: dict[str, int] = {}
        asked = sorted(level)
        for i in range(0, len(asked), _BATCH):
            part = asked[i:i + _BATCH]
            hits.update(con.execute(f"SELECT word, n FROM freq WHERE word IN ({','.join('?' * len(part))})", part))
        found.update(hits)
        level = {t[i:i + k + 1] for t in texts for i in range(len(t) - k) if t[i:i + k] in hits}
        k += 1
    return found


def tokenizer(texts):
    """A jieba tokenizer that segments each of `texts` (and any substring of them) exactly as jieba's default
    one does: that one when its dictionary is loaded here, else one holding only the entries the texts need."""
    jieba = _jieba()
    if jieba.dt.initialized:
        return jieba.dt
    con = sqlite3.connect(f"file:{_table()}?mode=ro", uri=True)
    try:
        tk = jieba.Tokenizer()
        tk.FREQ = entries(con, texts)
        (tk.total,) = con.execute("SELECT n FROM total").fetchone()
    finally:
        con.close()
    tk.initialized = True  # its dictionary is the one above: never load the default file into it
    return tk
