"""OCR of scans and of tables printed as pictures (gongkai/readers/ocr*.py).

Fast tests run in `make test`: the table structure on drawn grids, the cell statuses, and one real
derived scan end to end (accuracy, agency and year, no network).  Every derived scan, with both
engines where installed, runs in `make test-ocr` (GONGKAI_OCR_FULL=1).
"""
from __future__ import annotations

import os
import shutil
import socket
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import ROOT
from golden import GOLDEN_DIR, load
from gongkai.schema import registry as R
from gongkai.model import Row
from gongkai.readers import ocr
from gongkai.parse.tables import _cell
from ocr_score import score

SCANS = ROOT / "tests" / "fixtures" / "scans"
# The one `make test` reads: 4 short pages, the title and the three tables with grain, a seal and a perspective.
FAST = ["001_huaian_hongzequ_2023_mixed.pdf"]
FULL = os.environ.get("GONGKAI_OCR_FULL") == "1"


def test_digit_lookalikes_are_undone_only_in_numbers():
    assert ocr.normalize_cell_text("1O") == "10"
    assert ocr.normalize_cell_text("l2") == "12"
    assert ocr.normalize_cell_text("7730。28") == "7730.28"
    assert ocr.normalize_cell_text("行政许可") == "行政许可"
    assert ocr.normalize_cell_text("Other") == "Other"


# ---------------------------------------------------------------------------------------------
# Statuses of cells read by OCR
# ---------------------------------------------------------------------------------------------
def _ocr_row(texts, confs):
    return Row(tuple(texts), page=1, table=0, index=0, confidence=tuple(confs))


@pytest.mark.parametrize("text,conf,status,value", [
    ("12", 0.99, "ocr", Decimal(12)),
    ("12", R.OCR_MIN_CONFIDENCE - 0.01, "illegible", None),  # unsure digits are withheld
    ("", 1.0, "blank", None),  # nothing printed: blank, never 0
    ("", 0.0, "illegible", None),  # print the engine could not read
    ("l2x", 0.99, "illegible", None),  # not a number
])
def test_ocr_cells_carry_their_status_and_confidence(text, conf, status, value):
    row = _ocr_row(["label", text], [0.99, conf])
    cell = _cell(text, row, 1)
    assert (cell.status, cell.value, cell.confidence) == (status, value, conf)


def test_registry_defines_the_ocr_statuses_and_confidence_column():
    assert "ocr" in R.STATUSES and "illegible" in R.STATUSES
    assert "ocr" in R.VALUE_STATUSES and "illegible" not in R.VALUE_STATUSES
    for table in R.TABLES.values():
        assert "confidence" in [c.name for c in table["columns"]]


def test_a_picture_too_coarse_to_read_is_refused_with_the_reason():
    img = np.full((300, 400), 255, dtype=np.uint8)
    pic = ocr.Picture(img, dpi=200, detail_dpi=40, where="page 1")
    items, tables, refused = ocr.read_picture(pic, engine=None, with_text=True)
    assert (items, tables) == ([], 0) and "40 dpi" in refused and "too low" in refused


def test_sidecar_image_names_must_be_files_beside_the_report(tmp_path):
    from gongkai.model import Document

    report = tmp_path / "r.html"
    report.write_text("<p>x</p>", encoding="utf-8")
    doc = Document(lines=["x"], rows=[], format="html", meta={})
    pics, problems = ocr.html_pictures(doc, report, {"images": ["../etc/passwd.png", "missing.png", "a.txt"]})
    assert pics == [] and len(problems) == 3


# ---------------------------------------------------------------------------------------------
# Derived scans end to end
# ---------------------------------------------------------------------------------------------
# Measured below the ≥ 99% target (BENCHMARKS.md, OCR session 4): still asserted to publish nothing wrong,
# and asserted to fall short, so the day it is fixed this list has to shrink.
KNOWN_SHORT = {
    "041_shanghai_shizhengfu_bgt_2019_mixed.pdf": "172/198 exact, 0 wrong: on its grainy 150-dpi page the engine "
    "reads table 二's lone 0s at a confidence of 0.5-0.8 (withheld as illegible) and one row of table 三 is a cell "
    "short (ambiguous); on its seal page the seal's rim crosses 252, 44, 3 and a label of table 三",
    "041_shanghai_shizhengfu_bgt_2019_seal.pdf": "187/198 exact, 0 wrong: the seal now lies across table 三 (page 5; "
    "the fixture once put it on page 3, prose only) and its rim crosses 252, 44, 3 and the label "
    "1.本机关不掌握相关政府信息: those cells are withheld or the row not matched",
}


def _variants() -> list[str]:
    names = sorted(p.name for p in SCANS.iterdir() if p.suffix in (".pdf", ".html"))
    return names if FULL else FAST


def _engines() -> list[str]:
    if not FULL:
        return ["rapidocr"]
    return ["rapidocr"] + (["tesseract"] if shutil.which("tesseract") else [])


