"""gongkai/model.py: the stage types: ids, failures as data, the error a person can act on."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai import model as M


def _report(**kw) -> M.Report:
    base = dict(source=Path("reports/000.txt"), sha256="0" * 64, meta=M.Metadata(agency="自治区司法厅", year=2021),
                sidecar={}, slug="ningxiahuizuzizhiqu-sifating", edition="2021", status="complete",
                records={}, checks=[])
    return M.Report(**{**base, **kw})


def test_report_id_and_failed_checks():
    passed = M.CheckResult("balance.total", "一 + 二 = 三 + 四", Decimal(14), Decimal(14), "pass")
    failed = M.CheckResult("outcomes.total", "总计", Decimal(14), Decimal(13), "fail")
    rep = _report(checks=[passed, failed, M.CheckResult("x", "y", None, None, "not checked")])
    assert rep.report_id == "ningxiahuizuzizhiqu-sifating/2021"
    assert rep.failed_checks == [failed]


def test_every_report_field_is_declared_so_nothing_is_attached_later():
    rep = _report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        M.Failure(M.TIMEOUT, "slow").transient = True
    assert not hasattr(rep, "__dict__") or set(vars(rep)) == {f.name for f in dataclasses.fields(M.Report)}


def test_a_failure_is_kind_message_and_transient_flag():
    f = M.Failure(M.UNREADABLE, "the file is empty (0 bytes)")
    assert (f.kind, f.message, f.transient) == ("unreadable", "the file is empty (0 bytes)", False)
    assert M.Failure(M.TIMEOUT, "took over 60 s", transient=True).transient


def test_read_error_names_the_file_and_the_reason():
    err = M.ReadError(Path("reports/x.pdf"), "the PDF is encrypted")
    assert str(err) == "reports/x.pdf: the PDF is encrypted"
    assert (err.path, err.reason) == ("reports/x.pdf", "the PDF is encrypted")


def test_a_document_text_is_its_lines_and_cells_are_values_with_their_place():
    doc = M.Document(lines=["一、总体情况", "正文"], rows=[M.Row(("规章", "0"), page=3)], format="pdf")
    assert doc.text == "一、总体情况\n正文" and doc.meta == {} and doc.warnings == []
    cell = M.CellValue(Decimal("26.55"), "reported", "26.55", page=2, table=1, row=7, cell=3)
    assert cell == M.CellValue(Decimal("26.550"), "reported", "26.55", page=2, table=1, row=7, cell=3)
    assert hash(M.Row(("a",))) == hash(M.Row(("a",)))
