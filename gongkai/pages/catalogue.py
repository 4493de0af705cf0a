"""The 报告总表 (every report in one table, filterable, sortable, exportable) and the 覆盖范围 page (which agencies
and years the site has, which are missing, which copies are incomplete).  Pure functions: reports -> page text.

Both tables are written as one-line HTML blocks (report text escaped), which the MkDocs hook passes through
without Markdown's parser: at thousands of reports a Markdown table is the slow part of the build.  Filters
and the CSV export are docs/assets/catalogue.js, loaded by the 报告总表 page only; without JavaScript the
table is whole and plain.
"""
from __future__ import annotations

from collections import defaultdict

from gongkai import paths as P
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.schema.places import LEVELS, province_or_unknown, province_order
from gongkai.pages.markup import esc as _esc, front_matter, md_link, md_text

TO_ROOT = "../"  # both pages are served one level below the site root (all-reports/, coverage/)
MEASURES = ("received", "share_disclosed", "share_refused", "reviews", "review_correction_rate",
            "lawsuits", "lawsuit_correction_rate")
SCRIPT = "assets/catalogue.js"


def esc(text) -> str:
    """markup.esc, and brackets as references too: the blocks pass through verbatim, but report text must not
    read as a Markdown link ([x](javascript:…)) wherever it lands."""
    return _esc(text).replace("[", "&#91;").replace("]", "&#93;")


def _level_zh(level: str | None) -> str:
    return LEVELS.get(level or "", "未知层级")


def _level_rank(level_zh: str) -> int:
    names = list(LEVELS.values())
    return names.index(level_zh) if level_zh in names else len(names)


def _url(md_path: str) -> str:
    return TO_ROOT + P.page_url(md_path)


def _order(reports):
    return sorted(reports, key=lambda r: (province_order(province_or_unknown(r.meta.province)), r.meta.agency,
                                          r.meta.year))


