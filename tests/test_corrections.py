"""Open corrections from sidecars: published as `corrected`, extracted value kept, identities re-run,
mistakes named with the sidecar.  Values were read from the source documents:
- reports/000_8719cb9f3c2be4e4.txt line 47: 一、本年新收 … 自然人 14, 总计 14 (every identity passes);
- reports/001_huaian_hongzequ_2023.pdf page 4, 表四: 行政复议 结果维持 10, 结果纠正 1, 其他 0, 尚未审结 0,
  总计 printed 0 (the agency's own error: 10 + 1 + 0 + 0 = 11).
"""
from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from gongkai import paths as P
from gongkai.extract import extract, sidecar_path
from gongkai.model import ReadError

ROOT = Path(__file__).resolve().parent.parent
TXT, PDF = "000_8719cb9f3c2be4e4.txt", "001_huaian_hongzequ_2023.pdf"


def _with_corrections(tmp_path: Path, name: str, corrections) -> Path:
    dest = tmp_path / name
    shutil.copy(ROOT / "reports" / name, dest)
    side = yaml.safe_load(sidecar_path(ROOT / "reports" / name).read_text(encoding="utf-8"))
    side["corrections"] = corrections
    sidecar_path(dest).write_text(yaml.safe_dump(side, allow_unicode=True), encoding="utf-8")
    return dest


def _cell(rep, table, code):
    return next(r for r in rep.records[table] if r["code"] == code)


def _check(rep, check_id):
    return next(c for c in rep.checks if c.check_id == check_id)


FIX_REVIEW = {"code": "review.total", "value": 11, "reason": "总计印作 0，与各结果之和 10 + 1 不符",
              "who": "Gongkai 维护者", "when": "2026-11-30"}


def test_a_correction_is_published_as_corrected_with_the_extracted_value_kept_and_checks_rerun(tmp_path):
    before = extract(ROOT / "reports" / PDF)
    assert _cell(before, "reviews_litigation", "review.total")["value"] == Decimal("0")
    assert _check(before, "review_total.review").result == "fail"
    rep = extract(_with_corrections(tmp_path, PDF, [FIX_REVIEW]))
    cell = _cell(rep, "reviews_litigation", "review.total")
    assert (cell["value"], cell["status"], cell["raw"]) == (Decimal("11"), "corrected", "0")
    assert _check(rep, "review_total.review").result == "pass"  # the identity ran on the corrected value
    assert rep.records["corrections"] == [{
        "report_id": rep.report_id, "table": "reviews_litigation", "code": "review.total", "value": Decimal("11"),
        "extracted_value": Decimal("0"), "extracted_status": "reported", "reason": FIX_REVIEW["reason"],
        "who": "Gongkai 维护者", "when": "2026-11-30"}]
    # Every other cell is as extracted.
    assert [r for r in rep.records["reviews_litigation"] if r["status"] == "corrected"] == [cell]


def test_a_correction_can_make_an_identity_fail_and_the_check_says_so(tmp_path):
    fix = {"code": "new_received.natural_person", "value": 15, "reason": "test: a wrong correction is visible",
           "who": "x", "when": "2026-11-30"}
    rep = extract(_with_corrections(tmp_path, TXT, [fix]))
    assert _cell(rep, "applications", "new_received.natural_person")["status"] == "corrected"
    assert _check(rep, "balance.natural_person").result == "fail"
    assert _check(rep, "applicants.new_received").result == "fail"


def test_overriding_a_reported_cell_whose_identities_pass_needs_a_reason(tmp_path):
    fix = {"code": "new_received.natural_person", "value": 15, "who": "x", "when": "2026-11-30"}
    with pytest.raises(ReadError) as err:
        extract(_with_corrections(tmp_path, TXT, [fix]))
    assert err.value.path.endswith(f"{TXT}.yml") and "needs a 'reason'" in err.value.reason
    # A cell whose identity fails (the printed total is wrong) may be corrected without one.
    rep = extract(_with_corrections(tmp_path, PDF, [{k: v for k, v in FIX_REVIEW.items() if k != "reason"}]))
    assert _cell(rep, "reviews_litigation", "review.total")["status"] == "corrected"
    assert rep.records["corrections"][0]["reason"] is None


