"""Generated Markdown pages for MkDocs: home, indexes, agency and report pages, dictionary, quality."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path


from gongkai import index as I
from gongkai.pages import charts, cite
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai import paths as P
from gongkai.pages.overview import TABLE_MEASURES, overview_pages
from gongkai.pages.provenance import report_source_notice, report_source_row
from gongkai.package import changes as C
from gongkai.package.datapackage import RELEASE_VERSION, data_version
from gongkai.package.exports import CORPUS_TABLES, PARQUET_TABLES
from gongkai.package.exports import columns as table_columns, key as table_key, title as table_title
from gongkai.schema.descriptions_zh import description_zh
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


def zh_text(text) -> str:
    """A Chinese description with `code` spans (registry codes, never report text) in code font."""
    parts = str(text).split("`")
    return "".join(f"`{part}`" if i % 2 else md_text(part) for i, part in enumerate(parts))


def en_text(text) -> str:
    """English in the bilingual dictionary (its English labels and the field descriptions written in
    English): marked lang="en" for screen readers and the site's Chinese-text check."""
    return f'<span lang="en">{md_text(text)}</span>' if text else ""


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
        values = M.compute_cells(I.cells(rep))
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


def human_size(size: int) -> str:
    for unit, step in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size} 字节"


def _corpus_item(name: str) -> tuple[str, str] | None:
    """(format, description) of a file in downloads/all/, or None for a file the page does not know."""
    if name == P.EVERYTHING_ZIP:
        return "zip", "全部数据：合并数据包，以及 `reports/` 下每份报告自己的数据包（CSV、JSON、datapackage.json），以及说明许可的 README.txt"
    if name == P.CORPUS_SQLITE:
        return "SQLite", ("一个数据库：三张统计表、`reports`（每份报告一行）、`agencies`（每个机关一行）、"
                          "`measures`（每份报告的指标）、`checks`、`sections`，以及字段说明表 `fields`；"
                          "主键和外键与数据字典一致；报告正文和机关名称可全文检索（`sections_fts`、`agencies_fts`，"
                          "词之间用空格）")
    if name == P.CHANGELOG:
        return "文本", "数据更新记录：每个发布版本与上一版本相比的变化（也见[更新记录](changelog.md)页）"
    if name == P.CITATION_FILE:
        return "文本（UTF-8）", "如何引用本数据集（GB/T 7714 和 BibTeX，数据集版本，许可）"
    if name == "datapackage.json":
        return "JSON", "合并数据包的描述（Frictionless Data Package，含各表的 Table Schema）"
    stem, _, ext = name.partition(".")
    if ext == "csv" and stem.endswith("_excel") and stem[: -len("_excel")] in PARQUET_TABLES:
        zh, _en = table_title(stem[: -len("_excel")])
        return "CSV（Excel）", (f"{zh}，全部报告；UTF-8 带 BOM，Excel 双击即可正确显示中文；"
                               "以 `=`、`+`、`-`、`@` 开头的文字前加 `'`，不会被当作公式")
    if stem in R.RESOURCE_ORDER and ext == "csv":
        zh, _en = table_title(stem)
        return "CSV（UTF-8）", f"{zh}，全部报告"
    if name == P.PARQUET_DIR:
        return "Parquet", parquet_text()
    return None


