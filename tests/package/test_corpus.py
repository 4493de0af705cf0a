"""gongkai/package/corpus.py: the corpus-wide SQLite and Parquet files, written a row group at a time."""
from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongkai.package import exports as E
from gongkai.package.corpus import ParquetStream
from gongkai.package.reference import write_parquet
from gongkai.schema import registry as R


def test_parquet_written_in_row_groups_equals_one_write(built, tmp_path):
    """Row groups cut while streaming give the file pyarrow writes from the whole table at once."""
    root, result, _ = built
    ids = [r.report_id for r in result.reports]
    rows = [rec for rep in sorted(result.reports, key=lambda r: r.report_id) for rec in rep.records["applications"]]
    table = E.corpus_tables({"applications": rows})["applications"]
    cols = R.columns_of("applications")
    arrays = [pa.array([E._arrow_value(c, rec.get(c.name)) for rec in table], type=E._arrow_type(c)) for c in cols]
    group = 97  # not a multiple of any report's row count, so groups straddle reports
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=E.parquet_schema("applications")), buf, compression="zstd",
                   row_group_size=group)
    write_parquet(root / "datapackages", ids, "applications", tmp_path / "a.parquet", row_group=group)
    assert pq.ParquetFile(tmp_path / "a.parquet").metadata.num_row_groups == -(-len(rows) // group) > 2
    assert (tmp_path / "a.parquet").read_bytes() == buf.getvalue()


def test_sqlite_header_keeps_no_history(built):
    root, _, _ = built
    data = (root / "docs" / "downloads" / "all" / "gongkai-all.sqlite").read_bytes()
    assert data[:16] == b"SQLite format 3\x00"
    assert data[24:28] == bytes(4) and data[92:100] == bytes(8)


def test_parquet_row_groups_stay_small_and_match_the_in_memory_file(built, tmp_path):
    """At 10,000 reports a table has millions of rows: the streaming writer buffers one row group, so its
    size is bounded (not pyarrow's 1,048,576 default), and parquet_bytes cuts at the same size."""
    _, result, _ = built
    one = [rec for rep in result.reports for rec in rep.records["checks"]]
    assert one
    copies = -(-(E.PARQUET_ROW_GROUP + 1) // len(one))
    chunks = [[dict(rec, report_id=f"r{i:06d}/{rec['report_id']}") for rec in one] for i in range(copies)]
    stream = ParquetStream("checks", tmp_path / "c.parquet")
    for chunk in chunks:
        stream.add(chunk)
    stream.close()
    rows = [rec for chunk in chunks for rec in chunk]
    assert E.PARQUET_ROW_GROUP <= 65536
    assert pq.ParquetFile(tmp_path / "c.parquet").metadata.num_row_groups == -(-len(rows) // E.PARQUET_ROW_GROUP) >= 2
    assert (tmp_path / "c.parquet").read_bytes() == E.parquet_bytes("checks", rows)


def test_corpus_excel_csvs_and_no_workbook(built):
    """downloads/all/ holds an Excel-safe CSV of every table (BOM, CRLF, the canonical CSV's rows);
    tests/package/test_exports.py holds them byte-equal to the in-memory corpus_exports.  No corpus
    workbook (issue 17): the reports' rows are in metadata_excel.csv and measures_excel.csv, and the
    downloads page says why."""
    import csv

    from gongkai import paths as P

    root, result, _ = built
    folder = root / "docs" / "downloads" / "all"
    for name in R.RESOURCE_ORDER:
        data = (folder / P.excel_csv(name)).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") >= 1, name
        canonical = (folder / P.resource_csv(name)).read_text(encoding="utf-8")
        excel = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
        assert len(excel) == len(list(csv.reader(io.StringIO(canonical)))), name
    measures = list(csv.reader(io.StringIO((folder / "measures_excel.csv").read_bytes()[3:].decode("utf-8"))))
    assert len(measures) == 1 + len(result.reports) and measures[0][0] == "report_id"
    assert not list(folder.glob("*.xlsx"))
    page = (root / "docs" / "downloads.md").read_text(encoding="utf-8")
    assert "1,048,576" in page and P.excel_csv("measures") in page


def test_a_workbook_of_an_earlier_build_is_removed(built, tmp_path):
    from gongkai import paths as P
    from gongkai.files import commit_temp
    from gongkai.package.corpus import write_corpus_exports

    root, result, _ = built
    target = tmp_path / "all"
    target.mkdir()
    (target / P.LEGACY_CORPUS_XLSX).write_bytes(b"PK old workbook")
    ids = [r.report_id for r in result.reports]
    names = write_corpus_exports(root / "datapackages", ids, target, commit_temp)
    assert not (target / P.LEGACY_CORPUS_XLSX).exists() and P.LEGACY_CORPUS_XLSX not in names


@pytest.fixture(scope="module")
def scenario(built, tmp_path_factory):
    from corpus_scenario import two_builds

    root, _, _ = built
    return two_builds(root / "datapackages", tmp_path_factory.mktemp("corpus"))


def test_incremental_parquet_partitions_equal_a_whole_build(scenario):
    from gongkai import paths as P

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / P.PARQUET_DIR).rglob("*"))
                if p.is_file()}

    got, want = files(scenario.incremental), files(scenario.fresh)
    assert sorted(got) == sorted(want) and len(want) > len(E.PARQUET_TABLES)
    for rel in want:
        assert got[rel] == want[rel], rel
    assert not [p for p in scenario.incremental.iterdir() if p.suffix == ".parquet"]


