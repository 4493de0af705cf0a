"""Two corpus builds over the sample reports' packages, for the tests of the incremental corpus exports
(tests/package/test_corpus_sqlite.py, test_corpus.py): a first build where one report's text and agency
name were different and one report was missing, then a second build with that report restored, the
missing one added and a third one removed; and a whole build of the second state in another folder."""
from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import paths as P
from gongkai.pipeline.incremental import folder_digest
from gongkai.files import commit_temp
from gongkai.package import corpus_sqlite
from gongkai.package.corpus import write_corpus_exports
from gongkai.package.fulltext import AGENCIES_FTS, SECTIONS_FTS


def _keys(out: Path, ids: list[str]) -> dict[str, str]:
    """report_id -> its package's digest, as the build keys the report (incremental.folder_digest)."""
    return {rid: folder_digest(out / P.report_dir_of(rid)) for rid in ids}


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted((folder / P.PARQUET_DIR).rglob("*.parquet"))}


@dataclass
class Scenario:
    incremental: Path  # downloads/all after the first build and the in-place second one
    fresh: Path  # downloads/all of a whole build of the second state
    edited: str  # changed between the builds
    added: str
    removed: str
    before: dict = field(default_factory=dict)  # Parquet file -> (inode, mtime) after the first build
    after: dict = field(default_factory=dict)
    updated_in_place: bool = False


def two_builds(datapackages: Path, tmp: Path) -> Scenario:
    out = tmp / "datapackages"
    # <bucket>/<slug>/<year>/metadata.json -> the report id <slug>/<year>
    ids = sorted(p.parent.relative_to(datapackages).as_posix().split("/", 1)[1]
                 for p in datapackages.glob("*/*/*/metadata.json"))
    for rid in ids:
        shutil.copytree(datapackages / P.report_dir_of(rid), out / P.report_dir_of(rid))
    # The edited report: one with sections and an agency that has other reports, so the agency row and the
    # full-text index both change.
    slugs = [rid.rsplit("/", 1)[0] for rid in ids]
    edited = next(rid for rid in ids if slugs.count(rid.rsplit("/", 1)[0]) > 1
                  and json.loads((out / P.report_dir_of(rid) / "sections.json").read_bytes()))
    removed = next(rid for rid in reversed(ids) if rid != edited)
    added = next(rid for rid in ids if rid not in (edited, removed))
    original = {name: (out / P.report_dir_of(edited) / name).read_bytes() for name in ("sections.json", "metadata.json")}
    sections = json.loads(original["sections.json"])
    sections[0]["text"] = "改动后的正文：行政复议和司法审查的说明。"
    meta = json.loads(original["metadata.json"])
    meta[0]["agency"] = meta[0]["agency"] + "（旧称）"
    (out / P.report_dir_of(edited) / "sections.json").write_text(json.dumps(sections, ensure_ascii=False), encoding="utf-8")
    (out / P.report_dir_of(edited) / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    first = [rid for rid in ids if rid != added]
    state, inc, fresh = tmp / "cache" / "corpus.json", tmp / "inc", tmp / "fresh"
    write_corpus_exports(out, first, inc, commit_temp, keys=_keys(out, first), state=state)
    scenario = Scenario(inc, fresh, edited, added, removed, before=_stamps(inc))
    for name, data in original.items():
        (out / P.report_dir_of(edited) / name).write_bytes(data)
    second = [rid for rid in ids if rid != removed]
    calls = []
    real = corpus_sqlite.update_sqlite

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    import gongkai.package.corpus as corpus

    corpus.update_sqlite = spy
    try:
        write_corpus_exports(out, second, inc, commit_temp, keys=_keys(out, second), state=state)
    finally:
        corpus.update_sqlite = real
    scenario.updated_in_place = len(calls) == 1
    scenario.after = _stamps(inc)
    write_corpus_exports(out, second, fresh, commit_temp)
    return scenario


def sqlite_content(path) -> dict:
    """Every table's rows, sorted (rowids aside), and each full-text index as (term, column, offset, the key of
    the row it points at)."""
    con = sqlite3.connect(path)
    try:
        tables = [name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' ORDER BY name")]
        content = {name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in tables}
        for fts, table, key in ((SECTIONS_FTS, "sections", "report_id, section"),
                                (AGENCIES_FTS, "agencies", "agency_slug")):
            con.execute(f"CREATE VIRTUAL TABLE temp.v_{fts} USING fts5vocab(main, {fts}, 'instance')")
            content[fts] = sorted(con.execute(
                f"SELECT v.term, v.col, v.offset, {', '.join('t.' + k.strip() for k in key.split(','))} "
                f"FROM temp.v_{fts} v JOIN \"{table}\" t ON t.rowid = v.doc").fetchall())
            orphans = con.execute(f"SELECT count(*) FROM temp.v_{fts} v LEFT JOIN \"{table}\" t "
                                  "ON t.rowid = v.doc WHERE t.rowid IS NULL").fetchone()[0]
            content[fts + " entries of no row"] = orphans
        content["schema"] = sorted(con.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=repr)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    return content