def parquet_text() -> str:
    """How the partitioned Parquet datasets are laid out, read in one call, and fetched (paths.parquet_part)."""
    example, table = P.parquet_part("applications", 2023, "beijingshi"), P.parquet("applications")
    return (f"每张表一个 Parquet 数据集（文件夹 `{P.PARQUET_DIR}/<表名>/`，表：{'、'.join(f'`{t}`' for t in PARQUET_TABLES)}），"
            f"按报告年度和省份分区（Hive 风格，如 `{example}`），一份报告更新时只重写它所在的文件。"
            f"整个文件夹一次读入：`pandas.read_parquet(\"{table}\")`、`pyarrow.dataset.dataset(\"{table}\", "
            f"partitioning=\"hive\")`，或 DuckDB `read_parquet('{table}/*/*/*.parquet', hive_partitioning=true)`；"
            f"分区键 `{P.PARQUET_YEAR}`、`{P.PARQUET_PROVINCE}` 作为列加入（不与表中的 `year`、`province` 同名）。"
            "网站不列出文件夹内容：本链接是全部文件及其大小的清单（路径相对于 `downloads/all/`，"
            "可用 `wget -x -nH -B <本站>/downloads/all/ -i FILES.txt` 下载）")


# Three lines of pandas, shown on the downloads page and the data dictionary (the README has the same).
# An indented code block: the site's Markdown has no fenced-code extension.
PANDAS_EXAMPLE = (
    "    from gongkai import data\n"
    "    apps = data.load(\"applications\", base=\"https://本站地址/\")  # 或本地的 datapackages/ 目录\n"
    "    m = data.measures(base=\"https://本站地址/\")  # 每份报告一行：机关、年度和全部指标\n\n")


def pandas_section() -> str:
    return ("## 用 pandas 读取\n\n"
            "在本项目的代码目录里（`make` 装好 `.venv` 之后），`gongkai.data` 把发布的数据读成 pandas 表格，"
            "类型来自数据字典：计数为可空整数 `Int64`，**空白单元格是 `<NA>`，不是 0**；代码列（状态、行代码、"
            "申请人代码、版本、层级等）为分类类型；日期为日期类型。`base` 可以是本站网址（读取 `downloads/` 下的文件），"
            "也可以是本地的 `datapackages/` 目录。\n\n" + PANDAS_EXAMPLE +
            "`data.load_report(\"<机关代码>\", <年度>)` 读取一份报告的全部表。不用本项目代码时，`pandas.read_parquet` "
            "也能直接读取 Parquet 数据集的文件夹（如 `" + P.parquet("measures") + "`）。\n\n")


def version_section(version: str) -> str:
    """Which data version the downloads are, and how to cite it (every package's `version` is the same)."""
    if not RELEASE_VERSION.fullmatch(version):
        return (f"**版本。** 这些文件来自未发布的构建（提取程序版本 {md_text(version)}）；发布的数据版本及其变化见"
                "[更新记录](changelog.md)。\n\n")
    day = C.version_date(version)
    return (f"**版本 {md_text(version)}**（{md_text(day)} 发布；每个数据包的 `version` 字段相同）。"
            f"变化见[更新记录](changelog.md)。引用本数据：{md_text(C.citation(version, day))}\n\n")


