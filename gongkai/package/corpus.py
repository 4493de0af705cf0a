"""The whole-corpus SQLite database, Parquet datasets and Excel-safe CSVs, streamed from the per-report
packages on disk, and the workbook of the reports and their measures; after a build, only what changed.

exports.corpus_exports makes the same files from every record in memory; at tens of thousands of
reports that is gigabytes.  Here each table is read report by report from the packages' JSON
files (which keep '' apart from null and numbers as numbers), so memory holds one report's rows,
plus at most one Parquet row group.  Every key begins with report_id, so rows sorted within each
report, taken in report_id order, are the rows sorted by key over the whole corpus.

A rebuild after some reports changed (a report's key: its package digest) updates the database in place
(corpus_sqlite.update_sqlite) and rewrites only the Parquet partitions holding a changed, new or removed
report.  Parquet is partitioned by report year and province (paths.parquet_part).  Measured on the sample
corpus, a report takes about 6 KB of Parquet over all tables (sections, the text, 3 KB of it).  By year
alone, a million reports (about 160,000 a year) would make a year's file ~1 GB (sections ~500 MB), and
one edit would rewrite it; by year and province a partition holds ~5,000 reports (a big province two or
three times that), ~30 MB over the tables, in ~7 years x 32 provinces: ~2,000 files, no folder over 32
entries.  Finer cuts (by level or city) would give many tiny files at today's few thousand reports.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import nullcontext
from pathlib import Path

from gongkai.package import exports as E
from gongkai.package.corpus_sqlite import (finish_sqlite, insert, measure_rows, open_sqlite, report_rows,
                                           update_sqlite)
from gongkai.package.fulltext import _segmenter_id, cached_words, prune
from gongkai import paths as P
from gongkai.files import atomic_write, file_stamp, load_state
from gongkai.schema import measures as M

__all__ = ["ParquetStream", "measure_rows", "report_rows", "write_corpus_exports"]

# exports.parquet_bytes cuts its table every this many rows, so writing row groups of this size one by
# one gives the same file.
PARQUET_ROW_GROUP = E.PARQUET_ROW_GROUP


class ParquetStream:
    """exports.parquet_bytes' file for one table, written a row group at a time as rows arrive."""

    def __init__(self, resource: str, path: Path, row_group: int = PARQUET_ROW_GROUP):
        import pyarrow.parquet as pq

        self.cols = E.columns(resource)
        self.schema = E.parquet_schema(resource)
        self.row_group = row_group
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.pending: list = []
        self.count = self.total = 0

    def add(self, rows: list[dict]) -> None:
        import pyarrow as pa

        if not rows:
            return
        arrays = [pa.array([E._arrow_value(c, rec.get(c.name)) for rec in rows], type=E._arrow_type(c))
                  for c in self.cols]
        self.pending.append(pa.Table.from_arrays(arrays, schema=self.schema))
        self.count += len(rows)
        self.total += len(rows)
        while self.count >= self.row_group:
            whole = pa.concat_tables(self.pending)
            self.writer.write_table(whole.slice(0, self.row_group).combine_chunks())
            rest = whole.slice(self.row_group)
            self.pending, self.count = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        import pyarrow as pa

        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending).combine_chunks())
        elif not self.total:
            self.writer.write_table(self.schema.empty_table())  # what write_table does with no rows
        self.writer.close()




# An in-place update deletes and inserts the changed reports' rows one by one; past this share of the corpus,
# writing the database whole (inserts in key order, VACUUM) is as quick and gives the compact file.
IN_PLACE_SHARE = 0.2
# The files written whole (from their last version where it can) every time the corpus changes.
REWRITTEN = (P.CORPUS_SQLITE, P.CORPUS_XLSX) + tuple(P.excel_csv(name) for name in E.PARQUET_TABLES)


