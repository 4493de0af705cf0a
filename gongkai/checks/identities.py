"""The accounting identities (勾稽关系) of the form, run on one report's cells."""
from __future__ import annotations

from dataclasses import dataclass
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
    # Notes are shown to readers on the report page and in checks.csv: Chinese, like the rest of the site.
    if lu or ru:
        return CheckResult(check_id, identity, lhs, rhs, "not checked",
                           f"{len(lu) + len(ru)} 个单元格缺失或无法读取，无法核验")
    if len(lb) == len(left) or len(rb) == len(right):
        # A side printed entirely blank states nothing, so there is nothing to contradict.
        return CheckResult(check_id, identity, lhs, rhs, "not checked", "等式一边全部空白，无从核验")
    note = f"{len(lb) + len(rb)} 个空白单元格按 0 计" if lb or rb else ""
    return CheckResult(check_id, identity, lhs, rhs, "pass" if lhs == rhs else "fail", note)


def outcome_rows(other_layout: str) -> tuple[str, ...]:
    return R.OUTCOME_LEAVES + (("other_total",) if other_layout == "single" else R.OTHER_SPLIT)


@dataclass(frozen=True)
class Identity:
    """One identity of the form: left cells' sum = right cells' sum, in table `table`."""

    check_id: str
    identity: str   # the form's wording, e.g. "一 + 二 = 三（七）总计 + 四"
    table: str      # applications | reviews_litigation
    left: tuple
    right: tuple
    name_zh: str    # what a reader calls it
    reading_zh: str  # what it says, in one line


def identities(other_layout: str) -> list[Identity]:
    """Every identity for a report whose （六）其他处理 is printed as `other_layout` (single | split)."""
    out = []
    applicants = [c.code for c in R.APPLICANTS]
    parts = applicants[:-1]
    col_zh = {c.code: c.zh for c in R.APPLICANTS}
    row_zh = {d.code: d.zh for d in R.APP_ROWS}
    for col in applicants:
        out.append(Identity(
            f"balance.{col}", "一 + 二 = 三（七）总计 + 四", "applications",
            (("new_received", col), ("carried_over", col)), (("total", col), ("carried_forward", col)),
            f"申请收支平衡（{col_zh[col]}）", "新收的和上年结转的申请，应等于本年办结的加上结转下年度的。"))
    leaves = outcome_rows(other_layout)
    for col in applicants:
        out.append(Identity(
            f"outcomes.{col}", "（七）总计 = 各办理结果之和", "applications",
            (("total", col),), tuple((row, col) for row in leaves),
            f"办理结果合计（{col_zh[col]}）", "办理结果的总计，应等于予以公开、部分公开、不予公开等各项结果之和。"))
    rows = ("new_received", "carried_over") + leaves + ("total", "carried_forward")
    for row in rows:
        out.append(Identity(
            f"applicants.{row}", "总计 = 六类申请人之和", "applications",
            ((row, "total"),), tuple((row, c) for c in parts),
            f"申请人合计：{row_zh[row]}", "这一行的总计，应等于自然人和五类法人或其他组织之和。"))
    for cat in R.RL_CATEGORIES:
        out.append(Identity(
            f"review_total.{cat.code}", "总计 = 维持 + 纠正 + 其他 + 尚未审结", "reviews_litigation",
            ((cat.code, "total"),), tuple((cat.code, r.code) for r in R.RL_RESULTS[:-1]),
            f"{cat.group + '·' if cat.group else ''}{cat.zh}总计",
            "案件总计，应等于结果维持、结果纠正、其他结果和尚未审结之和。"))
    return out


def run_checks(app: dict, rl: dict, other_layout: str) -> list[CheckResult]:
    results = []
    tables = {"applications": app, "reviews_litigation": rl}
    for ident in identities(other_layout):
        cells = tables[ident.table]
        if cells:
            results.append(compare(ident.check_id, ident.identity, cells, list(ident.left), list(ident.right)))
    return results
