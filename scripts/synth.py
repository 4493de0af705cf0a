"""Scale corpus: synthetic annual reports whose numbers satisfy every identity of the form.

    python scripts/synth.py OUT_DIR --count 1000 [--formats txt,html,pdf,docx] [--seed 1]

Every agency name starts with 〔合成〕 and every sidecar says `synthetic: true` in its notes, so a
synthetic report can never pass for a real one.  Refuses to write into reports/.

The cells are drawn at random, then the derived cells (totals, 上年结转, 新收) are computed from the
identities, so a synthetic report has no failing check; an agency's consecutive years also chain
(本年上年结转 = 上年结转下年度).  The layout follows the 2021 form as printed in real reports: one
table per family (tab-separated text, HTML <table>, a Word table, a PDF printed from the HTML).
"""
from __future__ import annotations

import argparse
import html
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from gongkai.schema import registry as R

MARK = "〔合成〕"
FORMATS = ("txt", "html", "docx", "pdf")
YEARS = (2021, 2022, 2023)  # the 2021 form; three years per agency so the cross-year check runs

# Made-up place names from syllables that are common in real ones; the mark keeps them apart from real places.
_SYL = "安宁平和阳泉山川河江湖海东西南北中新兴华丰泰长永明德庆福寿云青白金石林桥岭源溪"
_PROV = ("东海省", "西岭省", "南川省", "北原省", "中湖省", "云泽省", "青岚省", "金沙省")
_DEPTS = (("人民政府", "city"), ("司法局", "city-dept"), ("教育局", "city-dept"), ("公安局", "city-dept"),
          ("自然资源局", "city-dept"), ("生态环境局", "city-dept"), ("住房和城乡建设局", "city-dept"),
          ("交通运输局", "city-dept"), ("卫生健康委员会", "city-dept"), ("市场监督管理局", "city-dept"),
          ("财政局", "city-dept"), ("人力资源和社会保障局", "city-dept"), ("民政局", "city-dept"),
          ("农业农村局", "city-dept"), ("水利局", "city-dept"), ("应急管理局", "city-dept"))


@dataclass
class Synthetic:
    agency: str
    region: str
    level: str
    year: int
    ad: dict      # (item, measure) -> Decimal
    app: dict     # (row, applicant) -> int
    rl: dict      # (category, result) -> int


def _agencies(rng: random.Random, n: int):
    seen = set()
    while len(seen) < n:
        city = rng.choice(_SYL) + rng.choice(_SYL) + "市"
        prov = rng.choice(_PROV)
        dept, level = rng.choice(_DEPTS)
        key = (prov, city, dept)
        if key in seen:
            continue
        seen.add(key)
        yield f"{MARK}{prov}{city}{dept}", f"{prov}{city}", level


def _small(rng: random.Random, scale: int) -> int:
    """Mostly zeros with a long tail, like the counts in real reports."""
    return 0 if rng.random() < 0.6 else int(rng.expovariate(1 / scale)) + 1


