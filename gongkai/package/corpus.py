"""The whole-corpus SQLite database, Parquet datasets and Excel-safe CSVs, streamed from the per-report
packages on disk; after a build, only what changed.

exports.corpus_exports makes the same files from every record in memory; at tens of thousands of
reports that is gigabytes.  Here each report's package JSON files (which keep '' apart from null and
numbers as numbers) are read once, in report_id order, for every format: memory holds one report's
rows, plus at most one Parquet row group.  Every key begins with report_id, so rows sorted within each
report, taken in report_id order, are the rows sorted by key over the whole corpus.

A rebuild after some reports changed (a report's key: its package digest) updates the database in place
(corpus_sqlite.update_sqlite), rewrites only the Parquet partitions holding a changed, new or removed
report (corpus_parquet.py), and writes an Excel CSV again only when a replaced report's lines in it differ.
Parquet is partitioned by report year and province; the reports of unknown province are split further
into up to 16 files by the agency's bucket (paths.parquet_part).  Measured on the sample corpus, a report takes about 6 KB of Parquet
over all tables (sections, the text, 3 KB of it).  By year alone, a million reports (about 160,000 a year)
would make a year's file ~1 GB (sections ~500 MB), and one edit would rewrite it; by year and province a
partition holds ~5,000 reports (a big province two or three times that), ~30 MB over the tables, which an
edit reads and writes whole (~1 s): bounded by the province's agencies, not by N.  The unknown province is
bounded by nothing (in the synthetic corpus every province is unknown: a partition was a third of a year's
reports, 0.6 s of a one-report edit at 2,000 and growing), so it is split by the agency's bucket into up to
16 files.  That has a price: a file carries ~14 KB of schema and licence metadata, and at 1,000 synthetic
reports the split took the datasets from 54 files and 2.2 MB to 459 files and 7.9 MB; splitting every province
so (or finer, by level or city) would give many such tiny files at today's thousands of real reports.  The group is fixed by the slug, so a report's file
never moves.

No corpus workbook (issue 17): a national corpus has more reports than a sheet has rows, and each edit
rewrote it whole; metadata_excel.csv and measures_excel.csv hold its rows.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from gongkai.package import exports as E
from gongkai.package.corpus_parquet import (PARQUET_ROW_GROUP, ParquetStream, Spill, merge_partition, temp_name,
                                            write_parquet_partitions)
from gongkai.package import corpus_sqlite as S
from gongkai.package.corpus_sqlite import finish_sqlite, insert, measure_rows, open_sqlite, report_rows, update_sqlite
from gongkai.package.fulltext import _cache_file, _segmenter_id, cached_words, prune
from gongkai.package.state import load_state, write_state
from gongkai import paths as P
from gongkai.files import Splice, copy_range, file_stamp
from gongkai.schema import measures as M
from gongkai.schema import registry as R

__all__ = ["ParquetStream", "measure_rows", "report_rows", "write_corpus_exports"]

# An in-place update deletes and inserts the changed reports' rows one by one; past this share of the corpus,
# writing the database whole (inserts in key order, VACUUM) is as quick and gives the compact file.
IN_PLACE_SHARE = 0.2
# The single files over the whole corpus, written whole (from their last version where it can) when they change.
REWRITTEN = (P.CORPUS_SQLITE,) + tuple(P.excel_csv(name) for name in E.PARQUET_TABLES)
DB_SLOTS = "corpus-db"  # beside the state: the database's two copies (corpus_sqlite.SLOTS)


def _load_state(state: Path | None, target_dir: Path) -> dict | None:
    """What the last build recorded about the corpus files now in place, when they are still those files."""
    recorded = load_state(state)
    if recorded is None or not {"keys", "parts", "excel"} <= set(recorded) \
            or recorded.get("parquet") != P.PARQUET_LAYOUT:
        return None
    stamps = recorded.get("stamps", {})
    if recorded.get("segmenter") != _segmenter_id().hex() or set(stamps) != set(REWRITTEN) \
            or any(stamps[name] != file_stamp(target_dir / name) for name in REWRITTEN):
        return None
    return recorded


def read_report(out_dir: Path, rid: str, metadata: list[dict] | None = None) -> tuple[dict[str, list[dict]], bytes]:
    """Every corpus table's rows of one report, each sorted by its key, and its sections.json bytes (the key
    of its full-text words): each JSON file of its package read once for every format, and its measures
    row computed from the same rows.  metadata: its metadata rows when already read."""
    folder = out_dir / P.report_dir_of(rid)
    tables, sections = {}, b""
    for name in R.RESOURCE_ORDER:
        if name == "metadata" and metadata is not None:
            tables[name] = metadata
            continue
        data = (folder / P.resource_json(name)).read_bytes()
        if name == "sections":
            sections = data
        tables[name] = sorted(json.loads(data), key=lambda rec, k=R.key_of(name): E._sort_key(rec, k))
    tables[M.TABLE] = [M.table_row(rid, tables)]
    return tables, sections


class _Words:
    """words_of(report_id) for the full-text index, from the words cache the per-report workers filled
    (fulltext.prepare), keyed by each report's sections bytes as the pass read them."""

    def __init__(self, out_dir: Path, cache: Path | None):
        self.out_dir, self.cache, self.files, self.used = out_dir, cache, {}, set()

    def saw(self, rid: str, sections: bytes) -> None:
        if self.cache is not None:
            self.files[rid] = _cache_file(self.cache, sections)

    def __call__(self, rid: str) -> dict[str, list[str]]:
        path = self.files.get(rid)
        if path is not None:
            self.used.add(path.name)
            try:
                return json.loads(path.read_bytes())
            except (OSError, ValueError):
                pass  # not prepared (or a damaged entry): segmented here
        data = (self.out_dir / P.report_dir_of(rid) / P.resource_json("sections")).read_bytes()
        return cached_words(self.cache, data, self.used)


