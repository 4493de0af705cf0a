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
