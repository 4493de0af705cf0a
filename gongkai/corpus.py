"""The whole-corpus SQLite and Parquet files, streamed from the per-report packages on disk.

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

from . import exports as E
from . import registry as R

# pyarrow's default maximum row group length: a table written in one call is cut every this many rows,
# so writing row groups of this size one by one gives the same file.
PARQUET_ROW_GROUP = 1024 * 1024
# Header fields of an SQLite file that record its history rather than its content (change counter,
# the counter when the version was stored, the library version that wrote it).  A serialised in-memory
# database has them at zero; so does ours, so the bytes depend only on the rows.
SQLITE_HISTORY_FIELDS = ((24, 4), (92, 8))


def report_rows(out_dir: Path, report_ids: list[str], resource: str):
    """Each report's rows of `resource`, in report_id order, sorted by the resource's key."""
    key = R.key_of(resource)
    for rid in sorted(report_ids):
        rows = json.loads((out_dir / rid / f"{resource}.json").read_bytes())
        yield sorted(rows, key=lambda rec: E._sort_key(rec, key))


def _rows(out_dir: Path, report_ids: list[str], resource: str):
    for rows in report_rows(out_dir, report_ids, resource):
        yield from rows


def agencies(out_dir: Path, report_ids: list[str]) -> list[dict]:
    return E.agency_records(list(_rows(out_dir, report_ids, "metadata")))


def write_sqlite(out_dir: Path, report_ids: list[str], path: Path) -> None:
    """exports.sqlite_bytes' database, built in a file instead of in memory."""
    order = ("agencies",) + R.RESOURCE_ORDER  # parents before children for the foreign keys
    con = sqlite3.connect(path)
    try:
        # A scratch file, renamed into place only when complete: no journal is needed.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA foreign_keys = ON")
        for name in order:
            con.execute(E.create_table_sql(name))
        con.execute(E.FIELDS_SQL)
        for name in order:
            cols = R.columns_of(name)
            rows = agencies(out_dir, report_ids) if name == "agencies" else _rows(out_dir, report_ids, name)
            marks = ", ".join("?" for _ in cols)
            con.executemany(f'INSERT INTO "{E._sql_name(name)}" VALUES ({marks})',
                            ([E._sql_value(c, rec.get(c.name)) for c in cols] for rec in rows))
        con.executemany('INSERT INTO "fields" VALUES (?, ?, ?, ?, ?, ?, ?)',
                        [(E._sql_name(name), c.name, i, c.type, c.zh, c.en, c.description)
                         for name in order for i, c in enumerate(R.columns_of(name), start=1)])
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    with open(path, "r+b") as fh:
        for offset, size in SQLITE_HISTORY_FIELDS:
            fh.seek(offset)
            fh.write(bytes(size))


def write_parquet(out_dir: Path, report_ids: list[str], resource: str, path: Path,
                  row_group: int = PARQUET_ROW_GROUP) -> None:
    """exports.parquet_bytes' file, written one row group at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = R.columns_of(resource)
    schema = E.parquet_schema(resource)
    pending: list = []
    count = total = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for rows in report_rows(out_dir, report_ids, resource):
            if not rows:
                continue
            arrays = [pa.array([E._arrow_value(c, rec.get(c.name)) for rec in rows], type=E._arrow_type(c))
                      for c in cols]
            pending.append(pa.Table.from_arrays(arrays, schema=schema))
            count += len(rows)
            total += len(rows)
            while count >= row_group:
                whole = pa.concat_tables(pending)
                writer.write_table(whole.slice(0, row_group).combine_chunks())
                rest = whole.slice(row_group)
                pending, count = ([rest] if rest.num_rows else []), rest.num_rows
        if pending:
            writer.write_table(pa.concat_tables(pending).combine_chunks())
        elif not total:
            writer.write_table(schema.empty_table())  # what write_table does with no rows


def write_corpus_exports(out_dir: Path, report_ids: list[str], target_dir: Path, commit) -> list[str]:
    """Write every corpus export into target_dir through temporary files; `commit(tmp, target) -> bool`
    puts each in place.  Returns the names written (changed or not)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(E.CORPUS_SQLITE, lambda p: write_sqlite(out_dir, report_ids, p))]
    jobs += [(E.parquet_name(name), lambda p, n=name: write_parquet(out_dir, report_ids, n, p))
             for name in R.RESOURCE_ORDER]
    for name, write in jobs:
        fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{name}.", suffix=".tmp")
        os.close(fd)
        os.unlink(tmp)  # SQLite and Parquet create the file themselves
        try:
            write(Path(tmp))
            commit(tmp, target_dir / name)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    return [name for name, _ in jobs]
