"""The whole-corpus SQLite database: written whole from the per-report packages on disk, or brought up to date
in place from the last build's database, so a one-report edit does not rewrite every row of the corpus.

Whole: every table is inserted report by report in report_id order, then VACUUM (a compact file in key
order), then the full-text index (fulltext.py), then the header's history fields zeroed: the bytes depend
only on the rows.

In place (update_sqlite, on a private copy of the last database that the caller renames over it): in one
transaction the rows of the reports that changed or went away are deleted from every table and their
full-text entries removed, the agencies they touch are derived again, and the changed and new reports'
rows are inserted.  The content equals a whole build's (tests/package/test_corpus_sqlite.py compares every
table's rows and every full-text entry); the bytes do not: new rows take new rowids and sit on pages freed
or appended, not in key order.  Making them equal would mean VACUUM and rebuilding the full-text index,
which is what the whole build costs (BENCHMARKS.md, issue 17), so the file is left as it is: freed pages are
reused by later updates, and a build whose code or toolchain changed writes the database whole again.
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from gongkai import paths as P
from gongkai.files import copy_range, file_stamp, temp_beside
from gongkai.mirror import relink
from gongkai.package import exports as E
from gongkai.package.fulltext import AGENCIES_FTS, SECTIONS_FTS, add_fulltext, segment
from gongkai.schema import measures as M
from gongkai.schema import registry as R

# Header fields of an SQLite file that record its history rather than its content (change counter,
# the counter when the version was stored, the library version that wrote it).  A serialised in-memory
# database has them at zero; so does ours, so the bytes depend only on the rows.
SQLITE_HISTORY_FIELDS = ((24, 4), (92, 8))
# The tables holding rows of one report each, children of `reports` (the metadata resource).
REPORT_TABLES = tuple(name for name in E.CORPUS_TABLES if name not in ("agencies", "metadata"))


def report_rows(out_dir: Path, report_ids: list[str], resource: str):
    """Each report's rows of `resource`, in report_id order, sorted by the resource's key."""
    if resource == M.TABLE:
        yield from measure_rows(out_dir, report_ids)
        return
    key = R.key_of(resource)
    for rid in sorted(report_ids):
        rows = json.loads((out_dir / P.report_dir_of(rid) / P.resource_json(resource)).read_bytes())
        yield sorted(rows, key=lambda rec: E._sort_key(rec, key))


def measure_rows(out_dir: Path, report_ids: list[str]):
    """Each report's row of the measures table (as a one-row list), from its cells on disk."""
    for rid in sorted(report_ids):
        records = {t: json.loads((out_dir / P.report_dir_of(rid) / P.resource_json(t)).read_bytes())
                   for t in ("applications", "reviews_litigation")}
        yield [M.table_row(rid, records)]


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A new database with every table; a scratch file renamed into place only when complete, so no journal."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA foreign_keys = ON")
    for name in E.CORPUS_TABLES:
        con.execute(E.create_table_sql(name))
    con.execute(E.FIELDS_SQL)
    return con


def insert(con: sqlite3.Connection, name: str, rows: list[dict], values: dict[str, list] | None = None) -> None:
    """Insert rows (or the same rows as exports.column_values, when the caller has them)."""
    cols = E.columns(name)
    values = E.column_values(name, rows) if values is None else values
    marks = ", ".join("?" for _ in cols)
    con.executemany(f'INSERT INTO "{E._sql_name(name)}" VALUES ({marks})',
                    zip(*(E.sql_column(c, values[c.name]) for c in cols)))


def zero_history(path: Path) -> None:
    with open(path, "r+b") as fh:
        for offset, size in SQLITE_HISTORY_FIELDS:
            fh.seek(offset)
            fh.write(bytes(size))


def finish_sqlite(con: sqlite3.Connection, path: Path, words_of) -> None:
    """The field table, then VACUUM (a compact file in key order), the full-text index, then the history
    fields zeroed."""
    try:
        con.executemany('INSERT INTO "fields" VALUES (?, ?, ?, ?, ?, ?, ?)', E.field_rows())
        con.commit()
        con.execute("VACUUM")
        add_fulltext(con, words_of)
    finally:
        con.close()
    zero_history(path)


def _marks(items) -> str:
    return ", ".join("?" for _ in items)


