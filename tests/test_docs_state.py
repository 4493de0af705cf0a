"""gongkai/docs_state.py: docs/ folder by folder, so an edit stats a folder, not every file, and lists again only
the folders that changed (and those holding hand-written files)."""
from __future__ import annotations

import os

from gongkai import docs_state as DS
from gongkai.files import atomic_write

OLD_NS = 1_600_000_000 * 10**9  # long before any record: no folder is "racily" recent


def _docs(root):
    files = {"index.md": "# 首页", "methodology.md": "# 方法", "assets/a.css": "p{}",
             "reports/3f/jiguan/2023.md": "# 报告", "reports/3f/jiguan/2023/evidence.json": "{}",
             "agencies/3f/jiguan.md": "# 机关", "api/3f/jiguan/2023.json": "{}",
             "downloads/3f/jiguan/2023/a.csv": "a", "downloads/3f/jiguan/2023/notes.md": "not a page"}
    for rel, text in files.items():
        path = root / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in sorted((root / "docs").rglob("*"), reverse=True) + [root / "docs"]:
        os.utime(path, ns=(OLD_NS, OLD_NS))
    return root


def _saved(root):
    state = DS.DocsState(root).walk()
    state.save()
    return state


def test_a_walk_finds_every_folder_and_page(tmp_path):
    state = DS.DocsState(_docs(tmp_path)).walk()
    assert sorted(state.pages()) == ["agencies/3f/jiguan.md", "index.md", "methodology.md", "reports/3f/jiguan/2023.md"]
    assert "downloads/3f/jiguan/2023" in state.entries and state.changed == set(state.entries)
    again, known = DS.current(tmp_path)
    assert not known  # no record yet: a walk
    _saved(tmp_path)
    again, known = DS.current(tmp_path)
    assert known and again.digest() == state.digest() and again.changed == set() and again.gone == set()


def test_an_edit_lists_the_folders_it_changed_and_the_hand_written_ones_alone(tmp_path):
    root = _docs(tmp_path)
    _saved(root)
    atomic_write(root / "docs/api/3f/jiguan/2023.json", b'{"x": 1}')  # the build's way: a rename
    state, known = DS.current(root)
    assert known and state.changed == {"api/3f/jiguan"}
    assert sorted(state.listed) == ["", "api/3f/jiguan", "assets"]  # docs/ and assets/ always: hand-written files
    assert state.digest() == DS.DocsState(root).walk().digest()


def test_a_write_in_place_is_seen_in_a_hand_written_folder_or_when_the_build_names_it(tmp_path):
    root = _docs(tmp_path)
    _saved(root)
    with (root / "docs/assets/a.css").open("a") as fh:  # an editor that saves in place
        fh.write("/* 手改 */")
    with (root / "docs/api/3f/jiguan/2023.json").open("a") as fh:
        fh.write(" ")
    os.utime(root / "docs/api/3f/jiguan", ns=(OLD_NS, OLD_NS))
    state, _ = DS.current(root)
    assert state.changed == {"assets"}  # the generated folder's mtime did not move
    state, _ = DS.current(root, also={"api/3f/jiguan"})
    assert state.changed == {"assets", "api/3f/jiguan"}


def test_removed_pages_and_folders_are_known(tmp_path):
    root = _docs(tmp_path)
    _saved(root)
    import shutil

    shutil.rmtree(root / "docs/reports/3f/jiguan")
    (root / "docs/agencies/3f/jiguan.md").unlink()
    (root / "docs/agencies/3f/xin.md").write_text("# 新机关", encoding="utf-8")
    state, _ = DS.current(root)
    assert state.gone == {"reports/3f/jiguan", "reports/3f/jiguan/2023"}
    assert state.pages_before["reports/3f/jiguan"] == ("2023.md",)
    assert state.pages_before["agencies/3f"] == ("jiguan.md",) and state.entries["agencies/3f"][3] == ("xin.md",)
    assert "reports/3f/jiguan/2023.md" not in state.pages() and "agencies/3f/xin.md" in state.pages()
    state.save()
    assert DS.current(root)[0].digest() == DS.DocsState(root).walk().digest()