def downloads_page(sizes: dict[str, int], built_on: str = "") -> str:
    """`sizes` maps `all/<file>` to bytes; `built_on` is the declared build date (page only, never in data)."""
    # Not in the search index: the page is a file list, and its build date would make the index differ
    # between two builds of the same inputs (overrides/main.html reads `search.exclude`).
    out = [front_matter("下载", {"search": {"exclude": True}}), "# 下载\n\n",
           "全部数据可以整体下载，也可以按报告下载。表格都是“长表”：每个印刷单元格一行，带稳定代码、数值、"
           "状态和原文，含义见[数据字典](dictionary.md)。**空白单元格为空值（状态 `blank`），不是 0。**\n\n",
           version_section(data_version()),
           "## 全部报告\n\n", "| 文件 | 格式 | 内容 | 大小 | 构建日期 |\n|---|---|---|---:|---|\n"]
    rank = {"zip": 0, "SQLite": 1, "JSON": 2}
    rows = []
    for rel, size in sizes.items():
        name = rel.rsplit("/", 1)[-1]
        item = _corpus_item(name)
        if item is None:
            continue
        fmt, desc = item
        # A folder (the Parquet datasets) links to its file list: a static site lists no folder.
        href, text = (f"{P.COMBINED}/{P.PARQUET_LIST}", f"`{name}/`") if name == P.PARQUET_DIR else (rel, md_text(name))
        rows.append(((rank.get(fmt, 3), fmt, name),
                     f"| [{text}](downloads/{href}) | {md_text(fmt)} | {desc} | {human_size(size)} | "
                     f"{md_text(built_on)} |\n"))
    out += [row for _, row in sorted(rows)]
    out.append("\n全部报告不再提供一个 Excel 工作簿（XLSX）：全国的报告数量超过一个工作表的行数上限（1,048,576 行），"
               f"每改动一份报告也要重写整个工作簿。每份报告一行的报告信息和指标在 `{P.excel_csv('metadata')}` 和 "
               f"`{P.excel_csv('measures')}` 中，Excel 可直接打开；每份报告仍有自己的工作簿（见下）。\n")
    out.append("\n## 单份报告\n\n每份报告的页面上都有以下文件（[机关索引](agencies.md)列出全部报告）：\n\n"
               "| 文件 | 格式 | 内容 |\n|---|---|---|\n"
               "| `<机关代码>-<年度>.zip` | zip | 该报告的数据包：各表的 CSV 和 JSON、datapackage.json，以及说明许可的 README.txt |\n"
               "| `<机关代码>-<年度>.xlsx` | Excel 工作簿 | 每张表一个工作表；README 工作表列出来源和字段说明 |\n"
               "| `<表名>.csv` | CSV（UTF-8） | 规范数据，与数据包相同，适合程序读取 |\n"
               "| `<表名>_excel.csv` | CSV（UTF-8 带 BOM） | 供 Excel 直接打开（BOM 让 Excel 正确识别中文） |\n"
               "| `<表名>.json` | JSON | 与 CSV 相同的记录 |\n"
               "| `datapackage.json` | JSON | 数据包描述（Frictionless Data Package） |\n\n")
    out.append("## 原文存档\n\n"
               f"每份报告的源文件（本站数字读自的那个文件，逐字节不变）都存档在 `{P.DOWNLOADS}/{P.ARCHIVE}/` 下，"
               "文件名是它的 SHA-256 校验值，报告页的“原文存档”一行链接到它。政府网站常常改版或删除旧报告，"
               "存档让每个数字都能对照原文核实：下载后计算 SHA-256（如 `sha256sum 文件`），应与文件名和报告页上的值相同；"
               "构建时逐一核对，不一致即报错。PDF、DOCX 和 TXT 按原格式提供；网页（HTML）源文件的原始字节以 `.txt` "
               "结尾提供，浏览器只会把它显示为纯文本，不会运行其中的脚本（要查看排版，请另存为 `.html` 后在本机打开，"
               "并留意其中的脚本来自原网站）。存档只含源文件本身，不含网页引用的图片、样式表或附件。\n\n")
    out.append("**关于 Excel 版本。** 报告文字来自各网站，不可全信。以 `=`、`+`、`-`、`@`、制表符或回车开头的文字单元格，"
               "在 Excel CSV 中前面加一个撇号 `'`，在 XLSX 中存为文本，防止被当作公式执行；数字（包括负数）保持为数字。"
               "规范 CSV、JSON 和数据包中的文字保持原样。\n\n")
    out.append(cite.block(cite.DATASET_ZH, P.page_url("downloads.md")))
    out.append("每份报告的下载文件夹和合并数据包旁都有同样内容的引用说明文件 "
               f"`{P.CITATION_FILE}`。\n\n")
    out.append("各报告的数据包也在仓库的 `datapackages/<分桶>/<机关代码>/<年度>/datapackage.json`"
               "（`<分桶>` 是机关代码 SHA-256 值的前两位十六进制数字，使每个文件夹的条目数不随机关数量增长），"
               "结构见[数据字典](dictionary.md)。"
               "数据包本身不含构建时间：相同的输入总是得到逐字节相同的文件。\n")
    out.append("\n" + pandas_section())
    out.append("\n## JSON API {#api}\n\n随网站一起发布的静态 JSON 文件（离线也可用），供程序读取。"
               "字段名为英文代码，中文名称在 `*_zh` 字段中；其中的路径都相对于网站根目录。\n\n"
               "| 文件 | 内容 |\n|---|---|\n"
               "| `api/index.json` | 指标定义，以及每份报告的机关、地区、层级、年度、格式版本、提取状态、未通过的核验数、"
               "主要指标和链接 |\n"
               "| `api/agencies.json` | 全部机关及其地区、层级和年度 |\n"
               "| `api/<分桶>/<机关代码>/<年度>.json` | 一份报告：元数据、三张表的每个单元格（代码、中英文标签、数值、单位、状态）、"
               "核验结果和正文各节（确切路径见 `api/index.json` 中该报告的 `links.api`） |\n\n"
               "全部数据以 ODC-PDDL-1.0（公共领域贡献）发布。\n")
    return "".join(out)


