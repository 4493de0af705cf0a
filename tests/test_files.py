"""gongkai/files.py: every write is atomic, unchanged bytes are not rewritten, zips depend only on their files."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from gongkai import files as F


class Boom(Exception):
    pass


def _temps(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_replaces_whole_files_readable_by_all(tmp_path):
    target = tmp_path / "a" / "x.csv"
    F.atomic_write(target, b"one\n")
    F.atomic_write(target, b"two\n")
    assert target.read_bytes() == b"two\n" and oct(target.stat().st_mode & 0o777) == "0o644"
    assert _temps(target.parent) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "x.csv"
    F.atomic_write(target, b"old\n")

    def refuse(src, dst):
        raise Boom("disk full")

    monkeypatch.setattr(F.os, "replace", refuse)
    with pytest.raises(Boom):
        F.atomic_write(target, b"new\n")
    assert target.read_bytes() == b"old\n" and _temps(tmp_path) == []

    def fail(fh):
        fh.write(b"half")
        raise Boom("the writer failed")

    monkeypatch.undo()
    with pytest.raises(Boom):
        F.stream_to(target, fail)
    assert target.read_bytes() == b"old\n" and _temps(tmp_path) == []


def test_write_if_changed_keeps_the_mtime_of_an_unchanged_file(tmp_path):
    target = tmp_path / "x.json"
    assert F.write_if_changed(target, b"{}\n")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert not F.write_if_changed(target, b"{}\n")
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert F.write_if_changed(target, b"{ }\n") and target.stat().st_mtime_ns != 1_000_000_000
    assert F.write_files(tmp_path, {"x.json": b"{ }\n", "d/y.txt": b"y"}) == [tmp_path / "d/y.txt"]


def test_commit_temp_and_stream_to_report_whether_the_target_changed(tmp_path):
    target = tmp_path / "t.bin"
    assert F.stream_to(target, lambda fh: fh.write(b"abc"))
    assert not F.stream_to(target, lambda fh: fh.write(b"abc"))
    assert _temps(tmp_path) == [] and target.read_bytes() == b"abc"
    assert F.files_equal(target, target)


def test_link_or_copy_replaces_a_stale_copy_and_leaves_a_current_one(tmp_path):
    src, dst = tmp_path / "a.csv", tmp_path / "d" / "a.csv"
    src.write_bytes(b"x,y\n1,2\n")
    assert F.link_or_copy(src, dst) and dst.read_bytes() == src.read_bytes()
    assert not F.link_or_copy(src, dst)  # already the same file
    # The source is replaced (as atomic_write does): the old link now holds old bytes and is replaced.
    new = tmp_path / "new.csv"
    new.write_bytes(b"x,y\n1,3\n")
    os.replace(new, src)
    assert dst.read_bytes() == b"x,y\n1,2\n"
    assert F.link_or_copy(src, dst) and dst.read_bytes() == b"x,y\n1,3\n"
    assert not list(dst.parent.glob(".*.tmp"))


def test_remove_temp_files_removes_only_what_a_killed_build_left(tmp_path):
    (tmp_path / "d").mkdir()
    left = tmp_path / "d" / ".x.csv.abc123.tmp"
    left.write_bytes(b"half")
    keep = tmp_path / "d" / "x.csv"
    keep.write_bytes(b"whole")
    F.remove_temp_files(tmp_path, tmp_path / "absent")
    assert not left.exists() and keep.exists()


def test_zip_bytes_depend_only_on_names_and_contents():
    a = F.zip_bytes({"b.csv": b"2", "a.csv": b"1"}, prefix="r-2021")
    b = F.zip_bytes({"a.csv": b"1", "b.csv": b"2"}, prefix="r-2021")
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["r-2021/a.csv", "r-2021/b.csv"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o644}
        assert zf.read("r-2021/b.csv") == b"2"
    assert F.zip_bytes({"a.csv": b"1", "b.csv": b"3"}, prefix="r-2021") != a


def test_a_member_streamed_from_disk_has_the_bytes_of_one_written_whole(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"code,value\n" + b"x,1\n" * 50_000)
    streamed = io.BytesIO()
    with zipfile.ZipFile(streamed, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        F.zip_file_member(zf, "all/big.csv", path, chunk=4096)
    assert streamed.getvalue() == F.zip_bytes({"big.csv": path.read_bytes()}, prefix="all")


def test_a_file_stamp_changes_when_the_file_is_replaced_or_edited(tmp_path):
    from gongkai.files import atomic_write, file_stamp

    path = tmp_path / "a.csv"
    assert file_stamp(path) is None
    atomic_write(path, b"a,b\n")
    first = file_stamp(path)
    assert first == file_stamp(path)
    atomic_write(path, b"a,b\n")  # same bytes, a new file
    assert file_stamp(path) != first
    second = file_stamp(path)
    with open(path, "ab") as fh:  # edited in place
        fh.write(b"1,2\n")
    assert file_stamp(path) != second


@pytest.mark.parametrize("kernel", [True, False])
def test_copy_range_appends_the_bytes_of_a_range(tmp_path, monkeypatch, kernel):
    """In the kernel where the system has copy_file_range, else through Python: the same bytes, appended at
    the destination's position, between bytes written before and after it."""
    import errno
    import os

    from gongkai.files import copy_range

    if not kernel and hasattr(os, "copy_file_range"):
        def refuse(*_a, **_k):
            raise OSError(errno.EXDEV, "another device")
        monkeypatch.setattr(os, "copy_file_range", refuse)
    src = tmp_path / "src"
    src.write_bytes(bytes(range(256)) * 5000)
    with open(src, "rb") as fh, open(tmp_path / "dst", "wb", buffering=0) as out:
        out.write(b"head")
        copy_range(fh, out, 1000, 600_000)
        out.write(b"tail")
        with pytest.raises(OSError):
            copy_range(fh, out, len(src.read_bytes()) - 10, 20)  # past the end
    assert (tmp_path / "dst").read_bytes()[:600_008] == b"head" + src.read_bytes()[1000:601_000] + b"tail"


def test_splice_copies_neighbouring_ranges_in_one_call_and_counts_them_in_pos(tmp_path, monkeypatch):
    old = tmp_path / "old"
    old.write_bytes(b"0123456789")
    calls = []
    real = F.copy_range
    monkeypatch.setattr(F, "copy_range", lambda *a: calls.append(a[2:]) or real(*a))
    with open(old, "rb") as src, open(tmp_path / "new", "wb", buffering=0) as fh:
        out = F.Splice(fh, src)
        out.copy(2, 3)
        out.copy(5, 2)  # continues the last range: one copy for both
        assert out.pos == 5 and calls == []  # not copied until something else is written
        out.write(b"ab")
        out.copy(0, 1)
        out.copy(0, 0)
        assert out.pos == 8
        out.flush()
    assert (tmp_path / "new").read_bytes() == b"23456ab0"
    assert calls == [(2, 5), (0, 1)]
