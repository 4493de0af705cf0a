"""The data-quality page and its CSV: every failing identity grouped by check, the cells that are
inferred, ambiguous, missing or unreadable, and the files that did not publish."""
from __future__ import annotations

import csv
import io
from collections import defaultdict

from gongkai import index as I
from gongkai import paths as P
from gongkai.pages.checks import FAMILY_NAMES
from gongkai.pages.markup import align, esc, sortable, front_matter, md_link, md_text, number
from gongkai.schema import registry as R


# ---------------------------------------------------------------------------
# Data quality
# ---------------------------------------------------------------------------
QUALITY_FIELDS = ("report_id", "agency", "year", "source_file", "issue", "issue_zh", "detail", "identity",
                  "lhs", "rhs", "cells")


CELL_ISSUES = ("inferred", "ambiguous", "missing", "unreadable", "illegible")


def _cell_counts(rep) -> dict[str, dict[str, int]]:
    """status -> table -> number of cells (of the statuses in CELL_ISSUES among others)."""
    return I.cell_counts(rep)


def quality_rows(reports, failures) -> list[dict]:
    """One row per problem; the CSV researchers download and the page are both made from these."""

    rows = []
    for rep in sorted(reports, key=lambda r: r.report_id):
        base = {"report_id": rep.report_id, "agency": rep.meta.agency, "year": rep.meta.year,
                "source_file": rep.source.name}
        for c in sorted(rep.failed_checks, key=lambda c: c.check_id):
            rows.append({**base, "issue": "check_failed", "issue_zh": "勾稽关系未通过", "detail": c.check_id,
                         "identity": c.identity, "lhs": number(c.lhs), "rhs": number(c.rhs)})
        counts = _cell_counts(rep)
        for status in CELL_ISSUES:
            for table, n in sorted(counts.get(status, {}).items()):
                rows.append({**base, "issue": f"cells_{status}", "issue_zh": f"单元格{R.STATUSES[status][0]}",
                             "detail": table, "cells": n})
        if rep.status != "complete":
            rows.append({**base, "issue": "report_status", "issue_zh": R.REPORT_STATUSES[rep.status][0],
                         "detail": rep.status})
    for f in failures:
        rows.append({"source_file": f["file"], "issue": "not_published", "issue_zh": "未能发布",
                     "detail": f["reason"]})
    return [{k: row.get(k, "") for k in QUALITY_FIELDS} for row in rows]


def quality_csv(reports, failures) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=QUALITY_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(quality_rows(reports, failures))
    # A BOM so that Excel opens the Chinese text as UTF-8.
    return "\ufeff" + buf.getvalue()


def family_name(family: str) -> str:
    return FAMILY_NAMES.get(family, family)


def quality_page(reports, failures) -> str:
    out = [front_matter("数据质量"), "# 数据质量\n\n",
           "每份报告都按填报格式的勾稽关系核验。未通过的报告照常发布，不一致之处如下。"
           "本页全部内容可下载为一张表：[quality.csv](quality.csv)（UTF-8，带 BOM，Excel 可直接打开；"
           "每行一个问题，字段 " + "、".join(f"`{f}`" for f in QUALITY_FIELDS) + "）。"
           "完整的核验结果见[下载](downloads.md)页的 `checks.csv`。\n\n"]
    by_family: dict = defaultdict(list)
    for rep in reports:
        for c in rep.failed_checks:
            by_family[c.check_id.split(".", 1)[0]].append((rep, c))
    failing = {r.report_id for r in reports if r.failed_checks}
    out.append(f"## 勾稽关系未通过（{len(failing)} 份报告）\n\n")
    if not by_family:
        out.append("所有可核验的勾稽关系都已通过。\n\n")
    for family in sorted(by_family):
        items = sorted(by_family[family], key=lambda rc: (rc[0].report_id, rc[1].check_id))
        out.append(f"### {md_text(family_name(family))}：{md_text(items[0][1].identity)}\n\n"
                   f"核验代码 <code>{esc(family)}.*</code>；{len({r.report_id for r, _ in items})} 份报告，{len(items)} 项。\n\n")
        table = ["| 报告 | 核验项 | 左边 | 右边 | 差额 |\n", align(2, 3)]
        for rep, c in items:
            diff = number(c.lhs - c.rhs) if c.lhs is not None and c.rhs is not None else ""
            table.append(f"| {md_link(f'{rep.meta.agency} {rep.meta.year}', P.report_page_of(rep))} | "
                         f"<code>{esc(c.check_id)}</code> | {number(c.lhs)} | {number(c.rhs)} | {diff} |\n")
        out.append(sortable("".join(table)))
    flagged = []
    for rep in sorted(reports, key=lambda r: r.report_id):
        counts = _cell_counts(rep)
        totals = {s: sum(counts.get(s, {}).values()) for s in CELL_ISSUES}
        if any(totals.values()) or rep.status != "complete":
            flagged.append((rep, totals))
    out.append(f"## 推断、存疑、缺失或无法读取的数值（{len(flagged)} 份报告）\n\n"
               "推断：从粘连的文字中按勾稽关系唯一确定的读法；存疑：有多种读法，不发布数字；"
               "缺失：报告在此之前结束或缺少该行；无法读取：表格存在但单元格无法分开（包括只有图片的表格）。\n\n")
    if flagged:
        table = ["| 报告 | 提取状态 | " + " | ".join(R.STATUSES[s][0] for s in CELL_ISSUES) + " |\n",
                 align(2, len(CELL_ISSUES))]
        for rep, totals in flagged:
            table.append(f"| {md_link(f'{rep.meta.agency} {rep.meta.year}', P.report_page_of(rep))} | "
                         f"{md_text(R.REPORT_STATUSES[rep.status][0])} | "
                         + " | ".join(str(totals[s]) for s in CELL_ISSUES) + " |\n")
        out.append(sortable("".join(table)))
    out.append(f"## 未能发布的文件（{len(failures)}）\n\n")
    if failures:
        # The reasons are build_report.json's words, which name files, codes and fields: kept as written and
        # marked English, as the warnings below are.
        out.append("| 文件 | 原因（构建记录原文，英文） |\n|---|---|\n")
        for f in failures:
            out.append(f"| <code>{esc(f['file'])}</code> | <span lang=\"en\">{md_text(f['reason'])}</span> |\n")
    else:
        out.append("本次构建没有失败的文件。\n")
    out.append(warnings_section(reports))
    return "".join(out)


def warnings_section(reports) -> str:
    """The extraction warnings, for maintainers: what the reader's report page only counts.  They name
    codes and files, so they stay in the words the extractor wrote (marked lang="en")."""
    warned = [r for r in sorted(reports, key=lambda r: r.report_id) if r.warnings]
    out = [f"\n## 提取提示（供维护者，{len(warned)} 份报告） {{#warnings}}\n\n"
           "提取时记录的技术提示：元数据与 .yml 文件不一致、越界的数字、没有文字的表格等。"
           "它们不改变发布的数字，供维护者核对源文件和 .yml 文件。\n\n"]
    for rep in warned:
        out.append(f"**{md_link(f'{rep.meta.agency} {rep.meta.year}', P.report_page_of(rep))}**\n\n"
                   '<ul lang="en">' + "".join(f"<li>{esc(w)}</li>" for w in rep.warnings) + "</ul>\n\n")
    return "".join(out)