def update_sqlite(path: Path, out_dir: Path, report_ids: list[str], replace: set[str], words_of,
                  tables: dict[str, dict[str, list[dict]]] | None = None) -> None:
    """Bring the database at `path` (the last build's, copied) to the reports `report_ids`, whose packages are
    in out_dir: `replace` names every report whose rows must go (changed, or no longer published); those of
    them still in report_ids are inserted again, from `tables` (report_id -> table -> its rows sorted by
    key, as corpus.read_report gives them) when given, else from their packages.

    words_of(report_id) -> the full-text words of a report's sections, as for add_fulltext.  A contentless
    full-text index forgets a row only when given the words it indexed, so the deleted rows' words are
    segmented again from their text in the database (the same segmenter: the caller writes the database
    whole when fulltext's version changed)."""
    new = sorted(set(report_ids) & replace)
    con = sqlite3.connect(path)
    try:
        # One transaction; the journal in memory so it can roll back, and the keys checked at the commit,
        # as agencies are replaced while their other reports still point at them.
        con.execute("PRAGMA journal_mode = MEMORY")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("BEGIN")
        con.execute("PRAGMA defer_foreign_keys = ON")
        gone = sorted(replace)
        slugs = {row[0] for row in con.execute(
            f'SELECT agency_slug FROM reports WHERE report_id IN ({_marks(gone)})', gone)}
        metadata = {rid: tables[rid]["metadata"] if tables is not None else
                    json.loads((out_dir / P.report_dir_of(rid) / P.resource_json("metadata")).read_bytes())
                    for rid in new}
        slugs |= {rec["agency_slug"] for rows in metadata.values() for rec in rows}
        _forget_sections(con, gone)
        for name in REPORT_TABLES + ("metadata",):
            con.execute(f'DELETE FROM "{E._sql_name(name)}" WHERE report_id IN ({_marks(gone)})', gone)
        _replace_agencies(con, out_dir, sorted(slugs), metadata)
        insert(con, "metadata", [rec for rid in new for rec in metadata[rid]])
        for name in REPORT_TABLES:
            for rows in ([tables[rid][name] for rid in new] if tables is not None else report_rows(out_dir, new, name)):
                insert(con, name, rows)
        _index_sections(con, new, words_of)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
    zero_history(path)


def _forget_sections(con: sqlite3.Connection, report_ids: list[str]) -> None:
    rows = con.execute("SELECT s.rowid, r.agency, s.heading, s.text FROM sections s JOIN reports r "
                       f"ON r.report_id = s.report_id WHERE s.report_id IN ({_marks(report_ids)})", report_ids)
    con.executemany(f'INSERT INTO "{SECTIONS_FTS}" ("{SECTIONS_FTS}", rowid, agency, heading, text) '
                    "VALUES ('delete', ?, ?, ?, ?)",
                    [(rowid, segment(agency), segment(heading), segment(text)) for rowid, agency, heading, text
                     in rows.fetchall()])


def _replace_agencies(con: sqlite3.Connection, out_dir: Path, slugs: list[str], metadata: dict[str, list]) -> None:
    """Derive the rows of these agencies again (exports.agency_records) from all their reports' metadata:
    the reports still in the database and the new ones."""
    if not slugs:
        return
    old = con.execute(f"SELECT rowid, agency, region FROM agencies WHERE agency_slug IN ({_marks(slugs)})",
                      slugs).fetchall()
    con.executemany(f'INSERT INTO "{AGENCIES_FTS}" ("{AGENCIES_FTS}", rowid, agency, region) '
                    "VALUES ('delete', ?, ?, ?)", [(rowid, segment(a), segment(r)) for rowid, a, r in old])
    con.execute(f"DELETE FROM agencies WHERE agency_slug IN ({_marks(slugs)})", slugs)
    kept = [rid for (rid,) in con.execute(
        f"SELECT report_id FROM reports WHERE agency_slug IN ({_marks(slugs)})", slugs)]
    records = [rec for rid in kept for rec in json.loads((out_dir / P.report_dir_of(rid) / P.resource_json("metadata")).read_bytes())]
    records += [rec for rows in metadata.values() for rec in rows if rec["agency_slug"] in slugs]
    insert(con, "agencies", E.agency_records(records))
    rows = con.execute(f"SELECT rowid, agency, region FROM agencies WHERE agency_slug IN ({_marks(slugs)})",
                       slugs).fetchall()
    con.executemany(f'INSERT INTO "{AGENCIES_FTS}" (rowid, agency, region) VALUES (?, ?, ?)',
                    [(rowid, segment(a), segment(r)) for rowid, a, r in rows])


