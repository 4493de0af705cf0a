"""gongkai/mirror.py: a folder of hard links brought up to date with its sources, touching only what changed."""
from __future__ import annotations

import os
import shutil

from gongkai import mirror as F


def _sources(base, files):
    for rel, text in files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text, encoding="utf-8")
    return F.tree(base)


def test_mirror_links_only_what_changed_and_removes_what_no_source_gives(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "dest"
    want = _sources(src, {"a.html": "a", "d/b.html": "b", "d/e/c.html": "c", ".hidden": "x"})
    assert sorted(want) == ["a.html", "d/b.html", "d/e/c.html"]  # dot-files are a killed build's leftovers
    assert F.mirror(dest, want) == (3, 0)
    assert all(os.path.samefile(src / rel, dest / rel) for rel in want)
    assert F.mirror(dest, F.tree(src)) == (0, 0)  # nothing changed: nothing linked
    # A source replaced by a rename (a new inode), even with the same bytes, is linked again; a file whose
    # source went is removed with the folders it leaves empty; a leftover temporary file goes; a kept file stays.
    (src / "d/b.html").unlink()
    (src / "d/b.html").write_text("b", encoding="utf-8")
    (src / "d/e/c.html").unlink()
    (dest / ".a.html.123.tmp").write_text("half")
    (dest / "MANIFEST.tsv").write_text("kept")
    assert F.mirror(dest, F.tree(src), keep=("MANIFEST.tsv",)) == (1, 2)
    assert os.path.samefile(src / "d/b.html", dest / "d/b.html")
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == ["MANIFEST.tsv", "a.html", "d",
                                                                               "d/b.html"]


def test_mirror_turns_a_file_into_a_folder_and_back(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "dest"
    F.mirror(dest, _sources(src, {"x": "file"}))
    (src / "x").unlink()
    F.mirror(dest, _sources(src, {"x/y.html": "in a folder"}))
    assert (dest / "x" / "y.html").read_text(encoding="utf-8") == "in a folder"
    shutil.rmtree(src / "x")
    F.mirror(dest, _sources(src, {"x": "file again"}))
    assert (dest / "x").read_text(encoding="utf-8") == "file again"


def test_tree_lists_only_the_given_tops_that_exist(tmp_path):
    _sources(tmp_path, {"a/1": "1", "b/2": "2", "c": "3", "__pycache__/x.pyc": "0"})
    assert sorted(F.tree(tmp_path, ("a", "c", "missing"))) == ["a/1", "c"]
    assert sorted(F.tree(tmp_path)) == ["a/1", "b/2", "c"]


def test_walk_gives_os_walks_order_with_one_stat_a_file(tmp_path):
    _sources(tmp_path, {"b": "1", "a/z": "22", "a/c/d": "3", "__pycache__/x.pyc": "0", "skip/e": "4", "a/skip/f": "5"})
    expected = []
    for dirpath, dirnames, filenames in os.walk(tmp_path):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not (dirpath == str(tmp_path) and d == "skip"))
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), tmp_path)
            expected.append((rel, os.stat(os.path.join(dirpath, name)).st_size))
    got = [(rel, st.st_size) for rel, st in F.walk(tmp_path, skip_top=("skip",))]
    assert got == expected and ("a/skip/f", 1) in got and ("b", 1) == got[0]
    assert list(F.walk(tmp_path / "missing")) == []


def test_relink_links_a_new_name_in_one_call_and_replaces_an_old_one(tmp_path, monkeypatch):
    src = tmp_path / "a.html"
    src.write_text("new")
    old = tmp_path / "site" / "b.html"
    old.parent.mkdir()
    old.write_text("new")  # same bytes, other inode: must still become src's inode
    calls = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda *a: calls.append(a) or real_replace(*a))
    assert F.relink(src, tmp_path / "site" / "deep" / "c.html")
    assert (tmp_path / "site" / "deep" / "c.html").stat().st_ino == src.stat().st_ino
    assert calls == []  # nothing was there: linked directly, no temporary name
    assert F.relink(src, old)
    assert old.stat().st_ino == src.stat().st_ino and len(calls) == 1
    assert sorted(p.name for p in old.parent.iterdir()) == ["b.html", "deep"]  # no temporary left
