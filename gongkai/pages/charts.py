"""Charts for the site, as pure functions: chart data -> (HTML/Markdown snippet, data files).

A chart is drawn in the browser by `docs/assets/charts.js` (with the ECharts copy the build
vendors into `docs/assets/vendor/`) from the same JSON file that the page offers for download,
so what a reader downloads is exactly what they see.  Every chart also carries a written
summary and its numbers as a plain table, so it reads without JavaScript and for screen readers.

Data files go under `docs/charts/`; their paths are built from checked ASCII ids only.
"""
from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal

from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai import paths as P
from gongkai.pages import cite, measured
from gongkai.pages.markup import MARKER, esc
from gongkai.schema.places import province_or_unknown, province_order

COUNT, SHARE = "count", "share"
LINE, BAR = "line", "bar"
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")
UNKNOWN = "—"
REPORTS = ("份", "reports")


@dataclass(frozen=True)
class Series:
    """One plotted quantity.  `kind` is COUNT (件) or SHARE (a proportion 0–1, shown as %)."""

    code: str
    zh: str
    en: str
    kind: str = COUNT
    plot: bool = True  # False: a companion column (e.g. reports covered), in the data but not drawn
    unit: tuple[str, str] | None = None  # (zh, en); default from kind: 件 / a share 0–1

    @property
    def unit_zh_en(self) -> tuple[str, str]:
        if self.unit:
            return self.unit
        return ("比例（0–1）", "share (0–1)") if self.kind == SHARE else ("件", "items")


@dataclass(frozen=True)
class Category:
    """One point on the x axis: a year, or a row of the form (a refusal reason …)."""

    key: str | int
    zh: str
    en: str


@dataclass(frozen=True)
class Chart:
    id: str                      # e.g. "agencies/<bucket>/<slug>/counts"; becomes the data file path
    title_zh: str                # may contain report text (agency names): always escaped
    title_en: str
    type: str                    # LINE (x = years, value axis) or BAR (x = categories)
    x_code: str                  # column name of the x values in the data ("year", "row_code")
    x_zh: str
    x_en: str
    categories: tuple[Category, ...]
    series: tuple[Series, ...]
    values: tuple[tuple, ...]    # values[i][j]: series i at category j; None = unknown
    note_zh: str = ""            # how the figures were made (coverage, pooling)


@dataclass(frozen=True)
class Rendered:
    snippet: str                 # Markdown with raw-HTML blocks, for a page at `page_path`
    files: dict[str, str]        # docs-relative path -> text


def _check_id(chart_id: str) -> str:
    if not _SAFE_ID.match(chart_id) or ".." in chart_id:
        raise ValueError(f"unsafe chart id {chart_id!r}")
    return chart_id


def _plain(value):
    """JSON-ready number: Decimals become int or float so the file is the same on every platform."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def fmt(kind: str, value) -> str:
    if value is None:
        return UNKNOWN
    value = _plain(value)
    if kind == SHARE:
        return f"{value * 100:.1f}%"
    return f"{value:,} 件" if isinstance(value, int) else f"{value} 件"


def data_json(chart: Chart) -> str:
    doc = {
        "id": chart.id,
        "title": {"zh": chart.title_zh, "en": chart.title_en},
        "type": chart.type,
        "x": {"code": chart.x_code, "zh": chart.x_zh, "en": chart.x_en,
              "values": [c.key for c in chart.categories],
              "labels": {"zh": [c.zh for c in chart.categories], "en": [c.en for c in chart.categories]}},
        "series": [{"code": s.code, "zh": s.zh, "en": s.en, "kind": s.kind, "plot": s.plot,
                    "unit": dict(zip(("zh", "en"), s.unit_zh_en)),
                    "values": [_plain(v) for v in vals]}
                   for s, vals in zip(chart.series, chart.values)],
        "note": chart.note_zh,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def data_csv(chart: Chart) -> str:
    """Wide CSV: one row per x value, one column per series (codes as headers), empty = unknown.  It starts
    with a BOM, so Excel, which opens such a file by double-click, reads the Chinese labels as UTF-8."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([chart.x_code, "label_zh", "label_en"] + [s.code for s in chart.series])
    for j, cat in enumerate(chart.categories):
        row = [cat.key, cat.zh, cat.en]
        for vals in chart.values:
            v = _plain(vals[j])
            row.append("" if v is None else v)
        writer.writerow(row)
    return "\ufeff" + buf.getvalue()


