"""Pure functions that render report data as HTML fragments for Markdown pages.

Every string that came from a report (names, labels, cells, prose) goes through
`esc` or `text_block`; nothing from a report is ever written as Markdown syntax.
"""
from __future__ import annotations

import html
import re
from decimal import Decimal

import yaml

from gongkai.schema import registry as R
from gongkai.parse.labels import format_decimal

STATUS_MARK = {"blank": "", "missing": "—", "unreadable": "?", "ambiguous": "?", "illegible": "?"}


_MD_ACTIVE = str.maketrans({"|": "&#124;", "`": "&#96;"})


def esc(text) -> str:
    """HTML-escaped text that also stays whole inside a Markdown table row: '|' would end the cell
    and '`' would open code, so both become character references (a file name can hold either)."""
    return html.escape("" if text is None else str(text), quote=True).translate(_MD_ACTIVE)


def safe_href(url: str | None) -> str | None:
    """Only http(s) links are published; anything else (javascript:, data:, file:) is dropped."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or any(c in url for c in "\"'<> \n\t"):
        return None
    return url


def text_block(text: str | None, css: str = "gk-text") -> str:
    """Narrative text as escaped paragraphs inside one raw-HTML block on one line: inert to Markdown, and
    passed through unparsed by hooks/gongkai_mkdocs.py."""
    paragraphs = [" ".join(p.split()) for p in (text or "").split("\n")]
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs if p)
    return f'<div class="{css}">{body}</div>'


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def cell_td(rec: dict | None) -> str:
    if rec is None:
        return '<td class="gk-na">·</td>'
    status = rec["status"]
    if R.carries_value(status):
        cls = "gk-num" + {"inferred": " gk-inferred", "ocr": " gk-ocr", "corrected": " gk-corrected"}.get(status, "")
        title = f' title="{esc(R.STATUSES[status][0])}"' if status != "reported" else ""
        if status == "ocr" and rec.get("confidence") is not None:
            title = f' title="{esc(R.STATUSES[status][0])}（置信度 {float(rec["confidence"]):.2f}）"'
        page = f' data-page="{rec["source_page"]}"' if rec.get("source_page") else ""
        return f'<td class="{cls}"{title}{page}>{esc(number(rec["value"]))}</td>'
    label = R.STATUSES[status][0]
    raw = f"：{rec['raw']}" if rec.get("raw") else ""
    ev = " data-ev" if rec.get("raw") and status in EVIDENCE_STATUSES else ""
    return f'<td class="gk-{status}" title="{esc(label + raw)}"{ev}>{esc(STATUS_MARK.get(status, ""))}</td>'


# Every number links to its evidence view (#cell=<code>, docs/assets/evidence.js), and so does a '?' cell with
# something printed (data-ev: the run and its readings); pages/evidence.py keeps to the same list.  The
# script makes the links from the cell codes the rows and tables carry (data-row, data-cols: the codes of the
# row's value cells in order), not one link per cell in the HTML: that would add about 10 KB to a page.
EVIDENCE_STATUSES = ("ambiguous", "unreadable", "illegible")


def _codes(codes) -> str:
    return f' data-cols="{esc(" ".join(codes))}"'


def source_note(records: list[dict]) -> str:
    """Where a table's values were read: PDF pages and/or the tables of the source document."""
    pages = sorted({r["source_page"] for r in records if r.get("source_page")})
    tables = sorted({r["source_table"] for r in records if r.get("source_table")})
    lines = sorted({r["source_row"] for r in records if r.get("source_row") and not r.get("source_table")})
    parts = []
    if pages:
        parts.append(f"源文件第 {'、'.join(map(str, pages))} 页")
    if tables:
        parts.append(f"源文件中的第 {'、'.join(map(str, tables))} 个表格")
    if lines and not pages:
        parts.append(f"源文本第 {lines[0]}–{lines[-1]} 行")
    note = ocr_note(records)
    if not parts:
        return note
    return f'<p class="gk-source">数据来源位置：{esc("，".join(parts))}。</p>' + note


def ocr_note(records: list[dict]) -> str:
    """Says that a table was read by OCR from a picture, and how much of it could not be read."""
    read = sum(1 for r in records if r.get("status") == "ocr")
    illegible = sum(1 for r in records if r.get("status") == "illegible")
    if not read and not illegible:
        return ""
    text = f"本表由 OCR 从图片（扫描件或图片表格）识别：{read} 个数值为识别结果（状态“{R.STATUSES['ocr'][0]}”，悬停可见置信度）"
    if illegible:
        text += f"，{illegible} 个单元格无法辨认，不发布数值"
    text += "。勾稽关系未通过的行或列，请对照原件核实。"
    return f'<p class="gk-source gk-ocr-note">{esc(text)}</p>'


