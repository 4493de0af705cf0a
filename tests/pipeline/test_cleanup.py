"""gongkai/pipeline/cleanup.py: what a build no longer generates is removed, and nothing else."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.pipeline.cleanup import prune_stamps, remove_stale, remove_stale_pages


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")
    return path


def test_packages_of_reports_that_are_gone_are_removed_with_their_empty_agency(tmp_path):
    kept = _touch(tmp_path / P.report_dir("a-ju", 2021) / P.DESCRIPTOR)
    gone = _touch(tmp_path / P.report_dir("a-ju", 2020) / P.DESCRIPTOR)
    agency_gone = _touch(tmp_path / P.report_dir("b-ju", 2019) / P.DESCRIPTOR)
    combined = _touch(tmp_path / P.COMBINED / P.DESCRIPTOR)
    report = _touch(tmp_path / P.BUILD_REPORT)
    remove_stale(tmp_path, {"a-ju/2021"})
    assert kept.exists() and combined.exists() and report.exists()
    assert not gone.parent.exists() and not agency_gone.parent.parent.exists()
    assert P.bucket("b-ju") == P.bucket("a-ju") or not agency_gone.parent.parent.parent.exists()  # empty bucket
    remove_stale(tmp_path / "absent", set())  # no folder yet: nothing to do


def test_packages_in_the_layout_before_buckets_are_removed(tmp_path):
    """A build over a tree from before the fan-out (<slug>/<year>/ at the top) removes those folders."""
    old = _touch(tmp_path / "a-ju" / "2021" / P.DESCRIPTOR)
    kept = _touch(tmp_path / P.report_dir("a-ju", 2021) / P.DESCRIPTOR)
    remove_stale(tmp_path, {"a-ju/2021"})
    assert kept.exists() and not (tmp_path / "a-ju").exists() and not old.exists()


def test_only_generated_pages_no_longer_generated_are_removed(tmp_path):
    page = _touch(tmp_path / P.report_page("a-ju", 2021))
    old = _touch(tmp_path / P.report_page("b-ju", 2019))
    api = _touch(tmp_path / P.API_DIR / P.report_api("b-ju", 2019))
    hand_written = _touch(tmp_path / "methodology.md")
    remove_stale_pages(tmp_path, {P.report_page("a-ju", 2021)})
    assert page.exists() and hand_written.exists()
    assert not old.exists() and not old.parent.exists() and not api.exists()


def test_unused_stamps_are_pruned(tmp_path):
    for name in ("k1", "k2"):
        _touch(tmp_path / name)
    prune_stamps(tmp_path, {"k1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k1"]
    prune_stamps(tmp_path / "absent", set())