def _trend_sentence(s: Series, cats, vals) -> str:
    known = [(c, v) for c, v in zip(cats, vals) if v is not None]
    unknown = len(cats) - len(known)
    if not known:
        return f"{s.zh}：各年度均不详"
    if len(known) == 1:
        text = f"{s.zh}：仅 {known[0][0].zh} 可知，为 {fmt(s.kind, known[0][1])}"
    else:
        (c0, v0), (c1, v1) = known[0], known[-1]
        hi = max(known, key=lambda cv: _plain(cv[1]))
        text = f"{s.zh}：{c0.zh} {fmt(s.kind, v0)}，{c1.zh} {fmt(s.kind, v1)}"
        if _plain(hi[1]) not in (_plain(v0), _plain(v1)):
            text += f"，最高 {fmt(s.kind, hi[1])}（{hi[0].zh}）"
    if unknown:
        text += f"；{unknown} 个年度不详"
    return text


def _bar_sentence(s: Series, cats, vals) -> str:
    known = sorted(((c, _plain(v)) for c, v in zip(cats, vals) if v is not None), key=lambda cv: -cv[1])
    if not known:
        return f"{s.zh}：均不详"
    text = f"{s.zh}从高到低：" + "、".join(f"{c.zh} {fmt(s.kind, v)}" for c, v in known[:3])
    if len(known) > 3:
        text += f" 等 {len(known)} 项"
    unknown = len(cats) - len(known)
    if unknown:
        text += f"；{unknown} 项不详"
    return text


def caption(chart: Chart) -> str:
    """A plain-language summary of what the chart shows (its text alternative)."""
    sentence = _trend_sentence if chart.type == LINE else _bar_sentence
    parts = [sentence(s, chart.categories, vals) for s, vals in zip(chart.series, chart.values) if s.plot]
    return "。".join(parts) + "。"


def _cell(kind: str, value) -> str:
    """A table cell: the number without its unit (the column header carries it)."""
    value = _plain(value)
    if value is None:
        return UNKNOWN
    if kind == SHARE:
        return f"{value * 100:.1f}"
    return f"{value:,}"