def _index(records, row_key, col_key):
    return {(r[row_key], r[col_key]): r for r in records}


def table_active(records: list[dict], edition: str | None) -> str:
    if not records or edition not in R.EDITIONS:
        return '<p class="gk-none">本报告没有可读取的此表。</p>'
    cells = _index(records, "item_code", "measure_code")
    items = R.by_code(R.AD_ITEMS)
    measures = R.by_code(R.AD_MEASURES)
    width = max(len(v) for v in R.AD_LAYOUT[edition].values())
    out = ['<div class="gk-table-wrap"><table class="gk-form gk-t2">']
    last_group = None
    for item_code, measure_codes in R.AD_LAYOUT[edition].items():
        item = items[item_code]
        if item.group != last_group:
            last_group = item.group
            out.append(f'<tr class="gk-group"><th colspan="{width + 1}">{esc(item.group)}</th></tr>')
            out.append("<tr><th>信息内容</th>" + _spread(
                [f"<th{{span}}>{esc(measures[m].label(edition))}</th>" for m in measure_codes], width) + "</tr>")
        out.append(f'<tr data-row="{esc(item_code)}"{_codes(measure_codes)}><th scope="row">{esc(item.label(edition))}</th>' + _spread(
            [cell_td(cells.get((item_code, m))).replace("<td", "<td{span}", 1) for m in measure_codes], width)
            + "</tr>")
    out.append("</table></div>")
    return "".join(out)


def _spread(cells: list[str], width: int) -> str:
    """Lay n cells over `width` columns, the last one spanning the rest (as the form does)."""
    out = []
    for i, c in enumerate(cells):
        span = width - len(cells) + 1 if i == len(cells) - 1 and len(cells) < width else 1
        out.append(c.replace("{span}", f' colspan="{span}"' if span > 1 else "", 1))
    return "".join(out)


def table_applications(records: list[dict]) -> str:
    if not records:
        return '<p class="gk-none">本报告没有可读取的此表。</p>'
    cells = _index(records, "row_code", "applicant_code")
    present = []
    for row in R.APP_ROWS:
        if any(k[0] == row.code for k in cells):
            present.append(row)
    head = (
        '<tr><th colspan="3" rowspan="3" class="gk-note">（本列数据的勾稽关系为：第一项加第二项之和，'
        '等于第三项加第四项之和）</th><th colspan="7">申请人情况</th></tr>'
        '<tr><th rowspan="2">自然人</th><th colspan="5">法人或其他组织</th><th rowspan="2">总计</th></tr>'
        "<tr>" + "".join(f"<th>{esc(a.zh)}</th>" for a in R.APPLICANTS[1:6]) + "</tr>"
    )
    out = [f'<div class="gk-table-wrap"><table class="gk-form gk-t3"{_codes(a.code for a in R.APPLICANTS)}>', head]
    result_rows = [r for r in present if r.group_code]
    group_sizes: dict[str, int] = {}
    for r in result_rows:
        group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    results_started = False
    seen_groups = set()
    for row in present:
        tds = "".join(cell_td(cells.get((row.code, a.code))) for a in R.APPLICANTS)
        if not row.group_code:
            out.append(f'<tr data-row="{esc(row.code)}"><th colspan="3" scope="row">{esc(row.zh)}</th>{tds}</tr>')
            continue
        lead = ""
        if not results_started:
            results_started = True
            lead = f'<th rowspan="{len(result_rows)}" class="gk-vertical">{esc(R.G_RESULTS)}</th>'
        if row.group == R.G_RESULTS:
            out.append(f'<tr data-row="{esc(row.code)}">{lead}<th colspan="2" scope="row">{esc(row.zh)}</th>{tds}</tr>')
        else:
            group = ""
            if row.group not in seen_groups:
                seen_groups.add(row.group)
                group = f'<th rowspan="{group_sizes[row.group]}">{esc(row.group)}</th>'
            out.append(f'<tr data-row="{esc(row.code)}">{lead}{group}<th scope="row">{esc(row.zh)}</th>{tds}</tr>')
    out.append("</table></div>")
    return "".join(out)


