"""The corpus database in Datasette: metadata from the registry, full-text search with Chinese words.

Datasette runs as `python -m gongkai datasette` (what `make datasette` runs) on 127.0.0.1; the test
queries it over HTTP on loopback only and stops it."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from gongkai import paths as P
from gongkai.package import fulltext
from gongkai.package.datasette_meta import DATABASE, metadata

SEED = "000_8719cb9f3c2be4e4.txt"  # 宁夏回族自治区司法厅 2021


def _db(root):
    return root / "docs" / "downloads" / "all" / P.CORPUS_SQLITE


def _tables(con) -> list[str]:
    """The database's own tables, without the FTS index's shadow tables."""
    fts = (fulltext.SECTIONS_FTS, fulltext.AGENCIES_FTS)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [n for n in names if not any(n.startswith(f + "_") for f in fts)]


def test_metadata_describes_every_table_and_column(built):
    root, _, _ = built
    meta = metadata()
    tables = meta["databases"][DATABASE]["tables"]
    con = sqlite3.connect(_db(root))
    try:
        for name in _tables(con):
            assert name in tables, name
            if tables[name].get("hidden"):
                continue
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
            assert list(tables[name]["columns"]) == columns, name
            assert all(" / " in d and len(d) >= 8 for d in tables[name]["columns"].values()), name
    finally:
        con.close()
    assert meta["license"].startswith("Open Data Commons") and meta["license_url"].startswith("https://")
    assert "reports.source_url" in meta["source"]  # each report names its own source
    assert "件" in tables["applications"]["columns"]["value"]  # units, in the description
    assert "件" in tables["measures"]["columns"]["received"]


@pytest.mark.parametrize("word, agency", [("司法", "宁夏回族自治区司法厅"), ("淮安", "淮安市洪泽区人民政府")])
def test_two_character_words_are_found(built, word, agency):
    """Every section whose text, heading or agency holds the word is found, and no other."""
    root, _, _ = built
    con = sqlite3.connect(_db(root))
    try:
        found = {r for r in con.execute(
            f"SELECT report_id, section FROM sections WHERE rowid IN "
            f"(SELECT rowid FROM {fulltext.SECTIONS_FTS} WHERE {fulltext.SECTIONS_FTS} MATCH ?)", (f'"{word}"',))}
        holding = {r for r in con.execute(
            "SELECT s.report_id, s.section FROM sections s JOIN reports r ON r.report_id = s.report_id "
            "WHERE instr(s.text, ?) OR instr(s.heading, ?) OR instr(r.agency, ?)", (word, word, word))}
        assert found == holding and found
        agencies = [r[0] for r in con.execute(
            f"SELECT agency FROM agencies WHERE rowid IN (SELECT rowid FROM {fulltext.AGENCIES_FTS} "
            f"WHERE {fulltext.AGENCIES_FTS} MATCH ?)", (f'"{word}"',))]
        assert agency in agencies
    finally:
        con.close()


def test_segmenting_keeps_the_short_words():
    words = fulltext.segment("宁夏回族自治区司法厅2021年行政复议情况。").split()
    for word in ("司法", "司法厅", "宁夏", "行政", "复议", "行政复议", "2021"):
        assert word in words, word
    assert "。" not in words


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def datasette(built):
    root, _, _ = built
    port = _free_port()
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "datasette", "--root", str(root), "--port", str(port)],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"Datasette did not start: {proc.stdout.read().decode()[-2000:]}")
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_datasette_answers_a_table_and_a_full_text_query(built, datasette):
    root, result, _ = built
    seed = next(r for r in result.reports if r.source.name == SEED)
    q = urllib.parse.urlencode({"report_id": seed.report_id, "code": "new_received.total", "_shape": "array"})
    rows = _get(f"{datasette}/{DATABASE}/applications.json?{q}")
    assert [(r["value"], r["status"]) for r in rows] == [(14, "reported")]  # 共受理信息公开申请14件
    q = urllib.parse.urlencode({"_search": "司法", "_shape": "array", "_col": "heading"})
    rows = _get(f"{datasette}/{DATABASE}/sections.json?{q}")
    assert rows and {r["report_id"] for r in rows} >= {seed.report_id}
    sql = urllib.parse.urlencode({"sql": f"SELECT count(*) AS n FROM {fulltext.AGENCIES_FTS} WHERE "
                                         f"{fulltext.AGENCIES_FTS} MATCH :q", "q": '"司法"', "_shape": "array"})
    assert _get(f"{datasette}/{DATABASE}.json?{sql}") == [{"n": 1}]
    served = _get(f"{datasette}/-/metadata.json")
    assert served["databases"][DATABASE]["tables"]["measures"]["columns"] == \
        metadata()["databases"][DATABASE]["tables"]["measures"]["columns"]
