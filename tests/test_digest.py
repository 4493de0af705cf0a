import hashlib
import zlib

from gongkai.digest import CHUNK, crc32_file, sha256_file


def test_a_files_digests_read_in_chunks_equal_those_of_its_bytes(tmp_path):
    data = bytes(range(256)) * (CHUNK // 256) + b"tail across a chunk boundary"
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    assert crc32_file(path) == zlib.crc32(data)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file(empty) == hashlib.sha256(b"").hexdigest() and crc32_file(empty) == 0


def test_the_write_helpers_are_not_part_of_the_extraction_key():
    # A change to how files are written must not extract every report again (pipeline/fingerprint.py).
    from gongkai.pipeline.fingerprint import closure_files

    names = {p.name for p in closure_files("extract")}
    assert "digest.py" in names and "files.py" not in names
