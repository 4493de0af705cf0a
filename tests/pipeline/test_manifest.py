"""The deploy manifest of site/: every file with its sha256 and size, the cache that spares re-reading unchanged
files, the deploy diff and the folder-size check."""
from __future__ import annotations

import hashlib
import os

import pytest

from gongkai import paths as P
from gongkai.cli import main
from gongkai.pipeline import manifest as M


def _site(tmp_path):
    site = tmp_path / "site"
    files = {"index.html": b"<p>home</p>", "reports/a/2023/index.html": "报告".encode(),
             "downloads/all/gongkai-all.zip": b"PK" + bytes(range(256)) * 10, "empty.txt": b""}
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    return site, files


def test_the_manifest_lists_every_file_with_its_sha256_and_size(tmp_path):
    site, files = _site(tmp_path)
    path = M.manifest_site(site, tmp_path / "cache")
    assert path == site / P.SITE_MANIFEST
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "sha256\tsize\tpath"
    expected = sorted(f"{hashlib.sha256(d).hexdigest()}\t{len(d)}\t{rel}" for rel, d in files.items())
    assert sorted(lines[1:]) == expected
    assert [line.split("\t")[2] for line in lines[1:]] == sorted(files)  # path order, itself not listed
    assert M.read_manifest(path) == {rel: (hashlib.sha256(d).hexdigest(), len(d)) for rel, d in files.items()}


def test_unchanged_files_are_not_read_again_and_replaced_ones_are(tmp_path, monkeypatch):
    site, _ = _site(tmp_path)
    cache = tmp_path / "cache"
    M.manifest_site(site, cache)
    read = []
    real = M.sha256_file
    monkeypatch.setattr(M, "sha256_file", lambda p: read.append(p.relative_to(site).as_posix()) or real(p))
    M.manifest_site(site, cache)
    assert read == []
    # Same size, new bytes, written the project's way (a rename: a new inode).
    tmp = site / "reports/a/2023/.new"
    tmp.write_bytes("报表".encode())
    os.replace(tmp, site / "reports/a/2023/index.html")
    (site / "new.css").write_bytes(b"p{}")
    M.manifest_site(site, cache)
    assert sorted(read) == ["new.css", "reports/a/2023/index.html"]
    assert M.read_manifest(site / P.SITE_MANIFEST)["reports/a/2023/index.html"][0] == \
        hashlib.sha256("报表".encode()).hexdigest()


def test_a_damaged_cache_means_hashing_everything_again(tmp_path):
    site, files = _site(tmp_path)
    cache = tmp_path / "cache"
    M.manifest_site(site, cache)
    (cache / M.CACHE_NAME).write_text("garbage\n")
    M.manifest_site(site, cache)
    assert len(M.read_manifest(site / P.SITE_MANIFEST)) == len(files)


def test_a_path_with_a_tab_is_refused_with_its_name(tmp_path):
    site, _ = _site(tmp_path)
    (site / "a\tb.html").write_bytes(b"x")
    with pytest.raises(ValueError, match="a\tb.html"):
        M.manifest_site(site, tmp_path / "cache")


def test_deploy_diff_uploads_new_and_changed_files_and_deletes_gone_ones():
    old = {"a": ("1" * 64, 1), "b": ("2" * 64, 2), "c": ("3" * 64, 3)}
    new = {"a": ("1" * 64, 1), "b": ("9" * 64, 2), "d": ("4" * 64, 4)}
    assert M.deploy_diff(old, new) == (["b", "d"], ["c"])


def test_the_deploy_diff_command(tmp_path, capsys):
    site, _ = _site(tmp_path)
    old = M.manifest_site(site, tmp_path / "cache").read_bytes()
    (tmp_path / "old.tsv").write_bytes(old)
    (site / "empty.txt").unlink()
    (site / "index.html").write_bytes(b"<p>new home</p>")
    (site / "x.js").write_bytes(b"1")
    M.manifest_site(site, tmp_path / "cache")
    assert main(["deploy-diff", str(tmp_path / "old.tsv"), str(site / P.SITE_MANIFEST)]) == 0
    assert capsys.readouterr().out == "upload\tindex.html\nupload\tx.js\ndelete\tempty.txt\n"
    (tmp_path / "bad.tsv").write_text("sha256\tsize\tpath\nnot a line\n")
    assert main(["deploy-diff", str(tmp_path / "bad.tsv"), str(site / P.SITE_MANIFEST)]) == 2
    assert "bad.tsv:2" in capsys.readouterr().err


def test_largest_directories_names_the_folders_over_the_limit(tmp_path):
    site, _ = _site(tmp_path)
    for i in range(5):
        (site / "reports" / f"r{i}").mkdir(parents=True, exist_ok=True)
    assert M.largest_directories(site, 3) == [("reports", 6), ("", 4)]
    assert M.largest_directories(site, 6) == []
