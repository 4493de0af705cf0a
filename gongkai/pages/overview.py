"""Pages over many reports: home, years, regions, data quality (+ CSV), compare and the English summary.

Figures come from gongkai.schema.measures (one definition); every name or label from a report goes
through md_text/esc.  Tables meant for ranking sit in a `gk-sortable` block, which the site's
own script (docs/assets/gongkai.js) makes sortable; without JavaScript they stay plain tables.
"""
from __future__ import annotations

from collections import defaultdict

from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai import paths as P
from gongkai.pages import cite
from gongkai.schema.places import LEVELS, province_or_unknown, province_order
from gongkai.pages import catalogue, measured
from gongkai.pages.quality import quality_csv, quality_page
from gongkai.pages.markup import MARKER, align, sortable, esc, front_matter, md_link, md_text

# Columns of the overview and ranking tables, in order.
TABLE_MEASURES = ("received", "share_disclosed", "share_refused", "reviews", "review_correction_rate",
                  "lawsuits", "lawsuit_correction_rate")
UNKNOWN_NOTE = ("“—”表示无法计算：所需单元格空白、缺失或无法读取，或比例的分母为 0。"
                "汇总行中的比例为各报告分子之和除以分母之和；括号内为纳入计算的报告数（未注明的为全部报告）。")


def pool(code: str, reports) -> M.Pooled:
    return measured.pool(code, reports)


def province_of(rep) -> str:
    return province_or_unknown(rep.meta.province)


def level_zh(level: str | None) -> str:
    return LEVELS.get(level or "", "未知层级")


def _level_order(level: str | None) -> int:
    return list(LEVELS).index(level) if level in LEVELS else len(LEVELS)


# ---------------------------------------------------------------------------
# Table building blocks
# ---------------------------------------------------------------------------
def pooled_value(code: str, reports) -> str:
    """A pooled figure, with the pooled sum of the parts and ※ where the pooled printed totals disagree with
    it, and ※ on the rates computed from those parts (measures.TOTALS_RULE_ZH)."""
    p = pool(code, reports)
    values = {code: p.value}
    m = M.BY_CODE[code]
    for c in filter(None, (m.parts, m.follows, M.BY_CODE[m.follows].parts if m.follows else "")):
        values[c] = pool(c, reports).value
    return M.fmt_report(code, values, M.disputed(values))


def pooled_cell(code: str, reports) -> str:
    """A pooled figure with its coverage: '64.3%（12）' = over the 12 reports whose inputs are known."""
    p = pool(code, reports)
    if p.covered == len(reports) or p.covered == 0:
        return pooled_value(code, reports)
    return f"{pooled_value(code, reports)}（{p.covered}）"


def disputed_note(text: str, link_prefix: str = "") -> str:
    """The ※ note under a table or paragraph that has a ※ in it, else nothing."""
    return (f"{M.DISPUTED_NOTE_ZH}见{md_link('方法说明', link_prefix + 'methodology.md#totals')}。\n\n"
            if "※" in text else "")


def measure_headers(codes=TABLE_MEASURES) -> str:
    return " | ".join(md_text(M.BY_CODE[c].short_zh) for c in codes)


def group_table(first_header: str, groups: list[tuple[str, list]], link_prefix: str = "") -> str:
    """One row per group (already-rendered first cell, its reports) plus a total row."""
    out = [f"| {first_header} | 报告数 | {measure_headers()} |\n", align(1, 1 + len(TABLE_MEASURES))]
    everything = []
    for label, reps in groups:
        everything += reps
        out.append(f"| {label} | {len(reps)} | " + " | ".join(pooled_cell(c, reps) for c in TABLE_MEASURES) + " |\n")
    if len(groups) > 1:
        out.append(f"| **合计** | {len(everything)} | "
                   + " | ".join(pooled_cell(c, everything) for c in TABLE_MEASURES) + " |\n")
    return "".join(out) + "\n" + disputed_note("".join(out), link_prefix)


