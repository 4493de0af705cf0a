"""Every cell of the seed, both PDFs and the HTML report, against values read from the documents."""
from __future__ import annotations

import pytest

from conftest import ROOT
from golden import expected_cells, golden_files, load
from gongkai import registry as R
from gongkai.extract import extract


@pytest.mark.parametrize("golden_path", golden_files(), ids=lambda p: p.stem)
def test_every_cell_matches_the_source(golden_path):
    golden = load(golden_path)
    report = extract(ROOT / "reports" / golden_path.name[: -len(".yml")])
    assert report.edition == golden["edition"]
    assert report.status == "complete"
    got = {(t, r["code"]): r for t in R.TABLES for r in report.records[t]}
    want = expected_cells(golden)
    assert set(got) == set(want), "the published cells differ from the cells the form prints"
    wrong = []
    for key, value in want.items():
        rec = got[key]
        if value is None:
            ok = rec["value"] is None and rec["status"] == "blank"
        else:
            ok = rec["value"] == value and rec["status"] == "reported"
        if not ok:
            wrong.append(f"{key}: want {value}, got {rec['value']} ({rec['status']}, raw {rec['raw']!r})")
    assert not wrong, "\n".join(wrong)
    exact = len(want) - len(wrong)
    print(f"{golden_path.stem}: {exact}/{len(want)} cells exact")


def test_pdf_cells_record_their_page():
    report = extract(ROOT / "reports" / "001_huaian_hongzequ_2023.pdf")
    pages = {r["code"]: r["source_page"] for r in report.records["applications"]}
    assert pages["new_received.total"] == 3
    assert pages["unable_unclear.natural_person"] == 4  # the table continues on the next page
    assert {r["source_page"] for r in report.records["reviews_litigation"]} == {4}