class _Lines(Splice):
    """One corpus Excel CSV written report by report in report_id order: a report's lines are given (bytes)
    or copied from the old file by their [offset, length] there, neighbouring copies as one (files.Splice).
    offsets: report_id -> [offset, length] in the new file."""

    def __init__(self, name: str, path: Path, old: Path | None = None):
        super().__init__(open(path, "wb", buffering=0), open(old, "rb") if old is not None else None)
        self.offsets = {}
        self.write(E.excel_csv_head(name).encode("utf-8"))

    def add(self, rid: str, data: bytes) -> None:
        self.offsets[rid] = [self.pos, len(data)]
        self.write(data)

    def copy_lines(self, rid: str, start: int, length: int) -> None:
        self.offsets[rid] = [self.pos, length]
        self.copy(start, length)

    def close(self) -> dict[str, list[int]]:
        self.flush()
        self.fh.close()
        if self.src is not None:
            self.src.close()
        return self.offsets


def _same_lines(old: Path, offsets: dict[str, list[int]], replace: set[str], lines: dict[str, bytes]) -> bool:
    """True when every replaced report's lines (b"" for a report no longer published) are the bytes it has in
    the old file (b"" for a report not in it): the file would come out as it is."""
    with open(old, "rb") as fh:
        for rid in sorted(replace):
            want = lines.get(rid, b"")
            start, length = offsets.get(rid, (0, 0))
            if length != len(want):
                return False
            if length:
                fh.seek(start)
                if fh.read(length) != want:
                    return False
    return True