def test_a_one_report_change_rewrites_only_the_files_of_the_reports_that_changed(scenario, built):
    """One file per table and changed report, holding its agency's group of its province-year alone: what an
    edit reads and writes of Parquet is bounded by the group, not by the partition (issue 17: in the synthetic
    corpus, whose provinces are unknown, a partition was a third of a year's reports)."""
    from gongkai import paths as P
    from gongkai.package.exports import partition_of

    root, _, _ = built
    meta = {rid: json.loads((root / "datapackages" / P.report_dir_of(rid) / "metadata.json").read_bytes())[0]
            for rid in (scenario.edited, scenario.added, scenario.removed)}
    touched = {P.parquet_part(name, *partition_of(m)) for m in meta.values() for name in E.PARQUET_TABLES}
    rewritten = {rel for rel in scenario.after if scenario.after[rel] != scenario.before.get(rel)}
    assert rewritten <= touched and rewritten
    assert [rel for rel in scenario.before if rel not in touched]
    # The edited report's text is in its file of the sections: that file was replaced.
    assert P.parquet_part("sections", *partition_of(meta[scenario.edited])) in rewritten
    # A province-year is one file; the folder of unknown province holds a file per agency group, with that group's
    # reports alone.
    for rel in scenario.after:
        if rel.startswith(P.parquet("metadata") + "/"):
            folder, name = rel.split("/")[3], rel.rsplit("/", 1)[1]
            if folder != f"{P.PARQUET_PROVINCE}=unknown":
                assert name == f"part-{P.PARQUET_WHOLE}.parquet", rel
                continue
            rows = pq.read_table(scenario.incremental / rel, columns=["agency_slug"]).column(0).to_pylist()
            assert {f"part-{P.parquet_group(slug)}.parquet" for slug in rows} == {name}, rel


def test_incremental_excel_csvs_equal_a_whole_build(scenario):
    """The unchanged reports' lines are copied from the last CSVs: the files are still byte for byte what
    a whole build writes."""
    from gongkai.package.corpus import REWRITTEN
    from gongkai import paths as P

    for name in REWRITTEN:
        if name != P.CORPUS_SQLITE:
            assert (scenario.incremental / name).read_bytes() == (scenario.fresh / name).read_bytes(), name
    text = (scenario.incremental / P.excel_csv("metadata")).read_text(encoding="utf-8")
    assert scenario.added in text and scenario.removed not in text