def _select(name: str, label: str, values: list[str]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return (f'<label>{esc(label)} <select name="{esc(name)}"><option value="">全部</option>{options}</select>'
            "</label>")


def reports_page(reports, values_of) -> str:
    """`values_of(report)` -> that report's measures (measures.compute_cells), as the other pages compute them."""
    reports = _order(reports)
    provinces = sorted({province_or_unknown(r.meta.province) for r in reports}, key=province_order)
    levels = sorted({_level_zh(r.meta.level) for r in reports}, key=_level_rank)
    years = sorted({str(r.meta.year) for r in reports}, reverse=True)
    head = "".join(f"<th>{esc(h)}</th>" for h in ("机关", "地区", "层级", "年度", "提取状态"))
    head += "".join(f'<th class="gk-num">{esc(M.BY_CODE[c].short_zh)}</th>' for c in MEASURES)
    rows = []
    for r in reports:
        values = values_of(r)
        flags = M.disputed(values)
        province, level = province_or_unknown(r.meta.province), _level_zh(r.meta.level)
        cells = [f'<td><a href="{esc(_url(P.agency_page(r.slug)))}">{esc(r.meta.agency)}</a></td>',
                 f"<td>{esc(r.meta.region or province)}</td>", f"<td>{esc(level)}</td>",
                 f'<td><a href="{esc(_url(P.report_page_of(r)))}">{r.meta.year}</a></td>',
                 f"<td>{esc(R.REPORT_STATUSES[r.status][0])}</td>"]
        cells += [f'<td class="gk-num">{esc(M.fmt_report(c, values, flags))}</td>' for c in MEASURES]
        rows.append(f'<tr data-province="{esc(province)}" data-level="{esc(level)}" data-year="{r.meta.year}">'
                    + "".join(cells) + "</tr>")
    controls = ('<form class="gk-catalogue-filters" hidden data-pagefind-ignore>'  # controls, not content
                + _select("province", "省份", provinces) + _select("level", "层级", levels)
                + _select("year", "年度", years)
                + '<button type="button" class="gk-catalogue-export">导出当前视图（CSV）</button>'
                + '<output class="gk-catalogue-count"></output></form>')
    return (front_matter("报告总表", {"description": "本站全部政府信息公开工作年度报告：机关、地区、层级、年度、提取状态和主要指标"})
            + "# 报告总表\n\n"
            f"本站的全部 {len(reports)} 份报告，每行一份：机关、地区、层级、年度、提取状态和主要指标。"
            "可按省份、层级和年度筛选，点击表头按该列排序，并把当前看到的行导出为 CSV（带 BOM，Excel 可直接打开）。"
            "指标的定义见[数据字典](dictionary.md#measures)；“—”表示无法计算，※ 表示报告的总计与分项之和不一致"
            "（见[方法说明](methodology.md#totals)）。全部数据另见[下载](downloads.md)。\n\n"
            + controls + "\n\n"
            + '<div class="gk-table-wrap"><div class="gk-sortable"><table class="gk-list gk-catalogue">'
            + f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></div>\n\n"
            + f'<script src="{TO_ROOT}{SCRIPT}"></script>\n')


def coverage_page(reports) -> str:
    """Agencies by years: a report (its status), or none.  Missing = a year of the site's span with no report
    for that agency; incomplete copies are listed with what is missing."""
    years = list(range(min(r.meta.year for r in reports), max(r.meta.year for r in reports) + 1)) if reports else []
    by_agency: dict[str, dict[int, object]] = defaultdict(dict)
    for r in reports:
        by_agency[r.slug][r.meta.year] = r
    agencies = sorted(by_agency.values(), key=lambda ys: (
        province_order(province_or_unknown(ys[max(ys)].meta.province)), ys[max(ys)].meta.agency))
    head = "<th>机关</th><th>省份</th>" + "".join(f"<th>{y}</th>" for y in years)
    rows, missing, gaps = [], 0, 0
    for ys in agencies:
        latest = ys[max(ys)]
        cells = [f'<th scope="row"><a href="{esc(_url(P.agency_page(latest.slug)))}">{esc(latest.meta.agency)}</a></th>',
                 f"<td>{esc(province_or_unknown(latest.meta.province))}</td>"]
        for y in years:
            r = ys.get(y)
            if r is None:
                missing += 1
                gaps += min(ys) < y < max(ys)
                cells.append('<td class="gk-missing">—</td>')
            else:
                cls = "gk-present" if r.status == "complete" else "gk-partial"
                cells.append(f'<td class="{cls}"><a href="{esc(_url(P.report_page_of(r)))}">'
                             f"{esc(R.REPORT_STATUSES[r.status][0])}</a></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    incomplete = [r for r in _order(reports) if r.status != "complete"]
    listing = "".join(f"- {md_link(f'{r.meta.agency} {r.meta.year}', P.report_page_of(r))}："
                      f"{md_text(R.REPORT_STATUSES[r.status][0])}。{md_text(R.REPORT_STATUS_READINGS[r.status])}\n"
                      for r in incomplete)
    span = f"{years[0]}–{years[-1]} 年" if years else "—"
    return (front_matter("覆盖范围", {"description": "本站收录了哪些机关和年度的报告，缺少哪些，哪些副本不完整"})
            + "# 覆盖范围\n\n"
            f"本站收录 {len(by_agency)} 个机关的 {len(reports)} 份报告，年度跨度 {span}。"
            f"下表每行一个机关、每列一个年度：格中是该报告的提取状态（点击打开报告页）；“—”表示本站没有这一年度的报告"
            f"（共 {missing} 个，其中 {gaps} 个在该机关最早与最近一份报告之间），可能是尚未收集，也可能是机关没有发布。"
            f"提取状态不是“表格完整”的报告有 {len(incomplete)} 份，列在表后。\n\n"
            + f'<div class="gk-table-wrap"><table class="gk-list gk-coverage"><thead><tr>{head}</tr></thead>'
            + f"<tbody>{''.join(rows)}</tbody></table></div>\n\n"
            + "## 不完整的副本\n\n"
            + (listing if incomplete else "没有。\n"))
