"""The accounting identities (勾稽关系) of the form, run on one report's cells."""
from __future__ import annotations

from decimal import Decimal

from gongkai.schema import registry as R
from gongkai.model import CellValue, CheckResult

UNKNOWN = ("missing", "unreadable", "ambiguous", "illegible")


def _sum(cells: dict, keys) -> tuple[Decimal | None, list, list]:
    total = Decimal(0)
    blanks, unknown = [], []
    for key in keys:
        cell: CellValue | None = cells.get(key)
        if cell is None or cell.status in UNKNOWN:
            unknown.append(key)
        elif cell.value is None:
            blanks.append(key)
        else:
            total += cell.value
    return (None if unknown else total), blanks, unknown


def compare(check_id, identity, cells, left, right) -> CheckResult:
    lhs, lb, lu = _sum(cells, left)
    rhs, rb, ru = _sum(cells, right)
    if lu or ru:
        return CheckResult(check_id, identity, lhs, rhs, "not checked",
                           f"{len(lu) + len(ru)} cell(s) missing or unreadable")
    if len(lb) == len(left) or len(rb) == len(right):
        # A side printed entirely blank states nothing, so there is nothing to contradict.
        return CheckResult(check_id, identity, lhs, rhs, "not checked", "one side is printed blank")
    note = f"{len(lb) + len(rb)} blank cell(s) read as 0" if lb or rb else ""
    return CheckResult(check_id, identity, lhs, rhs, "pass" if lhs == rhs else "fail", note)


def outcome_rows(other_layout: str) -> tuple[str, ...]:
    return R.OUTCOME_LEAVES + (("other_total",) if other_layout == "single" else R.OTHER_SPLIT)


def run_checks(app: dict, rl: dict, other_layout: str) -> list[CheckResult]:
    results = []
    applicants = [c.code for c in R.APPLICANTS]
    parts = applicants[:-1]
    if app:
        for col in applicants:
            results.append(compare(
                f"balance.{col}", "一 + 二 = 三（七）总计 + 四", app,
                [("new_received", col), ("carried_over", col)], [("total", col), ("carried_forward", col)]))
        leaves = outcome_rows(other_layout)
        for col in applicants:
            results.append(compare(
                f"outcomes.{col}", "（七）总计 = 各办理结果之和", app,
                [("total", col)], [(row, col) for row in leaves]))
        rows = ("new_received", "carried_over") + leaves + ("total", "carried_forward")
        for row in rows:
            results.append(compare(
                f"applicants.{row}", "总计 = 六类申请人之和", app,
                [(row, "total")], [(row, c) for c in parts]))
    if rl:
        for cat in R.RL_CATEGORIES:
            results.append(compare(
                f"review_total.{cat.code}", "总计 = 维持 + 纠正 + 其他 + 尚未审结", rl,
                [(cat.code, "total")], [(cat.code, r.code) for r in R.RL_RESULTS[:-1]]))
    return results