def write_corpus_exports(out_dir: Path, report_ids: list[str], target_dir: Path, commit,
                         words_cache: Path | None = None, keys: dict[str, str] | None = None,
                         state: Path | None = None, commit_changed=None) -> list[str]:
    """The database, the Parquet datasets and the Excel CSVs.  Each file is written to a temporary name;
    `commit(tmp, target)` puts it in place, `commit_changed(tmp, target)` (commit when not given) a file an edit
    is known to have changed (the database updated, an Excel CSV whose lines differ), without comparing its
    bytes with the last one's first: at 10,000 reports that compare read 2 x 860 MB of database.  Returns the
    names of the files (relative to target_dir).

    words_cache: where the per-report workers left the sections' words for the full-text index
    (fulltext.prepare); entries no longer used are dropped.  keys: report_id -> what its rows depend on
    (its package digest and the code); state: a file where they are kept with the files they describe.
    Given both, only the packages of reports whose key changed are read (once each): the database is
    updated in place, their Parquet partitions rewritten, and an Excel CSV in which their lines changed is
    written again with the other reports' lines copied from the last one (left as it is otherwise)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    ids = sorted(report_ids)
    prev = _load_state(state, target_dir) if keys is not None else None
    replace = set(ids) if prev is None else (
        {rid for rid in ids if prev["keys"].get(rid) != keys[rid]} | (set(prev["keys"]) - set(ids)))
    if prev is not None and len(replace) > IN_PLACE_SHARE * max(len(ids), 1):
        prev = None  # as quick to write whole, and the database comes out compact
    temps = {name: temp_name(target_dir, name) for name in REWRITTEN}
    words = _Words(out_dir, words_cache)
    slots = state.parent / DB_SLOTS if state is not None and keys is not None else None
    db = None  # the database's spare copy, updated in place (corpus_sqlite.spare)
    try:
        if prev is None:
            parts, offsets, names = _write_whole(out_dir, ids, temps, target_dir, commit, words)
            prune(words_cache, words.used)
            rewritten = list(REWRITTEN)
        else:
            if slots is not None:
                db, behind = S.spare(slots, target_dir / P.CORPUS_SQLITE, prev.get("db"))
            parts, offsets, rewritten, names = _update(out_dir, ids, replace, prev, temps, target_dir, commit, words,
                                                       db, behind if db is not None else set())
            # The words cache is left as it is: only the changed reports' words were looked up.
        names = list(REWRITTEN) + names
        if state is not None:
            state.unlink(missing_ok=True)  # the files are about to change: the old record no longer holds
        for name in rewritten:
            put = commit if prev is None or commit_changed is None else commit_changed
            if name == P.CORPUS_SQLITE and db is not None:
                S.publish(db, target_dir / name, put)
            else:
                put(str(temps[name]), target_dir / name)
        if slots is not None:
            if db is None:
                kept = S.keep_slots(slots, target_dir / P.CORPUS_SQLITE)
            else:  # the file published until now is the next spare, behind by this edit's reports
                now = S.spare_name(slots, target_dir / P.CORPUS_SQLITE)
                kept = S.record(slots / now, replace if now != db.name else set())
        if state is not None and keys is not None:
            write_state(state, {
                "stamps": {name: file_stamp(target_dir / name) for name in REWRITTEN},
                "segmenter": _segmenter_id().hex(), "keys": {rid: keys[rid] for rid in ids}, "parts": parts,
                "parquet": P.PARQUET_LAYOUT, "db": kept, "excel": offsets})
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return names


def _write_whole(out_dir: Path, ids: list[str], temps: dict[str, Path], target_dir: Path, commit, words) -> tuple:
    """Every file from every report in one pass: each report's JSON files are read once, and its rows go to
    the database and the Excel CSVs at once and to the Parquet tables' scratch files (_Spill), from which
    the partitions are written after the pass.  Returns (parts, the CSVs' offsets, the Parquet files)."""
    metadata = dict(zip(ids, report_rows(out_dir, ids, "metadata")))  # one row a report: the agencies come first
    parts = {rid: list(E.partition_of(metadata[rid][0])) for rid in ids}
    con = open_sqlite(temps[P.CORPUS_SQLITE])
    spills, lines = {}, {}
    try:
        # Parents before children for the foreign keys: agencies, then each report's row before its other rows.
        insert(con, "agencies", E.agency_records([rec for rid in ids for rec in metadata[rid]]))
        for name in E.PARQUET_TABLES:
            spills[name] = Spill(name, temp_name(target_dir, f"{name}.spill"))
            lines[name] = _Lines(name, temps[P.excel_csv(name)])
        for rid in ids:
            tables, sections = read_report(out_dir, rid, metadata.pop(rid))
            words.saw(rid, sections)
            for name in E.PARQUET_TABLES:
                values = E.column_values(name, tables[name])  # once, for the three formats
                insert(con, name, tables[name], values)
                lines[name].add(rid, E.excel_lines(name, values).encode("utf-8"))
                spills[name].add(tuple(parts[rid]), tables[name], values)
        offsets = {name: w.close() for name, w in lines.items()}
        finish_sqlite(con, temps[P.CORPUS_SQLITE], words)
        names = write_parquet_partitions(out_dir, parts, {tuple(p) for p in parts.values()}, target_dir, commit,
                                         lambda name, part, _ids: spills[name].tables(part))
    except BaseException:
        con.close()
        raise
    finally:
        for spill in spills.values():
            spill.close()
    return parts, offsets, names


def _update(out_dir: Path, ids: list[str], replace: set[str], prev: dict, temps: dict[str, Path], target_dir: Path,
            commit, words, db: Path | None = None, behind: set[str] = frozenset()) -> tuple:
    """After some reports changed: the database updated in place (db, the spare copy, whose rows of `behind` are
    also out of date; without one, a copy of the published file), the Excel CSVs in which a replaced report's
    lines changed written again, the partitions holding a replaced report rewritten.  Returns (parts, offsets,
    the names of the single files written again, the Parquet files)."""
    kept = [rid for rid in ids if rid not in replace]
    fresh = sorted(set(ids) & replace)
    tables = {}
    for rid in fresh:
        tables[rid], sections = read_report(out_dir, rid)
        words.saw(rid, sections)
    parts = {rid: prev["parts"][rid] for rid in kept}
    parts.update({rid: list(E.partition_of(tables[rid]["metadata"][0])) for rid in fresh})
    # The published file (hard-linked into site/) is never opened for writing: the spare is updated, or a copy.
    if db is None:
        db = temps[P.CORPUS_SQLITE]
        with open(target_dir / P.CORPUS_SQLITE, "rb") as src, open(db, "wb") as dst:
            copy_range(src, dst, 0, os.fstat(src.fileno()).st_size)
    lagging = {}
    for rid in sorted(set(ids) & (behind - replace)):  # the last edit's reports, for the spare
        lagging[rid], sections = read_report(out_dir, rid)
        words.saw(rid, sections)
    update_sqlite(db, out_dir, ids, replace | behind, words, {**tables, **lagging})
    rewritten, offsets = [P.CORPUS_SQLITE], {}
    for name in E.PARQUET_TABLES:
        old, was = target_dir / P.excel_csv(name), prev["excel"][name]
        new = {rid: E.excel_csv_lines(name, tables[rid][name]).encode("utf-8") for rid in fresh}
        if _same_lines(old, was, replace, new):
            offsets[name] = {rid: was.get(rid, [0, 0]) for rid in ids}
            continue
        out = _Lines(name, temps[P.excel_csv(name)], old)
        for rid in ids:
            if rid in new:
                out.add(rid, new[rid])
            else:
                out.copy_lines(rid, *was[rid])
        offsets[name] = out.close()
        rewritten.append(P.excel_csv(name))
    changed_parts = ({tuple(parts[rid]) for rid in replace if rid in parts}
                     | {tuple(prev["parts"][rid]) for rid in replace if rid in prev["parts"]})

    was_in: dict[tuple, set[str]] = {}
    for rid, part in prev["parts"].items():
        was_in.setdefault(tuple(part), set()).add(rid)

    def rows_of(name, part, members):
        schema = E.parquet_schema(name)
        merged = merge_partition(target_dir / P.parquet_part(name, *part), schema, members, tables, name,
                                  was_in.get(part, set()))
        if merged is not None:
            yield from merged
            return
        reading = iter(report_rows(out_dir, [rid for rid in members if rid not in tables], name))
        for rid in members:
            rows = tables[rid][name] if rid in tables else next(reading)
            if rows:
                yield ParquetStream.table(name, rows, schema)

    names = write_parquet_partitions(out_dir, parts, changed_parts, target_dir, commit, rows_of)
    return parts, offsets, rewritten, names