def ranking_table(reports, link_prefix: str, with_year: bool) -> str:
    """One row per report, sortable; the default order is by applications received (most first)."""
    values = {r.report_id: measured.values_of(r) for r in reports}
    disputes = False

    def key(r):
        v = values[r.report_id]["received"]
        return (v is None, -(v or 0), r.meta.agency, r.meta.year)

    first = "| 机关 | " + ("年度 | " if with_year else "") + "地区 | 层级 | "
    out = [first + measure_headers() + " |\n", align(3 + with_year, len(TABLE_MEASURES))]
    for r in sorted(reports, key=key):
        target = f"{link_prefix}{P.report_page_of(r)}"
        name = md_link(r.meta.agency, f"{link_prefix}{P.agency_page(r.slug)}")
        cells = [name]
        if with_year:
            cells.append(md_link(f"{r.meta.year}", target))
        else:
            cells[0] = f"{name}（{md_link('报告', target)}）"
        cells += [md_text(r.meta.region or "未知"), md_text(level_zh(r.meta.level))]
        flags = M.disputed(values[r.report_id])
        disputes = disputes or bool(flags)
        cells += [M.fmt_report(c, values[r.report_id], flags) for c in TABLE_MEASURES]
        out.append("| " + " | ".join(cells) + " |\n")
    return sortable("".join(out)) + (f"{M.DISPUTED_NOTE_ZH}见{md_link('方法说明', link_prefix + 'methodology.md#totals')}。\n\n"
                                     if disputes else "")


def _by(reports, key) -> dict:
    groups: dict = defaultdict(list)
    for r in reports:
        groups[key(r)].append(r)
    return groups


# ---------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------
def _coverage(p: M.Pooled, total: int) -> str:
    text = f"覆盖 {p.covered} 份报告"
    if p.excluded:
        text += f"；{p.excluded} 份因所需单元格空白、缺失或无法读取未计入"
    return text if total else "尚无报告"


def _card(title: str, code: str, reports, href: str, extra: str = "") -> str:
    p = pool(code, reports)
    return (f'<div class="gk-card"><a href="{esc(href)}"><span class="gk-card-title">{esc(title)}</span>'
            f'<span class="gk-card-value">{esc(M.fmt(code, p.value))}</span></a>'
            f'<span class="gk-card-note">{esc(extra)}{esc(_coverage(p, len(reports)))}</span></div>')


def refusal_reasons(reports) -> str:
    """Refusals by reason: count, share of all refusals, share of requests handled."""
    refused = pool("refused", reports)
    out = ["| 理由 | 件数 | 占不予公开 | 占办理总数 | 覆盖报告 |\n", align(1, 4)]
    for code in M.REFUSED:
        m = M.BY_CODE[f"share_{code}"]
        p = pool(m.code, reports)
        count = int(p.num) if p.num is not None else None
        of_refused = (count / refused.value) if count is not None and refused.value else None
        out.append(f"| {md_text(m.zh.split('：', 1)[-1])} | {M.fmt('refused', count)} | "
                   f"{M.fmt('share_refused', of_refused)} | {M.fmt(m, p.value)} | {p.covered} |\n")
    return "".join(out) + "\n"


