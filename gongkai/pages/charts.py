"""Charts for the site, as pure functions: chart data -> (HTML/Markdown snippet, data files).

A chart is drawn in the browser by `docs/assets/charts.js` (with the ECharts copy the build
vendors into `docs/assets/vendor/`) from the same JSON file that the page offers for download,
so what a reader downloads is exactly what they see.  Every chart also carries a written
summary and its numbers as a plain table, so it reads without JavaScript and for screen readers.

Data files go under `docs/charts/`; their paths are built from checked ASCII ids only.  Which charts the site
has, from the reports' measures: pages/site_charts.py.
"""
from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal

from gongkai import paths as P
from gongkai.pages import cite
from gongkai.pages.markup import MARKER, esc

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