def applications(rng: random.Random, carried_over: dict[str, int] | None) -> dict:
    leaves = R.OUTCOME_LEAVES + R.OTHER_SPLIT
    parts = [c.code for c in R.APPLICANTS[:-1]]
    app = {}
    for col in parts:
        scale = 30 if col == "natural_person" else 3
        for row in leaves:
            app[(row, col)] = _small(rng, scale * (4 if row in ("granted", "unable_not_held") else 1))
        app[("total", col)] = sum(app[(row, col)] for row in leaves)
        app[("carried_forward", col)] = _small(rng, max(1, scale // 5))
        prev = carried_over[col] if carried_over is not None else _small(rng, max(1, scale // 5))
        # 一 + 二 = （七）总计 + 四; the new requests absorb the difference, and can never be negative.
        prev = min(prev, app[("total", col)] + app[("carried_forward", col)])
        app[("carried_over", col)] = prev
        app[("new_received", col)] = app[("total", col)] + app[("carried_forward", col)] - prev
    for row in {r for r, _ in app}:
        app[(row, "total")] = sum(app[(row, c)] for c in parts)
    return app


def reviews(rng: random.Random) -> dict:
    rl = {}
    for cat in R.RL_CATEGORIES:
        for res in R.RL_RESULTS[:-1]:
            rl[(cat.code, res.code)] = _small(rng, 2)
        rl[(cat.code, "total")] = sum(rl[(cat.code, r.code)] for r in R.RL_RESULTS[:-1])
    return rl


def active(rng: random.Random) -> dict:
    ad = {}
    for item, measure in R.expected_cells("active_disclosure", R.EDITION_2021):
        if measure.type == "number":
            ad[(item.code, measure.code)] = Decimal(rng.randrange(0, 5_000_000)) / Decimal(10_000)
        else:
            ad[(item.code, measure.code)] = Decimal(_small(rng, 40 if measure.code == "decisions" else 5))
    return ad


def verify(s: Synthetic) -> None:
    """Run the project's own identity checks on the generated cells: a synthetic report never fails one."""
    from gongkai.checks.identities import run_checks
    from gongkai.model import CellValue

    def cells(d):
        return {k: CellValue(Decimal(v), "reported", str(v), None) for k, v in d.items()}

    failed = [c.check_id for c in run_checks(cells(s.app), cells(s.rl), "split") if c.result != "pass"]
    if failed:
        raise AssertionError(f"synthetic report for {s.agency} {s.year} breaks identities: {failed}")


def generate(count: int, seed: int = 1) -> list[Synthetic]:
    rng = random.Random(seed)
    n_agencies = -(-count // len(YEARS))
    out = []
    for agency, region, level in _agencies(rng, n_agencies):
        carried = None
        for year in YEARS:
            if len(out) == count:
                return out
            app = applications(rng, carried)
            carried = {c.code: app[("carried_forward", c.code)] for c in R.APPLICANTS[:-1]}
            s = Synthetic(agency, region, level, year, active(rng), app, reviews(rng))
            verify(s)
            out.append(s)
    return out


# ---------------------------------------------------------------------------
# The printed form: one list of rows per table, shared by every layout family.
# ---------------------------------------------------------------------------
def _num(value) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def table_active(s: Synthetic) -> list[list[str]]:
    groups = {}
    for item, measure in R.expected_cells("active_disclosure", R.EDITION_2021):
        groups.setdefault(item.group, {}).setdefault(item, []).append(measure)
    rows = []
    for group, items in groups.items():
        rows.append([group, "", "", ""])
        measures = next(iter(items.values()))
        rows.append(["信息内容"] + [m.label(R.EDITION_2021) for m in measures] + [""] * (3 - len(measures)))
        for item, ms in items.items():
            rows.append([item.label(R.EDITION_2021)] + [_num(s.ad[(item.code, m.code)]) for m in ms]
                        + [""] * (3 - len(ms)))
    return rows


def table_applications(s: Synthetic) -> list[list[str]]:
    cols = [c.code for c in R.APPLICANTS]
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    shown_group = set()
    for row in R.APP_ROWS:
        if R.EDITION_2021 not in row.editions or row.code == "other_total":
            continue
        values = [str(s.app[(row.code, c)]) for c in cols]
        if not row.group:
            rows.append([row.zh, ""] + values)
        elif row.group == R.G_RESULTS:
            first = "" if R.G_RESULTS in shown_group else R.G_RESULTS
            shown_group.add(R.G_RESULTS)
            rows.append([first, row.zh] + values)
        else:
            sub = "" if row.group in shown_group else row.group
            shown_group.add(row.group)
            rows.append(["", sub, row.zh] + values)
    return rows


def table_reviews(s: Synthetic) -> list[list[str]]:
    results = [r.zh for r in R.RL_RESULTS]
    return [["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
            results + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            [""] * 5 + results + results,
            [str(s.rl[(c.code, r.code)]) for c in R.RL_CATEGORIES for r in R.RL_RESULTS]]


def title(s: Synthetic) -> str:
    return f"{s.agency}{s.year}年政府信息公开工作年度报告"


def paragraphs(s: Synthetic, section: str) -> list[str]:
    a = s.app
    if section == "1":
        return [f"本报告为合成数据，仅用于测试，不代表任何真实机关。{s.year}年，{s.agency}坚持以人民为中心，"
                f"推进政务公开标准化规范化，做好政策解读和回应关切。",
                f"全年新收政府信息公开申请{a[('new_received', 'total')]}件，上年结转{a[('carried_over', 'total')]}件，"
                f"办结{a[('total', 'total')]}件，结转下年度{a[('carried_forward', 'total')]}件。"]
    if section == "5":
        return ["存在的主要问题是公开内容的及时性和解读的针对性仍需加强。下一步将完善工作机制，加强业务培训，"
                "提升依申请公开办理质量，推进司法、教育、社会保障等重点领域信息公开。"]
    return [f"{s.year}年未收取信息处理费。本报告电子版可在本机关门户网站查阅（合成数据，无真实网址）。"]


SECTION_HEADINGS = {n: h for n, h, _ in R.SECTIONS}


def blocks(s: Synthetic):
    """The document in reading order: ('h', text), ('p', text) and ('table', rows)."""
    yield "title", title(s)
    yield "p", (f"根据《中华人民共和国政府信息公开条例》规定，按照《中华人民共和国政府信息公开工作年度报告格式》要求，"
                f"编制本报告。本报告中所列数据统计期限为{s.year}年1月1日至12月31日。")
    tables = {"2": table_active, "3": table_applications, "4": table_reviews}
    for n in ("1", "2", "3", "4", "5", "6"):
        yield "h", SECTION_HEADINGS[n]
        if n in tables:
            yield "table", tables[n](s)
        else:
            for p in paragraphs(s, n):
                yield "p", p


# ---------------------------------------------------------------------------
# Layout families
# ---------------------------------------------------------------------------
def render_txt(s: Synthetic) -> bytes:
    out = []
    for kind, body in blocks(s):
        if kind == "table":
            out.extend("\t".join(r) for r in body)
        else:
            out.append(body)
        out.append("")
    return "\n".join(out).encode("utf-8")


def render_html(s: Synthetic) -> str:
    out = ['<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{html.escape(title(s))}</title>",
           "<style>body{font-family:'Noto Serif CJK SC','Noto Sans CJK SC',serif;font-size:12pt}"
           "table{border-collapse:collapse;margin:8pt 0}td{border:1px solid #000;padding:2pt 4pt;font-size:9pt}"
           "</style></head><body>"]
    for kind, body in blocks(s):
        if kind == "title":
            out.append(f"<h1>{html.escape(body)}</h1>")
        elif kind == "h":
            out.append(f"<h2>{html.escape(body)}</h2>")
        elif kind == "p":
            out.append(f"<p>{html.escape(body)}</p>")
        else:
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                                           for r in body) + "</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def render_docx(s: Synthetic, path: Path) -> None:
    import docx

    doc = docx.Document()
    for kind, body in blocks(s):
        if kind == "title":
            doc.add_heading(body, level=1)
        elif kind == "h":
            doc.add_heading(body, level=2)
        elif kind == "p":
            doc.add_paragraph(body)
        else:
            table = doc.add_table(rows=len(body), cols=max(map(len, body)))
            table.style = "Table Grid"
            for i, r in enumerate(body):
                for j, c in enumerate(r):
                    table.cell(i, j).text = c
    doc.core_properties.title = title(s)
    doc.save(str(path))


class PdfPrinter:
    """HTML -> PDF through one headless Chromium (Playwright driving Debian's chromium)."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]

    def __init__(self):
        import shutil

        from playwright.sync_api import sync_playwright

        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            raise RuntimeError("no chromium on PATH")
        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=exe, args=self.FLAGS)
        self._page = self._browser.new_page()

    def print(self, markup: str, path: Path) -> None:
        self._page.set_content(markup)
        path.write_bytes(self._page.pdf(format="A4", print_background=False))

    def close(self):
        self._browser.close()
        self._pw.stop()


def sidecar(s: Synthetic, name: str) -> str:
    # Real sidecars use the same fields; `synthetic: true` in the notes marks this corpus for people and tools.
    return (f"source: synthetic report generated by scripts/synth.py (not a real publication)\n"
            f"agency: {s.agency}\nregion: {s.region}\nlevel: {s.level}\nyear: {s.year}\n"
            f"notes: 'synthetic: true — {name} is made up by scripts/synth.py; no real agency published it'\n")


def file_name(i: int, s: Synthetic, fmt: str) -> str:
    return f"synth_{i:05d}_{s.year}.{fmt}"


def pick_formats(count: int, formats: list[str], weights: list[float], seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    return rng.choices(formats, weights=weights, k=count)


def write_corpus(out: Path, count: int, formats: list[str], weights: list[float] | None = None,
                 seed: int = 1, log=print) -> list[Path]:
    out = Path(out).resolve()
    if out == (ROOT / "reports").resolve() or (ROOT / "reports").resolve() in out.parents:
        raise SystemExit("refusing to write synthetic reports into reports/: they never enter the published corpus")
    out.mkdir(parents=True, exist_ok=True)
    weights = weights or [1.0] * len(formats)
    if "pdf" in formats:
        try:
            printer = PdfPrinter()
        except Exception as exc:  # no chromium or no playwright driver: the other families still work
            log(f"synth: skipping PDF ({type(exc).__name__}: {exc})")
            i = formats.index("pdf")
            formats, weights = formats[:i] + formats[i + 1:], weights[:i] + weights[i + 1:]
            printer = None
    else:
        printer = None
    paths = []
    try:
        reports = generate(count, seed)
        for i, (s, fmt) in enumerate(zip(reports, pick_formats(count, formats, weights, seed))):
            path = out / file_name(i, s, fmt)
            if fmt == "txt":
                path.write_bytes(render_txt(s))
            elif fmt == "html":
                path.write_text(render_html(s), encoding="utf-8")
            elif fmt == "docx":
                render_docx(s, path)
            elif fmt == "pdf":
                printer.print(render_html(s), path)
            (out / (path.name + ".yml")).write_text(sidecar(s, path.name), encoding="utf-8")
            paths.append(path)
    finally:
        if printer:
            printer.close()
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="directory to write into (never reports/)")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--formats", default="txt,html,docx,pdf",
                    help="comma-separated layout families, optionally weighted: txt:45,html:45,pdf:10")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    formats, weights = [], []
    for spec in args.formats.split(","):
        name, _, w = spec.partition(":")
        if name not in FORMATS:
            ap.error(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
        formats.append(name)
        weights.append(float(w or 1))
    paths = write_corpus(args.out, args.count, formats, weights, args.seed, log=lambda m: print(m, file=sys.stderr))
    print(f"{len(paths)} synthetic report(s) written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
