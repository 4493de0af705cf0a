"""What a one-report edit redoes in the data phases (issue 17): the edited report alone is read, published,
validated and exported again; the other reports cost at most a stat or a folder listing.  The files the build
opens are recorded, so a phase that reads something per report (a record, a package file, a pickle) fails here
whatever the time it takes (the seconds are in BENCHMARKS.md)."""
from __future__ import annotations

import builtins
import io
import os
from pathlib import Path

import pytest

from conftest import copy_project, load_synth
from gongkai import paths as P
from gongkai.pipeline import incremental
from gongkai.pipeline.build import build
from gongkai.pipeline.incremental import UpToDate

synth = load_synth()

QUIET = dict(log=lambda *_: None)
LISTED_AT_RECORD: list[str] = []  # the edit's folders listed by UpToDate.record (the fixture fills it)
CROSS_YEAR_COMPUTED: list[str] = []  # the reports whose cross-year check the edit computed (the fixture fills it)
REUSE_LISTED: list[str] = []  # the folders the per-report phase listed to find a kept result's files (the fixture)


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """Eight synthetic text reports, built, then one of them edited and built again while every file the
    build opens is recorded.  (root, the first build's result, the second's, the paths opened, relative)."""
    corpus = tmp_path_factory.mktemp("synth")
    synth.write_corpus(corpus, 8, ["txt"], seed=11, log=lambda *_: None)
    root = copy_project(tmp_path_factory.mktemp("edit") / "p", sorted(corpus.iterdir()))
    first = build(root, jobs=1, keep_records=False, **QUIET)
    assert not first.invalid
    target = sorted((root / "reports").glob("*.txt"))[0]
    target.write_text(target.read_text(encoding="utf-8").replace("推进政务公开", "深入推进政务公开", 1),
                      encoding="utf-8")
    opened: list[str] = []
    real = builtins.open

    def spy(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and "r" in mode and "+" not in mode:
            opened.append(os.path.abspath(os.fspath(file)))
        return real(file, mode, *args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(builtins, "open", spy)
    mp.setattr(io, "open", spy)  # pathlib opens through io.open
    # The folders listed while the build records its outputs' state (UpToDate.record).  The first build's
    # folders all changed within seconds of its record, so the racy margin would list most of them again.
    recording, listed = [], []
    real_scandir, real_record = os.scandir, UpToDate.record
    mp.setattr(os, "scandir", lambda path=".": (listed.append(os.fspath(path)) if recording else None)
               or real_scandir(path))
    mp.setattr(UpToDate, "record", lambda self, *a: recording.append(1) or real_record(self, *a))
    mp.setattr(incremental, "RACY_NS", 0, raising=False)
    from gongkai.pipeline import build as build_module
    from gongkai.pipeline.reuse import Reuse

    real_listing = Reuse._listing
    mp.setattr(Reuse, "_listing", lambda self, root, folder: REUSE_LISTED.append(folder)
               or real_listing(self, root, folder))

    real_check = build_module.cross_year_checks
    mp.setattr(build_module, "cross_year_checks",
               lambda prev, this, year: CROSS_YEAR_COMPUTED.append(year) or real_check(prev, this, year))
    try:
        second = build(root, jobs=1, keep_records=False, **QUIET)
    finally:
        mp.undo()
    base = os.path.abspath(root)
    rels = sorted({os.path.relpath(p, base) for p in opened if p.startswith(base + os.sep)})
    LISTED_AT_RECORD[:] = sorted({os.path.relpath(os.path.abspath(p), base) for p in listed})
    return root, first, second, rels, target.name


def test_the_edit_re_extracts_and_republishes_the_edited_report_alone(edited):
    root, first, second, _, name = edited
    assert second.extracted == [name] and not second.invalid
    assert second.reused == len(first.reports) - 1


def test_no_unchanged_report_has_a_file_of_its_own_read(edited):
    """Package files, downloads and sources of the other reports are not opened: the combined CSVs, the
    everything-zip and the corpus exports copy their bytes from the last outputs by recorded ranges.  The one
    exception is bounded by the years an agency reports, not by the corpus: the database derives the edited
    report's agency row again from the metadata of that agency's reports (corpus_sqlite._replace_agencies)."""
    root, first, second, rels, name = edited
    edited = next(r for r in second.reports if r.source.name == name)
    others = [r for r in first.reports if r.report_id != edited.report_id]
    assert others
    for rep in others:
        own = (f"{P.PACKAGES_DIR}/{P.report_dir_of(rep.report_id)}/",
               f"{P.DOCS_DIR}/{P.DOWNLOADS}/{P.report_dir_of(rep.report_id)}/", f"{P.REPORTS_DIR}/{rep.source.name}")
        read = [r for r in rels if r.startswith(own)]
        if rep.slug == edited.slug:
            read = [r for r in read if r != f"{P.PACKAGES_DIR}/{P.report_dir_of(rep.report_id)}/metadata.json"]
        assert not read, rep.report_id


def test_no_per_report_record_or_pickle_is_read(edited):
    """The build's state of the other reports comes from stores of a few files (index_store.IndexStore): not
    a reuse record per report (build/cache/published), nor an extraction pickle per report."""
    root, first, second, rels, name = edited
    cache = f"{P.CACHE_DIR}/"
    published = [r for r in rels if r.startswith(f"{cache}published/")]
    assert published and all(r.count("/") == P.CACHE_DIR.count("/") + 2 and r.endswith(".pickle")
                              for r in published), published
    pickles = [r for r in rels if r.startswith(f"{cache}extract/")]
    assert len(pickles) <= 1, pickles  # the edited report's, loaded whole for its package


def test_a_kept_result_costs_no_listing_of_its_folders_nor_a_read_of_its_files_names(edited):
    """The per-report phase took each unchanged report's result after listing its ~6 folders (1 s of an edit at
    2,000 reports, 60,000 listings at 10,000) and inflating its record of ~50 file names: the folders changed
    since the last finished build are now known by a stat a folder (UpToDate.changed_outputs), and while none of
    a report's folders changed its files are all there."""
    root, first, second, rels, name = edited
    assert second.reused == len(first.reports) - 1
    assert REUSE_LISTED == []
    # Read only to be rewritten: the files holding the edited report's old record (dropped) and its new one.
    assert len([r for r in rels if r.startswith(f"{P.CACHE_DIR}/published-files/")]) <= 2


def test_a_file_removed_by_hand_gets_its_report_published_again(edited):
    """The other side of trusting the folders: an output removed after a build is seen (its folder changed), and
    its report alone is published again, its file back."""
    root, first, second, _, name = edited
    rep = next(r for r in first.reports if r.source.name != name)
    gone = root / P.PACKAGES_DIR / P.report_dir_of(rep.report_id) / "metadata.json"
    data = gone.read_bytes()
    gone.unlink()
    again = build(root, jobs=1, keep_records=False, **QUIET)  # the inputs as before: the no-op check walks
    assert not again.invalid and again.reused == len(first.reports) - 1
    assert gone.read_bytes() == data
    gone.unlink()
    target = sorted((root / "reports").glob("*.txt"))[2]  # with an edit, the folders are stat-ed instead
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = build(root, jobs=1, keep_records=False, **QUIET)
    assert not again.invalid and again.reused == len(first.reports) - 2 and again.extracted == [target.name]
    assert gone.read_bytes() == data


def test_the_record_of_the_outputs_lists_the_changed_folders_alone(edited):
    """At the end of an edit the build records its outputs' state (for the next no-op) from the folders that
    changed, not by a walk of every file of datapackages/ and docs/ (some 550,000 at 10,000 reports): no
    folder of an unchanged report is listed, and the record equals a full walk's (a no-op build is skipped)."""
    root, first, second, _, name = edited
    listed = LISTED_AT_RECORD
    assert listed, "the record listed nothing: the changed folders must be"
    edited_id = next(r for r in second.reports if r.source.name == name).report_id
    for rep in first.reports:
        if rep.report_id == edited_id:
            continue
        own = (f"{P.PACKAGES_DIR}/{P.report_dir_of(rep.report_id)}", f"{P.DOCS_DIR}/{P.DOWNLOADS}/{P.report_dir_of(rep.report_id)}")
        assert not [rel for rel in listed if rel.startswith(own)], rep.report_id
    assert build(root, jobs=1, keep_records=False, **QUIET).up_to_date


def test_the_combined_descriptor_checks_the_edited_source_alone(edited, monkeypatch):
    """The combined package's descriptor lists every source; after the edit, the one changed entry is checked
    (package/validate.py descriptor_errors; run in the build process here, where it is watched, as when its
    child process cannot start: package/descriptor_check.py)."""
    from frictionless import Package

    import gongkai.package.descriptor_check as D

    monkeypatch.setattr(D.DescriptorCheck, "__init__", lambda self: setattr(self, "proc", None))
    root, *_ = edited
    seen = []
    real = Package.metadata_validate
    monkeypatch.setattr(Package, "metadata_validate",
                        lambda d, **k: seen.append(len(d.get("sources", []))) or real(d, **k))
    target = sorted((root / "reports").glob("*.txt"))[1]
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = build(root, jobs=1, keep_records=False, **QUIET)
    assert not result.invalid and len(result.extracted) == 1
    assert seen == [1]


def test_the_zip_is_written_in_a_thread_while_the_exports_run(edited, monkeypatch):
    """An edit's zip is mostly kernel copies of the last one (~420 MB at 10,000 reports): written in a thread of
    its own during validate and the exports (pipeline/build.py), and joined before the build goes on."""
    import threading
    import zipfile

    import gongkai.pipeline.build as B

    root, *_ = edited
    seen = []
    real_zip, real_exports = B.write_everything_zip, B.write_corpus_exports
    monkeypatch.setattr(B, "write_everything_zip", lambda *a, **k: seen.append(
        ("zip", threading.current_thread() is threading.main_thread())) or real_zip(*a, **k))
    monkeypatch.setattr(B, "write_corpus_exports", lambda *a, **k: seen.append(
        ("exports", threading.current_thread() is threading.main_thread())) or real_exports(*a, **k))
    target = sorted((root / "reports").glob("*.txt"))[2]
    target.write_text(target.read_text(encoding="utf-8") + "\n补记一句。\n", encoding="utf-8")
    result = build(root, jobs=1, keep_records=False, **QUIET)
    assert not result.invalid and sorted(seen) == [("exports", True), ("zip", False)]
    assert result.timings["zip"] > 0
    with zipfile.ZipFile(root / P.DOCS_DIR / P.DOWNLOADS / P.COMBINED / P.EVERYTHING_ZIP) as zf:
        assert zf.testzip() is None
        for name in ("sections", "metadata"):  # the tables the edit changed, as the combined package has them
            assert zf.read(f"{P.COMBINED_NAME}/{P.resource_csv(name)}") == \
                (root / P.PACKAGES_DIR / P.COMBINED / P.resource_csv(name)).read_bytes()


def _walked_only_after_a_killed_build(tmp_path, monkeypatch, module, name: str, leave) -> None:
    """Three builds of two reports, counting calls of module.name (a walk): the first build walks, a build
    after a finished one does not (and leaves what leave(root) put there), a build after one killed half-way
    (its stamp removed as it starts, recorded as it ends) walks again and removes it."""
    corpus = tmp_path / "synth"
    synth.write_corpus(corpus, 2, ["txt"], seed=3, log=lambda *_: None)
    root = copy_project(tmp_path / "p", sorted(corpus.iterdir()))
    walks = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a: walks.append(a) or real(*a))
    build(root, jobs=1, keep_records=False, **QUIET)
    assert len(walks) == 1  # the first build: nothing says the folders are clean
    left = leave(root)
    build(root, jobs=1, force=True, keep_records=False, **QUIET)
    assert len(walks) == 1 and left.exists()
    (root / P.CACHE_DIR / "build.stamp").unlink()  # as a build killed half-way leaves it
    build(root, jobs=1, force=True, keep_records=False, **QUIET)
    assert len(walks) == 2 and not left.exists()


def test_temporary_files_are_looked_for_only_after_a_build_that_did_not_finish(tmp_path, monkeypatch):
    """Walking every output folder for the temporary files a killed build leaves is a stat per file."""
    import gongkai.pipeline.build as B

    def leave(root):
        left = root / P.PACKAGES_DIR / ".x.csv.123.tmp"
        left.write_text("half")
        return left

    _walked_only_after_a_killed_build(tmp_path, monkeypatch, B, "remove_temp_files", leave)


def test_generated_pages_are_walked_only_after_a_build_that_did_not_finish(tmp_path, monkeypatch):
    """The pages phase removes stale pages by the listing the last build wrote; it walks every generated page
    only without one (the first build, or after a build that did not finish: its pages may not be listed)."""
    from gongkai.pipeline import cleanup

    def leave(root):
        stray = root / P.DOCS_DIR / P.agency_page("a-killed-builds-agency")
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_text("# left by a killed build\n", encoding="utf-8")
        return stray

    _walked_only_after_a_killed_build(tmp_path, monkeypatch, cleanup, "remove_stale_pages", leave)


def test_the_cross_year_check_is_computed_again_only_for_the_edited_reports_pairs(edited):
    """Every pair of an agency's consecutive years was checked again on every build (~1.6 CPU-s at 10,000 reports);
    the results are kept by the two extractions' keys, so an edit checks the edited report's pairs alone, and the
    checks found are those of the first build."""
    root, first, second, _, name = edited
    edited_rep = next(r for r in second.reports if r.source.name == name)
    pairs = [r for r in second.reports if r.cross_year_prev is not None]
    assert len(pairs) > 2  # the synthetic agencies report several years in a row
    assert 1 <= len(CROSS_YEAR_COMPUTED) <= 2  # the edited report against the year before, and the year after
    assert set(CROSS_YEAR_COMPUTED) <= {edited_rep.meta.year - 1, edited_rep.meta.year}
    failed = {r.report_id: [c.check_id for c in r.failed_checks] for r in first.reports}
    assert {r.report_id: [c.check_id for c in r.failed_checks] for r in second.reports} == failed
