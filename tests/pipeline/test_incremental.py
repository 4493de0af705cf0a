"""gongkai/pipeline/incremental.py: derived outputs are redone only when their inputs change, and the
whole build is skipped only while its inputs and outputs are as the last build left them."""
from __future__ import annotations

import os

import pytest

from gongkai.pipeline.incremental import Derived, UpToDate, digest, tree_state


def test_digest_depends_on_names_and_bytes_not_on_order():
    assert digest({"a": b"1", "b": b"2"}) == digest({"b": b"2", "a": b"1"})
    assert digest({"a": b"1"}) != digest({"a": b"2"}) != digest({"b": b"1"})


def test_a_derived_group_is_fresh_while_its_key_and_every_file_it_wrote_exist(tmp_path):
    derived = Derived(tmp_path / "stamps")
    out = tmp_path / "out"
    out.mkdir()
    key = derived.key("zip", "input-digest")
    assert key != derived.key("zip", "other-input") and key != derived.key("xlsx", "input-digest")
    assert not derived.fresh(key, out)
    (out / "r.zip").write_bytes(b"z")
    derived.remember(key, ["r.zip"])
    assert derived.fresh(key, out)
    (out / "r.zip").unlink()
    assert not derived.fresh(key, out)  # a file it wrote is gone: write it again


def test_prune_keeps_only_the_stamps_this_build_used(tmp_path):
    old = Derived(tmp_path)
    old.remember(old.key("a"), [])
    old.remember(old.key("b"), [])
    new = Derived(tmp_path)
    new.fresh(new.key("a"), tmp_path)
    new.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == [new.key("a")]


def test_tree_state_sees_size_and_mtime_changes(tmp_path):
    (tmp_path / "r").mkdir()
    f = tmp_path / "r" / "x.txt"
    f.write_text("a")
    before = tree_state(tmp_path / "r")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 1_000_000))
    assert tree_state(tmp_path / "r") != before


def test_the_build_is_up_to_date_until_an_input_or_output_changes(tmp_path):
    for d in ("reports", "datapackages", "docs"):
        (tmp_path / d).mkdir()
    (tmp_path / "reports" / "a.txt").write_text("report")
    state = UpToDate(tmp_path, "build-date")
    assert not state.current()
    state.record()
    assert UpToDate(tmp_path, "build-date").current()
    assert not UpToDate(tmp_path, "another-build-date").current()
    # Changed inputs are enough to say no: the outputs (every file of the site's sources) are not walked.
    other = UpToDate(tmp_path, "another-build-date")
    other._outputs = lambda: pytest.fail("the outputs were walked")
    assert not other.current()
    (tmp_path / "docs" / "index.md").write_text("edited by hand")
    assert not UpToDate(tmp_path, "build-date").current()
    state.record()
    state.forget()
    assert not UpToDate(tmp_path, "build-date").current()


def test_a_package_folder_digests_as_the_package_it_holds(tmp_path):
    from gongkai.pipeline.incremental import folder_digest

    files = {"datapackage.json": b"{}", "applications.csv": b"code,value\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert folder_digest(tmp_path) == digest(files)
    (tmp_path / "applications.csv").write_bytes(b"code,value\n1,2\n")
    assert folder_digest(tmp_path) != digest(files)


def _tree(base, files):
    for rel, text in files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text)


