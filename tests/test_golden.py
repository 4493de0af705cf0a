"""Accuracy: every cell of every complete sample report and derived variant against values read
from the documents (tests/golden/*.yml), with a per-report table printed at the end."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from golden import GOLDEN_DIR, expected_cells, golden_files, load
from gongkai.schema import registry as R
from gongkai.model import ReadError
from gongkai.extract import extract

DERIVED = ROOT / "tests" / "fixtures" / "derived"
# Variants whose tables cannot be read: the expected report status; no number may be published.
UNREADABLE = {
    "001_huaian_hongzequ_2023_scanned.pdf": "no text layer",
    "041_shanghai_shizhengfu_bgt_2019_tables_as_images.html": "tables as images",
}
RESULTS: dict[str, tuple[int, int, int]] = {}


def _cases() -> list[tuple[Path, Path]]:
    """(document, golden file): the sample reports, then each variant with its source's golden values."""
    cases = [(ROOT / "reports" / g.name[: -len(".yml")], g) for g in golden_files()]
    for sidecar in sorted(DERIVED.glob("*.yml")):
        if sidecar.name[: -len(".yml")] in UNREADABLE:
            continue
        source = yaml.safe_load(sidecar.read_text(encoding="utf-8"))["derived_from"]
        cases.append((sidecar.with_name(sidecar.name[: -len(".yml")]), GOLDEN_DIR / f"{source}.yml"))
    return cases


def score(report, golden: dict) -> tuple[int, list[str], list[str]]:
    """Cells exact, cells wrong, and cells published wrongly without a flag (the worst kind)."""
    got = {(t, r["code"]): r for t in R.TABLES for r in report.records[t]}
    want = expected_cells(golden)
    wrong, unflagged = [], []
    for key in sorted(set(want) | set(got)):
        value, rec = want.get(key), got.get(key)
        if key not in want or rec is None:
            wrong.append(f"{key}: {'not in the form' if key not in want else 'not published'}")
            continue
        if value is None:
            ok = rec["value"] is None and rec["status"] == "blank"
        else:
            ok = rec["value"] == value and rec["status"] == "reported"
        if not ok:
            wrong.append(f"{key}: want {value}, got {rec['value']} ({rec['status']}, raw {rec['raw']!r})")
            if rec["value"] is not None:
                unflagged.append(key)
    return len(want) - len(wrong), wrong, unflagged


@pytest.mark.parametrize("document,golden_path", _cases(), ids=lambda p: p.name)
def test_every_cell_matches_the_source(document, golden_path):
    golden = load(golden_path)
    report = extract(document)
    exact, wrong, unflagged = score(report, golden)
    RESULTS[document.name] = (exact, len(expected_cells(golden)), len(unflagged))
    assert (report.meta.agency, report.meta.year, report.edition) == \
        (golden["agency"], golden["year"], golden["edition"])
    assert report.status == "complete"
    assert not unflagged, f"values published that are neither exact nor flagged: {unflagged}"
    assert not wrong, "\n".join(wrong)


def test_every_complete_sample_report_has_golden_values():
    """A complete report added to reports/ without transcribed values would escape the accuracy check."""
    golden = {g.name[: -len(".yml")] for g in golden_files()}
    for path in sorted((ROOT / "reports").iterdir()):
        if path.suffix in (".yml", ".md") or path.name in golden:
            continue
        try:
            report = extract(path)
        except Exception:
            continue
        assert report.status != "complete", f"{path.name} extracts as complete but has no tests/golden file"


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_tables_are_said_so_and_never_guessed(name, tmp_path):
    report = extract(DERIVED / name)
    golden = load(GOLDEN_DIR / f"{yaml.safe_load((DERIVED / f'{name}.yml').read_text())['derived_from']}.yml")
    assert report.status == UNREADABLE[name]
    assert (report.meta.agency, report.meta.year) == (golden["agency"], golden["year"])
    assert not any(r["value"] is not None for t in R.TABLES for r in report.records[t])
    # Without the sidecar's agency and year, a scan cannot be identified: a clear error, not a guess.
    if UNREADABLE[name] == "no text layer":
        bare = tmp_path / name
        bare.write_bytes((DERIVED / name).read_bytes())
        with pytest.raises(ReadError, match="no text layer"):
            extract(bare)


def test_print_accuracy_table(capsys):
    """Runs last in this module: prints cells exact / cells total per report and overall."""
    if not RESULTS:
        pytest.skip("run with the accuracy cases")
    lines = ["", "| document | cells exact | cells total | wrong and unflagged |", "|---|---|---|---|"]
    for name, (exact, total, unflagged) in sorted(RESULTS.items()):
        lines.append(f"| {name} | {exact} | {total} | {unflagged} |")
    exact = sum(v[0] for v in RESULTS.values())
    total = sum(v[1] for v in RESULTS.values())
    lines.append(f"| **overall** | {exact} | {total} | {sum(v[2] for v in RESULTS.values())} |")
    with capsys.disabled():
        print("\n".join(lines))


def test_pdf_cells_record_their_page():
    report = extract(ROOT / "reports" / "001_huaian_hongzequ_2023.pdf")
    pages = {r["code"]: r["source_page"] for r in report.records["applications"]}
    assert pages["new_received.total"] == 3
    assert pages["unable_unclear.natural_person"] == 4  # the table continues on the next page
    assert {r["source_page"] for r in report.records["reviews_litigation"]} == {4}


def test_html_and_docx_cells_record_table_row_and_cell():
    # In 041's markup table 三 is the second <table> (table 二 is the first).
    html = extract(ROOT / "reports" / "041_shanghai_shizhengfu_bgt_2019.html")
    rec = {r["code"]: r for r in html.records["applications"]}["new_received.natural_person"]
    assert (rec["value"], rec["source_table"], rec["source_page"]) == (821, 2, None)
    docx = extract(DERIVED / "041_shanghai_shizhengfu_bgt_2019_libreoffice.docx")
    rec = {r["code"]: r for r in docx.records["applications"]}["new_received.natural_person"]
    assert rec["value"] == 821 and rec["source_table"] == 2 and rec["source_row"] and rec["source_cell"]
