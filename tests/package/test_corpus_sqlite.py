"""gongkai/package/corpus_sqlite.py: the corpus database written whole, or brought up to date in place.

The in-place update must give the content of a whole build of the same reports: every table's rows, and
every full-text entry (term, column, position) attached to the same section or agency."""
from __future__ import annotations

import pytest

from corpus_scenario import sqlite_content, two_builds
from gongkai import paths as P
from gongkai.package.fulltext import AGENCIES_FTS, SECTIONS_FTS


@pytest.fixture(scope="module")
def scenario(built, tmp_path_factory):
    root, _, _ = built
    return two_builds(root / "datapackages", tmp_path_factory.mktemp("corpus"))


def test_the_database_updated_in_place_holds_what_a_whole_build_holds(scenario):
    assert scenario.updated_in_place
    got, want = sqlite_content(scenario.incremental / P.CORPUS_SQLITE), sqlite_content(scenario.fresh / P.CORPUS_SQLITE)
    assert want["sections"] and want[SECTIONS_FTS] and want[AGENCIES_FTS]
    assert want[SECTIONS_FTS + " entries of no row"] == 0
    for name in want:
        assert got[name] == want[name], name
    reports = {row[0] for row in got["reports"]}
    assert scenario.added in reports and scenario.removed not in reports and scenario.edited in reports
    # The edited report's old text and old agency name are gone from the tables and from the index.
    assert not any("改动后的正文" in str(row) for row in got["sections"])
    assert not any("旧称" in str(row) for row in got["agencies"] + got["reports"])
    assert not any(term == "旧称" for term, *_ in got[AGENCIES_FTS] + got[SECTIONS_FTS])


def test_the_updated_database_keeps_no_history_in_its_header(scenario):
    data = (scenario.incremental / P.CORPUS_SQLITE).read_bytes()
    assert data[24:28] == bytes(4) and data[92:100] == bytes(8)


def test_a_failed_update_leaves_the_database_as_it_was(built, tmp_path):
    """One transaction: a report whose package cannot be read stops the update, and nothing of it stays."""
    from gongkai.package.corpus_sqlite import update_sqlite

    root, result, _ = built
    db = tmp_path / "db.sqlite"
    db.write_bytes((root / "docs" / "downloads" / "all" / P.CORPUS_SQLITE).read_bytes())
    before = sqlite_content(db)
    rid = result.reports[0].report_id
    with pytest.raises(FileNotFoundError):
        update_sqlite(db, tmp_path / "no-packages", [rid], {rid}, lambda _rid: {})
    assert sqlite_content(db) == before