def home_page(reports, failures) -> str:
    agencies = {r.slug for r in reports}
    years = sorted({r.meta.year for r in reports})
    out = [front_matter("首页"), "# 公开 Gongkai\n\n",
           "公开（Gongkai）把各级政府机关每年发布的**政府信息公开工作年度报告**整理成可核验、可下载的开放数据。"
           "每份报告的统计表都按国家规定的格式逐格摘录，配有稳定的代码、勾稽关系核验和来源说明。\n\n",
           f"目前收录 **{len(agencies)}** 个机关的 **{len(reports)}** 份报告"
           + (f"，年度 {years[0]}–{years[-1]}" if years else "") + "。以下数字是全部已发布报告的合计。\n\n"]
    disclosed, review, lawsuits = pool("disclosed", reports), pool("reviews", reports), pool("lawsuits", reports)
    cards = [
        _card("本年新收政府信息公开申请", "received", reports, "years/"),
        _card("全部或部分公开的比例", "share_disclosed", reports, "regions/",
              f"全部或部分公开 {M.fmt('disclosed', disclosed.value)} 件；"),
        _card("不予公开的比例", "share_refused", reports, "#refusals"),
        _card("行政复议结果纠正率", "review_correction_rate", reports, "#reviews",
              f"行政复议（件）：{pooled_value('reviews', reports)}；"),
        _card("行政诉讼结果纠正率", "lawsuit_correction_rate", reports, "#reviews",
              f"行政诉讼（件）：{pooled_value('lawsuits', reports)}；"),
    ]
    out.append('<div class="gk-cards">' + "".join(cards) + "</div>\n\n")
    out.append(disputed_note("".join(cards)))
    out.append("比例按全部报告的分子之和除以分母之和计算（大机关权重大）。公式见[数据字典](dictionary.md#measures)；"
               "单份报告的数字见各报告页和 [JSON API](downloads.md#api)。\n\n")
    out.append("## 不予公开的理由 {#refusals}\n\n" + refusal_reasons(reports))
    out.append(MARKER + "\n\n")
    out.append("## 行政复议和行政诉讼 {#reviews}\n\n")
    rl = ["reviews", "review_corrected", "review_correction_rate", "lawsuits", "lawsuit_corrected",
          "lawsuit_correction_rate"]
    out.append("| 指标 | 数值 | 覆盖报告 |\n|---|---:|---:|\n")
    for code in rl:
        p = pool(code, reports)
        out.append(f"| {md_text(M.BY_CODE[code].zh)} | {pooled_value(code, reports)} | {p.covered} |\n")
    out.append("\n纠错率 = 结果纠正 ÷（结果维持 + 结果纠正 + 其他结果），不含尚未审结的案件。\n\n")
    out.append(disputed_note("".join(out)))
    out.append("## 按年度\n\n" + group_table(
        "年度", [(md_link(f"{y} 年", P.year_page(y)), reps) for y, reps in sorted(_by(reports, lambda r: r.meta.year).items())]))
    out.append(UNKNOWN_NOTE + "\n\n")
    by_status = _by(reports, lambda r: r.status)
    out.append("## 提取状态\n\n| 提取状态 | 报告数 |\n|---|---:|\n")
    for status, (zh, _en) in R.REPORT_STATUSES.items():
        out.append(f"| {zh} | {len(by_status.get(status, []))} |\n")
    out.append("\n")
    out.append("## 浏览\n\n"
               "- [机关索引](agencies.md)：按地区和层级浏览全部报告\n"
               "- [年度](years.md)和[地区](regions.md)：汇总与机关排名\n"
               "- [比较](compare.md)：选择 2–4 个机关并排比较\n"
               "- [数据质量](quality.md)：勾稽关系未通过、推断或缺失的数值（可下载 CSV）\n"
               "- [数据字典](dictionary.md)：每张表、每个代码和指标的含义\n"
               "- [下载](downloads.md)：全部数据\n"
               "- [方法说明](methodology.md)：数据如何摘录和核验\n"
               "- [English summary](en.md){lang=en}\n\n")
    if failures:
        out.append(f"本次构建有 {len(failures)} 个文件未能发布，原因见[数据质量](quality.md)页。\n")
    out.append(cite.block(cite.DATASET_ZH, ""))
    return "".join(out)


# ---------------------------------------------------------------------------
# Years and regions
# ---------------------------------------------------------------------------
def years_index(reports) -> str:
    groups = sorted(_by(reports, lambda r: r.meta.year).items())
    return (front_matter("年度") + "# 年度\n\n每个年度按地区和层级汇总，并列出机关排名。\n\n"
            + group_table("年度", [(md_link(f"{y} 年", P.year_page(y)), reps) for y, reps in groups])
            + UNKNOWN_NOTE + "\n")


def year_page(year: int, reports) -> str:
    out = [front_matter(f"{year} 年度"), f"# {year} 年度\n\n",
           md_link("← 全部年度", "../years.md") + "\n\n",
           f"{year} 年度共 {len(reports)} 份报告，来自 {len({r.slug for r in reports})} 个机关。\n\n"]
    provinces = sorted(_by(reports, province_of).items(), key=lambda kv: province_order(kv[0]))
    out.append("## 按地区\n\n" + group_table(
        "地区", [(md_link(p, f"../{P.region_page(p)}"), reps) for p, reps in provinces], "../"))
    levels = sorted(_by(reports, lambda r: r.meta.level).items(), key=lambda kv: _level_order(kv[0]))
    out.append("## 按层级\n\n" + group_table("层级", [(md_text(level_zh(lv)), reps) for lv, reps in levels], "../"))
    out.append("## 机关排名\n\n点击表头可按该指标排序（默认按本年新收申请从多到少）。\n\n"
               + ranking_table(reports, "../", with_year=False))
    out.append(UNKNOWN_NOTE + "\n")
    return "".join(out)