def _temp(target_dir: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{Path(name).name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)  # SQLite and Parquet create the file themselves
    return Path(tmp)


def _load_state(state: Path | None, target_dir: Path) -> dict | None:
    """What the last build recorded about the corpus files now in place, when they are still those files."""
    recorded = load_state(state)
    if recorded is None or not {"keys", "parts", "rows", "excel"} <= set(recorded):
        return None
    stamps = recorded.get("stamps", {})
    if recorded.get("segmenter") != _segmenter_id().hex() or set(stamps) != set(REWRITTEN) \
            or any(stamps[name] != file_stamp(target_dir / name) for name in REWRITTEN):
        return None
    return recorded


def write_parquet_partitions(out_dir: Path, parts: dict[str, list], which: set[tuple], target_dir: Path,
                             commit) -> list[str]:
    """Write the partitions in `which` of every table (each from its reports, in report_id order), remove
    every file under parquet/ that is not a partition of `parts`, and return the names of all partitions."""
    members: dict[tuple, list[str]] = {}
    for rid, part in parts.items():
        members.setdefault(tuple(part), []).append(rid)
    names = []
    for name in E.PARQUET_TABLES:
        for part in sorted(members):
            rel = P.parquet_part(name, *part)
            names.append(rel)
            if part not in which and (target_dir / rel).is_file():
                continue
            (target_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            tmp = _temp((target_dir / rel).parent, rel)
            try:
                stream = ParquetStream(name, tmp)
                for rows in report_rows(out_dir, members[part], name):
                    stream.add(rows)
                stream.close()
                commit(str(tmp), target_dir / rel)
            finally:
                tmp.unlink(missing_ok=True)
    (target_dir / P.PARQUET_DIR).mkdir(parents=True, exist_ok=True)
    tmp = _temp(target_dir / P.PARQUET_DIR, P.PARQUET_LIST)
    try:
        tmp.write_bytes(E.parquet_list({rel: (target_dir / rel).stat().st_size for rel in names}))
        commit(str(tmp), target_dir / P.PARQUET_LIST)
    finally:
        tmp.unlink(missing_ok=True)
    names.append(P.PARQUET_LIST)
    _remove_others(target_dir, set(names))
    return names


def _remove_others(target_dir: Path, keep: set[str]) -> None:
    """Partitions no report is in any more, and the single files of the layout before partitions."""
    for name in E.PARQUET_TABLES:
        (target_dir / P.legacy_parquet(name)).unlink(missing_ok=True)
    base = target_dir / P.PARQUET_DIR
    if not base.exists():
        return
    for dirpath, dirnames, filenames in os.walk(base, topdown=False):
        for fname in filenames:
            rel = Path(dirpath, fname).relative_to(target_dir).as_posix()
            if rel not in keep:
                os.unlink(os.path.join(dirpath, fname))
        if dirpath != str(base) and not os.listdir(dirpath):
            os.rmdir(dirpath)


def _write_excel(name: str, out_dir: Path, ids: list[str], path: Path, rows_of, old: Path | None,
                 old_offsets: dict[str, list[int]]) -> dict[str, list[int]]:
    """The corpus Excel CSV of one table, a report's lines after another in report_id order; a report in
    old_offsets has its lines copied from the old file (the same bytes excel_csv_lines would give), the
    others are made from rows_of(report_id).  Returns report_id -> [offset, length] in the new file."""
    offsets = {}
    with open(path, "wb") as fh, (open(old, "rb") if old is not None else nullcontext()) as src:
        fh.write(E.excel_csv_head(name).encode("utf-8"))
        for rid in ids:
            start = fh.tell()
            if rid in old_offsets:
                src.seek(old_offsets[rid][0])
                fh.write(src.read(old_offsets[rid][1]))
            else:
                fh.write(E.excel_csv_lines(name, rows_of(rid)).encode("utf-8"))
            offsets[rid] = [start, fh.tell() - start]
    return offsets


def write_corpus_exports(out_dir: Path, report_ids: list[str], target_dir: Path, commit,
                         words_cache: Path | None = None, keys: dict[str, str] | None = None,
                         state: Path | None = None) -> list[str]:
    """The database, the Parquet datasets, the Excel CSVs and the workbook.  Each file is written to a
    temporary name; `commit(tmp, target)` puts it in place.  Returns the names of the files (relative to
    target_dir).

    words_cache: where the per-report workers left the sections' words for the full-text index
    (fulltext.prepare); entries no longer used are dropped.  keys: report_id -> what its rows depend on
    (its package digest and the code); state: a file where they are kept with the files they describe.
    Given both, only the packages of reports whose key changed are read: the database is updated in place,
    their Parquet partitions rewritten, their lines of the Excel CSVs made again (the other reports' lines
    are copied from the last CSVs), and the workbook's rows of the other reports come from the state."""
    target_dir.mkdir(parents=True, exist_ok=True)
    ids = sorted(report_ids)
    db = target_dir / P.CORPUS_SQLITE
    prev = _load_state(state, target_dir) if keys is not None else None
    replace = set(ids) if prev is None else (
        {rid for rid in ids if prev["keys"].get(rid) != keys[rid]} | (set(prev["keys"]) - set(ids)))
    if prev is not None and len(replace) > IN_PLACE_SHARE * max(len(ids), 1):
        prev = None  # as quick to write whole, and the database comes out compact
    kept = [] if prev is None else [rid for rid in ids if rid not in replace]
    parts = {rid: prev["parts"][rid] for rid in kept}
    rows = {rid: prev["rows"][rid] for rid in kept}  # the workbook's rows (XLSX_TABLES) of each report
    temps = {name: _temp(target_dir, name) for name in REWRITTEN}
    used: set[str] = set()

    def words_of(rid):
        return cached_words(words_cache, (out_dir / P.report_dir_of(rid) / P.resource_json("sections")).read_bytes(), used)

    try:
        fresh = sorted(set(ids) - set(kept))
        for rid, meta, measures in zip(fresh, report_rows(out_dir, fresh, "metadata"), measure_rows(out_dir, fresh)):
            parts[rid] = list(E.partition_of(meta[0]))
            rows[rid] = {"metadata": meta, M.TABLE: measures}
        offsets = {}
        if prev is None:
            offsets = _write_whole(out_dir, ids, temps, rows, words_of)
            prune(words_cache, used)
        else:
            # Copy on write: the published file (hard-linked into site/) is never opened for writing.
            shutil.copyfile(db, temps[P.CORPUS_SQLITE])
            update_sqlite(temps[P.CORPUS_SQLITE], out_dir, ids, replace, words_of)
            for name in E.PARQUET_TABLES:
                reuse = {rid: prev["excel"][name][rid] for rid in kept}
                offsets[name] = _write_excel(name, out_dir, ids, temps[P.excel_csv(name)],
                                             lambda rid, name=name: _rows(out_dir, rid, name, rows),
                                             target_dir / P.excel_csv(name), reuse)
            # The words cache is left as it is: only the changed reports' words were looked up.
        temps[P.CORPUS_XLSX].write_bytes(E.corpus_xlsx(
            {name: [rec for rid in ids for rec in rows[rid][name]] for name in E.XLSX_TABLES}))
        changed_parts = ({tuple(p) for p in parts.values()} if prev is None else
                         {tuple(parts[rid]) for rid in replace if rid in parts}
                         | {tuple(prev["parts"][rid]) for rid in replace if rid in prev["parts"]})
        names = list(REWRITTEN) + write_parquet_partitions(out_dir, parts, changed_parts, target_dir, commit)
        if state is not None:
            state.unlink(missing_ok=True)  # the files are about to change: the old record no longer holds
        for name in REWRITTEN:
            commit(str(temps[name]), target_dir / name)
        if state is not None and keys is not None:
            state.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(state, json.dumps({
                "stamps": {name: file_stamp(target_dir / name) for name in REWRITTEN},
                "segmenter": _segmenter_id().hex(), "keys": {rid: keys[rid] for rid in ids}, "parts": parts,
                "rows": rows, "excel": offsets}, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return names


def _rows(out_dir: Path, rid: str, name: str, rows: dict) -> list[dict]:
    """One report's rows of a table: the workbook's tables from what was read already, others from its package."""
    if name in rows[rid]:
        return rows[rid][name]
    return next(report_rows(out_dir, [rid], name))


def _write_whole(out_dir: Path, ids: list[str], temps: dict[str, Path], rows: dict, words_of) -> dict:
    """The database and the Excel CSVs from every report, one pass over each table's per-report files: a
    report's rows go to both together.  Returns the CSVs' offsets (_write_excel)."""
    con = open_sqlite(temps[P.CORPUS_SQLITE])
    offsets = {}
    try:
        # Parents before children for the foreign keys: agencies, then reports, then the rest.
        insert(con, "agencies", E.agency_records([rec for rid in ids for rec in rows[rid]["metadata"]]))
        for name in E.PARQUET_TABLES:
            def rows_of(rid, name=name):
                got = _rows(out_dir, rid, name, rows)
                insert(con, name, got)
                return got
            offsets[name] = _write_excel(name, out_dir, ids, temps[P.excel_csv(name)], rows_of, None, {})
    except BaseException:
        con.close()
        raise
    finish_sqlite(con, temps[P.CORPUS_SQLITE], words_of)
    return offsets
