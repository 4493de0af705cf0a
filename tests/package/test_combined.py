"""gongkai/package/combined.py: datapackages/all and the everything-zip, streamed from the per-report files.

The streamed files are compared with what the in-memory functions (reference.combined_package,
files.zip_bytes) make from the same reports: one byte of difference fails.
"""
from __future__ import annotations

from gongkai.files import zip_bytes
from gongkai.package.combined import combined_errors, package_names, write_everything_zip
from gongkai.package.datapackage import report_package
from gongkai.package.licence import README_NAME, readme
from gongkai.package.reference import combined_package
from gongkai.schema import registry as R


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
    everything[README_NAME] = readme("公开 Gongkai：全部政府信息公开工作年度报告")
    for rep in result.reports:
        everything.update({f"reports/{rep.report_id}/{rel}": data for rel, data in report_package(rep).items()})
    zipped = (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()
    assert zipped == zip_bytes(everything, "gongkai-all")


def test_everything_zip_read_in_small_chunks_has_the_same_bytes(built, tmp_path):
    """Files are copied into the zip a chunk at a time (the combined CSVs grow with the corpus); chunks
    far smaller than the files must give the bytes zip_bytes gives from whole files."""
    root, result, _ = built


    ids = [rep.report_id for rep in result.reports]
    assert (root / "datapackages" / "all" / "applications.csv").stat().st_size > 50 * 997
    write_everything_zip(root / "datapackages", ids, tmp_path / "z.zip", chunk=997)
    assert (tmp_path / "z.zip").read_bytes() == (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()


def test_package_names_are_the_files_a_package_has(built):
    _, result, _ = built
    rep = result.reports[0]
    assert sorted(package_names()) == sorted(report_package(rep))


def test_every_resource_key_begins_with_the_report_id():
    # combined_errors relies on it: unique report ids make every key of the combined package unique.
    assert all(R.key_of(name)[0] == "report_id" for name in R.RESOURCE_ORDER)
    assert combined_errors(["a/2020", "b/2020"]) == []
    assert combined_errors(["a/2020", "a/2020"])
