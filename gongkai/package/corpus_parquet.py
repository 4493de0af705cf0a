"""The corpus Parquet datasets: a file per table and partition (paths.parquet_part), written a row group at a
time, from the one pass over the reports (a build written whole) or, after an edit, only for the partitions
holding a changed, new or removed report, the other reports' rows read back from the partition's last file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gongkai import paths as P
from gongkai.package import exports as E

# exports.parquet_bytes cuts its table every this many rows, so writing row groups of this size one by
# one gives the same file.
PARQUET_ROW_GROUP = E.PARQUET_ROW_GROUP


class ParquetStream:
    """exports.parquet_bytes' file for one table, written a row group at a time as rows arrive."""

    def __init__(self, resource: str, path: Path, row_group: int = PARQUET_ROW_GROUP):
        import pyarrow.parquet as pq

        self.resource = resource
        self.schema = E.parquet_schema(resource)
        self.row_group = row_group
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.pending: list = []
        self.count = self.total = 0

    @staticmethod
    def table(resource: str, rows: list[dict], schema=None, values: dict[str, list] | None = None):
        """Rows of one table (or the same rows as exports.column_values) as an Arrow table of its schema."""
        import pyarrow as pa

        values = E.column_values(resource, rows) if values is None else values
        return pa.Table.from_arrays([E.arrow_array(c, values[c.name]) for c in E.columns(resource)],
                                    schema=schema or E.parquet_schema(resource))

    def add(self, rows: list[dict]) -> None:
        if rows:
            self.add_table(self.table(self.resource, rows, self.schema))

    def add_table(self, table) -> None:
        import pyarrow as pa

        if not table.num_rows:
            return
        self.pending.append(table)
        self.count += table.num_rows
        self.total += table.num_rows
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




def temp_name(target_dir: Path, name: str) -> Path:
    """A free temporary name beside the files (SQLite and Parquet create the file themselves)."""
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{Path(name).name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)
    return Path(tmp)



class Spill:
    """One table's rows on their way to the Parquet partitions: each report's rows as one Arrow IPC message
    in a scratch file, in report_id order, so the one pass over the reports needs neither the table in
    memory nor a second read of every report's JSON; a partition is then its reports' messages in order."""

    def __init__(self, name: str, path: Path):
        self.name, self.path, self.at = name, path, {}
        self.fh = open(path, "w+b")
        self.schema = E.parquet_schema(name)

    def add(self, part: tuple, rows: list[dict], values: dict[str, list] | None = None) -> None:
        if rows:
            data = ParquetStream.table(self.name, rows, self.schema, values).to_batches()[0].serialize()
            self.at.setdefault(part, []).append((self.fh.tell(), data.size))
            self.fh.write(data)

    def tables(self, part: tuple):
        import pyarrow as pa

        self.fh.flush()
        for offset, size in self.at.get(part, ()):
            self.fh.seek(offset)
            yield pa.Table.from_batches([pa.ipc.read_record_batch(pa.py_buffer(self.fh.read(size)), self.schema)])

    def close(self) -> None:
        self.fh.close()
        self.path.unlink(missing_ok=True)


def write_parquet_partitions(out_dir: Path, parts: dict[str, list], which: set[tuple], target_dir: Path,
                             commit, source) -> list[str]:
    """Write the partitions in `which` of every table, remove every file under parquet/ that is not a
    partition of `parts`, and return the names of all partitions.  source(table, part, report_ids) gives
    a partition's Arrow tables (its reports' rows, in report_id order)."""
    members: dict[tuple, list[str]] = {}
    for rid, part in sorted(parts.items()):
        members.setdefault(tuple(part), []).append(rid)
    names = []
    for name in E.PARQUET_TABLES:
        for part in sorted(members):
            rel = P.parquet_part(name, *part)
            names.append(rel)
            if part not in which and (target_dir / rel).is_file():
                continue
            (target_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            tmp = temp_name((target_dir / rel).parent, rel)
            try:
                stream = ParquetStream(name, tmp)
                for table in source(name, part, members[part]):
                    stream.add_table(table)
                stream.close()
                commit(str(tmp), target_dir / rel)
            finally:
                tmp.unlink(missing_ok=True)
    (target_dir / P.PARQUET_DIR).mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target_dir / P.PARQUET_DIR, P.PARQUET_LIST)
    try:
        tmp.write_bytes(E.parquet_list({rel: (target_dir / rel).stat().st_size for rel in names}))
        commit(str(tmp), target_dir / P.PARQUET_LIST)
    finally:
        tmp.unlink(missing_ok=True)
    names.append(P.PARQUET_LIST)
    _remove_others(target_dir, set(names))
    return names


def _remove_others(target_dir: Path, keep: set[str]) -> None:
    """Partitions no report is in any more, and the files of layouts before this one (one Parquet file per
    table; the corpus workbook)."""
    for name in E.PARQUET_TABLES:
        (target_dir / P.legacy_parquet(name)).unlink(missing_ok=True)
    (target_dir / P.LEGACY_CORPUS_XLSX).unlink(missing_ok=True)
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


def merge_partition(path: Path, schema, members: list[str], tables: dict, name: str, was_in: set[str]):
    """A touched partition's Arrow tables in report_id order: the unchanged reports' rows read back from the
    partition's last file (no JSON read, no value converted in Python: the file's row groups are decoded
    in Arrow), the changed and new reports' from `tables`.  Values come back as they were written, so the
    file is the one a whole build writes.  None when there is no last file, or it holds a report the state
    did not put in this partition: the caller then reads every member's package."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        old = pq.ParquetFile(path).read()
    except (OSError, pa.ArrowException):
        return None
    old = pa.Table.from_arrays(old.columns, schema=schema) if old.num_rows else schema.empty_table()
    runs = _runs(old.column("report_id").combine_chunks())
    if runs is None or not set(runs) <= was_in:
        return None
    out, pending = [], None  # pending: [start, end) of old rows not yet sliced
    for rid in members:
        if rid in tables:
            if pending is not None:
                out.append(old.slice(pending[0], pending[1] - pending[0]))
                pending = None
            if tables[rid][name]:
                out.append(ParquetStream.table(name, tables[rid][name], schema))
        elif rid in runs:
            if pending is not None and pending[1] == runs[rid][0]:
                pending[1] = runs[rid][1]
            else:
                if pending is not None:
                    out.append(old.slice(pending[0], pending[1] - pending[0]))
                pending = list(runs[rid])
    if pending is not None:
        out.append(old.slice(pending[0], pending[1] - pending[0]))
    return out


def _runs(ids) -> dict[str, tuple[int, int]] | None:
    """report_id -> [start, end) of its rows in a partition file's report_id column, whose rows are sorted by
    report_id (each report one run); None when they are not."""
    import pyarrow.compute as pc

    if len(ids) > 1 and pc.any(pc.less(ids.slice(1), ids.slice(0, len(ids) - 1))).as_py():
        return None
    counts = pc.value_counts(ids)  # in the order values first occur: here, report_id order
    runs, start = {}, 0
    for rid, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()):
        runs[rid] = (start, start + n)
        start += n
    return runs
