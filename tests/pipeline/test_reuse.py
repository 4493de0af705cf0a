"""gongkai/pipeline/reuse.py: a report is published again exactly when one of its inputs changed, or a file it
owns went missing."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from gongkai.pipeline.reuse import Reuse


@dataclass
class Pub:
    report_id: str
    digest: str
    written: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    files: list = field(default_factory=list)
    export_s: float = 0.0
    validate_s: float = 0.0


def _rep(slug="sifa", year=2023, key="k1", prev_cells=None):
    return SimpleNamespace(slug=slug, report_id=f"{slug}/{year}", extract_key=key, cross_year_prev=prev_cells)


def test_the_key_follows_every_input():
    r = Reuse("unused", "code-1")
    prev = _rep(year=2022)
    base = r.key(_rep(), prev, None, {"state": "ok"})
    assert base == r.key(_rep(), prev, None, {"state": "ok"})
    changed = [r.key(_rep(key="k2"), prev, None, {"state": "ok"}),          # the source or the extractor
               r.key(_rep(slug="sifa-2"), prev, None, {"state": "ok"}),     # a slug told apart
               r.key(_rep(prev_cells=((3,), ("reported",))), prev, None, {"state": "ok"}),  # a cross-year check
               r.key(_rep(), None, None, {"state": "ok"}),                  # the year before went away
               r.key(_rep(), prev, _rep(year=2024), {"state": "ok"}),       # a year after arrived
               r.key(_rep(), prev, None, {"state": "gone"}),               # the source's check state
               Reuse("unused", "code-2").key(_rep(), prev, None, {"state": "ok"})]  # the code or the version
    assert base not in changed and len(set(changed)) == len(changed)
    assert r.key(_rep(key=None), prev, None, None) is None  # a report kept whole is always published


def test_a_recorded_result_is_reused_while_its_files_exist(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("x")
    store = Reuse(tmp_path / "cache", "code")
    key = store.key(_rep(), None, None, None)
    assert store.get(key, tmp_path, Pub) is None
    store.put(key, Pub("sifa/2023", "d1", written=["docs/page.md"], files=["docs/page.md"], export_s=1.5))
    store.prune()  # the end of the build: the store is written
    again = Reuse(tmp_path / "cache", "code")
    got = again.get(key, tmp_path, Pub)
    assert got == Pub("sifa/2023", "d1")  # nothing written this time; its files' names are not carried
    (tmp_path / "docs" / "page.md").unlink()
    assert Reuse(tmp_path / "cache", "code").get(key, tmp_path, Pub) is None


def test_failures_are_not_recorded_and_unused_records_are_pruned(tmp_path):
    store = Reuse(tmp_path, "code")
    k1, k2 = store.key(_rep(key="a"), None, None, None), store.key(_rep(key="b"), None, None, None)
    store.put(k1, Pub("sifa/2023", "d", errors=["bad"]))
    assert store.get(k1, tmp_path, Pub) is None
    store.put(k2, Pub("sifa/2023", "d"))
    store.prune()
    later = Reuse(tmp_path, "code")
    later.prune()  # a build that used neither record
    assert later.get(k2, tmp_path, Pub) is None


def test_records_live_in_few_files_and_the_old_layout_goes(tmp_path):
    """One file per key cost a read per report on every build: the records share 256 files at most, and the
    folders of the one-file-per-key layout are removed."""
    (tmp_path / "cache" / "ab").mkdir(parents=True)
    (tmp_path / "cache" / "ab" / "ab12.json").write_text("{}")
    store = Reuse(tmp_path / "cache", "code")
    for i in range(300):
        store.put(store.key(_rep(key=f"k{i}"), None, None, None), Pub(f"a/{i}", "d", files=[f"x/{i}/a.csv"]))
    store.prune()
    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len(kept) <= 256 and all(name.endswith(".pickle") for name in kept)
    (tmp_path / "x" / "7").mkdir(parents=True)
    (tmp_path / "x" / "7" / "a.csv").write_text("")
    again = Reuse(tmp_path / "cache", "code")
    assert again.get(again.key(_rep(key="k7"), None, None, None), tmp_path, Pub) == Pub("a/7", "d")
    assert again.get(again.key(_rep(key="k8"), None, None, None), tmp_path, Pub) is None  # its folder is gone


def test_a_folder_is_listed_once_and_only_a_shared_ones_listing_is_kept(tmp_path, monkeypatch):
    """Keeping every report's folders listed for the whole build held ~7 KB a report (issue 17: the build's
    memory flat in N): a folder one report asks about is not kept; one a second report asks about is."""
    import os

    from gongkai.pipeline import reuse as RU

    store = Reuse(tmp_path / "cache", "code")
    keys = [store.key(_rep(key=f"k{i}"), None, None, None) for i in range(3)]
    for i, key in enumerate(keys):
        for rel in (f"own/{i}/a.csv", f"shared/{i}.bin"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text("")
        store.put(key, Pub(f"a/{i}", "d", files=[f"own/{i}/a.csv", f"shared/{i}.bin"]))
    store.prune()
    listed = []
    real = os.listdir
    monkeypatch.setattr(RU.os, "listdir", lambda path: listed.append(os.path.relpath(path, tmp_path)) or real(path))
    again = Reuse(tmp_path / "cache", "code")
    assert all(again.get(key, tmp_path, Pub) for key in keys)
    assert sorted(listed) == ["own/0", "own/1", "own/2", "shared", "shared"]
    assert set(again._listed) == {"shared"}


def _recorded(tmp_path, n=3):
    """n records, each with a file in a folder of its own and one in a shared folder, written and kept."""
    store = Reuse(tmp_path / "cache", "code")
    keys = [store.key(_rep(key=f"k{i}"), None, None, None) for i in range(n)]
    for i, key in enumerate(keys):
        for rel in (f"own/{i}/a.csv", f"shared/{i}.bin"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text("")
        store.put(key, Pub(f"a/{i}", f"d{i}", files=[f"own/{i}/a.csv", f"shared/{i}.bin"]))
    store.prune()
    return keys


def _spied(monkeypatch):
    """(folders listed, files' records inflated) while records are asked for."""
    import os
    import zlib

    from gongkai.pipeline import reuse as RU

    listed, inflated = [], []
    real_list, real_inflate = os.listdir, zlib.decompress
    monkeypatch.setattr(RU.os, "listdir", lambda path: listed.append(os.path.basename(path)) or real_list(path))
    monkeypatch.setattr(RU.zlib, "decompress", lambda data: inflated.append(1) or real_inflate(data))
    return listed, inflated


def test_with_no_output_folder_changed_no_record_of_files_is_read_nor_folder_listed(tmp_path, monkeypatch):
    """After a build that finished, the folders changed since are known (incremental.UpToDate.changed_outputs):
    with none, every record's files are there, and a one-report edit at 10,000 reports neither inflates 10,000
    records of file names nor lists 60,000 folders."""
    keys = _recorded(tmp_path)
    listed, inflated = _spied(monkeypatch)
    again = Reuse(tmp_path / "cache", "code", changed=set())
    assert [again.get(key, tmp_path, Pub) for key in keys] == [Pub(f"a/{i}", f"d{i}") for i in range(3)]
    assert listed == [] and inflated == []


def test_only_the_folders_changed_since_the_last_build_are_listed(tmp_path, monkeypatch):
    keys = _recorded(tmp_path)
    (tmp_path / "own" / "1" / "a.csv").unlink()  # removed by hand after the build
    listed, inflated = _spied(monkeypatch)
    again = Reuse(tmp_path / "cache", "code", changed={"own/1"})
    assert [again.get(key, tmp_path, Pub) is not None for key in keys] == [True, False, True]
    assert listed == ["1"]  # not the shared folder, nor the other reports' own


def test_the_files_store_is_read_only_where_a_record_went_or_came(tmp_path, monkeypatch):
    """At the end of a build the records' store drops the records it did not use: the files' store is opened only
    for the files holding those or new ones, not all 256."""
    keys = _recorded(tmp_path, n=40)
    from gongkai.pipeline import index_store as IS

    loaded = []
    real = IS.IndexStore._load
    monkeypatch.setattr(IS.IndexStore, "_load", lambda self, name: loaded.append((self.dir.name, name))
                        or real(self, name))
    again = Reuse(tmp_path / "cache", "code", changed=set())
    assert all(again.get(key, tmp_path, Pub) for key in keys[1:])  # keys[0]: its report's input changed
    loaded.clear()
    again.prune()
    assert [name for folder, name in loaded if folder == "cache-files"] == [f"{keys[0][:2]}.pickle"]
    later = Reuse(tmp_path / "cache", "code")  # no record of the folders: each record's files are checked
    assert later.get(keys[0], tmp_path, Pub) is None and all(later.get(key, tmp_path, Pub) for key in keys[1:])