# A field's label and description in Chinese, then its English label and description (marked English).
DICT_HEAD = "| 字段 | 类型 | 中文 | 说明 | English |\n|---|---|---|---|---|\n"

# The database's tables that are not package resources: derived from them by the build.
DERIVED = tuple(n for n in CORPUS_TABLES if n not in R.RESOURCE_ORDER)


def sqlite_dictionary() -> str:
    """The database's extra table and names, from the same registry definitions."""
    out = [f"## SQLite 数据库\n\n[下载](downloads.md)页的 `{P.CORPUS_SQLITE}` 含上列各资源，每个一张表，列、类型和主键相同"
           "（资源 `metadata` 的表名为 `reports`），并以外键相连；字段说明也在表 `fields` 中。另有两张汇总表："
           "`agencies`（每个机关一行）和 `measures`（每份报告一行，每个[指标](#measures)一列，"
           f"也有 Parquet 数据集 `{P.parquet('measures')}`）：\n\n"]
    for name in DERIVED:
        zh, _en = table_title(name)
        out.append(f"### {md_text(zh)} {{#table-{name}}}\n\n表名 `{name}`；主键：{'、'.join(f'`{k}`' for k in table_key(name))}\n\n"
                   + DICT_HEAD)
        out += [f"| `{c.name}` | `{c.type}` | {md_text(c.zh)} | {zh_text(description_zh(name, c.name))} | "
                f"{en_text(c.en + '. ' + c.description)} |\n" for c in table_columns(name)]
        out.append("\n")
    return "".join(out)


