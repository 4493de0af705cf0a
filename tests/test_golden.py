"""Accuracy: every cell of every golden report and derived variant against values read from the documents
(tests/golden/*.yml; the convention is in tests/golden.py), with a table per layout family at the end.

Wrong numbers fail at once.  Coverage misses (the parser flagged a cell the golden has a value for) must
be exactly the ones listed in EXPECTED_MISSES: a new miss fails, and so does a listed cell that is now
read, so the list only shrinks.  Its goal (issue 14) is to be empty.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from golden import FAMILIES, GOLDEN_DIR, expected_cells, golden_files, load, score
from gongkai.schema import registry as R
from gongkai.model import ReadError
from gongkai.extract import extract

DERIVED = ROOT / "tests" / "fixtures" / "derived"
# Variants whose tables cannot be read: the expected report status; no number may be published.
UNREADABLE = {
    "001_huaian_hongzequ_2023_scanned.pdf": "no text layer",
    "041_shanghai_shizhengfu_bgt_2019_tables_as_images.html": "tables as images",
}
# The layout family of a derived variant, by how its file name ends (first match); None keeps its source's
# family (a re-encoding or a character conversion of the same layout).
VARIANT_FAMILY = (
    ("_gbk.txt", None), ("_traditional.txt", None),
    ("_pdftotext_layout.txt", "pdftotext-layout"), ("_pdftotext_raw.txt", "pdftotext-raw"), (".md", "markdown"),
    ("_chromium.pdf", "chromium-pdf"), ("_libreoffice.pdf", "libreoffice-pdf"), (".docx", "docx"),
    ("_govpage.html", "html"),
)


def variant_family(name: str) -> str | None:
    for ending, family in VARIANT_FAMILY:
        if name.endswith(ending):
            return family
    return "unlisted"


# Coverage misses known today, document -> cell codes ("row.*" = every cell of that row the golden has),
# e.g. "119_pingtan_gonganju_2019_crawl.txt": {"licensing.decisions", "new_received.*"}.  Empty: every
# golden cell is read.  A new golden whose cells the parser cannot read yet is listed here until it can;
# the list only shrinks.
EXPECTED_MISSES: dict[str, set[str]] = {
}

RESULTS: dict[str, tuple[str, int, int, int]] = {}  # document -> (family, exact, flagged, wrong)


def _cases() -> list[tuple[Path, Path, str | None]]:
    """(document, golden file, family override): the sample reports, then each variant with its source's golden."""
    cases = [(ROOT / "reports" / g.name[: -len(".yml")], g, None) for g in golden_files()]
    for sidecar in sorted(DERIVED.glob("*.yml")):
        name = sidecar.name[: -len(".yml")]
        if name in UNREADABLE:
            continue
        source = yaml.safe_load(sidecar.read_text(encoding="utf-8"))["derived_from"]
        cases.append((sidecar.with_name(name), GOLDEN_DIR / f"{source}.yml", variant_family(name)))
    return cases


def expand(name: str, patterns: set[str], cells: list[str]) -> set[str]:
    """The listed misses of one document with each "row.*" expanded to the golden's cells of that row."""
    out = set()
    for p in patterns:
        if p.endswith(".*"):
            hits = {c for c in cells if c.startswith(p[:-1])}
            assert hits, f"{name}: expected miss {p!r} matches no golden cell"
            out |= hits
        else:
            assert p in cells, f"{name}: expected miss {p!r} is not a golden cell"
            out.add(p)
    return out


@pytest.mark.parametrize("document,golden_path,family", _cases(), ids=lambda p: getattr(p, "name", p))
def test_every_cell_matches_the_source(document, golden_path, family):
    golden = load(golden_path)
    family = family or golden.get("family")
    assert family in FAMILIES, (f"{document.name}: layout family {family!r} is not one of {sorted(FAMILIES)} "
                                "(set `family:` in the golden file, or VARIANT_FAMILY for a derived variant)")
    report = extract(document)  # a crash is a failure, never a skip
    result = score(report, golden)
    RESULTS[document.name] = (family, len(result.exact), len(result.flagged), len(result.wrong))
    assert (report.meta.agency, report.meta.year, report.edition) == \
        (golden["agency"], golden["year"], str(golden["edition"]))
    assert not result.wrong, "published values that differ from the document:\n" + "\n".join(
        f"{c}: {result.detail[c]}" for c in result.wrong)
    cells = [c for c in (result.exact + result.flagged)]
    listed = expand(document.name, EXPECTED_MISSES.get(document.name, set()), cells)
    new = sorted(set(result.flagged) - listed)
    fixed = sorted(listed - set(result.flagged))
    assert not new, "cells flagged that are not in EXPECTED_MISSES:\n" + "\n".join(
        f"{c}: {result.detail[c]}" for c in new)
    assert not fixed, f"cells now read exactly: remove them from EXPECTED_MISSES[{document.name!r}]: {fixed}"


def test_expected_misses_name_golden_documents():
    names = {doc.name for doc, _g, _f in _cases()}
    assert set(EXPECTED_MISSES) <= names, sorted(set(EXPECTED_MISSES) - names)


def test_every_sample_report_is_golden_or_publishes_no_unchecked_table():
    """A report added to reports/ that extracts as complete, without transcribed values, would escape the
    accuracy check.  A report without standard tables (a pre-2019 report, or a page whose report text is
    missing because the report was an attachment the crawl did not store) must not publish the form's cells
    as zeros."""
    golden = {g.name[: -len(".yml")] for g in golden_files()}
    for path in sorted((ROOT / "reports").iterdir()):
        if path.suffix in (".yml", ".md"):
            continue
        try:
            report = extract(path)
        except ReadError:
            continue
        if path.name not in golden:
            assert report.status != "complete", f"{path.name} extracts as complete but has no tests/golden file"
        if report.status in ("no standard tables", "tables as images", "no text layer"):
            assert not any(r["value"] is not None for t in R.TABLES for r in report.records[t]), path.name


def test_golden_files_are_transcribed_and_well_formed():
    for path in golden_files():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#") and "reading" in text.split("\n", 1)[0].lower(), \
            f"{path.name}: the first line must say the values were transcribed by reading the document"
        golden = load(path)
        assert golden.get("family") in FAMILIES, f"{path.name}: family {golden.get('family')!r}"
        assert (ROOT / "reports" / path.name[: -len(".yml")]).exists(), f"{path.name}: no such report"
        expected_cells(golden)  # raises on a malformed row


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
    """Runs last in this module: cells exact / flagged / wrong per layout family and overall."""
    if not RESULTS:
        pytest.skip("run with the accuracy cases")
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for family, exact, flagged, wrong in RESULTS.values():
        row = by_family[family]
        row[0] += 1
        row[1] += exact
        row[2] += flagged
        row[3] += wrong
    lines = ["", "| layout family | documents | cells | exact | flagged | wrong |", "|---|---|---|---|---|---|"]
    for family, (docs, exact, flagged, wrong) in sorted(by_family.items()):
        total = exact + flagged + wrong
        lines.append(f"| {family} | {docs} | {total} | {exact} ({100 * exact / total:.1f}%) | {flagged} | {wrong} |")
    docs, exact, flagged, wrong = (sum(v[i] for v in by_family.values()) for i in range(4))
    total = exact + flagged + wrong
    lines.append(f"| **all** | {docs} | {total} | {exact} ({100 * exact / total:.1f}%) | {flagged} | {wrong} |")
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
