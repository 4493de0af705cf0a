"""gongkai/checks/prose.py: figures that section 一 repeats from the tables.

The seed (000) writes "2021年，自治区司法厅共受理信息公开申请14件" and prints 14 in 一、本年新收 总计
(read from reports/000_8719cb9f3c2be4e4.txt)."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT
from gongkai.checks.prose import prose_checks
from gongkai.model import CellValue
from gongkai.parse.sections import split_sections


def _cells(**values) -> dict:
    return {tuple(k.split("__")): CellValue(Decimal(v), "reported", str(v)) for k, v in values.items()}


def _seed_overview() -> str:
    text = (ROOT / "reports" / "000_8719cb9f3c2be4e4.txt").read_text(encoding="utf-8")
    return next(body for number, _h, body in split_sections(text) if number == "1")


def test_the_seed_states_its_received_applications_as_the_table_does():
    tables = {"applications": _cells(new_received__total=14, carried_over__total=0)}
    (check,) = prose_checks(_seed_overview(), tables)
    assert (check.check_id, check.result, check.lhs, check.rhs) == ("prose.received", "pass", 14, 14)
    assert "共受理信息公开申请14件" in check.note


def test_a_table_that_disagrees_with_the_prose_is_a_finding():
    tables = {"applications": _cells(new_received__total=13, carried_over__total=0)}
    (check,) = prose_checks(_seed_overview(), tables)
    assert (check.result, check.lhs, check.rhs) == ("fail", 14, 13)


def test_the_prose_may_count_last_years_carry_over_in():
    said = "全年共收到政府信息公开申请12件，" + "按时答复。"
    tables = {"applications": _cells(new_received__total=10, carried_over__total=2)}
    (check,) = prose_checks(said, tables)
    assert check.result == "pass"


def test_unreadable_cells_leave_the_claim_not_checked():
    tables = {"applications": {("new_received", "total"): CellValue(None, "unreadable")}}
    (check,) = prose_checks("共受理政府信息公开申请859件", tables)
    assert check.result == "not checked" and check.lhs == 859 and check.rhs is None


def test_prose_without_a_known_phrasing_gives_no_finding():
    assert prose_checks("本机关认真做好政府信息公开工作，办理了部分申请。", {"applications": {}}) == []
