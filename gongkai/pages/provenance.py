"""Where a report came from, on the pages: the source's state from `gongkai check-sources` on its report
page, and on the quality page the last harvest's problems and every changed or gone source next to its
archived copy.  Reads only the state files (gongkai.harvest.state); all text is escaped, since URLs and
reasons come from outside.
"""
from __future__ import annotations

from gongkai import paths as P
from gongkai.pages.markup import esc, md_link, md_text

STATES = {  # state -> (Chinese label, what it means for the archived copy)
    "online": ("在线", "来源网页仍可访问，内容与存档副本相同"),
    "changed": ("已变更", "来源网页现在的内容与存档副本不同；本站数据取自存档副本"),
    "gone": ("已失效", "来源网页已无法访问；本站保留存档副本，数据取自该副本"),
    "error": ("未能核对", "最近一次核对没有得到答复，无法判断"),
}
HARVEST_OUTCOMES = {"stored": "新收", "updated": "已更新", "unchanged": "未变", "duplicate": "重复（只存一份）",
                    "gone": "已失效", "refused": "拒绝", "failed": "失败"}


def _state_text(check: dict) -> str:
    zh, meaning = STATES.get(check.get("state", ""), STATES["error"])
    last = check.get("last_check") or {}
    out = f"{zh}（{check.get('since', '?')} 起；最近核对 {last.get('checked', '?')}）：{meaning}"
    if check.get("state") in ("changed", "gone", "error") and last.get("reason"):
        out += f"。核对结果：{last['reason']}"
    if check.get("note"):
        out += f"。{check['note']}"
    return out


def report_source_row(check: dict | None) -> list[str] | None:
    """The report page's info-table row for the source's state, None when it was never checked."""
    if not check:
        return None
    return ["来源状态", md_text(_state_text(check))]


def report_source_notice(check: dict | None) -> str:
    """An admonition at the top of the report page when the source changed or is gone."""
    if not check or check.get("state") not in ("changed", "gone"):
        return ""
    zh, meaning = STATES[check["state"]]
    return (f'!!! note "来源{zh}（{esc(check.get("since", "?"))} 起）"\n'
            f"    {md_text(meaning + '。')}\n\n")


def quality_section(reports, sources: dict[str, dict], harvest: dict) -> str:
    """The quality page's section on harvesting and sources (empty when there is neither)."""
    if not sources and not harvest:
        return ""
    by_file = {rep.source.name: rep for rep in reports}
    out = ["## 来源与收集\n\n"]
    if sources:
        counts = {}
        for entry in sources.values():
            counts[entry.get("state", "error")] = counts.get(entry.get("state", "error"), 0) + 1
        out.append("`gongkai check-sources` 重新访问每份报告的来源网址，并与存档副本（`reports/` 中的文件，"
                   "其 SHA-256 见报告页）比较：" + "，".join(f"{STATES.get(k, STATES['error'])[0]} {n}"
                                                    for k, n in sorted(counts.items())) + "。\n\n")
        flagged = sorted((f, e) for f, e in sources.items() if e.get("state") in ("changed", "gone"))
        out.append(f"### 已变更或已失效的来源（{len(flagged)}）\n\n")
        if flagged:
            out.append("| 报告 | 状态 | 自 | 核对结果 | 来源网址 | 存档副本 |\n|---|---|---|---|---|---|\n")
            for file, entry in flagged:
                rep = by_file.get(file)
                report = (md_link(f"{rep.meta.agency} {rep.meta.year}", P.report_page_of(rep)) if rep
                          else "（未发布）")
                last = entry.get("last_check") or {}
                out.append(f"| {report} | {md_text(STATES[entry['state']][0])} | {md_text(entry.get('since', ''))} | "
                           f"{md_text(last.get('reason', ''))} | <code>{esc(entry.get('source_url', ''))}</code> | "
                           f"<code>{P.REPORTS_DIR}/{esc(file)}</code> |\n")
            out.append("\n")
        else:
            out.append("所有核对过的来源都仍在线且内容未变。\n\n")
    if harvest:
        counts = harvest.get("counts") or {}
        out.append(f"### 最近一次收集（{md_text(str(harvest.get('finished', ''))[:10])}）\n\n"
                   f"`gongkai harvest` 处理了 {len(harvest.get('urls') or [])} 个网址："
                   + "，".join(f"{HARVEST_OUTCOMES.get(k, k)} {n}" for k, n in counts.items() if n)
                   + "。完整记录见 `reports/harvest/harvest.json`。\n\n")
        problems = [u for u in harvest.get("urls") or [] if u.get("outcome") in ("gone", "refused", "failed")]
        if problems:
            out.append("| 行 | 网址 | 结果 | 原因 |\n|---:|---|---|---|\n")
            for u in problems:
                out.append(f"| {int(u.get('line') or 0)} | <code>{esc(u.get('url', ''))}</code> | "
                           f"{md_text(HARVEST_OUTCOMES.get(u.get('outcome'), u.get('outcome')))} | "
                           f"{md_text(u.get('reason', ''))} |\n")
            out.append("\n")
    return "".join(out)