def _age(base, seconds=60):
    """Every folder's mtime moved back: as if written long before the record (no folder is racily clean)."""
    for dirpath, _, _ in os.walk(base):
        st = os.stat(dirpath)
        os.utime(dirpath, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_the_record_lists_only_the_folders_that_changed_and_equals_a_walk(tmp_path):
    """An edit's record of the outputs lists the folders whose mtime changed (a file replaced, added or
    removed there, a folder added or removed) and gives the digest a walk of every file gives."""
    import time

    from gongkai.pipeline.incremental import Folders

    _tree(tmp_path, {"out/a/1/x.csv": "1", "out/a/2/x.csv": "2", "out/b/y.md": "y", "out/z.txt": "z"})
    _age(tmp_path / "out")
    record = Folders(tmp_path, ("out",)).walk()
    assert sorted(record.listed) == ["out", "out/a", "out/a/1", "out/a/2", "out/b"]
    taken = time.time_ns()
    record.save(tmp_path / "folders.tsv", taken)
    (tmp_path / "out/a/1/x.csv.new").write_text("11")
    os.replace(tmp_path / "out/a/1/x.csv.new", tmp_path / "out/a/1/x.csv")  # every write of the build: a rename
    _tree(tmp_path, {"out/c/d/e.json": "{}"})  # a new folder, and one in it
    (tmp_path / "out/b/y.md").unlink()
    later = Folders(tmp_path, ("out",))
    assert later.load(tmp_path / "folders.tsv") == taken
    later.update(taken)
    assert sorted(later.listed) == ["out", "out/a/1", "out/b", "out/c", "out/c/d"]  # not out/a, not out/a/2
    assert later.digest() == Folders(tmp_path, ("out",)).walk().digest()
    import shutil

    shutil.rmtree(tmp_path / "out/c")
    (tmp_path / "out/a/2/x.csv").unlink()
    (tmp_path / "out/a/2").rmdir()
    (tmp_path / "out/a/2").write_text("a file where a folder was")
    again = Folders(tmp_path, ("out",))
    again.entries = dict(later.entries)
    again.update(time.time_ns())
    assert "out/c/d" not in again.entries and "out/a/2" not in again.entries
    assert again.digest() == Folders(tmp_path, ("out",)).walk().digest()


def test_a_folder_written_just_before_the_record_or_named_by_the_caller_is_listed_again(tmp_path):
    """A change within the file system's timestamp tick leaves a folder's mtime alone: a folder changed less
    than RACY_NS before the record is listed again next time; so is a folder the build says it wrote into
    (a write in place keeps the folder's mtime)."""
    from gongkai.pipeline.incremental import RACY_NS, Folders

    _tree(tmp_path, {"out/old/x": "1", "out/new/y": "2", "out/inplace/z": "3"})
    _age(tmp_path / "out")
    os.utime(tmp_path / "out/new")  # changed just now
    record = Folders(tmp_path, ("out",)).walk()
    taken = os.stat(tmp_path / "out/new").st_mtime_ns + RACY_NS // 2
    with open(tmp_path / "out/inplace/z", "a") as fh:
        fh.write("written in place")
    record.update(taken, {"out/inplace"})
    assert sorted(record.listed) == ["out/inplace", "out/new"]
    assert record.digest() == Folders(tmp_path, ("out",)).walk().digest()


def test_a_file_edited_in_place_after_a_build_is_caught_by_the_check_and_the_next_record(tmp_path):
    """The check of a no-op stats every file, so an output edited in place (its folder's mtime unchanged) makes
    the build run; the walk it did is the base of that build's record, which then matches the outputs."""
    for d in ("reports", "datapackages/r", "docs"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "reports" / "a.txt").write_text("report")
    (tmp_path / "datapackages/r/x.csv").write_text("1")
    _age(tmp_path / "datapackages")
    UpToDate(tmp_path, "d").record()
    assert UpToDate(tmp_path, "d").current()
    with open(tmp_path / "datapackages/r/x.csv", "a") as fh:
        fh.write("2")
    state = UpToDate(tmp_path, "d")
    assert not state.current()
    state.record()  # the build ran, wrote nothing
    assert UpToDate(tmp_path, "d").current()


def test_the_folders_changed_since_the_last_record_are_those_whose_files_differ(tmp_path):
    """UpToDate.changed_outputs, before a build writes: the folders with a file added, removed or changed, and
    those gone or new; not a folder listed again only because its mtime was racy, its files the same (the
    per-report phase trusts every other folder to hold the files the last finished build left there,
    pipeline/reuse.py);
    the record at the build's end starts from that state and equals a walk."""
    import time

    from gongkai.pipeline.incremental import RACY_NS

    for d in ("reports", "docs"):
        (tmp_path / d).mkdir()
    _tree(tmp_path, {"datapackages/a/x.csv": "1", "datapackages/b/y.csv": "2", "datapackages/c/z.csv": "3",
                     "datapackages/d/w.csv": "4", "datapackages/e/v.csv": "5"})
    _age(tmp_path / "datapackages")
    assert UpToDate(tmp_path, "d").changed_outputs() is None  # no record yet: anything may have changed
    UpToDate(tmp_path, "d").record()
    st = os.stat(tmp_path / "datapackages/e")
    os.utime(tmp_path / "datapackages/e", ns=(st.st_atime_ns, time.time_ns() - RACY_NS // 2))  # racy, same files
    (tmp_path / "datapackages/a/x.csv").unlink()
    (tmp_path / "datapackages/b/y.new").write_text("22")
    os.replace(tmp_path / "datapackages/b/y.new", tmp_path / "datapackages/b/y.csv")  # as every write of the build
    import shutil

    shutil.rmtree(tmp_path / "datapackages/c")
    _tree(tmp_path, {"datapackages/n/m.csv": "new"})
    state = UpToDate(tmp_path, "d")
    # Not datapackages/ itself: a folder's digest is of its files (its subfolders have their own).
    assert state.changed_outputs() == {"datapackages/a", "datapackages/b", "datapackages/c", "datapackages/n"}
    (tmp_path / "datapackages/d/w.csv").write_text("44")  # written by the build, in place
    state.record(["datapackages/d/w.csv"])
    assert UpToDate(tmp_path, "d").current()
    again = UpToDate(tmp_path, "d")
    assert again.changed_outputs() == set()
