"""gongkai/package/corpus_sqlite.py: the corpus database written whole, or brought up to date in place.

The in-place update must give the content of a whole build of the same reports: every table's rows, and
every full-text entry (term, column, position) attached to the same section or agency."""
from __future__ import annotations

import pytest

from corpus_scenario import sqlite_content, two_builds
from gongkai import paths as P
from gongkai.package.fulltext import AGENCIES_FTS, SECTIONS_FTS


@pytest.fixture(scope="module")
def scenario(built, tmp_path_factory):
    root, _, _ = built
    return two_builds(root / "datapackages", tmp_path_factory.mktemp("corpus"))


def test_the_database_updated_in_place_holds_what_a_whole_build_holds(scenario):
    assert scenario.updated_in_place
    got, want = sqlite_content(scenario.incremental / P.CORPUS_SQLITE), sqlite_content(scenario.fresh / P.CORPUS_SQLITE)
    assert want["sections"] and want[SECTIONS_FTS] and want[AGENCIES_FTS]
    assert want[SECTIONS_FTS + " entries of no row"] == 0
    for name in want:
        assert got[name] == want[name], name
    reports = {row[0] for row in got["reports"]}
    assert scenario.added in reports and scenario.removed not in reports and scenario.edited in reports
    # The edited report's old text and old agency name are gone from the tables and from the index.
    assert not any("改动后的正文" in str(row) for row in got["sections"])
    assert not any("旧称" in str(row) for row in got["agencies"] + got["reports"])
    assert not any(term == "旧称" for term, *_ in got[AGENCIES_FTS] + got[SECTIONS_FTS])


def test_the_updated_database_keeps_no_history_in_its_header(scenario):
    data = (scenario.incremental / P.CORPUS_SQLITE).read_bytes()
    assert data[24:28] == bytes(4) and data[92:100] == bytes(8)


def test_a_failed_update_leaves_the_database_as_it_was(built, tmp_path):
    """One transaction: a report whose package cannot be read stops the update, and nothing of it stays."""
    from gongkai.package.corpus_sqlite import update_sqlite

    root, result, _ = built
    db = tmp_path / "db.sqlite"
    db.write_bytes((root / "docs" / "downloads" / "all" / P.CORPUS_SQLITE).read_bytes())
    before = sqlite_content(db)
    rid = result.reports[0].report_id
    with pytest.raises(FileNotFoundError):
        update_sqlite(db, tmp_path / "no-packages", [rid], {rid}, lambda _rid: {})
    assert sqlite_content(db) == before


def _edit(out, rid, text):
    import json

    path = out / P.report_dir_of(rid) / "sections.json"
    sections = json.loads(path.read_bytes())
    sections[0]["text"] = text
    path.write_text(json.dumps(sections, ensure_ascii=False), encoding="utf-8")


def test_an_edit_updates_the_spare_database_in_place_and_never_writes_a_file_site_links(built, tmp_path, monkeypatch):
    """The published database is never written: an edit brings the spare copy (the build before last's) up to date
    in place, with no byte copied, and links it as the published file; a spare that site/ still links (no
    assembly since the last build) is copied first; a killed update leaves the published file and site/ as they
    were, and the next build's database holds what a whole build holds (issue 17)."""
    import os
    import shutil

    from corpus_scenario import _keys
    from gongkai.files import commit_temp, sha256_file
    from gongkai.package import corpus
    from gongkai.package import corpus_sqlite as S
    from gongkai.package.corpus import DB_SLOTS, write_corpus_exports

    root, _, _ = built
    src, out = root / "datapackages", tmp_path / "datapackages"
    ids = sorted(p.parent.relative_to(src).as_posix().split("/", 1)[1] for p in src.glob("*/*/*/metadata.json"))
    edited = [rid for rid in ids if (src / P.report_dir_of(rid) / "sections.json").read_bytes() != b"[]"][:4]
    for rid in ids:
        shutil.copytree(src / P.report_dir_of(rid), out / P.report_dir_of(rid))
    target, state = tmp_path / "all", tmp_path / "cache" / "corpus.json"
    db, slots, site = target / P.CORPUS_SQLITE, tmp_path / "cache" / DB_SLOTS, tmp_path / "site.sqlite"
    copied = []

    def counting(real):
        def copy(src_fh, dst_fh, start, length):
            copied.append(length)
            return real(src_fh, dst_fh, start, length)
        return copy

    monkeypatch.setattr(S, "copy_range", counting(S.copy_range))
    monkeypatch.setattr(corpus, "copy_range", counting(corpus.copy_range))

    def build():
        copied.clear()
        write_corpus_exports(out, ids, target, commit_temp, keys=_keys(out, ids), state=state)

    def assemble():  # site/ links the published file, as the site's assembly does
        site.unlink(missing_ok=True)
        os.link(db, site)

    build()
    assemble()
    spare = slots / S.spare_name(slots, db)
    assert spare.is_file() and spare.stat().st_ino != db.stat().st_ino and db.stat().st_nlink == 3

    # 1. The spare is updated in place (its inode is now the published file's), nothing copied; the file site/
    #    links keeps its bytes.
    was = (spare.stat().st_ino, sha256_file(site))
    _edit(out, edited[0], "第一次改动：行政复议的说明。")
    build()
    assert db.stat().st_ino == was[0] and sum(copied) < db.stat().st_size // 100
    assert sha256_file(site) == was[1]

    # 2. No assembly since: the spare is the file site/ links, so it is not written; a copy is updated instead.
    _edit(out, edited[1], "第二次改动：政府信息公开的说明。")
    build()
    assert sha256_file(site) == was[1] and db.stat().st_ino != site.stat().st_ino
    assert db.stat().st_size in copied

    # 3. After the assembly, the spare (one edit behind: the second edit's report) is updated in place again.
    assemble()
    spare = slots / S.spare_name(slots, db)
    ino = spare.stat().st_ino
    _edit(out, edited[2], "第三次改动：依申请公开的说明。")
    build()
    assert db.stat().st_ino == ino and sum(copied) < db.stat().st_size // 100

    # 4. Builds killed while they update the spare leave the published file and site/ untouched.  Killed inside
    #    the transaction, the spare is rolled back (its stamp unchanged, it is used again); killed after it
    #    committed, the spare is not what the state recorded: made again from the published file.
    assemble()
    before = (db.stat().st_ino, sha256_file(db), sha256_file(site))
    _edit(out, edited[3], "第四次改动：不予公开的说明。")

    def killed(*args):
        raise KeyboardInterrupt

    for step in ("_index_sections", "zero_history"):
        real = getattr(S, step)
        monkeypatch.setattr(S, step, killed)
        with pytest.raises(KeyboardInterrupt):
            build()
        monkeypatch.setattr(S, step, real)
        assert (db.stat().st_ino, sha256_file(db), sha256_file(site)) == before
    build()
    assert db.stat().st_size in copied

    fresh = tmp_path / "fresh"
    write_corpus_exports(out, ids, fresh, commit_temp)
    got, want = sqlite_content(db), sqlite_content(fresh / P.CORPUS_SQLITE)
    for name in want:
        assert got[name] == want[name], name
    texts = str(got["sections"])
    assert all(f"第{n}次改动" in texts for n in "一二三四")
