"""The report page's 勾稽关系核验 section: a summary line, then each check with its Chinese name, the
formula with the numbers the report prints (11 + 0 + 0 ≠ 0), and a one-line reading.

The formulas come from the same definitions the checks ran on (checks/identities.py), filled with the
report's own cells, so the page cannot show a different sum from the one that was checked.  Failures
and checks that could not run are listed; the passes are folded under a summary a reader can open.
"""
from __future__ import annotations

from gongkai.checks.identities import identities
from gongkai.pages.markup import esc, number
from gongkai.schema import registry as R

RESULT_ZH = {"fail": "未通过", "not checked": "未核验", "pass": "通过"}
ORDER = {"fail": 0, "not checked": 1, "pass": 2}
# How a cell that carries no number appears in a formula.
BLANK, UNKNOWN = "空白", "?"
# The checks that are not identities of one table: their names by family, and the figure each prose check
# compares (checks/prose.py, checks/cross_year.py).
FAMILY_NAMES = {"balance": "申请收支平衡", "outcomes": "办理结果合计", "applicants": "申请人合计",
                "review_total": "复议诉讼总计", "prose": "正文与表格", "cross_year": "跨年度衔接"}
PROSE_FIGURES = {"received": "受理申请数", "answered": "答复申请数", "carried_forward": "结转下年度数",
                 "rules": "公开规章数", "normative_documents": "公开规范性文件数"}
APPLICANT_ZH = {a.code: a.zh for a in R.APPLICANTS}
KEYS = {"applications": ("row_code", "applicant_code"), "reviews_litigation": ("category_code", "result_code")}


def _cells(records: dict) -> dict[str, dict]:
    return {table: {(r[a], r[b]): r for r in records.get(table, ())} for table, (a, b) in KEYS.items()}


def other_layout(records: dict) -> str:
    """single or split: a report's records hold the rows of the layout it printed (extract.py drops the other)."""
    return "single" if any(r["row_code"] == "other_total" for r in records.get("applications", ())) else "split"


def _term(rec: dict | None) -> str:
    if rec is None or rec["status"] in ("missing", "unreadable", "ambiguous"):
        return UNKNOWN
    return BLANK if rec["value"] is None else number(rec["value"])


def _side(cells: dict, keys, total) -> str:
    terms = [_term(cells.get(k)) for k in keys]
    expr = " + ".join(terms)
    if len(terms) > 1 and total is not None:
        expr += f" = {number(total)}"
    return expr


def formula(check: dict, ident, cells: dict) -> str:
    """'10 + 1 + 0 + 0 = 11 ≠ 0': the printed cells of each side, their sums, and whether they agree."""
    sign = {"fail": "≠", "pass": "="}.get(check["result"], "，")
    if ident is None:  # a prose or cross-year check: the two figures it compared
        return f"{number(check['lhs']) or UNKNOWN} {sign} {number(check['rhs']) or UNKNOWN}"
    table = cells[ident.table]
    return f"{_side(table, ident.left, check['lhs'])} {sign} {_side(table, ident.right, check['rhs'])}"


def describe(check: dict, ident) -> tuple[str, str]:
    """(name, one-line reading) of a check, for a reader."""
    if ident:
        return ident.name_zh, ident.reading_zh
    family, _, item = check["check_id"].partition(".")
    if family == "prose":
        return f"正文与表格：{PROSE_FIGURES.get(item, item)}", f"报告正文所述的数字应与统计表一致：{check['identity']}。"
    if family == "cross_year":
        return (f"跨年度衔接（{APPLICANT_ZH.get(item, item)}）",
                "本年报告的“上年结转”应等于同一机关上一年报告的“结转下年度”。")
    return FAMILY_NAMES.get(family, check["check_id"]), check["identity"]


def summary(checks: list[dict]) -> str:
    n = {k: sum(c["result"] == k for c in checks) for k in RESULT_ZH}
    if n["fail"] == 0 and n["not checked"] == 0:
        return f"{len(checks)} 项全部通过。"
    parts = [f"{n['fail']} 项未通过"] if n["fail"] else []
    parts += [f"{n['pass']} 项通过"] + ([f"{n['not checked']} 项未核验"] if n["not checked"] else [])
    return f"共 {len(checks)} 项：" + "，".join(parts) + "。"


SAME_AS_ABOVE = "同上"


def _rows(checks, by_id, cells, with_result: bool = True) -> str:
    """The checks as table rows.  A reading repeated from the row above (the same identity for each kind of
    applicant) reads 同上, as printed forms do; the table of passes alone drops its result column, which
    would say 通过 on every row.  Both keep report pages small (the form has 40-odd checks)."""
    out, previous = [], None
    for c in checks:
        ident = by_id.get(c["check_id"])
        name, reading = describe(c, ident)
        if c["result"] == "fail":
            reading += "报告中的数字本身不一致，本站按原样发布。"
        shown = SAME_AS_ABOVE if reading == previous else reading
        previous = reading
        result = f'<td>{esc(RESULT_ZH[c["result"]])}</td>' if with_result else ""
        out.append(f'<tr class="gk-check-{c["result"].replace(" ", "-")}">{result}'
                   f'<td data-check="{esc(c["check_id"])}">{esc(name)}</td>'
                   f'<td class="gk-formula">{esc(formula(c, ident, cells))}</td>'
                   f'<td>{esc(shown)}{("（" + esc(c["note"]) + "）") if c["note"] else ""}</td></tr>')
    head = "<th>结果</th>" if with_result else ""
    return ('<div class="gk-table-wrap"><table class="gk-checks"><tr>' + head + '<th>核验</th>'
            '<th>算式（报告中的数字）</th><th>含义</th></tr>' + "".join(out) + "</table></div>")


def checks_section(records: dict) -> str:
    """The section's HTML for one report's records (its checks and the cells they read)."""
    checks = records.get("checks") or []
    if not checks:
        return '<p class="gk-none">没有可核验的表格数据。</p>'
    by_id = {i.check_id: i for i in identities(other_layout(records))}
    cells = _cells(records)
    # Failures first, then checks not run, then passes; within each, in the order of the form.
    position = {check_id: i for i, check_id in enumerate(by_id)}
    checks = sorted(checks, key=lambda c: (ORDER[c["result"]], position.get(c["check_id"], len(position)), c["check_id"]))
    shown = [c for c in checks if c["result"] != "pass"]
    passed = [c for c in checks if c["result"] == "pass"]
    out = ['<div class="gk-checks-section">', f'<p class="gk-check-summary"><strong>{esc(summary(checks))}</strong>'
           "“空白”是报告中空着的格，按 0 相加；“?”是缺失或无法读取的格。</p>"]
    if shown:
        out.append(_rows(shown, by_id, cells))
    if passed:
        out.append(f"<details><summary>{len(passed)} 项通过（展开）</summary>"
                   f"{_rows(passed, by_id, cells, with_result=False)}</details>")
    return "".join(out) + "</div>"