def regions_index(reports) -> str:
    groups = sorted(_by(reports, province_of).items(), key=lambda kv: province_order(kv[0]))
    return (front_matter("地区") + "# 地区\n\n按省级行政区汇总；每个地区页按年度和层级汇总，并列出机关排名。\n\n"
            + group_table("地区", [(md_link(p, P.region_page(p)), reps) for p, reps in groups])
            + UNKNOWN_NOTE + "\n")


def region_page(province: str, reports) -> str:
    out = [front_matter(province), f"# {md_text(province)}\n\n", md_link("← 全部地区", "../regions.md") + "\n\n",
           f"共 {len(reports)} 份报告，来自 {len({r.slug for r in reports})} 个机关。\n\n"]
    years = sorted(_by(reports, lambda r: r.meta.year).items())
    out.append("## 按年度\n\n" + group_table("年度", [(md_link(f"{y} 年", f"../{P.year_page(y)}"), reps)
                                                   for y, reps in years], "../"))
    levels = sorted(_by(reports, lambda r: r.meta.level).items(), key=lambda kv: _level_order(kv[0]))
    out.append("## 按层级\n\n" + group_table("层级", [(md_text(level_zh(lv)), reps) for lv, reps in levels], "../"))
    out.append("## 机关排名\n\n每行一份报告。点击表头可按该指标排序。\n\n" + ranking_table(reports, "../", with_year=True))
    out.append(UNKNOWN_NOTE + "\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# Compare and English summary
# ---------------------------------------------------------------------------
def compare_page() -> str:
    rows = "".join(f'<option value="{esc(c)}">{esc(M.BY_CODE[c].zh)}</option>' for c in M.HEADLINE)
    return (front_matter("比较") + "# 比较机关\n\n"
            "选择 2–4 个机关，并排查看它们各年度的主要指标。数据来自本站的 [JSON API](downloads.md#api)"
            "（`api/index.json`），在浏览器中筛选，不连接其他网站。\n\n"
            '<div id="gk-compare" data-index="../api/index.json" data-site="../" data-max="4">\n'
            '<noscript><p>比较功能需要 JavaScript。也可以直接下载 <code>api/index.json</code>。</p></noscript>\n'
            '<label for="gk-compare-filter">查找机关（名称或地区）</label>\n'
            '<input id="gk-compare-filter" type="search" placeholder="例如：司法、淮安" autocomplete="off">\n'
            '<div id="gk-compare-options" class="gk-compare-options" role="group" aria-label="机关"></div>\n'
            '<p id="gk-compare-status" aria-live="polite"></p>\n'
            '<div id="gk-compare-result" class="gk-table-wrap"></div>\n'
            f'<template id="gk-compare-measures">{rows}</template>\n'
            "</div>\n\n“—”表示无法计算：所需单元格空白、缺失或无法读取，或比例的分母为 0；空格表示该机关没有这一年度的报告。"
            "选择会记在网址中（`#a=…`），可以复制链接分享。指标的公式见[数据字典](dictionary.md#measures)。\n")


def en_page() -> str:
    out = [front_matter("English summary", {
        "lang": "en", "description": "Open data from Chinese government bodies' annual reports on government "
                                     "information disclosure: every cell read, checked and downloadable."}), "# Gongkai: English summary\n\n",
           "Gongkai (公开, *open*) publishes the statistical tables of Chinese government bodies' annual reports on "
           "government information disclosure (政府信息公开工作年度报告) as open data. Every government body must "
           "publish such a report each year in a form set by the State Council; Gongkai reads the report's three "
           "tables cell by cell, gives every cell a stable code, checks the form's accounting identities, and "
           "publishes the result as validated [Frictionless](https://datapackage.org/) data packages. The site is "
           "in Chinese; this page summarises it for international researchers.\n\n",
           "## What the data is\n\n"]
    for name in R.TABLES:
        zh, en = R.title_of(name)
        out.append(f"- `{name}`: {md_text(en)} ({md_text(zh)})\n")
    out.append("\nTables are long: one row per printed cell, with codes, the Chinese labels as printed, the value, "
               "its unit and a status. A blank printed cell is `null` with status `blank`, never 0. Statuses:\n\n"
               "| status | 中文 | meaning |\n|---|---|---|\n")
    for code, (zh, en) in R.STATUSES.items():
        out.append(f"| `{code}` | {zh} | {md_text(en)} |\n")
    out.append("\nEach report is also checked against identities such as *received + carried over = handled + carried "
               "forward*. Reports that fail a check are published as printed; the [data quality](quality.md) page "
               "lists them (with a CSV). Every field and code, with English labels, is on the "
               "[data dictionary](dictionary.md) page.\n\n## Measures\n\n"
               "The site's headline measures, computed per report. A measure is empty (`null`) when any input cell "
               "is blank, missing, ambiguous or unreadable; across reports, counts are summed and shares are "
               "pooled (sum of numerators / sum of denominators).\n\n| code | English | 中文 |\n|---|---|---|\n")
    for m in M.MEASURES:
        out.append(f"| `{m.code}` | {md_text(m.en)} | {md_text(m.zh)} |\n")
    out.append("\n## How to download\n\n"
               "- Every report page (报告) has a download section: the report's data package as a zip, its "
               "`datapackage.json`, and each table as CSV and JSON.\n"
               "- The [downloads](downloads.md) page (下载) has the whole corpus in one combined package.\n"
               "- Pages to browse: [agencies](agencies.md) (机关索引), [years](years.md) (年度), "
               "[regions](regions.md) (地区), [compare](compare.md) (比较).\n\n"
               "## JSON API {#json-api}\n\n"
               "Static JSON files, served with the site (they work offline). Field names are English; Chinese "
               "labels are alongside in `*_zh` fields; paths inside are relative to the site root.\n\n"
               "| file | content |\n|---|---|\n"
               "| `api/index.json` | measure definitions, and every report: `report_id`, agency, region, level, year, "
               "edition, status, `checks_failed`, `measures`, `links` |\n"
               "| `api/agencies.json` | every agency with its region, level and years |\n"
               "| `api/<bucket>/<agency-slug>/<year>.json` | one report: metadata, the three tables cell by cell "
               "(codes, zh/en labels, value, unit, status), checks and narrative sections; `<bucket>` is the first "
               "two hex digits of the SHA-256 of the agency slug (every entry's `links.api` in index.json gives "
               "the path) |\n\n"
               "Example: [`api/index.json`](api/index.json), [`api/agencies.json`](api/agencies.json).\n")
    return "".join(out)


def overview_pages(reports, failures, quality_extra: str = "") -> dict[str, str]:
    """Relative path under docs/ -> page text (and the quality CSV): every page of this module."""
    with measured.scope():
        pages = {**hub_pages(reports, failures, quality_extra), **static_pages()}
        for year, reps in by_year(reports).items():
            pages[P.year_page(year)] = year_page(year, reps)
        for province, reps in by_region(reports).items():
            pages[P.region_page(province)] = region_page(province, reps)
        return pages


def by_year(reports) -> dict:
    """year -> its reports, in the order given."""
    return _by(reports, lambda r: r.meta.year)


def by_region(reports) -> dict:
    """province (or 未知) -> its reports, in the order given."""
    return _by(reports, province_of)


def hub_pages(reports, failures, quality_extra: str = "") -> dict[str, str]:
    """The pages over every report: home, the years and regions indexes, quality (+ CSV), 报告总表, 覆盖范围."""
    return {
        "index.md": home_page(reports, failures),
        "years.md": years_index(reports),
        "regions.md": regions_index(reports),
        "quality.md": quality_page(reports, failures) + quality_extra,
        P.QUALITY_CSV: quality_csv(reports, failures),
        P.REPORTS_PAGE: catalogue.reports_page(reports, measured.values_of),
        P.COVERAGE_PAGE: catalogue.coverage_page(reports),
    }


def static_pages() -> dict[str, str]:
    """The pages that show no report: compare (it reads the API in the browser) and the English summary."""
    return {"compare.md": compare_page(), "en.md": en_page()}