def table_reviews(records: list[dict]) -> str:
    if not records:
        return '<p class="gk-none">本报告没有可读取的此表。</p>'
    cells = _index(records, "category_code", "result_code")
    results = "".join(f"<th>{esc(r.zh)}</th>" for r in R.RL_RESULTS)
    head = (
        '<tr><th colspan="5">行政复议</th><th colspan="10">行政诉讼</th></tr>'
        + "<tr>" + "".join(f'<th rowspan="2">{esc(r.zh)}</th>' for r in R.RL_RESULTS)
        + '<th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th></tr>'
        + "<tr>" + results + results + "</tr>"
    )
    row = "".join(cell_td(cells.get((c.code, r.code))) for c in R.RL_CATEGORIES for r in R.RL_RESULTS)
    codes = _codes(f"{c.code}.{r.code}" for c in R.RL_CATEGORIES for r in R.RL_RESULTS)
    return f'<div class="gk-table-wrap"><table class="gk-form gk-t4">{head}<tr{codes}>{row}</tr></table></div>'


def checks_table(checks: list[dict]) -> str:
    if not checks:
        return '<p class="gk-none">没有可核验的表格数据。</p>'
    order = {"fail": 0, "not checked": 1, "pass": 2}
    label = {"fail": "未通过", "not checked": "未核验", "pass": "通过"}
    rows = []
    for c in sorted(checks, key=lambda c: (order[c["result"]], c["check_id"])):
        rows.append(
            f'<tr class="gk-check-{c["result"].replace(" ", "-")}"><td>{esc(label[c["result"]])}</td>'
            f'<td><code>{esc(c["check_id"])}</code></td><td>{esc(c["identity"])}</td>'
            f'<td class="gk-num">{esc(number(c["lhs"]))}</td><td class="gk-num">{esc(number(c["rhs"]))}</td>'
            f'<td>{esc(c["note"])}</td></tr>')
    return ('<div class="gk-table-wrap"><table class="gk-checks"><tr><th>结果</th><th>核验</th><th>勾稽关系</th>'
            '<th>左边</th><th>右边</th><th>说明</th></tr>' + "".join(rows) + "</table></div>")


def legacy_table(records: list[dict]) -> str:
    """The pre-2019 统计表 as printed; values that could not be split are marked, never guessed."""
    rows = []
    for rec in records:
        if R.carries_value(rec["status"]):
            cls = ' class="gk-num gk-inferred"' if rec["status"] == "inferred" else ' class="gk-num"'
            vals = [f"<span{cls}>{esc(number(rec['this_year']))}</span>",
                    f"<span{cls}>{esc(number(rec['cumulative']))}</span>"]
        else:
            mark = esc(STATUS_MARK.get(rec["status"], ""))
            title = esc(R.STATUSES[rec["status"]][0] + "：" + rec["raw"])
            vals = [f'<span title="{title}">{mark}</span>'] * 2
        rows.append([esc(rec["indicator"]), esc(rec["unit"] or ""), *vals])
    return simple_table(["指标名称", "计量单位", "本年度", "历年累计"], rows) + \
        '<p class="gk-source">斜体数字由粘连文字推断（唯一可能的拆分）；“?”表示有多种拆分，不发布数字。</p>'


def simple_table(headers: list[str], rows: list[list[str]], css: str = "gk-list") -> str:
    """Rows are already-rendered HTML cells (callers escape); headers are trusted literals."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<div class="gk-table-wrap"><table class="{css}"><tr>{head}</tr>{body}</table></div>'


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_text(text) -> str:
    """Untrusted text for use inside Markdown (link text, table cells): inert HTML and Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text or "").split()), quote=False))


def md_link(text, target: str) -> str:
    return f"[{md_text(text)}]({target})"


def _clean(text: str) -> str:
    return re.sub(r"[<>&\"'`]", "", text)


def front_matter(title: str, extra: dict | None = None) -> str:
    data = {"title": _clean(title), **(extra or {})}
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=True) + "---\n\n"


def h1(text: str) -> str:
    return f"<h1>{esc(text)}</h1>\n\n"


# A page generator may place this where its charts belong; else they go last (charts.place).
MARKER = "<!-- gk-charts -->"


def align(n_text: int, n_num: int) -> str:
    return "|" + "---|" * n_text + "---:|" * n_num + "\n"


def sortable(table_md: str) -> str:
    return f'<div class="gk-sortable" markdown="1">\n\n{table_md}\n</div>\n\n'
