"""Generated Markdown pages for MkDocs: report and agency pages, the agencies index and corrections, and
write_pages, which renders every generated page (pages/dictionary.py: the dictionary and downloads pages)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path


from gongkai import index as I
from gongkai.pages import charts, cite, measured, site_charts
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai import paths as P
from gongkai.pages.overview import TABLE_MEASURES, by_region, by_year, hub_pages, region_page, static_pages, year_page
from gongkai.pages.provenance import report_source_notice, report_source_row
from gongkai.pages.dictionary import dictionary_page, downloads_page
from gongkai.schema.places import LEVELS, province_or_unknown, province_order
from gongkai.pages.checks import checks_section
from gongkai.pages.markup import (_clean, number, esc, front_matter, h1, md_link, md_text, legacy_table, link, safe_href, source_note, table_active,
                     table_applications, table_reviews, text_block)

NARRATIVE_SECTIONS = ("1", "5", "6")


def _level(level: str | None) -> str:
    return LEVELS.get(level or "", "未知层级")


def search_filters(m, years) -> dict:
    """The 搜索 page's filters for a report or agency page (overrides/main.html marks them for Pagefind)."""
    return {"search_filters": {"年度": [str(y) for y in sorted(set(years))],
                               "地区": [province_or_unknown(m.province)], "层级": [_level(m.level)]}}