def table_html(chart: Chart) -> str:
    head = f"<th>{esc(chart.x_zh)}</th>" + "".join(
        f'<th>{esc(s.zh)}（{esc("%" if s.kind == SHARE else s.unit_zh_en[0])}）</th>' for s in chart.series)
    rows = []
    for j, cat in enumerate(chart.categories):
        cells = "".join(f'<td class="gk-num">{esc(_cell(s.kind, vals[j]))}</td>'
                        for s, vals in zip(chart.series, chart.values))
        rows.append(f'<tr><th scope="row">{esc(cat.zh)}</th>{cells}</tr>')
    return (f'<div class="gk-table-wrap"><table class="gk-list gk-chart-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def render(chart: Chart, page_path: str) -> Rendered:
    """The snippet for the Markdown page at docs-relative `page_path`, and the chart's data files."""
    cid = _check_id(chart.id)
    json_rel = f"{P.CHART_DIR}/{cid}.json"
    csv_rel = f"{P.CHART_DIR}/{cid}.csv"
    here = posixpath.dirname(page_path) or "."
    link = lambda rel: posixpath.relpath(rel, here)  # noqa: E731 — Markdown links are relative to the .md file
    dom_id = "gk-chart-" + cid.replace("/", "-")
    text = caption(chart)
    note = f"{chart.note_zh}" if chart.note_zh else ""
    # Without JavaScript the chart's box is hidden (gongkai.css, Material's no-js class), a sentence says so and
    # the data table below is open; charts.js closes the table when it draws the chart, and shows the PNG and
    # SVG buttons (they need the drawn chart).  The figure's id is the chart's own link (本图链接).
    snippet = (
        f'<figure class="gk-chart-box" id="{dom_id}-box" markdown="0">\n'
        f'<figcaption class="gk-chart-title">{esc(chart.title_zh)}</figcaption>\n'
        # data-src is relative to the site root; charts.js resolves it from its own URL,
        # so it works under any base path and whatever the page's depth.
        f'<div class="gk-chart" id="{dom_id}" data-src="{esc(json_rel)}" data-type="{esc(chart.type)}" '
        f'role="img" aria-label="{esc(chart.title_zh)}" aria-describedby="{dom_id}-caption"></div>\n'
        '<noscript><p class="gk-chart-nojs">浏览器未启用 JavaScript，不显示图形；下表列出同样的数据。</p></noscript>\n'
        f'<p class="gk-chart-caption" id="{dom_id}-caption">{esc(text)}'
        + (f' <span class="gk-chart-note">{esc(note)}</span>' if note else "") + "</p>\n"
        "</figure>\n\n"
        f"图表数据下载：[CSV]({link(csv_rel)}) · [JSON]({link(json_rel)})"
        f'<span class="gk-chart-images" data-chart="{dom_id}" hidden> · 图片：'
        f'<button type="button" class="gk-chart-save" data-format="png">PNG</button> · '
        f'<button type="button" class="gk-chart-save" data-format="svg">SVG</button></span>'
        f" · [本图链接](#{dom_id}-box)\n"
        "{: .gk-chart-downloads }\n\n"
        f'<details class="gk-chart-data" id="{dom_id}-data" open markdown="0"><summary>以表格查看图表数据</summary>\n'
        f"{table_html(chart)}\n</details>\n\n"
        + cite.block(f"图表：{chart.title_zh}", P.page_url(page_path), key=cid.replace("/", "-"))
    )
    return Rendered(snippet, {json_rel: data_json(chart), csv_rel: data_csv(chart)})


# --- The site's charts, from published reports and the measures of gongkai/schema/measures.py -------------


# Agency trend charts: (file id, title zh, title en, measure codes).  Counts and shares are never
# mixed in one chart, so each has one honest axis.
TREND_GROUPS = (
    ("applications", "申请数量", "Requests", ("received", "handled", "disclosed", "refused")),
    ("shares", "公开率与不予公开率", "Shares disclosed and refused", ("share_disclosed", "share_refused")),
    ("reviews", "行政复议和行政诉讼", "Administrative reviews and lawsuits",
     ("reviews", "lawsuits", "review_corrected", "lawsuit_corrected")),
)


def _series(code: str) -> Series:
    m = M.BY_CODE[code]
    return Series(m.code, m.zh, m.en, SHARE if m.kind == M.SHARE else COUNT)


def agency_charts(slug: str, reps) -> list[Chart]:
    """Line charts across years of one agency's reports (sorted by year); none for a single year."""
    if len(reps) < 2:
        return []
    # Every year from the first report to the last is on the axis: a year without a report is a gap in the
    # line (its values are unknown), never a straight segment from the year before to the year after.
    by_year = {r.meta.year: r for r in reps}
    years = range(min(by_year), max(by_year) + 1)
    cats = tuple(Category(y, f"{y} 年" if y in by_year else f"{y} 年（无报告）", str(y)) for y in years)
    none = dict.fromkeys(M.BY_CODE)
    rows = [measured.values_of(r) if (r := by_year.get(y)) else none for y in years]
    agency = reps[-1].meta.agency
    out = []
    for gid, title_zh, title_en, codes in TREND_GROUPS:
        series = tuple(_series(c) for c in codes)
        values = tuple(tuple(row[c] for row in rows) for c in codes)
        if all(v is None for vals in values for v in vals):
            continue  # an empty chart says nothing; the year-by-year table shows the unknowns
        out.append(Chart(f"agencies/{P.agency_dir(slug)}/{gid}", f"{agency}：{title_zh}", f"{title_en} by year", LINE,
                         "year", "年度", "Year", cats, series, values,
                         note_zh="“—”表示该年度没有报告，或报告中的相关单元格为空白、缺失或无法读取；"
                                 "折线在这些年度断开。"))
    return out


_ROWS = R.by_code(R.APP_ROWS)


_INCLUDED = Series("reports_included", "纳入的报告数", "Reports included", COUNT, plot=False, unit=REPORTS)
_EXCLUDED = Series("reports_excluded", "未纳入的报告数（数据不详）", "Reports left out (unknown inputs)", COUNT,
                   plot=False, unit=REPORTS)


def _pooled_chart(chart_id, title_zh, title_en, value: Series, reports, measure_codes, label,
                  note_zh, extra=()) -> Chart:
    """A bar per measure, pooled over every report whose inputs are known (measures.pooled_cells).

    `extra` adds companion columns: (Series, function of the Pooled result).
    """
    pooled = [measured.pool(code, reports) for code in measure_codes]
    cats = tuple(Category(code, *label(code)) for code in measure_codes)
    columns = [(value, lambda p: p.value), (_INCLUDED, lambda p: p.covered), (_EXCLUDED, lambda p: p.excluded),
               *extra]
    return Chart(chart_id, title_zh, title_en, BAR, "measure", "项目", "Item", cats,
                 tuple(s for s, _ in columns), tuple(tuple(_plain(f(p)) for p in pooled) for _, f in columns),
                 note_zh=note_zh)


def _reason_label(code: str) -> tuple[str, str]:
    dim = _ROWS[code.removeprefix("share_")]
    return dim.zh.split(".", 1)[-1], dim.en.split(": ", 1)[-1]


def _measure_label(code: str) -> tuple[str, str]:
    return M.BY_CODE[code].zh, M.BY_CODE[code].en


OUTCOMES = ("granted", "partial", "refused", "unable", "not_processed")
REASONS = tuple(f"share_{d.code}" for d in R.APP_ROWS if d.group_code == "refused")
CORRECTION = ("review_correction_rate", "lawsuit_correction_rate")


def overview_charts(prefix: str, scope_zh: str, scope_en: str, reports) -> list[Chart]:
    """Over a set of reports (all, one year's, one region's): outcomes, refusals by reason, correction rates."""
    charts = [
        _pooled_chart(f"{prefix}/outcomes", f"{scope_zh}：申请的办理结果", f"{scope_en}: outcomes of requests",
                      Series("value", "件数", "Requests", COUNT), reports, OUTCOMES, _measure_label,
                      "每项合计该项数据可知的全部报告，各项纳入的报告数见数据表。"),
        _pooled_chart(f"{prefix}/refused-by-reason", f"{scope_zh}：不予公开的理由",
                      f"{scope_en}: share of requests refused, by reason",
                      Series("value", "占办理总数的比例", "Share of requests handled", SHARE), reports, REASONS,
                      _reason_label, "比例 = 各报告该理由件数之和 ÷ 同一批报告办理结果总计之和（按规模加权）。"),
        _pooled_chart(f"{prefix}/correction-rates", f"{scope_zh}：行政复议和行政诉讼的纠错率",
                      f"{scope_en}: correction rates in reviews and lawsuits",
                      Series("value", "纠错率", "Correction rate", SHARE), reports, CORRECTION, _measure_label,
                      "纠错率 = 结果纠正 ÷ 已审结案件（结果维持 + 结果纠正 + 其他结果），按规模加权。",
                      extra=((Series("corrected", "结果纠正", "Corrected", plot=False), lambda p: p.num),
                             (Series("decided", "已审结案件", "Decided cases", plot=False), lambda p: p.den))),
    ]
    # A chart with nothing known says nothing; the page's tables already show the unknowns.
    return [c for c in charts if any(v is not None for v in c.values[0])]


def _section(heading: str, page: str, charts: list[Chart], sections: dict, files: dict) -> None:
    """A page's chart section (into `sections`) and its charts' data files (into `files`)."""
    if not charts:
        return
    parts = [f"## {heading}\n\n"]
    for chart in charts:
        out = render(chart, page)
        parts.append(out.snippet)
        files.update(out.files)
    sections[page] = "".join(parts)


AGENCY_HEADING = "历年趋势"


def agency_section(slug: str, reps) -> tuple[dict[str, str], dict[str, str]]:
    """One agency page's chart section and data files, as site_charts gives them."""
    return page_section(P.agency_page(slug), agency_charts(slug, reps), AGENCY_HEADING)


def home_charts(reports) -> list[Chart]:
    return overview_charts("home", "全部报告", "All reports", reports)


def year_charts(year: int, reports) -> list[Chart]:
    return overview_charts(f"years/{int(year)}", f"{year} 年", str(year), reports)


def region_charts(province: str, reports) -> list[Chart]:
    return overview_charts(f"regions/{P.region_slug(province)}", province, P.region_slug(province), reports)


def page_section(page: str, charts: list[Chart], heading: str = "图表") -> tuple[dict[str, str], dict[str, str]]:
    """One page's chart section ({page: Markdown}, empty without charts) and its charts' data files: the
    pages are rendered in groups (pages/write.py), each with its own charts."""
    sections: dict = {}
    files: dict = {}
    _section(heading, page, charts, sections, files)
    return sections, files


def site_charts(reports, by_agency: dict, pages) -> tuple[dict[str, str], dict[str, str]]:
    """Chart sections for the generated pages that exist (page path -> Markdown), and the chart data files."""
    sections, files = {}, {}

    def add(page: str, heading: str, make):
        if page in pages:
            _section(heading, page, make(), sections, files)

    with measured.scope():  # the same reports are pooled for the home page, their year's and their region's
        add("index.md", "图表", lambda: home_charts(reports))
        by_year: dict[int, list] = {}
        for rep in reports:
            by_year.setdefault(rep.meta.year, []).append(rep)
        for year, reps in sorted(by_year.items()):
            add(P.year_page(year), "图表", lambda: year_charts(year, reps))
        by_region: dict[str, list] = {}
        for rep in reports:
            by_region.setdefault(province_or_unknown(rep.meta.province), []).append(rep)
        for province, reps in sorted(by_region.items(), key=lambda kv: province_order(kv[0])):
            add(P.region_page(province), "图表", lambda: region_charts(province, reps))
        for slug, reps in by_agency.items():
            add(P.agency_page(slug), AGENCY_HEADING, lambda: agency_charts(slug, reps))
    return sections, files


def place(page_text: str, section: str) -> str:
    """Put a chart section at the page's marker, or at its end."""
    if MARKER in page_text:
        return page_text.replace(MARKER, section, 1)
    return page_text.rstrip("\n") + "\n\n" + section


def place_all(pages: dict[str, str], sections: dict[str, str]) -> None:
    """Place each page's chart section; a marker left on a page without charts is removed."""
    for rel, text in pages.items():
        if rel in sections:
            pages[rel] = place(text, sections[rel])
        elif MARKER in text:
            pages[rel] = text.replace(MARKER + "\n", "").replace(MARKER, "")