def dictionary_page() -> str:
    """Generated from the registry: the one definition of tables, columns and codes."""
    out = [front_matter("数据字典"), "# 数据字典\n\n",
           "本页由代码中的唯一定义（`gongkai/schema/registry.py`）生成；数据包的 Table Schema 和校验也来自同一定义。\n\n",
           "## 数据包中的资源\n\n"]
    for name in R.RESOURCE_ORDER:
        zh, _en = R.title_of(name)
        key = "、".join(f"`{k}`" for k in R.key_of(name))
        out.append(f"### {md_text(zh)} {{#{name}}}\n\n资源 `{name}`；主键：{key}\n\n" + DICT_HEAD)
        for col in R.columns_of(name):
            # The values are codes: in code font (registry names, no report text).
            extra = f" 取值：{'、'.join(f'`{v}`' for v in col.enum)}。" if col.enum and len(col.enum) <= 12 else ""
            minimum = f" 最小值 {col.minimum}。" if col.minimum is not None else ""
            out.append(f"| `{col.name}` | `{col.type}` | {md_text(col.zh)} | "
                       f"{zh_text(description_zh(name, col.name))}{extra}{md_text(minimum)} | "
                       f"{en_text(col.en + '. ' + col.description)} |\n")
        out.append("\n")
    out.append(sqlite_dictionary())
    out.append("## 状态代码\n\n| 代码 | 中文 | 含义 |\n|---|---|---|\n")
    for code, (zh, en) in R.STATUSES.items():
        out.append(f"| `{code}` | {zh} | {en_text(en)} |\n")
    out.append("\n| 报告状态 | 中文 | 含义 |\n|---|---|---|\n")
    for code, (zh, _en) in R.REPORT_STATUSES.items():
        out.append(f"| `{code}` | {zh} | {md_text(R.REPORT_STATUS_READINGS[code])} |\n")
    out.append("\n## 表二：主动公开政府信息情况\n\n两个版本的列不同；同一代码在两个版本中含义相同。\n\n"
               "| 项目代码 | 条款 | 2021 版标签 | 2019 版标签 | English | 2021 版指标 | 2019 版指标 |\n"
               "|---|---|---|---|---|---|---|\n")
    for item in R.AD_ITEMS:
        cols = []
        for ed in (R.EDITION_2021, R.EDITION_2019):
            ms = R.AD_LAYOUT[ed].get(item.code)
            cols.append("、".join(f"`{m}`" for m in ms) if ms else "（无）")
        lab21 = item.label(R.EDITION_2021) if R.EDITION_2021 in item.editions else "（无）"
        lab19 = item.label(R.EDITION_2019) if R.EDITION_2019 in item.editions else "（无）"
        out.append(f"| `{item.code}` | {md_text(item.group)} | {md_text(lab21)} | {md_text(lab19)} | "
                   f"{en_text(item.en)} | {cols[0]} | {cols[1]} |\n")
    out.append("\n| 指标代码 | 版本 | 中文 | English | 单位 | 类型 | 可为负 |\n|---|---|---|---|---|---|---|\n")
    for m in R.AD_MEASURES:
        labels = "；".join(f"{ed}：{m.label(ed)}" for ed in m.editions)
        out.append(f"| `{m.code}` | {'、'.join(m.editions)} | {md_text(labels)} | {en_text(m.en)} | "
                   f"{md_text(m.unit)} | `{m.type}` | {'是' if m.minimum is None else '否'} |\n")
    out.append("\n## 表三：收到和处理政府信息公开申请情况\n\n"
               "2019 版把“（六）其他处理”印作一行（`other_total`）；2021 版拆成三行"
               "（`other_no_correction`、`other_unpaid_fee`、`other_other`）。两者可比：`other_total` 等于三行之和。"
               "有的报告用 2021 版的表二却把（六）印作一行，这时按实际印刷发布 `other_total`。\n\n"
               "| 行代码 | 分组 | 标签 | English | 版本 |\n|---|---|---|---|---|\n")
    for row in R.APP_ROWS:
        out.append(f"| `{row.code}` | {md_text(row.group)} | {md_text(row.zh)} | {en_text(row.en)} | "
                   f"{'、'.join(row.editions)} |\n")
    out.append("\n| 申请人代码 | 分组 | 标签 | English |\n|---|---|---|---|\n")
    for a in R.APPLICANTS:
        out.append(f"| `{a.code}` | {md_text(a.group)} | {md_text(a.zh)} | {en_text(a.en)} |\n")
    out.append("\n## 表四：政府信息公开行政复议、行政诉讼情况\n\n| 类别代码 | 类别 | 子类别 | English |\n"
               "|---|---|---|---|\n")
    for c in R.RL_CATEGORIES:
        out.append(f"| `{c.code}` | {md_text(c.group or c.zh)} | {md_text(c.zh if c.group else '')} | "
                   f"{en_text(c.en)} |\n")
    out.append("\n| 结果代码 | 标签 | English |\n|---|---|---|\n")
    for r in R.RL_RESULTS:
        out.append(f"| `{r.code}` | {md_text(r.zh)} | {en_text(r.en)} |\n")
    out.append("\n## 勾稽关系\n\n"
               "- `balance.<申请人>`：表三每一列，一 + 二 = 三（七）总计 + 四（表中印明）。\n"
               "- `outcomes.<申请人>`：（七）总计 = 各办理结果之和。\n"
               "- `applicants.<行>`：总计列 = 六类申请人之和。\n"
               "- `review_total.<类别>`：表四每组，总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。\n"
               "- `cross_year.<申请人>`：本年“二、上年结转”= 同一机关上一年度报告的“四、结转下年度”（两年都已发布时）。\n\n"
               "空白单元格按 0 计入并在说明中注明；一边全部空白、或有单元格缺失/无法读取时，不作核验（`not checked`）。\n")
    out.append(measures_section())
    out.append("\n" + pandas_section())
    return "".join(out)


