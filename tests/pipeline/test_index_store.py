"""gongkai/pipeline/index_store.py: a build of unchanged files takes their indexes from the store (no pickle
loaded, no file read again), gives the same indexes as one that loads every pickle, and notices a changed
file, sidecar, picture list or index code."""
from __future__ import annotations

import os
import shutil

import pytest

from conftest import load_synth
from gongkai.pipeline import index_store as IS
from gongkai.pipeline import runner
from gongkai.pipeline.slim import slim_on_arrival

synth = load_synth()


def test_a_file_is_read_again_only_when_its_stat_changes(tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_text("一")
    reads = []
    real = IS._sha256
    monkeypatch.setattr(IS, "_sha256", lambda p: reads.append(p) or real(p))
    store = IS.IndexStore(tmp_path / "s", "salt")
    first = store.sha256(f)
    store.save(set())
    again = IS.IndexStore(tmp_path / "s", "salt")
    assert again.sha256(f) == first and len(reads) == 1
    # The build hard-links each source into the archive, which changes its ctime, not its bytes: not read again.
    os.link(f, tmp_path / "archived.txt")
    assert IS.IndexStore(tmp_path / "s", "salt").sha256(f) == first and len(reads) == 1
    f.unlink()
    f.write_text("二")  # a new file (inode, size): hashed again
    assert again.sha256(f) != first and len(reads) == 2
    # Another salt (other code) starts from nothing.
    assert IS.IndexStore(tmp_path / "s", "other").sha256(f) and len(reads) == 3


def test_entries_survive_a_save_until_their_key_goes(tmp_path):
    store = IS.IndexStore(tmp_path, "salt")
    store.put("ab12", {"v": 1})
    store.put("cd34", {"v": 2})
    store.save({"ab12", "cd34"})
    got = IS.IndexStore(tmp_path, "salt").get("ab12")
    assert got == {"v": 1}
    got["v"] = 9  # a copy: the build changes an index's slug and checks, not the store's
    store2 = IS.IndexStore(tmp_path, "salt")
    assert store2.get("ab12") == {"v": 1}
    store2.save({"ab12"})
    assert IS.IndexStore(tmp_path, "salt").get("cd34") is None and not (tmp_path / "cd.pickle").exists()
    assert IS.IndexStore(tmp_path, "new code").get("ab12") is None
    (tmp_path / "ab.pickle").write_bytes(b"not a pickle")
    assert IS.IndexStore(tmp_path, "salt").get("ab12") is None  # damaged: rebuilt from the pickles


def test_a_sidecar_is_parsed_again_only_when_its_bytes_change(tmp_path, monkeypatch):
    report = tmp_path / "r.html"
    report.write_text("<p>x</p>")
    side = tmp_path / "r.html.yml"
    side.write_text("images: [a.png, ../b.png]\n")
    (tmp_path / "a.png").write_bytes(b"png")
    calls = []
    real = IS.companion_images
    monkeypatch.setattr(IS, "companion_images", lambda p: calls.append(p) or real(p))
    store = IS.IndexStore(tmp_path / "s", "salt")
    assert store.images(report) == ["a.png"]
    store.save(set())
    again = IS.IndexStore(tmp_path / "s", "salt")
    assert again.images(report) == ["a.png"] and len(calls) == 1
    side.write_text("images: []\n")
    assert again.images(report) == [] and len(calls) == 2


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(out, 4, ["txt", "html"], seed=11, log=lambda *_: None)
    return out


def _run(files, cache, store_dir, salt="s"):
    return runner.extract_many(files, cache_dir=cache, jobs=1, shrink=slim_on_arrival,
                               store=IS.IndexStore(store_dir, salt))


def test_unchanged_files_come_from_the_store_equal_to_their_pickles(corpus, tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    files = sorted(p for p in reports.iterdir() if p.suffix in (".txt", ".html"))
    cache, store = tmp_path / "cache", tmp_path / "store"
    first, stats = _run(files, cache, store)
    assert len(stats.extracted) == len(files)
    # From the pickles, as before the store: the reference.
    ref, _ = runner.extract_many(files, cache_dir=cache, jobs=1, shrink=slim_on_arrival)
    # The next build loads no pickle at all.
    monkeypatch.setattr(runner.Cache, "get", lambda self, key: pytest.fail("a pickle was loaded"))
    again, stats = _run(files, cache, store)
    assert stats.extracted == [] and len(stats.cached) == len(files)
    for a, b in zip(again, ref):
        b.report.summary_line = ""
        assert a.report == b.report and a.report.source == b.report.source
    monkeypatch.undo()
    # An edited report is extracted again, the others still come from the store.
    edited = next(p for p in files if p.suffix == ".txt")
    edited.write_text(edited.read_text(encoding="utf-8") + "\n附记。\n", encoding="utf-8")
    _, stats = _run(files, cache, store)
    assert stats.extracted == [edited.name]
    # An index whose pickle is gone is not served: the per-report phase could not load the full report.
    key = runner.cache_key(files[0], runner.extractor_fingerprint())
    os.unlink(runner.Cache(cache)._path(key))
    _, stats = _run(files, cache, store)
    assert stats.extracted == [files[0].name]


def test_a_relative_path_and_its_absolute_form_share_one_hash(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("一")
    monkeypatch.chdir(tmp_path)
    store = IS.IndexStore(tmp_path / "s", "salt")
    store.sha256(IS.Path("a.txt"))
    store.save(set())
    reads = []
    monkeypatch.setattr(IS, "_sha256", lambda p: reads.append(p) or "x")
    IS.IndexStore(tmp_path / "s", "salt").sha256(tmp_path / "a.txt")
    assert reads == []
