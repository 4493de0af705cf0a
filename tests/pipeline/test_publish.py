"""gongkai/pipeline/publish.py: the per-report phase in worker processes (packages, downloads, validation,
pages); the same bytes as one process, and invalid packages reported."""
from __future__ import annotations

import copy
from pathlib import Path

from gongkai import paths as P
from gongkai.pipeline.incremental import Derived
from gongkai.package.combined import package_names
from gongkai.pipeline.publish import Context, publish_all


def test_downloads_are_hard_links_of_the_package_files(built):
    root, result, _ = built
    for rep in result.reports[:3]:
        for rel in package_names():
            a = (root / "datapackages" / P.report_dir_of(rep.report_id) / rel).stat()
            b = (root / "docs" / "downloads" / P.report_dir_of(rep.report_id) / rel).stat()
            assert (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev), rel


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
