"""gongkai/package/reference.py: the simple in-memory versions the streamed outputs are held against
(tests/package/test_combined.py, test_corpus.py compare their bytes).  Here: they are right on their own."""
from __future__ import annotations

import json

import pyarrow.parquet as pq

from conftest import ROOT
from gongkai import paths as P
from gongkai.extract import extract
from gongkai.files import write_files
from gongkai.package.datapackage import report_package
from gongkai.package.reference import combined_package, write_parquet
from gongkai.schema import registry as R

NAMES = ("041_shanghai_shizhengfu_bgt_2019.html", "000_8719cb9f3c2be4e4.txt")


def _reports():
    return [extract(ROOT / "reports" / n) for n in NAMES]


def test_combined_package_is_each_reports_rows_in_report_id_order_under_one_header():
    reports = _reports()
    files = combined_package(reports)
    ordered = sorted(reports, key=lambda r: r.report_id)
    for name in R.RESOURCE_ORDER:
        parts = [report_package(rep)[f"{name}.csv"].decode("utf-8").splitlines(keepends=True) for rep in ordered]
        combined = files[f"{name}.csv"].decode("utf-8").splitlines(keepends=True)
        assert combined == parts[0][:1] + [line for p in parts for line in p[1:]], name
    desc = json.loads(files["datapackage.json"])
    assert [s["path"] for s in desc["sources"]] == [f"reports/{r.source.name}" for r in ordered]
    assert not any(name.endswith(".json") and name != "datapackage.json" for name in files)  # CSV only


def test_write_parquet_holds_every_row_of_the_reports(tmp_path):
    reports = _reports()
    for rep in reports:
        write_files(tmp_path / P.report_dir_of(rep.report_id), report_package(rep))
    ids = sorted(r.report_id for r in reports)
    write_parquet(tmp_path, ids, "applications", tmp_path / "a.parquet", row_group=50)
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.num_rows == sum(len(r.records["applications"]) for r in reports)
    assert sorted(set(table.column("report_id").to_pylist())) == ids
