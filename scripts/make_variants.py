"""Derive test variants of real reports: same report, other layout family, same golden values.

    python scripts/make_variants.py            # writes tests/fixtures/derived/
    python scripts/make_variants.py --text     # only the pdftotext and markdown variants
    python scripts/make_variants.py --rowspan  # only the Chromium print of merged group cells


Needs Debian's chromium, libreoffice-writer and poppler-utils (and opencc, a project dependency).  The outputs
are committed, so the test suite does not need these programs; rerun this script when a source
report changes.  Each variant gets a sidecar copied from its source's, saying how it was made.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
OUT = ROOT / "tests" / "fixtures" / "derived"
HTML_SOURCE = "041_shanghai_shizhengfu_bgt_2019.html"
TEXT_SOURCE = "000_8719cb9f3c2be4e4.txt"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# The HTML report names itself in its title, so its variants carry no agency/year/region/level
# in their sidecars: they test detection.  The seed's title says only 自治区司法厅, so its
# variants keep the source's sidecar identity, as the source does.
IDENTITY = ("agency", "year", "region", "level")


def _sidecar(source: str, target: Path, how: str, keep_identity: bool = True) -> None:
    data = yaml.safe_load((REPORTS / f"{source}.yml").read_text(encoding="utf-8"))
    if not keep_identity:
        for key in IDENTITY:
            data.pop(key, None)
    data["notes"] = f"Test variant derived from reports/{source}: {how}. Same golden values as its source."
    data["derived_from"] = source
    (target.parent / f"{target.name}.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")


def chromium_pdf(src: Path, dest: Path, chrome: bool = True) -> None:
    extra = [] if chrome else ["--no-pdf-header-footer"]
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["chromium", *CHROMIUM_FLAGS, *extra, f"--user-data-dir={profile}",
                        f"--print-to-pdf={dest}", src.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)


def page_images(pdf: Path, work: Path, dpi: int = 40) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(work / "page")], check=True, timeout=120)
    return sorted(work.glob("page*.png"))


def scanned_pdf(src: Path, dest: Path) -> None:
    """A scan: every page of the source as a picture, no text layer."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        imgs = page_images(src, work)
        body = "".join(f'<img src="{p.name}" style="width:100%;page-break-after:always">' for p in imgs)
        page = work / "scan.html"
        page.write_text(f"<!doctype html><html><body style='margin:0'>{body}</body></html>", encoding="utf-8")
        chromium_pdf(page, dest, chrome=False)


def tables_as_images_html(src: Path, rendered: Path, dest: Path) -> None:
    """The HTML report with each <table> replaced by a picture of the rendered pages, as some sites publish."""
    import base64
    import re

    with tempfile.TemporaryDirectory() as tmp:
        imgs = page_images(rendered, Path(tmp), dpi=30)
        data = [base64.b64encode(p.read_bytes()).decode() for p in imgs[2:5]]
    markup = src.read_text(encoding="utf-8")
    tables = list(re.finditer(r"<table.*?</table>", markup, flags=re.S | re.I))
    for m, b64 in reversed(list(zip(tables, data))):
        markup = markup[: m.start()] + f'<p><img alt="" src="data:image/png;base64,{b64}"></p>' + markup[m.end():]
    dest.write_text(markup, encoding="utf-8")


