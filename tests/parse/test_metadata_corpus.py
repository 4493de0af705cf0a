"""Issue 14's metadata goal: with every sidecar ignored, detection over the whole corpus finds the
year of every report that prints one, an agency for every report whose title area or opening names
one, and the official name for at least 90% of them (tests/metadata_survey.py prints the table)."""
from __future__ import annotations

from .metadata_survey import NOT_NAMED, survey, table


def test_detection_over_the_corpus(capsys):
    rows = survey()
    with capsys.disabled():
        print("\n" + table(rows))
    named = [r for r in rows if r.named]
    assert [r.file for r in rows if not r.year_ok] == []
    assert [r.file for r in named if not r.agency] == []
    assert sum(r.official_ok for r in named) >= 0.9 * len(named)
    # The files listed as naming no agency really get none: a name there would be a guess.
    assert [r.file for r in rows if not r.named and r.agency] == []
    assert set(NOT_NAMED) <= {r.file for r in rows} or len(rows) < 50
