"""The whole-corpus SQLite and Parquet files and Excel-safe CSVs, streamed from the per-report packages on
disk, and the workbook of the reports and their measures.

exports.corpus_exports makes the same files from every record in memory; at tens of thousands of
reports that is gigabytes.  Here each table is read report by report from the packages' JSON
files (which keep '' apart from null and numbers as numbers), so memory holds one report's rows,
plus at most one Parquet row group.  Every key begins with report_id, so rows sorted within each
report, taken in report_id order, are the rows sorted by key over the whole corpus.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

from gongkai.package import exports as E
from gongkai.package.fulltext import add_fulltext, cached_words, prune
from gongkai import paths as P
from gongkai.schema import measures as M
from gongkai.schema import registry as R

# exports.parquet_bytes cuts its table every this many rows, so writing row groups of this size one by
# one gives the same file.
PARQUET_ROW_GROUP = E.PARQUET_ROW_GROUP
# Header fields of an SQLite file that record its history rather than its content (change counter,
# the counter when the version was stored, the library version that wrote it).  A serialised in-memory
# database has them at zero; so does ours, so the bytes depend only on the rows.
SQLITE_HISTORY_FIELDS = ((24, 4), (92, 8))


def report_rows(out_dir: Path, report_ids: list[str], resource: str):
    """Each report's rows of `resource`, in report_id order, sorted by the resource's key."""
    if resource == M.TABLE:
        yield from measure_rows(out_dir, report_ids)
        return
    key = R.key_of(resource)
    for rid in sorted(report_ids):
        rows = json.loads((out_dir / rid / f"{resource}.json").read_bytes())
        yield sorted(rows, key=lambda rec: E._sort_key(rec, key))


def measure_rows(out_dir: Path, report_ids: list[str]):
    """Each report's row of the measures table (as a one-row list), from its cells on disk."""
    for rid in sorted(report_ids):
        records = {t: json.loads((out_dir / rid / f"{t}.json").read_bytes())
                   for t in ("applications", "reviews_litigation")}
        yield [M.table_row(rid, records)]


def _open_sqlite(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    # A scratch file, renamed into place only when complete: no journal is needed.
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA foreign_keys = ON")
    for name in E.CORPUS_TABLES:
        con.execute(E.create_table_sql(name))
    con.execute(E.FIELDS_SQL)
    return con


def _insert(con: sqlite3.Connection, name: str, rows: list[dict]) -> None:
    cols = E.columns(name)
    marks = ", ".join("?" for _ in cols)
    con.executemany(f'INSERT INTO "{E._sql_name(name)}" VALUES ({marks})',
                    ([E._sql_value(c, rec.get(c.name)) for c in cols] for rec in rows))


def _finish_sqlite(con: sqlite3.Connection, path: Path, words_of) -> None:
    """The field table, then VACUUM (a compact file in key order), the full-text index, then the history
    fields zeroed."""
    try:
        con.executemany('INSERT INTO "fields" VALUES (?, ?, ?, ?, ?, ?, ?)', E.field_rows())
        con.commit()
        con.execute("VACUUM")
        add_fulltext(con, words_of)
    finally:
        con.close()
    with open(path, "r+b") as fh:
        for offset, size in SQLITE_HISTORY_FIELDS:
            fh.seek(offset)
            fh.write(bytes(size))


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


def _temp(target_dir: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)  # SQLite and Parquet create the file themselves
    return Path(tmp)


def write_corpus_exports(out_dir: Path, report_ids: list[str], target_dir: Path, commit,
                         words_cache: Path | None = None) -> list[str]:
    """The database and every Parquet file, in one pass over each table's per-report files: a report's
    rows go to SQLite and to that table's Parquet file together.  Each file is written to a temporary
    name; `commit(tmp, target)` puts it in place.  Returns the names of the files.

    words_cache: where the per-report workers left the sections' words for the full-text index
    (fulltext.prepare); entries no longer used are dropped."""
    target_dir.mkdir(parents=True, exist_ok=True)
    names = ([P.CORPUS_SQLITE, P.CORPUS_XLSX] + [P.parquet(name) for name in E.PARQUET_TABLES]
             + [P.excel_csv(name) for name in E.PARQUET_TABLES])
    temps = {name: _temp(target_dir, name) for name in names}
    try:
        con = _open_sqlite(temps[P.CORPUS_SQLITE])
        try:
            metadata = list(report_rows(out_dir, report_ids, "metadata"))
            per_report: dict[str, list[dict]] = {}
            # Parents before children for the foreign keys: agencies, then reports, then the rest.
            _insert(con, "agencies", E.agency_records([rec for rows in metadata for rec in rows]))
            for name in E.PARQUET_TABLES:
                stream = ParquetStream(name, temps[P.parquet(name)])
                with open(temps[P.excel_csv(name)], "w", encoding="utf-8", newline="") as excel:
                    excel.write(E.excel_csv_head(name))
                    for rows in metadata if name == "metadata" else report_rows(out_dir, report_ids, name):
                        _insert(con, name, rows)
                        stream.add(rows)
                        excel.write(E.excel_csv_lines(name, rows))
                        if name in E.XLSX_TABLES:
                            per_report.setdefault(name, []).extend(rows)
                stream.close()
            temps[P.CORPUS_XLSX].write_bytes(E.corpus_xlsx(per_report))
        except BaseException:
            con.close()
            raise
        used: set[str] = set()
        _finish_sqlite(con, temps[P.CORPUS_SQLITE],
                       lambda rid: cached_words(words_cache, (out_dir / rid / "sections.json").read_bytes(), used))
        prune(words_cache, used)
        for name in names:
            commit(str(temps[name]), target_dir / name)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return names