def libreoffice(src: Path, dest: Path, target: str, infilter: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as work:
        cmd = ["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", target, "--outdir", work, str(src.resolve())]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        produced = next(p for p in Path(work).iterdir() if p.is_file())
        shutil.move(produced, dest)


# Page chrome in the shape government sites wrap reports in (cf. the 索引号 block of corpus file 037 and
# the navigation lines of 014): <title> with the column and site, navigation, breadcrumb, metadata table, footer.
GOV_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>2019年上海市人民政府办公厅政府信息公开工作年度报告 - 政府信息公开年报 - 上海市人民政府</title>
<script>var _hmt = _hmt || []; document.write('<p>统计代码</p>');</script>
<style>.nav li {{ display: inline }}</style></head>
<body>
<div class="top"><a href="/">中国上海</a> | <a href="/en">English</a> | <a href="#">无障碍</a> | <a href="#">关怀版</a></div>
<ul class="nav"><li><a href="#">首页</a></li><li><a href="#">要闻动态</a></li><li><a href="#">政务公开</a></li>
<li><a href="#">政务服务</a></li><li><a href="#">互动交流</a></li><li><a href="#">走进上海</a></li></ul>
<div class="crumb">当前位置：<a href="#">首页</a> &gt; <a href="#">政务公开</a> &gt; <a href="#">政府信息公开年报</a></div>
<table class="meta">
<tr><td>索引号</td><td>SY0000000000/2020-00001</td><td>主题分类</td><td>综合政务</td></tr>
<tr><td>发布机构</td><td>上海市人民政府办公厅</td><td>生成日期</td><td>2020-01-31</td></tr>
<tr><td>文号</td><td></td><td>有效性</td><td>有效</td></tr>
</table>
<div class="article">
{report}
</div>
<div class="share">分享到：微信 微博 <a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
<div class="footer">主办：上海市人民政府办公厅 | 网站标识码 3100000000 | 沪ICP备00000000号 | 联系我们 | 网站地图</div>
</body></html>
"""


# PDFs whose text, converted by machine, makes the pdftotext and markdown variants (issue 14, family 2).
CONVERTED_PDFS = (
    (REPORTS / "001_huaian_hongzequ_2023.pdf", "001_huaian_hongzequ_2023.pdf"),
    (REPORTS / "002_huaian_hongzequ_2024.pdf", "002_huaian_hongzequ_2024.pdf"),
    (OUT / "041_shanghai_shizhengfu_bgt_2019_chromium.pdf", HTML_SOURCE),
    (OUT / "041_shanghai_shizhengfu_bgt_2019_libreoffice.pdf", HTML_SOURCE),
)


def pdftotext(src: Path, dest: Path, mode: str) -> None:
    subprocess.run(["pdftotext", f"-{mode}", "-enc", "UTF-8", str(src), str(dest)], check=True, timeout=120)


def _md_cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "｜")


def markdown_from_pdf(src: Path) -> str:
    """The PDF as a text-and-pipe-table converter writes it: per page, text lines and each ruled table
    as a markdown table (merged cells empty, a cell's lines joined), in reading order."""
    import pdfplumber

    out = []
    with pdfplumber.open(src) as pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes):
                return not any(x0 <= obj["x0"] and obj["x1"] <= x1 and top <= obj["top"] and obj["bottom"] <= bottom
                               for x0, top, x1, bottom in boxes)

            blocks = [(line["top"], line["text"]) for line in page.filter(outside).extract_text_lines()]
            for table in tables:
                rows = table.extract()
                if not rows:
                    continue
                md = ["| " + " | ".join(_md_cell(c) for c in rows[0]) + " |",
                      "|" + "---|" * len(rows[0])]
                md += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows[1:]]
                blocks.append((table.bbox[1], "\n" + "\n".join(md) + "\n"))
            out += [text for _top, text in sorted(blocks, key=lambda b: b[0])]
    return "\n".join(out) + "\n"


def _merged_rows(rows: list[list[str]]) -> str:
    """<tr>s of a table whose label cells left empty under a label are merged into it (rowspan), as the
    report's own HTML prints its group cells (（五）不予处理 over its five rows)."""
    from html import escape
    from gongkai.parse.labels import is_value

    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    labels = [next((i for i, c in enumerate(r) if c.strip() and is_value(c)), width) for r in rows]
    span = [[1] * width for _ in rows]
    hidden = [[False] * width for _ in rows]
    for col in range(width):
        top = None
        for i, r in enumerate(rows):
            if col < labels[i] and not r[col].strip() and top is not None and col < labels[top] \
                    and any(c.strip() for c in r[col + 1:labels[i]]):
                span[top][col] += 1
                hidden[i][col] = True
            else:
                top = i if r[col].strip() else None
    out = []
    for i, r in enumerate(rows):
        cells = "".join(f'<td{f" rowspan={span[i][c]}" if span[i][c] > 1 else ""}>{escape(r[c])}</td>'
                        for c in range(width) if not hidden[i][c])
        out.append(f"<tr>{cells}</tr>")
    return "\n".join(out)


def rowspan_html(src: Path) -> str:
    """A tab-separated text report as an HTML page: prose as paragraphs, tables with their group cells
    merged over the rows they head and vertically centred (the browser default for a <td>)."""
    from html import escape

    parts, table = [], []
    for line in src.read_text(encoding="utf-8").splitlines() + [""]:
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            parts.append('<table border="1" cellspacing="0">' + _merged_rows(table) + "</table>")
            table = []
        if line.strip():
            parts.append(f"<p>{escape(line.strip())}</p>")
    return ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><style>td{vertical-align:middle;"
            "padding:2px 4px}</style></head><body>" + "\n".join(parts) + "</body></html>")


