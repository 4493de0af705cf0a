"""The per-report phase in worker processes and the combined outputs streamed from disk.

The streamed files are compared with what the in-memory functions (reference.combined_package,
files.zip_bytes) make from the same reports: one byte of difference fails.
"""
from __future__ import annotations

import copy
import os
from pathlib import Path

from gongkai.schema import registry as R
from gongkai.pipeline.incremental import Derived
from gongkai.files import link_or_copy, zip_bytes
from gongkai.package.combined import combined_errors, package_names
from gongkai.package.datapackage import report_package
from gongkai.package.reference import combined_package
from gongkai.pipeline.publish import Context, publish_all


def test_combined_package_streamed_from_disk_equals_the_in_memory_one(built):
    root, result, _ = built
    expected = combined_package(result.reports)
    on_disk = {p.name: p.read_bytes() for p in (root / "datapackages" / "all").iterdir()}
    assert on_disk == expected
    # The downloads copy holds the same bytes.
    for name, data in expected.items():
        assert (root / "docs" / "downloads" / "all" / name).read_bytes() == data


def test_everything_zip_streamed_from_disk_equals_the_in_memory_one(built):
    root, result, _ = built
    everything = dict(combined_package(result.reports))
    for rep in result.reports:
        everything.update({f"reports/{rep.report_id}/{rel}": data for rel, data in report_package(rep).items()})
    zipped = (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()
    assert zipped == zip_bytes(everything, "gongkai-all")


def test_everything_zip_read_in_small_chunks_has_the_same_bytes(built, tmp_path):
    """Files are copied into the zip a chunk at a time (the combined CSVs grow with the corpus); chunks
    far smaller than the files must give the bytes zip_bytes gives from whole files."""
    root, result, _ = built
    from gongkai.package.combined import write_everything_zip

    ids = [rep.report_id for rep in result.reports]
    assert (root / "datapackages" / "all" / "applications.csv").stat().st_size > 50 * 997
    write_everything_zip(root / "datapackages", ids, tmp_path / "z.zip", chunk=997)
    assert (tmp_path / "z.zip").read_bytes() == (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()


def test_package_names_are_the_files_a_package_has(built):
    _, result, _ = built
    rep = result.reports[0]
    assert sorted(package_names()) == sorted(report_package(rep))


def test_downloads_are_hard_links_of_the_package_files(built):
    root, result, _ = built
    for rep in result.reports[:3]:
        for rel in package_names():
            a = (root / "datapackages" / rep.report_id / rel).stat()
            b = (root / "docs" / "downloads" / rep.report_id / rel).stat()
            assert (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev), rel


def test_link_or_copy_replaces_a_stale_copy_and_leaves_a_current_one(tmp_path):
    src, dst = tmp_path / "a.csv", tmp_path / "d" / "a.csv"
    src.write_bytes(b"x,y\n1,2\n")
    assert link_or_copy(src, dst) and dst.read_bytes() == src.read_bytes()
    assert not link_or_copy(src, dst)  # already the same file
    # The source is replaced (as atomic_write does): the old link now holds old bytes and is replaced.
    new = tmp_path / "new.csv"
    new.write_bytes(b"x,y\n1,3\n")
    os.replace(new, src)
    assert dst.read_bytes() == b"x,y\n1,2\n"
    assert link_or_copy(src, dst) and dst.read_bytes() == b"x,y\n1,3\n"
    assert not list(dst.parent.glob(".*.tmp"))


def test_every_resource_key_begins_with_the_report_id():
    # combined_errors relies on it: unique report ids make every key of the combined package unique.
    assert all(R.key_of(name)[0] == "report_id" for name in R.RESOURCE_ORDER)
    assert combined_errors(["a/2020", "b/2020"]) == []
    assert combined_errors(["a/2020", "a/2020"])


def _context(root: Path) -> Context:
    return Context(root=root, out_dir=root / "datapackages", dl_dir=root / "docs" / "downloads", docs=root / "docs",
                   derived=Derived(root / "stamps" / "derived"), valid_stamps=root / "stamps" / "valid")


def test_workers_write_the_same_bytes_as_serial_and_report_invalid_packages(built, tmp_path):
    _, result, _ = built
    reports = [copy.deepcopy(r) for r in result.reports[:8]]
    bad = reports[3]
    rec = next(r for r in bad.records["applications"] if r["status"] == "reported")
    rec["source_page"] = 0  # the schema's minimum is 1
    serial = publish_all(reports, _context(tmp_path / "a"), jobs=1)
    parallel = publish_all(reports, _context(tmp_path / "b"), jobs=2)
    for a, b in zip(serial, parallel):
        assert (a.report_id, a.digest) == (b.report_id, b.digest)
        assert [e.replace(str(tmp_path / "b"), "") for e in b.errors] == [e.replace(str(tmp_path / "a"), "")
                                                                          for e in a.errors]
        assert b.written == a.written
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "docs").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(tmp_path / "b")
                                     for p in (tmp_path / "b" / "docs").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    # Only the broken package has errors, and only valid packages leave a validation stamp.
    assert [bool(p.errors) for p in parallel] == [i == 3 for i in range(8)]
    assert any("source_page" in e and "minimum" in e for e in parallel[3].errors)
    assert len(list((tmp_path / "b" / "stamps" / "valid").iterdir())) == 7
    # A stamped package is not validated again; the broken one is.
    again = publish_all(reports, _context(tmp_path / "b"), jobs=2)
    assert [p.written for p in again] == [[]] * 8
    assert again[3].errors == parallel[3].errors


def test_a_row_with_another_reports_id_is_an_error(built, tmp_path):
    _, result, _ = built
    rep = copy.deepcopy(result.reports[0])
    rep.records["checks"][0]["report_id"] = "someone-else/2020"
    [pub] = publish_all([rep], _context(tmp_path), jobs=1)
    assert any("someone-else/2020" in e for e in pub.errors)


def test_parquet_written_in_row_groups_equals_one_write(built, tmp_path):
    """Row groups cut while streaming give the file pyarrow writes from the whole table at once."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from gongkai.package import exports as E
    from gongkai.package.corpus import write_parquet

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
    import pyarrow.parquet as pq

    from gongkai.package import exports as E
    from gongkai.package.corpus import ParquetStream

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