def _index_sections(con: sqlite3.Connection, report_ids: list[str], words_of) -> None:
    insert_sql = f'INSERT INTO "{SECTIONS_FTS}" (rowid, agency, heading, text) VALUES (?, ?, ?, ?)'
    for rid in report_ids:
        words = words_of(rid)
        rows = con.execute("SELECT s.rowid, s.section, r.agency FROM sections s JOIN reports r "
                           "ON r.report_id = s.report_id WHERE s.report_id = ?", (rid,)).fetchall()
        con.executemany(insert_sql, [(rowid, segment(agency), *words.get(section, ["", ""]))
                                     for rowid, section, agency in rows])


# ---------------------------------------------------------------------------
# Two copies of the database, so an edit updates one in place without copying it (issue 17)
# ---------------------------------------------------------------------------
# The published database (downloads/all/gongkai-all.sqlite) is a hard link of one of two files in the build's
# cache; the other, the spare, is the database as the build before last left it.  An edit brings the spare up to
# date in place (the reports changed by the last edit and by this one), then links it as the published file by a
# rename; the file it replaces becomes the spare.  The spare is written only while nothing else links it
# (st_nlink 1): site/ links the published file, and keeps the one it has until the assembly relinks it, so
# neither docs/ nor site/ ever holds a file being written.  A spare that another link still holds (the site
# not yet assembled since the last build), or that is not what the state recorded (a killed build, an edit
# behind the build's back) is made again: a kernel copy of the published file, the cost of an edit before.
SLOTS = ("a.sqlite", "b.sqlite")


def _ino(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def spare_name(folder: Path, published: Path) -> str:
    """The slot that is not the published file (the first when neither is)."""
    pub = _ino(published)
    return next(n for n in SLOTS if _ino(folder / n) != pub)


def spare(folder: Path, published: Path, recorded: dict | None) -> tuple[Path, set[str]]:
    """The copy to update in place, in folder, and the reports whose rows in it are not the published file's
    (recorded: what the last build said of it; every report is as published when it is made again)."""
    pub = _ino(published)
    names = [n for n in SLOTS if _ino(folder / n) != pub]
    if recorded is not None and recorded.get("spare") in names:
        path = folder / recorded["spare"]
        if file_stamp(path) == recorded.get("stamp") and path.stat().st_nlink == 1:
            return path, set(recorded.get("behind", ()))
    path = folder / (recorded["spare"] if recorded is not None and recorded.get("spare") in names else names[0])
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_beside(path)
    try:
        with open(published, "rb") as src, os.fdopen(fd, "wb", buffering=0) as dst:
            copy_range(src, dst, 0, os.fstat(src.fileno()).st_size)
        os.replace(tmp, path)  # a new inode: a file something else links keeps its bytes
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path, set()


def publish(path: Path, target: Path, commit) -> None:
    """Link the updated spare `path` as target (commit(tmp, target) renames it over), after keeping the file
    target holds now under the other slot's name, where it becomes the next spare."""
    other = path.parent / next(n for n in SLOTS if n != path.name)
    if target.exists() and _ino(other) != _ino(target):
        relink(target, other)  # the published file kept as the next spare
    fd, tmp = temp_beside(target)
    os.close(fd)
    os.unlink(tmp)
    os.link(path, tmp)
    try:
        commit(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def keep_slots(folder: Path, target: Path) -> dict:
    """After the database was written whole as target: target linked as one slot, and a kernel copy of it as
    the spare (no report behind), so the next edit updates a file in place.  Returns the state's record."""
    folder.mkdir(parents=True, exist_ok=True)
    relink(target, folder / SLOTS[0])
    path, _ = spare(folder, target, None)
    return record(path, set())


def record(path: Path, behind: set[str]) -> dict:
    return {"spare": path.name, "stamp": file_stamp(path), "behind": sorted(behind)}