@pytest.mark.parametrize("fix, message", [
    ({"code": "no_such.cell", "value": 1, "reason": "r", "who": "x", "when": "2026-11-30"}, "no cell has this code"),
    # 2021 edition, printed with the split （六） rows: other_total is the 2019 edition's cell.
    ({"code": "other_total.natural_person", "value": 1, "reason": "r", "who": "x", "when": "2026-11-30"},
     "another edition"),
    ({"code": "review.total", "value": 1, "reason": "r", "when": "2026-11-30"}, "no 'who'"),
    ({"code": "review.total", "value": "abc", "reason": "r", "who": "x", "when": "2026-11-30"}, "not a number"),
    ({"code": "review.total", "value": 1.5, "reason": "r", "who": "x", "when": "2026-11-30"}, "not a whole number"),
    ({"code": "review.total", "value": -1, "reason": "r", "who": "x", "when": "2026-11-30"}, "below 0"),
    ({"code": "review.total", "value": 1, "reason": "r", "who": "x", "when": "yesterday"}, "not a date"),
    ({"code": "review.total", "value": 1, "reason": "r", "who": "x", "when": "2026-11-30", "by": "y"}, "unknown fields"),
])
def test_a_bad_correction_is_an_error_naming_the_sidecar(tmp_path, fix, message):
    with pytest.raises(ReadError) as err:
        extract(_with_corrections(tmp_path, TXT, [fix]))
    assert err.value.path.endswith(f"{TXT}.yml") and message in err.value.reason, err.value.reason
    assert f"{TXT}.yml" in str(err.value)


def test_the_same_cell_corrected_twice_is_an_error(tmp_path):
    fix = dict(FIX_REVIEW)
    with pytest.raises(ReadError, match="corrected twice"):
        extract(_with_corrections(tmp_path, PDF, [fix, fix]))


def test_corrections_are_published_on_pages_and_in_the_errata_log(tmp_path):
    """A build with one corrected report: other reports still publish; the page marks the cell, the
    更正记录 page lists it and corrections.csv carries it."""
    from gongkai.pipeline.build import build
    from tests.conftest import copy_project

    root = copy_project(tmp_path / "p", [ROOT / "reports" / n for n in (TXT, f"{TXT}.yml")])
    _with_corrections(root / "reports", PDF, [FIX_REVIEW])
    bad = _with_corrections(root / "reports", "004_wuhan_hanyangqu_zfb_2022.txt",
                            [{"code": "nope.nope", "value": 1, "reason": "r", "who": "x", "when": "2026-11-30"}])
    result = build(root, log=lambda *_: None, jobs=1)
    assert sorted(r.source.name for r in result.reports) == [TXT, PDF]
    failure = next(f for f in result.failures if f["file"] == bad.name)
    assert f"{bad.name}.yml" in failure["reason"] and "nope.nope" in failure["reason"]
    rep = next(r for r in result.reports if r.source.name == PDF)
    page = (root / "docs" / P.report_page_of(rep)).read_text(encoding="utf-8")
    assert "本报告有 1 处公开更正" in page and '<td class="gk-num gk-corrected" title="已更正"' in page
    assert "<code>review.total</code>" in page and FIX_REVIEW["reason"] in page
    errata = (root / "docs" / P.CORRECTIONS_PAGE).read_text(encoding="utf-8")
    assert "共 1 处更正" in errata and FIX_REVIEW["reason"] in errata
    rows = list(csv.DictReader(io.StringIO(
        (root / "docs" / "downloads" / P.COMBINED / P.CORRECTIONS_CSV).read_text(encoding="utf-8"))))
    assert rows == [{"report_id": rep.report_id, "table": "reviews_litigation", "code": "review.total", "value": "11",
                     "extracted_value": "0", "extracted_status": "reported", "reason": FIX_REVIEW["reason"],
                     "who": "Gongkai 维护者", "when": "2026-11-30"}]
    assert not result.invalid
