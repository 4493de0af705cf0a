"""gongkai/segment.py: a tokenizer holding only the dictionary entries some texts need segments them exactly as
jieba's default one does, and making it does not load jieba's whole dictionary (issue 17: 1.5 CPU-s of an edit)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from gongkai import segment
from gongkai.package.fulltext import section_words
from gongkai.parse.slug import compute

# Real reports' text (the sample corpus), and strings that exercise the edges: words the dictionary lacks (HMM),
# digits and Latin letters inside Chinese, punctuation, single characters, a word as long as the longest entry.
TEXTS = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "reports").glob("*.txt"))[:24]]
EDGES = ["宁夏回族自治区司法厅", "〔合成〕东海省石源市人民政府", "2023年度政府信息公开工作年度报告（ABC-12）",
         "依申请公开", "中华人民共和国政府信息公开条例第三十六条", "的", "", "   ", "龘靐齉爩",
         "深入推进政务公开深入推进"]


@pytest.fixture(scope="module")
def full():
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt


def test_a_tokenizer_for_the_texts_segments_them_as_the_full_dictionary_does(full, monkeypatch):
    texts = TEXTS + EDGES
    assert sum(map(len, TEXTS)) > 20_000  # real reports, not a sample of a line
    monkeypatch.setattr(full, "initialized", False)  # as in a process that has not loaded it
    tk = segment.tokenizer(texts)
    monkeypatch.undo()
    assert tk is not full and len(tk.FREQ) < len(full.FREQ) / 10 and tk.total == full.total
    for text in texts:
        assert list(tk.cut_for_search(text)) == list(full.cut_for_search(text))
        assert list(tk.cut(text)) == list(full.cut(text))
    for line in TEXTS[0].splitlines()[:40]:  # a substring of the texts, too
        assert list(tk.cut(line)) == list(full.cut(line))


def test_with_the_full_dictionary_loaded_it_is_used(full):
    assert segment.tokenizer(["司法厅"]) is full


def test_sections_and_slugs_are_made_without_loading_the_whole_dictionary(full, tmp_path):
    segment._table()  # the SQLite copy exists (made once per jieba version and machine)
    rows = [{"section": "1", "heading": "一、总体情况", "text": TEXTS[0][:3000]}]
    code = ("import json, sys\nfrom gongkai.package.fulltext import section_words\nfrom gongkai.parse.slug import compute\n"
            f"rows = json.loads({json.dumps(json.dumps(rows, ensure_ascii=False))})\n"
            "words = section_words(rows)\nslug = compute('宁夏回族自治区司法厅')\nimport jieba\n"
            "print(json.dumps([words, slug, jieba.dt.initialized], ensure_ascii=False))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    words, slug, loaded = json.loads(done.stdout)
    assert not loaded
    assert words == section_words(rows) and slug == compute("宁夏回族自治区司法厅")  # here: the full dictionary
