"""Full-text search in the whole-corpus SQLite: FTS5 over the narrative sections and the agency names.

FTS5's tokenizers do not split Chinese into words: `unicode61` keeps a run of Chinese characters as one
token (司法 would not find 司法厅) and `trigram` cannot match a 2-character word.  So the text is
segmented with jieba's search mode, which gives each long word and the 2- and 3-character words inside
it (宁夏回族自治区司法厅 -> 宁夏 回族 自治 自治区 宁夏回族自治区 司法 司法厅), joined by spaces, and
`unicode61` indexes those words.  A query is words separated by spaces (Datasette's search box quotes
each one): 司法, 行政复议, 司法 复议.

The FTS tables are contentless (content=''): only the index is stored, keyed by the rowid of the row in
`sections` or `agencies`, so the text is not stored twice.  They are filled after the database's VACUUM
(which may renumber rowids) and never vacuumed again, so the keys stay right.

Segmenting costs about 0.1 s per 10,000 characters; the per-report workers do it (prepare) and leave the
words in the build cache by the sha256 of the report's sections.json, so the corpus step only reads them.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path

from gongkai.segment import tokenizer

SECTIONS_FTS = "sections_fts"
AGENCIES_FTS = "agencies_fts"
FTS_SQL = (
    f"CREATE VIRTUAL TABLE \"{SECTIONS_FTS}\" USING fts5(agency, heading, text, content='', "
    "tokenize='unicode61')",
    f"CREATE VIRTUAL TABLE \"{AGENCIES_FTS}\" USING fts5(agency, region, content='', tokenize='unicode61')",
)


def segment(text: str | None, tk=None) -> str:
    """Words for the index: jieba's search mode, separated by spaces; punctuation and spaces dropped.
    tk: a tokenizer made for this text (gongkai/segment.py), or one is made."""
    if not text:
        return ""
    tk = tk or tokenizer([text])
    return " ".join(w for w in tk.cut_for_search(text) if w.strip() and (w.isalnum() or len(w) > 1))


def section_words(rows: list[dict]) -> dict[str, list[str]]:
    """section number -> [heading words, text words] for one report's sections rows."""
    tk = tokenizer([t for row in rows for t in (row.get("heading"), row.get("text")) if t])
    return {row["section"]: [segment(row.get("heading"), tk), segment(row.get("text"), tk)] for row in rows}


@lru_cache(maxsize=1)
def _segmenter_id() -> bytes:
    """What the words depend on besides the text: this module and jieba's version (its dictionary)."""
    from importlib.metadata import version

    return hashlib.sha256(Path(__file__).read_bytes() + version("jieba").encode()).digest()


def _cache_file(cache_dir: Path, sections_json: bytes) -> Path:
    return cache_dir / f"{hashlib.sha256(_segmenter_id() + sections_json).hexdigest()}.json"


def prepare(cache_dir: Path | None, sections_json: bytes) -> str | None:
    """Segment one report's sections (its sections.json bytes) into the cache unless already there.
    Returns the cache file's name."""
    if cache_dir is None:
        return None
    path = _cache_file(cache_dir, sections_json)
    if not path.exists():
        words = section_words(json.loads(sections_json))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(words, fh, ensure_ascii=False)
        os.replace(tmp, path)
    return path.name


def cached_words(cache_dir: Path | None, sections_json: bytes, used: set[str] | None = None) -> dict[str, list[str]]:
    """The words of one report's sections: from the cache when a worker left them, else segmented now."""
    if cache_dir is not None:
        path = _cache_file(cache_dir, sections_json)
        if used is not None:
            used.add(path.name)
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            pass  # not prepared (or a damaged entry): segment here
    return section_words(json.loads(sections_json))


def prune(cache_dir: Path | None, used: set[str]) -> None:
    """Drop cached words of sections no longer published."""
    if cache_dir is not None and cache_dir.exists():
        for path in cache_dir.iterdir():
            if path.name not in used:
                path.unlink(missing_ok=True)


def add_fulltext(con: sqlite3.Connection, words_of) -> None:
    """Create and fill the FTS tables of a finished (vacuumed) corpus database.

    words_of(report_id) -> {section: [heading words, text words]} for that report."""
    for sql in FTS_SQL:
        con.execute(sql)
    agency_words: dict[str, str] = {}

    def agency(name: str) -> str:
        if name not in agency_words:
            agency_words[name] = segment(name)
        return agency_words[name]

    rows = con.execute("SELECT s.rowid, s.report_id, s.section, r.agency FROM sections s "
                       "JOIN reports r ON r.report_id = s.report_id ORDER BY s.rowid").fetchall()
    insert = f'INSERT INTO "{SECTIONS_FTS}" (rowid, agency, heading, text) VALUES (?, ?, ?, ?)'
    start = 0
    while start < len(rows):  # one report at a time, so one report's words are held
        rid = rows[start][1]
        end = start
        while end < len(rows) and rows[end][1] == rid:
            end += 1
        words = words_of(rid)
        con.executemany(insert, [(rowid, agency(name), *words.get(section, ["", ""]))
                                 for rowid, _, section, name in rows[start:end]])
        start = end
    agencies = con.execute("SELECT rowid, agency, region FROM agencies ORDER BY rowid").fetchall()
    con.executemany(f'INSERT INTO "{AGENCIES_FTS}" (rowid, agency, region) VALUES (?, ?, ?)',
                    [(rowid, agency(name), segment(region)) for rowid, name, region in agencies])
    con.commit()
