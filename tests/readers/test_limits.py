"""The checked zip opener refuses bombs and non-zips before decompressing anything large."""
from __future__ import annotations

import zipfile

import pytest

from gongkai.model import ReadError
from gongkai.readers.limits import open_checked_zip, read_member


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_small_zip_opens_and_its_member_reads(tmp_path):
    path = _zip(tmp_path / "ok.docx", {"word/document.xml": b"<w:document/>"})
    with open_checked_zip(path) as zf:
        assert read_member(zf, "word/document.xml", path) == b"<w:document/>"


def test_not_a_zip_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"%PDF-1.4 renamed")
    with pytest.raises(ReadError, match="not a zip container"):
        open_checked_zip(path)


def test_a_bomb_is_refused_by_its_declared_total(tmp_path):
    # 30 MB of zeros deflates to about 30 KB; the limit is lowered so the test stays small.
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(30):
                fh.write(block)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ReadError, match="decompress to 30 MB .limit 20 MB.; it looks like a zip bomb"):
        open_checked_zip(path, max_total=20 * 1024 * 1024, max_ratio=10**9)


def test_the_ratio_alone_catches_a_bomb_under_the_total(tmp_path):
    path = _zip(tmp_path / "dense.docx", {"word/document.xml": bytes(20 * 1024 * 1024)})
    with pytest.raises(ReadError, match=r"compressed \d+:1"):
        open_checked_zip(path)


def test_too_many_entries(tmp_path):
    path = _zip(tmp_path / "many.docx", {f"f{i}.xml": b"x" for i in range(30)})
    with pytest.raises(ReadError, match="30 entries"):
        open_checked_zip(path, max_entries=20)


def test_reading_stops_at_the_member_limit(tmp_path):
    path = _zip(tmp_path / "big.docx", {"word/document.xml": b"a" * 5000})
    with open_checked_zip(path) as zf, pytest.raises(ReadError, match="decompresses past 1000 bytes"):
        read_member(zf, "word/document.xml", path, limit=1000)