@pytest.fixture(scope="module")
def extracted():
    """Each variant extracted once per engine, with every outgoing connection refused (and recorded)."""
    from gongkai.extract import extract
    from gongkai.readers import ocr_engines

    attempts: list = []
    cache: dict = {}

    def get(name: str, engine: str):
        key = (name, engine)
        if key not in cache:
            real_connect, real_create = socket.socket.connect, socket.create_connection

            def refuse(*args, **kwargs):
                attempts.append(args[1:] if len(args) > 1 else args)
                raise OSError("network access blocked by the test")

            socket.socket.connect = refuse
            socket.socket.connect_ex = refuse
            socket.create_connection = refuse
            old = os.environ.get("GONGKAI_OCR_ENGINE")
            os.environ["GONGKAI_OCR_ENGINE"] = engine
            ocr_engines._CACHE.clear()
            try:
                cache[key] = extract(SCANS / name)
            finally:
                socket.socket.connect = real_connect
                del socket.socket.connect_ex
                socket.create_connection = real_create
                if old is None:
                    os.environ.pop("GONGKAI_OCR_ENGINE", None)
                else:
                    os.environ["GONGKAI_OCR_ENGINE"] = old
        return cache[key]

    get.attempts = attempts
    return get


@pytest.mark.parametrize("engine", _engines())
@pytest.mark.parametrize("name", _variants())
def test_scan_variants_meet_the_accuracy_targets(extracted, name, engine):
    sidecar = yaml.safe_load((SCANS / f"{name}.yml").read_text(encoding="utf-8"))
    golden = load(GOLDEN_DIR / f"{sidecar['derived_from']}.yml")
    if name in KNOWN_SHORT:
        from gongkai.model import ReadError

        try:
            report = extracted(name, engine)
        except ReadError:
            return  # refused with its reason: nothing published, so nothing wrong
        checks = [{"check_id": c.check_id, "result": c.result} for c in report.checks]
        s = score(report.records, checks, golden)
        if engine == "rapidocr":
            assert not s["unwarned"], f"wrong values no failing identity warns of: {s['wrong']}"
        found = (report.meta.agency, report.meta.year) == (golden["agency"], golden["year"])
        assert s["exact"] < 0.99 * s["total"] or not found, f"{name} meets the targets now: remove it from KNOWN_SHORT"
        return
    report = extracted(name, engine)
    checks = [{"check_id": c.check_id, "result": c.result} for c in report.checks]
    s = score(report.records, checks, golden)
    # Agency and year are read from the picture: the variants' sidecars do not give them.
    assert (report.meta.agency, report.meta.year) == (golden["agency"], golden["year"])
    assert report.edition == golden["edition"]
    if engine == "rapidocr":  # the chosen engine meets the targets; tesseract's figures are in BENCHMARKS.md
        assert not s["unwarned"], f"wrong values no failing identity warns of: {s['wrong']}"
        assert s["exact"] >= 0.99 * s["total"], f"{s['exact']}/{s['total']} exact; missed: {s['flagged']}"
    assert any(r["status"] == "ocr" for r in report.records["applications"])
    assert report.records["metadata"][0]["status"] != "no text layer"


def test_extracting_a_scan_opens_no_network_connection(extracted):
    extracted(FAST[0], "rapidocr")
    assert extracted.attempts == []


def test_the_report_says_which_tables_were_read_by_ocr(extracted):
    report = extracted(FAST[0], "rapidocr")
    meta = report.records["metadata"][0]
    assert "OCR" in (meta["warnings"] or "")
    rec = next(r for r in report.records["applications"] if r["status"] == "ocr")
    assert 0 <= rec["confidence"] <= 1 and rec["source_page"] is not None


def test_pictures_beside_a_report_belong_to_it(tmp_path):
    """Listed in the sidecar's `images`: not reports of their own, and part of the report's cache key."""
    from gongkai.pipeline.select import discover
    from gongkai.pipeline.runner import cache_key

    (tmp_path / "r.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "r.html.yml").write_text("images: [r.html.img01.png]\n", encoding="utf-8")
    picture = tmp_path / "r.html.img01.png"
    picture.write_bytes(b"one")
    (tmp_path / "stray.png").write_bytes(b"x")
    files, failures = discover(tmp_path)
    assert [p.name for p in files] == ["r.html"]
    assert [f["file"] for f in failures] == ["stray.png"]  # an unlisted picture is still reported
    before = cache_key(tmp_path / "r.html", "fp")
    picture.write_bytes(b"two")
    assert cache_key(tmp_path / "r.html", "fp") != before


class _Ones:
    """A stand-in engine that reads every line of print as a sure "1"."""

    version = "fake"

    def read_lines(self, images):
        return [("1", 0.99) for _ in images]

    def read_page(self, image):
        return []


def test_numbers_on_two_lines_of_one_cell_are_withheld():
    """002's noisy scan lost the rule between two cells of a column: one cell held 1 over 031, read as
    1031.  Two numbers stacked in one cell are two cells, and neither value is known."""
    img = np.full((500, 900), 255, dtype=np.uint8)
    for y in (100, 160, 280):
        img[y:y + 2, 100:800] = 0
    for x in (100, 400, 600, 800):
        img[100:282, x:x + 2] = 0
    img[120:140, 480:486] = 0  # row 1, middle column: one line of print
    img[175:195, 680:686] = 0  # row 2, last column: two lines of print
    img[245:265, 680:686] = 0
    items, tables, refused = ocr.read_picture(ocr.Picture(img, dpi=200), _Ones(), with_text=False)
    rows = [payload for _y, kind, payload in items if kind == "row"]
    assert tables == 1 and refused is None
    (cells1, confs1, _, _), (cells2, confs2, _, _) = rows
    assert (cells1[1], confs1[1]) == ("1", 0.99)
    assert confs2[2] == 0.0  # withheld: the parser publishes it as illegible