def report_page(rep, prev_rep, next_rep, source_check: dict | None = None) -> str:
    m = rep.meta
    reference = cite.report_reference(rep)
    title = reference["title"]
    out = [front_matter(title, {"description": _clean(f"{m.agency}{m.year}年政府信息公开工作年度报告数据"),
                                **search_filters(m, [m.year])}), h1(title)]
    here = P.report_page_of(rep)

    def to(target: str) -> str:  # a Markdown link from this page (reports/<bucket>/<slug>/<year>.md)
        return P.relative(here, target)

    crumbs = [md_link("机关索引", to("agencies.md")), md_link(m.agency, to(P.agency_page(rep.slug)))]
    if prev_rep:
        crumbs.append(md_link(f"← {prev_rep.meta.year} 年", to(P.report_page_of(prev_rep))))
    if next_rep:
        crumbs.append(md_link(f"{next_rep.meta.year} 年 →", to(P.report_page_of(next_rep))))
    out.append(" · ".join(crumbs) + "\n\n")
    zh_status = R.REPORT_STATUSES[rep.status][0]
    if rep.status != "complete":
        out.append(f'!!! warning "提取状态：{zh_status}"\n    {md_text(R.REPORT_STATUS_READINGS[rep.status])}'
                   "表中未能读取的单元格不填数字，以符号标明。\n\n")
    out.append(report_source_notice(source_check))
    failed = rep.failed_checks
    if failed:
        out.append(f'!!! danger "{len(failed)} 项勾稽关系未通过"\n    报告原样发布；不一致之处列在下方“勾稽关系核验”。\n\n')
    fixes = rep.records.get("corrections") or []
    if fixes:
        out.append(f'!!! info "本报告有 {len(fixes)} 处公开更正"\n    更正后的数字以“已更正”标明，'
                   "提取值、理由、更正人和日期见下方[更正记录](#corrections)；勾稽关系按更正后的数字核验。\n\n")
    url = safe_href(rep.sidecar.get("source_url"))
    mirror = safe_href(rep.sidecar.get("mirror_url"))  # the copy the file was taken from
    province = province_or_unknown(rep.meta.province)
    info = [
        ["机关", md_text(m.agency)],
        *([["机关全称", md_text(m.agency_official)]] if m.agency_official and m.agency_official != m.agency else []),
        ["地区", f"{md_text(m.region or '未知')}（{md_link(province, to(P.region_page(province)))}）"],
        ["层级", md_text(_level(m.level))], ["年度", md_link(f"{m.year}", to(P.year_page(m.year)))],
        ["格式版本", md_text(R.EDITION_LABELS.get(rep.edition or "", "未能判断"))],
        ["提取状态", f"{md_text(zh_status)}（`{rep.status}`）"],
        ["发布日期", md_text(m.publication_date or "未知")],
        ["源文件", f"<code>{esc(rep.source.name)}</code>"],
        # Only the report's own address is a 来源; a description or a site's home page is not (issue 13).
        ["来源", f"<{url}>" if url else "未记录"],
        *([["来源说明", f'<span class="gk-quoted">{md_text(rep.sidecar["source"])}</span>']]
          if rep.sidecar.get("source") and rep.sidecar.get("source") != rep.sidecar.get("source_url") else []),
        *([["副本", f"<{mirror}>"]] if mirror else []),
        ["获取日期", md_text(rep.sidecar.get("retrieved") or "未记录")],
        ["原文存档", archive_link(rep)],
        ["SHA-256", f"`{rep.sha256}`"],
    ]
    if source_check:  # check-sources: is the source still online, changed, gone?
        info.insert(len(info) - 1, report_source_row(source_check))
    out.append("| 项目 | 内容 |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in info) + "\n")
    out.append(report_downloads(rep))
    ad, app, rl = (rep.records[t] for t in ("active_disclosure", "applications", "reviews_litigation"))
    if ad or app or rl:
        out.append("## 二、主动公开政府信息情况\n\n" + table_active(ad, rep.edition) + source_note(ad) + "\n\n")
        out.append("## 三、收到和处理政府信息公开申请情况\n\n" + table_applications(app) + source_note(app) + "\n\n")
        out.append("## 四、政府信息公开行政复议、行政诉讼情况\n\n" + table_reviews(rl) + source_note(rl) + "\n\n")
        out.append("空白单元格表示报告中该格为空（不等于 0）；“—”表示报告缺失该格；“?”表示无法读取或有多种读法（不发布数字）；"
                   "斜体加点线的数字是从粘连文字中推断的（唯一符合勾稽关系的读法）；带双下划线的数字是公开更正后的数字（见更正记录）。"
                   "点击任一数字（或“?”），可查看它在源文件中的位置：文本的原行、网页或 Word 文件的原表格、PDF 的原页面，"
                   "每格有自己的链接地址。\n\n")
        # The evidence view (docs/assets/evidence.js) loads this file on the first click.
        out.append(f'<div id="gk-evidence" data-src="{P.REPORT_PAGE_TO_ROOT}'
                   f'{esc(P.report_evidence(rep.slug, m.year))}" hidden></div>\n\n')
    else:
        out.append("## 统计表格\n\n" + f'<p class="gk-none">本报告没有可读取的 2019/2021 格式统计表'
                   f"（{esc(zh_status)}），因此不发布表格数字。</p>\n\n")
    if fixes:
        out.append("## 更正记录 {#corrections}\n\n" + corrections_table(fixes) + "\n\n")
    legacy = rep.records.get("legacy_statistics") or []
    if legacy:
        out.append("## 统计表（2019 年以前的格式）\n\n" + legacy_table(legacy) + "\n\n")
    # After the report's own tables: the checks read them.
    out.append("## 勾稽关系核验\n\n" + checks_section(rep.records) + "\n\n")
    sections = {s["section"]: s for s in rep.records["sections"]}
    shown = [n for n in NARRATIVE_SECTIONS if n in sections]
    if shown or rep.status == "no standard tables":
        out.append("## 报告正文\n\n")
        numbers = shown if rep.status != "no standard tables" else sorted(sections)
        for n in numbers:
            s = sections[n]
            out.append(f"<h3>{esc(s['heading'])}</h3>\n\n" + text_block(s["text"]) + "\n\n")
        if not sections and rep.status == "no standard tables":
            out.append("（未识别出标准章节。）\n\n")
    if rep.warnings:
        # The warnings are written for maintainers (in English, naming codes): they are listed on the quality
        # page; the reader learns that they exist and where.
        out.append(f"## 提取提示\n\n提取这份报告时记录了 {len(rep.warnings)} 条技术提示（供维护者核对），"
                   f"列在{md_link('数据质量', to('quality.md') + '#warnings')}页。\n\n")
    out.append(cite.block(**reference))
    return "".join(out)


def corrections_table(rows: list[dict], pages: dict[str, str] | None = None) -> str:
    """The errata rows as an HTML table; `pages` (report_id -> link) adds a report column."""
    head = (["报告"] if pages is not None else []) + ["表", "单元格", "更正值", "提取值（状态）", "理由", "更正人", "日期"]
    body = []
    for r in sorted(rows, key=lambda r: (r["report_id"], R.RESOURCE_ORDER.index(r["table"]), r["code"])):
        extracted = f"{number(r['extracted_value']) if r['extracted_value'] is not None else '（无）'}" \
                    f"（{R.STATUSES[r['extracted_status']][0]}）"
        cells = ([pages[r["report_id"]]] if pages is not None else []) + [
            esc(R.title_of(r["table"])[0]), f"<code>{esc(r['code'])}</code>", esc(number(r["value"])), esc(extracted),
            esc(r["reason"] or "（未说明）"), esc(r["who"]), esc(r["when"])]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ('<div class="gk-table-wrap"><table class="gk-list gk-corrections"><tr>'
            + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(body) + "</table></div>")


def corrections_page(reports) -> str:
    """更正记录: every open correction of every report, with the errata log's download."""
    rows = [r for rep in reports for r in I.corrections(rep)]
    links = {rep.report_id: link(P.page_url(P.report_page_of(rep)), f"{rep.meta.agency} {rep.meta.year}")
             for rep in reports if I.corrections(rep)}
    out = [front_matter("更正记录"), "# 更正记录\n\n",
           "维护者发现某个数字摘录有误时，在该报告的来源说明文件（与报告同名的 `.yml` 文件）的 `corrections:` 下公开更正："
           "单元格代码、更正值、理由、更正人和日期。更正后的单元格状态为 `corrected`（已更正），"
           "原来提取的数值和状态保留在更正记录中，勾稽关系按更正后的数字重新核验。"
           "更正一个如实摘录、且勾稽关系全部通过的单元格，必须说明理由。\n\n",
           f"全部更正记录也可下载：[{P.CORRECTIONS_CSV}](downloads/{P.COMBINED}/{P.CORRECTIONS_CSV})"
           "（合并数据包中的 `corrections` 资源；每份报告的数据包里也有它自己的更正记录）。\n\n"]
    if rows:
        out.append(f"共 {len(rows)} 处更正，涉及 {len(links)} 份报告。\n\n"
                   + corrections_table(rows, {k: v.replace('href="', 'href="../') for k, v in links.items()}) + "\n")
    else:
        out.append("目前没有更正。\n")
    return "".join(out)


def archive_link(rep) -> str:
    """The archived source file (paths.archive_file), linked beside the source URL: the bytes the numbers
    were read from, kept here because government sites move and delete their reports."""
    rel = P.archive_file(rep.sha256, rep.source.name)
    note = "（网页原始字节，以纯文本提供，不作为网页运行）" if rel.endswith(".txt") and not rep.source.name.lower().endswith(".txt") else ""
    return link(f"{P.REPORT_PAGE_TO_ROOT}{P.DOWNLOADS}/{rel}", "下载源文件") + esc(note)


def agency_page(slug: str, reps: list) -> str:
    name = reps[-1].meta.agency
    here = P.agency_page(slug)

    def to(target: str) -> str:  # a Markdown link from this page (agencies/<bucket>/<slug>.md)
        return P.relative(here, target)

    out = [front_matter(name, search_filters(reps[-1].meta, [r.meta.year for r in reps])), h1(name),
           md_link("← 机关索引", to("agencies.md")) + "\n\n"]
    m = reps[-1].meta
    out.append(f"地区：{md_link(province_or_unknown(m.province), to(P.region_page(province_or_unknown(m.province))))}"
               f"（{md_text(m.region or '未知')}） · 层级：{md_text(_level(m.level))}\n\n")
    out.append("## 逐年主要指标\n\n")
    head = "| 年度 | 提取状态 | " + " | ".join(md_text(M.BY_CODE[c].short_zh) for c in TABLE_MEASURES) + " | 未通过核验 |\n"
    rows = [head, "|---|---|" + "---:|" * (len(TABLE_MEASURES) + 1) + "\n"]
    for rep in reps:
        values = measured.values_of(rep)
        rows.append(f"| {md_link(str(rep.meta.year) + ' 年', to(P.report_page_of(rep)))} "
                    f"| {md_text(R.REPORT_STATUSES[rep.status][0])} | "
                    + " | ".join(M.fmt_report(c, values) for c in TABLE_MEASURES) + f" | {len(rep.failed_checks)} |\n")
    out.append("".join(rows) + "\n")
    if any("※" in row for row in rows):
        out.append(f"{M.DISPUTED_NOTE_ZH}见{md_link('方法说明', to('methodology.md') + '#totals')}。\n\n")
    out.append("“—”表示无法计算（所需单元格空白、缺失或无法读取，或比例的分母为 0）。各年度的汇总见"
               + "、".join(md_link(f"{y} 年", to(P.year_page(y))) for y in sorted({r.meta.year for r in reps}))
               + "；指标的公式见" + md_link("数据字典", to("dictionary.md") + "#measures") + "。\n\n" + charts.MARKER + "\n")
    out.append(cite.block(f"{name} 政府信息公开工作年度报告数据", P.page_url(P.agency_page(slug)), author=name, key=slug))
    return "".join(out)


def agencies_index(by_agency: dict) -> str:
    out = [front_matter("机关索引"), "# 机关索引\n\n按省级行政区和层级列出全部机关。\n\n"]
    tree: dict = defaultdict(lambda: defaultdict(list))
    for slug, reps in by_agency.items():
        m = reps[-1].meta
        tree[province_or_unknown(m.province)][m.level or ""].append((m.agency, slug, reps))
    for province in sorted(tree, key=province_order):
        out.append(f"## {md_text(province)}\n\n")
        for level in sorted(tree[province], key=lambda lv: list(LEVELS).index(lv) if lv in LEVELS else 99):
            out.append(f"**{md_text(_level(level))}**\n\n")
            for agency, slug, reps in sorted(tree[province][level]):
                years = "、".join(md_link(str(r.meta.year), f"{P.report_page_of(r)}") for r in reps)
                out.append(f"- {md_link(agency, P.agency_page(slug))}（{md_text(reps[-1].meta.region or '')}）：{years}\n")
            out.append("\n")
    return "".join(out)


# A report page reports/<bucket>/<slug>/<year>.md is served at reports/<bucket>/<slug>/<year>/ (mkdocs.yml
# use_directory_urls), P.REPORT_PAGE_TO_ROOT below the site root: where its raw-HTML links start from.


def report_downloads(rep) -> str:
    """The report page's download list: every file published beside its package.

    Raw HTML on one line with final URLs, passed through unparsed by hooks/gongkai_mkdocs.py: as Markdown
    its ~27 links were half of a report page's Markdown time at 1,000 reports."""
    base = f"{P.REPORT_PAGE_TO_ROOT}{P.DOWNLOADS}/{P.report_dir(rep.slug, rep.meta.year)}"
    items = [link(f"{base}/{P.report_zip(rep.slug, rep.meta.year)}", "完整数据包（zip）"),
             link(f"{base}/{P.report_xlsx(rep.slug, rep.meta.year)}", "Excel 工作簿（XLSX，每张表一个工作表）"),
             link(f"{base}/{P.DESCRIPTOR}", P.DESCRIPTOR),
             link(f"{base}/{P.CITATION_FILE}", "如何引用（文本）")]
    for name in R.RESOURCE_ORDER:
        zh, _ = R.title_of(name)
        items.append(f"{esc(zh)}：{link(f'{base}/{P.resource_csv(name)}', 'CSV')} · "
                     f"{link(f'{base}/{P.excel_csv(name)}', 'Excel CSV')} · {link(f'{base}/{P.resource_json(name)}', 'JSON')}")
    return ('## 下载\n\n<div class="gk-downloads"><ul>' + "".join(f"<li>{d}</li>" for d in items) + "</ul></div>\n\n"
            f"各格式的说明见{md_link('下载', P.relative(P.report_page_of(rep), 'downloads.md'))}页。\n\n")



def neighbours(reports) -> dict[str, tuple]:
    """report_id -> (the agency's report of the year before, of the year after), None where there is none."""
    by_agency: dict[str, list] = defaultdict(list)
    for rep in sorted(reports, key=lambda r: (r.slug, r.meta.year)):
        by_agency[rep.slug].append(rep)
    out = {}
    for reps in by_agency.values():
        for i, rep in enumerate(reps):
            out[rep.report_id] = (reps[i - 1] if i > 0 else None, reps[i + 1] if i + 1 < len(reps) else None)
    return out


class Always:
    """No reuse: every group of pages is rendered (write_pages' `reuse`; pipeline/page_reuse.py keeps them)."""

    def get(self, name: str, reps, extra: str = "") -> list[str] | None:
        return None

    def put(self, name: str, reps, extra: str, files: list[str]) -> None:
        pass


def write_pages(docs: Path, reports, failures, download_sizes, write, built_on: str = "",
                report_pages: bool = True, quality_extra: str = "", reuse=None) -> list[str]:
    """Render every generated page; `write(path, text)` does the I/O.  Returns the paths of every generated
    page and chart file, whether written now or kept.

    The pages come in groups, each a function of its reports only: the pages over every report (home,
    indexes, quality, 报告总表, 覆盖范围, corrections), each year's page, each region's page and each
    agency's page, each with its charts.  `reuse.get(name, reports, extra)` gives the files a group wrote
    from the same inputs in the last build, still on disk: the group is then not rendered again (after a
    one-report edit, only that report's year, region and agency, and the hub when what it shows changed).
    report_pages=False leaves out the report pages (the per-report phase writes them, from full records)."""
    with measured.scope():  # each report's measures once, for every page that shows or pools them
        return _write_pages(docs, reports, failures, download_sizes, write, built_on, report_pages, quality_extra,
                            reuse or Always())


def _write_pages(docs: Path, reports, failures, download_sizes, write, built_on, report_pages, quality_extra,
                 reuse) -> list[str]:
    by_agency: dict[str, list] = defaultdict(list)
    for rep in sorted(reports, key=lambda r: (r.slug, r.meta.year)):
        by_agency[rep.slug].append(rep)
    done: list[str] = []

    def group(name: str | None, reps, extra: str, render) -> None:
        """Render a group (render() -> (pages, chart sections, chart files)) unless reuse keeps it."""
        kept = reuse.get(name, reps, extra) if name else None
        if kept is not None:
            done.extend(kept)
            return
        pages, sections, chart_files = render()
        charts.place_all(pages, sections)
        files = {**pages, **chart_files}
        for rel, text in sorted(files.items()):
            write(docs / rel, text)
        done.extend(files)
        if name:
            reuse.put(name, reps, extra, sorted(files))

    def static():
        pages = {**static_pages(), "dictionary.md": dictionary_page(),
                 "downloads.md": downloads_page(download_sizes, built_on)}
        if report_pages:
            for reps in by_agency.values():
                for i, rep in enumerate(reps):
                    prev_rep = reps[i - 1] if i > 0 else None
                    next_rep = reps[i + 1] if i + 1 < len(reps) else None
                    pages[P.report_page_of(rep)] = report_page(rep, prev_rep, next_rep)
        return pages, {}, {}

    def hub():
        pages = {**hub_pages(reports, failures, quality_extra), "agencies.md": agencies_index(by_agency),
                 P.CORRECTIONS_PAGE: corrections_page(reports)}
        return pages, *site_charts.page_section("index.md", site_charts.home_charts(reports))

    def one(page, text, make_charts, heading: str = "图表"):
        """A group of one page (its path is page()) and its charts."""
        return lambda: ({page(): text()}, *site_charts.page_section(page(), make_charts(), heading))

    group(None, reports, "", static)  # no report in them (or, in tests, every report page): always rendered
    group("hub", reports, json.dumps([failures, quality_extra], ensure_ascii=False, sort_keys=True), hub)
    for year, reps in by_year(reports).items():
        group(f"year:{year}", reps, "", one(lambda: P.year_page(year), lambda: year_page(year, reps),
                                            lambda: site_charts.year_charts(year, reps)))
    for province, reps in by_region(reports).items():
        group(f"region:{province}", reps, "", one(lambda: P.region_page(province), lambda: region_page(province, reps),
                                                  lambda: site_charts.region_charts(province, reps)))
    # One agency at a time: its page and charts are written and let go, so memory holds no more than one
    # agency's pages, however many agencies there are (there are about half as many as reports).
    for slug, reps in by_agency.items():
        group(f"agency:{slug}", reps, "", one(lambda: P.agency_page(slug), lambda: agency_page(slug, reps),
                                              lambda: site_charts.agency_charts(slug, reps), site_charts.AGENCY_HEADING))
    return sorted(done)
