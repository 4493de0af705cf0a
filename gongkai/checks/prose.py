"""Figures that section 一 (总体情况) repeats from the tables, compared with the tables.

Agencies often write "共受理政府信息公开申请859件" in the prose and print the same figure in
table 三.  A disagreement is either the agency's (the prose and the table were written apart)
or ours (a table misread), so it is published as a finding beside the identities.  Only phrasings
whose meaning is unambiguous are read; anything else is left alone rather than guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from gongkai.model import CheckResult
from gongkai.checks.identities import UNKNOWN
from gongkai.parse.labels import squash


@dataclass(frozen=True)
class Claim:
    check_id: str
    pattern: re.Pattern
    what: str  # the figure, in the words of the check
    table: str  # "applications" or "active_disclosure"
    cells: tuple[tuple[tuple[str, str], ...], ...]  # each alternative: cells whose sum the prose may mean


_NUM = r"(?P<n>\d+)"
CLAIMS = (
    Claim("prose.received",
          re.compile(r"(?:共|累计|全年)?(?:受理|收到|新收|接收)(?:各类|了)?(?:政府)?信息公开申请(?:共计|共)?" + _NUM + "件"),
          "正文所述受理申请数 = 表三 一、本年新收（总计），或连同 二、上年结转", "applications",
          ((("new_received", "total"),), (("new_received", "total"), ("carried_over", "total")))),
    Claim("prose.answered",
          re.compile(r"(?:答复|办结|办理完毕)(?:了)?(?:政府)?信息公开申请(?:共计|共)?" + _NUM + "件"),
          "正文所述答复申请数 = 表三 （七）总计", "applications", ((("total", "total"),),)),
    Claim("prose.carried_forward",
          re.compile(_NUM + r"件(?:申请)?(?:按照[^，。；]{0,16})?(?:顺延|结转)(?:到|至)下一?年度"),
          "正文所述结转下年度数 = 表三 四、结转下年度继续办理（总计）", "applications",
          ((("carried_forward", "total"),),)),
    Claim("prose.rules",
          re.compile(r"主动公开[^。；]{0,30}?规章" + _NUM + "件"),
          "正文所述公开规章数 = 表二 规章 本年制发件数（2019 版：本年新制作或新公开数量）", "active_disclosure",
          ((("rules", "issued"),), (("rules", "made"),), (("rules", "published"),))),
    Claim("prose.normative_documents",
          re.compile(r"主动公开[^。；]{0,40}?行政规范性文件" + _NUM + "件"),
          "正文所述公开行政规范性文件数 = 表二 行政规范性文件 本年制发件数（2019 版：本年新制作或新公开数量）",
          "active_disclosure", ((("normative_documents", "issued"),), (("normative_documents", "made"),),
                                (("normative_documents", "published"),))),
)


def _sum(cells: dict, keys) -> Decimal | None:
    total = Decimal(0)
    for key in keys:
        cell = cells.get(key)
        if cell is None or cell.status in UNKNOWN or cell.value is None:
            return None
        total += cell.value
    return total


def prose_checks(overview: str, tables: dict[str, dict]) -> list[CheckResult]:
    """One finding per claim the overview makes (the first time it makes it)."""
    text = squash(overview)
    out = []
    for claim in CLAIMS:
        m = claim.pattern.search(text)
        if not m:
            continue
        said = Decimal(m.group("n"))
        cells = tables.get(claim.table, {})
        sums = [_sum(cells, alt) for alt in claim.cells]
        known = [s for s in sums if s is not None]
        quote = m.group(0)
        if not known:
            out.append(CheckResult(claim.check_id, claim.what, said, None, "not checked",
                                   f"正文：“{quote}”；表中对应单元格空白或未能读取"))
        elif said in known:
            out.append(CheckResult(claim.check_id, claim.what, said, said, "pass", f"正文：“{quote}”"))
        else:
            out.append(CheckResult(claim.check_id, claim.what, said, known[0], "fail",
                                   f"正文：“{quote}”，表中为 {known[0]}"))
    return out