def chromium_rowspan_pdf() -> None:
    """Family 4 of issue 14: an HTML table with merged, vertically centred group cells printed by Chromium."""
    stem = TEXT_SOURCE.rsplit(".", 1)[0]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / f"{stem}.html"
        page.write_text(rowspan_html(REPORTS / TEXT_SOURCE), encoding="utf-8")
        dest = OUT / f"{stem}_rowspan_chromium.pdf"
        chromium_pdf(page, dest, chrome=False)
    _sidecar(TEXT_SOURCE, dest, "its tables written as HTML with the group cells merged over their rows "
             "(rowspan, vertically centred) and printed to PDF by headless Chromium")


def text_variants() -> None:
    """pdftotext -layout / -raw and a markdown conversion of each PDF in CONVERTED_PDFS."""
    if shutil.which("pdftotext") is None:
        raise SystemExit("pdftotext is not installed (apt-get install poppler-utils)")
    for pdf, source in CONVERTED_PDFS:
        stem = pdf.name.rsplit(".", 1)[0]
        for mode in ("layout", "raw"):
            dest = OUT / f"{stem}_pdftotext_{mode}.txt"
            pdftotext(pdf, dest, mode)
            _sidecar(source, dest, f"{pdf.name} converted to text by poppler's `pdftotext -{mode}`",
                     keep_identity=source != TEXT_SOURCE)
        dest = OUT / f"{stem}_markdown.md"
        dest.write_text(markdown_from_pdf(pdf), encoding="utf-8")
        _sidecar(source, dest, f"{pdf.name} converted to markdown (text lines, pipe tables) with pdfplumber",
                 keep_identity=source != TEXT_SOURCE)


def main() -> int:
    if sys.argv[1:] == ["--text"]:
        text_variants()
        return 0
    if sys.argv[1:] == ["--rowspan"]:
        chromium_rowspan_pdf()
        return 0
    for tool in ("chromium", "soffice"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install chromium libreoffice-writer)", file=sys.stderr)
            return 1
    OUT.mkdir(parents=True, exist_ok=True)
    html_src = REPORTS / HTML_SOURCE
    stem = HTML_SOURCE.rsplit(".", 1)[0]

    pdf = OUT / f"{stem}_chromium.pdf"
    chromium_pdf(html_src, pdf)
    _sidecar(HTML_SOURCE, pdf, "printed to PDF by headless Chromium (browser header and footer included)",
             keep_identity=False)

    docx = OUT / f"{stem}_libreoffice.docx"
    libreoffice(html_src, docx, "docx:MS Word 2007 XML", infilter="HTML (StarWriter)")
    _sidecar(HTML_SOURCE, docx, "opened as a Writer document by LibreOffice and saved as .docx",
             keep_identity=False)

    office_pdf = OUT / f"{stem}_libreoffice.pdf"
    libreoffice(docx, office_pdf, "pdf:writer_pdf_Export")
    _sidecar(HTML_SOURCE, office_pdf, "the LibreOffice .docx variant exported to PDF by LibreOffice",
             keep_identity=False)

    govpage = OUT / f"{stem}_govpage.html"
    govpage.write_text(GOV_PAGE.format(report=html_src.read_text(encoding="utf-8")), encoding="utf-8")
    _sidecar(HTML_SOURCE, govpage, "the report wrapped in a government page: <title>, navigation, breadcrumb, "
             "索引号 metadata table, share links and footer", keep_identity=False)

    images_html = OUT / f"{stem}_tables_as_images.html"
    tables_as_images_html(html_src, pdf, images_html)
    _sidecar(HTML_SOURCE, images_html, "each <table> replaced by a picture of the printed page",
             keep_identity=False)

    scan = OUT / "001_huaian_hongzequ_2023_scanned.pdf"
    scanned_pdf(REPORTS / "001_huaian_hongzequ_2023.pdf", scan)
    _sidecar("001_huaian_hongzequ_2023.pdf", scan, "every page rendered to a picture and printed to an "
             "image-only PDF (a scan with no text layer)")

    text = (REPORTS / TEXT_SOURCE).read_text(encoding="utf-8")
    tstem = TEXT_SOURCE.rsplit(".", 1)[0]
    gbk = OUT / f"{tstem}_gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    _sidecar(TEXT_SOURCE, gbk, "re-encoded from UTF-8 to GB18030 (GBK-compatible), no BOM")

    import opencc

    trad = OUT / f"{tstem}_traditional.txt"
    trad.write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
    _sidecar(TEXT_SOURCE, trad, "converted to traditional characters with OpenCC s2t")
    chromium_rowspan_pdf()
    text_variants()
    for p in sorted(OUT.iterdir()):
        print(p.relative_to(ROOT), p.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