def measures_section() -> str:
    """The headline measures' formulas, from the same definitions the pages and the API use."""
    out = ["\n## 指标 {#measures}\n\n"
           "首页、年度、地区、机关页面和 JSON API 中的指标都按下表计算，只用表三“总计”列和表四的单元格。"
           "计算只采用状态为 `reported`（如实摘录）或 `inferred`（推断）的数值；任何一个输入单元格为空白、缺失、"
           "存疑或无法读取时，该指标为空（未知），不按 0 计。比例的分母为 0 时也为空。"
           "纠错率的分母只计已审结的案件（结果维持 + 结果纠正 + 其他结果），不含尚未审结。"
           "多份报告合计时，数量相加；比例为分子之和除以分母之和（按规模加权），并注明纳入和排除的报告数。\n\n"
           "| 代码 | 中文 | English | 单位 | 公式 |\n|---|---|---|---|---|\n"]
    for m in M.MEASURES:
        unit_zh, unit_en = m.unit
        out.append(f"| `{m.code}` | {md_text(m.zh)} | {en_text(m.en)} | {md_text(unit_zh)}（{en_text(unit_en)}） | "
                   f"{md_text(m.formula_zh())} |\n")
    return "".join(out)


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


def write_pages(docs: Path, reports, failures, download_sizes, write, built_on: str = "",
                report_pages: bool = True, quality_extra: str = "") -> list[str]:
    """Render every generated page; `write(path, text)` does the I/O.  Returns the paths written.

    report_pages=False leaves out the report pages (the per-report phase writes them, from full records)."""
    by_agency: dict[str, list] = defaultdict(list)
    for rep in sorted(reports, key=lambda r: (r.slug, r.meta.year)):
        by_agency[rep.slug].append(rep)
    pages = {
        **overview_pages(reports, failures, quality_extra),
        "agencies.md": agencies_index(by_agency),
        "dictionary.md": dictionary_page(),
        "downloads.md": downloads_page(download_sizes, built_on),
        P.CORRECTIONS_PAGE: corrections_page(reports),
    }
    if report_pages:
        for reps in by_agency.values():
            for i, rep in enumerate(reps):
                prev_rep = reps[i - 1] if i > 0 else None
                next_rep = reps[i + 1] if i + 1 < len(reps) else None
                pages[P.report_page_of(rep)] = report_page(rep, prev_rep, next_rep)
    sections, chart_files = charts.site_charts(reports, {}, pages)  # the agencies' charts below
    charts.place_all(pages, sections)
    for rel, text in sorted({**pages, **chart_files}.items()):
        write(docs / rel, text)
    done = [*pages, *chart_files]
    del pages, sections, chart_files
    # One agency at a time: its page and charts are written and let go, so memory holds no more than one
    # agency's pages, however many agencies there are (there are about half as many as reports).
    for slug, reps in by_agency.items():
        page = {P.agency_page(slug): agency_page(slug, reps)}
        sections, chart_files = charts.agency_section(slug, reps)
        charts.place_all(page, sections)
        for rel, text in sorted({**page, **chart_files}.items()):
            write(docs / rel, text)
            done.append(rel)
    return sorted(done)
