"""The site's charts, from published reports and the measures of gongkai/schema/measures.py: each agency's
trends across years, and over a set of reports (all, one year's, one region's) the outcomes of requests,
refusals by reason and correction rates.  pages/charts.py draws them (snippet and data files)."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.pages import measured
from gongkai.pages.charts import BAR, COUNT, LINE, REPORTS, SHARE, Category, Chart, Series, _plain, render
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.schema.places import province_or_unknown, province_order


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
