"""The deploy manifest of site/: an index of parts listing every file with its sha256 and size, the records that
spare re-reading unchanged files, the deploy diff (reading only the parts that changed) and the folder-size
check."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from gongkai import paths as P
from gongkai.cli import main
from gongkai.pipeline import manifest as M


def _site(tmp_path):
    site = tmp_path / "site"
    files = {"index.html": b"<p>home</p>", "reports/a/2023/index.html": "报告".encode(),
             "reports/3f/jiguan/2023/index.html": "机关报告".encode(),
             "downloads/all/gongkai-all.zip": b"PK" + bytes(range(256)) * 10, "empty.txt": b""}
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    return site, files


def test_part_of_is_the_bucket_folder_a_search_index_or_the_top_folder():
    assert M.part_of("index.html") == ""
    assert M.part_of("methodology/index.html") == "methodology"
    assert M.part_of("reports/3f/jiguan/2023/index.html") == "reports/3f"
    assert M.part_of("agencies/3f/jiguan/index.html") == "agencies/3f"
    assert M.part_of("downloads/archive/0a/" + "1" * 64 + ".pdf") == "downloads/archive/0a"
    assert M.part_of("downloads/all/gongkai-all.zip") == "downloads"
    assert M.part_of("pagefind/shards/s001/fragment/x.pf_fragment") == "pagefind/shards/s001"
    assert M.part_of("pagefind/fragment/x.pf_fragment") == "pagefind"
    assert M.part_of("2023/ab/x.html") == "2023/ab"  # the first bucket-like folder, wherever it is
    assert M.part_file("") == "manifest/files.tsv" and M.part_file("reports/3f") == "manifest/reports/3f/files.tsv"


def test_the_manifest_is_an_index_of_parts_that_list_every_file_with_its_sha256_and_size(tmp_path):
    site, files = _site(tmp_path)
    path = M.manifest_site(site, tmp_path / "cache")
    assert path == site / P.SITE_MANIFEST
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "sha256\tsize\tpart"
    parts = [line.split("\t") for line in lines[1:]]
    assert [rel for *_, rel in parts] == ["manifest/downloads/files.tsv", "manifest/files.tsv",
                                          "manifest/reports/3f/files.tsv", "manifest/reports/files.tsv"]
    for sha, size, rel in parts:
        data = (site / rel).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), int(size)) == (sha, len(data))
    root = (site / "manifest/files.tsv").read_text(encoding="utf-8").splitlines()
    assert root == ["sha256\tsize\tpath"] + [f"{hashlib.sha256(files[rel]).hexdigest()}\t{len(files[rel])}\t{rel}"
                                              for rel in ("empty.txt", "index.html")]  # path order
    listed = M.read_manifest(path)
    assert {rel: e for rel, e in listed.items() if not M.is_manifest(rel)} == {
        rel: (hashlib.sha256(d).hexdigest(), len(d)) for rel, d in files.items()}
    assert {rel for rel in listed if M.is_manifest(rel)} == {rel for *_, rel in parts}  # uploaded like any file


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


def test_files_hashed_ahead_are_not_read_again_unless_changed_since(tmp_path, monkeypatch):
    """The build hands the big files an edit replaced to `prehash` once they are final; the manifest takes their
    digests without reading them, except a file changed after it was hashed, which gets its new sha256."""
    import threading

    monkeypatch.setattr(M, "PREHASH_MIN", 0)
    site, _ = _site(tmp_path)
    cache = tmp_path / "cache"
    M.manifest_site(site, cache)
    zipped, db, page = site / "downloads/all/gongkai-all.zip", site / "downloads/all/gongkai.sqlite", \
        site / "reports/a/2023/index.html"
    tmp = zipped.with_name(".new")
    tmp.write_bytes(b"PK" + bytes(range(256)) * 11)
    os.replace(tmp, zipped)  # replaced the project's way: a new inode
    db.write_bytes(b"SQLite format 3\0" * 100)
    read = []
    real = M.sha256_file
    monkeypatch.setattr(M, "sha256_file", lambda p: read.append(
        (threading.current_thread() is threading.main_thread(), p.relative_to(site).as_posix())) or real(p))
    M.prehash([zipped, db, page, site / "missing.bin"])
    for done in list(M._PREHASH.jobs.values()):
        done.wait()
    assert sorted(rel for main, rel in read if not main) == ["downloads/all/gongkai-all.zip",
                                                              "downloads/all/gongkai.sqlite",
                                                              "reports/a/2023/index.html"]
    st = page.stat()
    page.write_bytes("报表".encode())  # in place, same size, after it was hashed
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    read.clear()
    M.manifest_site(site, cache)
    assert read == [(True, "reports/a/2023/index.html")]
    listed = M.read_manifest(site / P.SITE_MANIFEST)
    for path in (zipped, db, page):
        assert listed[path.relative_to(site).as_posix()][0] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_record_means_hashing_its_part_again_and_a_part_with_no_file_goes(tmp_path):
    site, files = _site(tmp_path)
    cache = tmp_path / "cache"
    M.manifest_site(site, cache)
    (cache / M.CACHE_NAME / "files.tsv").write_text("garbage\n")
    M.manifest_site(site, cache)
    assert len([rel for rel in M.read_manifest(site / P.SITE_MANIFEST) if not M.is_manifest(rel)]) == len(files)
    shutil.rmtree(site / "reports/3f")
    M.manifest_site(site, cache)
    assert not (site / "manifest/reports/3f").exists() and not (cache / M.CACHE_NAME / "reports/3f").exists()
    assert "manifest/reports/3f/files.tsv" not in (site / P.SITE_MANIFEST).read_text(encoding="utf-8")


def test_a_path_with_a_tab_is_refused_with_its_name(tmp_path):
    site, _ = _site(tmp_path)
    (site / "a\tb.html").write_bytes(b"x")
    with pytest.raises(ValueError, match="a\tb.html"):
        M.manifest_site(site, tmp_path / "cache")


def test_deploy_diff_uploads_new_and_changed_files_and_deletes_gone_ones():
    old = {"a": ("1" * 64, 1), "b": ("2" * 64, 2), "c": ("3" * 64, 3)}
    new = {"a": ("1" * 64, 1), "b": ("9" * 64, 2), "d": ("4" * 64, 4)}
    assert M.deploy_diff(old, new) == (["b", "d"], ["c"])


def test_the_deploy_diff_command_reads_only_the_parts_that_changed(tmp_path, capsys, monkeypatch):
    site, _ = _site(tmp_path)
    M.manifest_site(site, tmp_path / "cache")
    deployed = tmp_path / "deployed"
    shutil.copytree(site, deployed)
    (site / "empty.txt").unlink()
    (site / "index.html").write_bytes(b"<p>new home</p>")
    (site / "x.js").write_bytes(b"1")
    M.manifest_site(site, tmp_path / "cache")
    read = []
    real = M.read_manifest
    monkeypatch.setattr(M, "read_manifest", lambda path: read.append(Path(path)) or real(path))
    assert main(["deploy-diff", str(deployed / P.SITE_MANIFEST), str(site / P.SITE_MANIFEST)]) == 0
    assert capsys.readouterr().out == ("upload\tindex.html\nupload\tmanifest/files.tsv\nupload\tx.js\n"
                                       "delete\tempty.txt\n")
    assert sorted(read) == [deployed / "manifest/files.tsv", site / "manifest/files.tsv"]
    # A whole manifest of a build before the parts, against an index: every file compared.
    flat = tmp_path / "flat.tsv"
    flat.write_text(M.HEADER + "".join(f"{sha}\t{size}\t{rel}\n" for rel, (sha, size) in
                                       real(deployed / P.SITE_MANIFEST).items() if not M.is_manifest(rel)))
    assert main(["deploy-diff", str(flat), str(site / P.SITE_MANIFEST)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "delete\tempty.txt" in out and "upload\tx.js" in out and "upload\tmanifest/downloads/files.tsv" in out
    (tmp_path / "bad.tsv").write_text("sha256\tsize\tpath\nnot a line\n")
    assert main(["deploy-diff", str(tmp_path / "bad.tsv"), str(site / P.SITE_MANIFEST)]) == 2
    assert "bad.tsv:2" in capsys.readouterr().err


def test_largest_directories_names_the_folders_over_the_limit(tmp_path):
    site, _ = _site(tmp_path)
    for i in range(5):
        (site / "reports" / f"r{i}").mkdir(parents=True, exist_ok=True)
    assert M.largest_directories(site, 3) == [("reports", 7), ("", 4)]  # a, 3f and r0…r4
    assert M.largest_directories(site, 7) == []


def test_a_part_is_listed_alone_and_the_parts_are_found_from_folders(tmp_path):
    site, files = _site(tmp_path)
    (site / "reports/3f/jiguan/.tmp.1").write_bytes(b"left over")
    assert M.parts_under(site) == {"", "downloads", "reports", "reports/3f"}
    assert set(M.part_files(site, "reports")) == {"reports/a/2023/index.html"}  # reports/3f is a part of its own
    assert set(M.part_files(site, "reports/3f", stat=False)) == {"reports/3f/jiguan/2023/index.html",
                                                                 "reports/3f/jiguan/.tmp.1"}
    M.manifest_site(site, tmp_path / "cache")
    assert M.parts_under(site) == {"", "downloads", "reports", "reports/3f"}  # the manifest's folder left out
    assert set(M.part_files(site, "")) == {"index.html", "empty.txt"}
