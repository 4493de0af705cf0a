"""The 更新记录 page: the change notes of every data release (package/changes.py), newest first.

Every value shown comes from a report or a release file, so all of it goes through md_text."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.package import changes as C
from gongkai.pages.markup import front_matter, md_text


def changelog_page(releases: list[dict]) -> str:
    """The site's 更新记录 page: each release's summary and changes (cells up to C.PAGE_CELLS)."""
    out = [front_matter("更新记录"), "# 更新记录\n\n",
           "每个数据版本与上一版本相比的变化：新增、删除和替换的报告，数值或状态变化的每个单元格（变化前 → 变化后，"
           "以及原因），以及新未通过或新通过的勾稽核验。完整记录（含全部单元格）见下载中的 "
           f"[{P.CHANGELOG}](downloads/all/{P.CHANGELOG})；每个版本的文件和 SHA-256 清单在 `releases/<版本>/`。\n\n"]
    if not releases:
        out.append("尚无发布版本：本站数据由未发布的构建生成。\n")
    for info in reversed(releases):
        n = info["notes"]
        prev = md_text(n["previous"]) if n["previous"] else "首个版本"
        out.append(f"## 版本 {md_text(n['version'])}（{md_text(n['date'])}）\n\n"
                   f"上一版本：{prev}；提取程序版本：{md_text(n['previous_extractor_version'] or '—')} → "
                   f"{md_text(n['extractor_version'])}。{md_text(C.summary_line(n))}\n\n")
        r = n["reports"]
        for label, rids in (("新增报告", r["added"]), ("删除报告", r["removed"])):
            if rids:
                out.append(f"**{label}**：" + "、".join(f"`{md_text(rid)}`" for rid in rids) + "\n\n")
        if r["replaced"]:
            out.append("**替换的报告**（新的源文件）：\n\n| 报告 | 原文件 | 新文件 |\n|---|---|---|\n")
            out += [f"| `{md_text(e['report_id'])}` | {md_text(e['before'])} | {md_text(e['after'])} |\n"
                    for e in r["replaced"]]
            out.append("\n")
        if n["cells"]:
            out.append("**变化的单元格**\n\n| 报告 | 表 | 单元格 | 变化前 | 变化后 | 原因 |\n|---|---|---|---|---|---|\n")
            out += [f"| `{md_text(c['report_id'])}` | {md_text(c['table'])} | `{md_text(c['code'])}` | "
                    f"{md_text(C.cell_text(c['before']))} | {md_text(C.cell_text(c['after']))} | "
                    f"{md_text('；'.join(C.WHY[w][0] for w in c['why']))} |\n" for c in n["cells"][:C.PAGE_CELLS]]
            if len(n["cells"]) > C.PAGE_CELLS:
                out.append(f"\n另有 {len(n['cells']) - C.PAGE_CELLS} 个单元格的变化，见 [{P.CHANGELOG}](downloads/all/{P.CHANGELOG})。\n")
            out.append("\n")
        for key, label in (("newly_failing", "新未通过的核验"), ("newly_passing", "新通过的核验")):
            if n["checks"][key]:
                out.append(f"**{label}**\n\n| 报告 | 核验 | 变化前 | 变化后 |\n|---|---|---|---|\n")
                out += [f"| `{md_text(e['report_id'])}` | `{md_text(e['check_id'])}` | {md_text(e['before'] or '—')} | "
                        f"{md_text(e['after'])} |\n" for e in n["checks"][key]]
                out.append("\n")
    return "".join(out)
