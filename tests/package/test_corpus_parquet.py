"""gongkai/package/corpus_parquet.py: the Parquet partitions, from the one pass's scratch files or, after an edit,
merged from the partition's last file and the changed reports' rows; the bytes are those of a fresh write."""
from __future__ import annotations

import copy

import pytest

from gongkai.package import exports as E
from gongkai.package.corpus import read_report
from gongkai.package.corpus_parquet import ParquetStream, Spill, merge_partition


def _write(path, name, tables_in_order):
    stream = ParquetStream(name, path)
    for table in tables_in_order:
        stream.add_table(table)
    stream.close()
    return path.read_bytes()


@pytest.fixture(scope="module")
def reports(built):
    root, result, _ = built
    out = root / "datapackages"
    ids = sorted(r.report_id for r in result.reports)
    return out, ids, {rid: read_report(out, rid)[0] for rid in ids}


@pytest.mark.parametrize("name", ["applications", "sections", "metadata"])
def test_a_merged_partition_is_the_file_a_fresh_write_gives(reports, tmp_path, name):
    """One report changed, one removed, one added: the unchanged reports' rows come from the old file."""
    _out, ids, tables = reports
    assert len(ids) >= 4
    first = ids[:-1]  # the last report is added by the edit
    old = _write(tmp_path / "old.parquet", name, [ParquetStream.table(name, tables[r][name]) for r in first
                                                  if tables[r][name]])
    assert old
    edited, removed, added = ids[1], ids[2], ids[-1]
    changed = copy.deepcopy(tables[edited])
    for rec in changed[name][:1]:
        for col in E.columns(name):
            if col.type == "string" and isinstance(rec.get(col.name), str) and col.name != "report_id":
                rec[col.name] += "（改）"
                break
    members = [r for r in ids if r != removed]
    fresh = {edited: changed, added: tables[added]}
    merged = merge_partition(tmp_path / "old.parquet", E.parquet_schema(name), members, fresh, name, set(first))
    assert merged is not None
    got = _write(tmp_path / "got.parquet", name, merged)
    want_rows = [changed if r == edited else tables[r] for r in members]
    want = E.parquet_bytes(name, [rec for t in want_rows for rec in t[name]])
    assert got == want and got != old


def test_a_last_file_the_state_does_not_describe_is_not_merged(reports, tmp_path):
    _out, ids, tables = reports
    schema = E.parquet_schema("checks")
    _write(tmp_path / "old.parquet", "checks", [ParquetStream.table("checks", tables[r]["checks"]) for r in ids
                                                if tables[r]["checks"]])
    # The state puts only the first report in this partition: the file holds others, so it is not trusted.
    assert merge_partition(tmp_path / "old.parquet", schema, ids, {}, "checks", {ids[0]}) is None
    assert merge_partition(tmp_path / "missing.parquet", schema, ids, {}, "checks", set(ids)) is None


def test_spilled_rows_come_back_by_partition_in_order(reports, tmp_path):
    _out, ids, tables = reports
    spill = Spill("applications", tmp_path / "a.spill")
    try:
        for i, rid in enumerate(ids):
            spill.add((i % 2,), tables[rid]["applications"])
        for part in (0, 1):
            back = [t.to_pylist() for t in spill.tables((part,))]
            want = [ParquetStream.table("applications", tables[rid]["applications"]).to_pylist()
                    for i, rid in enumerate(ids) if i % 2 == part and tables[rid]["applications"]]
            assert back == want and back
    finally:
        spill.close()
    assert not (tmp_path / "a.spill").exists()
