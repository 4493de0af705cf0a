"""Write one file (with its sidecar where the kind needs one) for every kind of bad input.

    python tests/badinput/make_fixtures.py DEST   # writes DEST/<files>

Kinds about real documents are derived from the sample corpus in reports/ (a real PDF cut short,
encrypted, rasterised; a real text re-encoded; a real HTML page with hostile markup added), so
they fail, or survive, the way a real broken download would.  Published variants get their own
agency in the sidecar so they never take the place of the report they were made from.

`KINDS` maps each kind to its file name; tests/pipeline/test_bad_input.py holds what each one must produce.
"""
from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "reports"
TXT = REPORTS / "000_8719cb9f3c2be4e4.txt"  # 宁夏回族自治区司法厅 2021, tab-separated tables
PDF = REPORTS / "001_huaian_hongzequ_2023.pdf"  # 淮安市洪泽区人民政府 2023, 5 pages, ruled tables
HTML = REPORTS / "041_shanghai_shizhengfu_bgt_2019.html"  # 上海市人民政府办公厅 2019, HTML tables

KINDS: dict[str, str] = {}


def kind(name: str, filename: str):
    def register(fn):
        KINDS[name] = filename
        fn.filename = filename
        MAKERS[name] = fn
        return fn
    return register


MAKERS: dict = {}


def _sidecar(dest: Path, filename: str, text: str) -> None:
    (dest / (filename + ".yml")).write_text(text, encoding="utf-8")


def _own_agency(dest: Path, filename: str, agency: str, year: int = 2021) -> None:
    _sidecar(dest, filename, f"agency: {agency}\nregion: 宁夏回族自治区\nlevel: province-dept\nyear: {year}\n"
                             f"source_url: https://example.gov.cn/{year}.html\nretrieved: 2026-11-25\n")


def _seed_text() -> str:
    return TXT.read_text(encoding="utf-8")


# --- empty, binary, encodings -------------------------------------------------------------------
@kind("zero_byte", "empty.txt")
def _(dest, fn):
    (dest / fn).write_bytes(b"")


@kind("binary_junk_txt", "junk.txt")
def _(dest, fn):
    (dest / fn).write_bytes(random.Random(7).randbytes(8192))


@kind("high_bytes_junk_txt", "noise.txt")
def _(dest, fn):
    # No NUL byte and not UTF-8: bytes that only a legacy Chinese codec would "decode".
    rng = random.Random(11)
    (dest / fn).write_bytes(bytes(rng.choice(range(0x80, 0x100)) for _ in range(6000)))


@kind("gbk_no_bom", "gbk_report.txt")
def _(dest, fn):
    (dest / fn).write_bytes(_seed_text().encode("gbk"))
    _own_agency(dest, fn, "坏输入测试GBK编码厅")


@kind("mixed_encodings", "mixed_encoding.txt")
def _(dest, fn):
    text = _seed_text()
    half = len(text) // 2
    (dest / fn).write_bytes(text[:half].encode("utf-8") + text[half:].encode("gbk"))
    _own_agency(dest, fn, "坏输入测试混合编码厅")


@kind("utf16_text", "utf16_report.txt")
def _(dest, fn):
    (dest / fn).write_bytes(_seed_text().encode("utf-16"))


# --- PDFs ---------------------------------------------------------------------------------------
@kind("truncated_pdf", "truncated.pdf")
def _(dest, fn):
    data = PDF.read_bytes()
    (dest / fn).write_bytes(data[: len(data) // 3])


@kind("corrupt_xref", "corrupt_xref.pdf")
def _(dest, fn):
    # The startxref offset points into the middle of a stream; pdfminer falls back to a scan.
    data = PDF.read_bytes()
    at = data.rindex(b"startxref")
    (dest / fn).write_bytes(data[:at] + b"startxref\n123\n%%EOF\n")
    _sidecar(dest, fn, "agency: 坏输入测试交叉引用表损坏区人民政府\nyear: 2023\nregion: 江苏省淮安市\n")


@kind("not_a_pdf", "webpage_saved_as.pdf")
def _(dest, fn):
    (dest / fn).write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")


def _encrypted(user: str, owner: str) -> bytes:
    import pypdf

    reader = pypdf.PdfReader(PDF)
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@kind("encrypted_user_password", "encrypted_password.pdf")
def _(dest, fn):
    (dest / fn).write_bytes(_encrypted("secret", "owner-secret"))


@kind("encrypted_owner_only", "encrypted_no_user_password.pdf")
def _(dest, fn):
    (dest / fn).write_bytes(_encrypted("", "owner-secret"))
    _sidecar(dest, fn, "agency: 坏输入测试加密文档区人民政府\nyear: 2023\nregion: 江苏省淮安市\n")


def _page_images(pages: list[int], scale: float = 1.0):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(PDF))
    try:
        return [doc[i].render(scale=scale).to_pil().convert("L") for i in pages]
    finally:
        doc.close()


def _images_pdf(images) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=72)
    return buf.getvalue()


@kind("scanned_pdf", "scanned.pdf")
def _(dest, fn):
    (dest / fn).write_bytes(_images_pdf(_page_images([0, 1], scale=0.6)))


@kind("tables_as_images", "tables_as_images.pdf")
def _(dest, fn):
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(PDF).pages[0])  # the title and prose page, with its text layer
    for page in pypdf.PdfReader(io.BytesIO(_images_pdf(_page_images([1, 2, 3], scale=0.6)))).pages:
        writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    (dest / fn).write_bytes(buf.getvalue())
    _sidecar(dest, fn, "agency: 坏输入测试表格为图片区人民政府\nyear: 2023\nregion: 江苏省淮安市\n")


@kind("thousand_pages", "thousand_pages.pdf")
def _(dest, fn):
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(1000):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    (dest / fn).write_bytes(buf.getvalue())


# --- DOCX ---------------------------------------------------------------------------------------
@kind("docx_zip_bomb", "bomb.docx")
def _(dest, fn):
    with zipfile.ZipFile(dest / fn, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(300):  # 300 MB of spaces, about 300 KB on disk
                fh.write(block)


@kind("docx_not_a_zip", "renamed.docx")
def _(dest, fn):
    (dest / fn).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an old .doc header


@kind("docx_no_tables", "no_tables.docx")
def _(dest, fn):
    import docx

    d = docx.Document()
    d.add_paragraph("坏输入测试无表格局2022年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度我局依法公开政府信息，统计表以图片形式附后。")
    d.save(dest / fn)


# --- HTML ---------------------------------------------------------------------------------------
@kind("html_hostile_markup", "hostile.html")
def _(dest, fn):
    page = HTML.read_text(encoding="utf-8")
    evil = ('<script>alert("xss")</script><img src=x onerror="alert(1)">'
            '<a href="javascript:alert(2)">点此查看</a><iframe src="https://evil.example/"></iframe>'
            '<p>恶意段落<script>document.cookie</script>[链接](javascript:alert(3))</p>')
    at = page.index("</h") if "</h" in page else 0
    page = page[:at] + page[at:].replace("<p", evil + "<p", 1)
    (dest / fn).write_text(page, encoding="utf-8")
    _sidecar(dest, fn, "agency: 坏输入测试<script>alert(1)</script>办公厅\nyear: 2019\nregion: 上海市\n"
                       "source_url: javascript:alert(document.domain)\n")


@kind("news_page", "news.html")
def _(dest, fn):
    (dest / fn).write_text(
        "<html><head><title>我区召开2023年政务公开工作推进会</title></head><body>"
        "<h1>我区召开2023年政务公开工作推进会</h1><p>3月15日上午，区政府召开政务公开工作推进会，"
        "总结2022年工作，部署2023年任务。</p></body></html>", encoding="utf-8")


# --- not a report, titles ------------------------------------------------------------------------
@kind("budget_report", "budget.txt")
def _(dest, fn):
    (dest / fn).write_text("某某县财政局2023年部门预算公开说明\n\n一、部门职责\n\n二、收支预算总表\n"
                           "收入总计\t1200.5\t万元\n支出总计\t1200.5\t万元\n", encoding="utf-8")


@kind("two_years_in_title", "two_years.txt")
def _(dest, fn):
    text = _seed_text().replace("自治区司法厅 2021 年政府信息公开工作年度报告",
                                "坏输入测试两年厅2020年至2021年政府信息公开工作年度报告", 1)
    (dest / fn).write_text(text, encoding="utf-8")


@kind("duplicate_report", "zz_copy_of_000.txt")
def _(dest, fn):
    (dest / fn).write_bytes(TXT.read_bytes())
    (dest / (fn + ".yml")).write_bytes(TXT.with_name(TXT.name + ".yml").read_bytes())


# --- sidecars ------------------------------------------------------------------------------------
@kind("sidecar_missing", "no_sidecar.txt")
def _(dest, fn):
    (dest / fn).write_text(_seed_text().replace("自治区司法厅 2021", "坏输入测试无旁注厅 2021", 1), encoding="utf-8")


@kind("sidecar_not_yaml", "bad_yaml.txt")
def _(dest, fn):
    (dest / fn).write_text(_seed_text().replace("自治区司法厅 2021", "坏输入测试旁注损坏厅 2021", 1), encoding="utf-8")
    _sidecar(dest, fn, "agency: [unclosed\nyear: : 2021\n\t- x")


@kind("sidecar_invalid_fields", "bad_fields.txt")
def _(dest, fn):
    (dest / fn).write_bytes(TXT.read_bytes())
    _sidecar(dest, fn, "agency: 坏输入测试字段错误厅\nyear: 二〇二一\nretrieved: yesterday\nlevel: galaxy\n"
                       "colour: blue\nsource_url: ftp://example.gov.cn/r.txt\n")


@kind("sidecar_unknown_region", "unknown_region.txt")
def _(dest, fn):
    (dest / fn).write_bytes(TXT.read_bytes())
    _sidecar(dest, fn, "agency: 坏输入测试未知地区厅\nregion: 火星省奥林匹斯市\nyear: 2021\n")


@kind("sidecar_future_year", "future_year.txt")
def _(dest, fn):
    (dest / fn).write_bytes(TXT.read_bytes())
    _sidecar(dest, fn, "agency: 坏输入测试未来厅\nyear: 2099\n")


@kind("sidecar_absurd_year", "absurd_year.txt")
def _(dest, fn):
    (dest / fn).write_bytes(TXT.read_bytes())
    _sidecar(dest, fn, "agency: 坏输入测试负年份厅\nyear: -2021\n")


@kind("sidecar_path_slug", "slug_escape.txt")
def _(dest, fn):
    (dest / fn).write_bytes(TXT.read_bytes())
    _sidecar(dest, fn, "agency: 坏输入测试路径厅\nyear: 2021\nslug: ../../../etc/passwd\n")


@kind("sidecar_orphan", "orphan.txt.yml")
def _(dest, fn):
    (dest / fn).write_text("agency: 无报告\nyear: 2021\n", encoding="utf-8")


# --- numbers ------------------------------------------------------------------------------------
def _replace_row(text: str, label: str, cells: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(label) and "\t" in line:
            lines[i] = label + "\t" + cells
            return "\n".join(lines)
    raise ValueError(f"row {label} not found in {TXT.name}")


@kind("negative_numbers", "negative.txt")
def _(dest, fn):
    text = _replace_row(_seed_text(), "一、本年新收政府信息公开申请数量", "-14\t0\t0\t0\t0\t0\t-14")
    (dest / fn).write_text(text, encoding="utf-8")
    _own_agency(dest, fn, "坏输入测试负数厅")


@kind("absurd_numbers", "absurd.txt")
def _(dest, fn):
    text = _replace_row(_seed_text(), "一、本年新收政府信息公开申请数量",
                        "99999999999999999999\t0\t0\t0\t0\t0\t99999999999999999999")
    (dest / fn).write_text(text, encoding="utf-8")
    _own_agency(dest, fn, "坏输入测试巨大数字厅")


# --- file names -----------------------------------------------------------------------------------
def _renamed(agency: str):
    def make(dest, fn):
        (dest / fn).write_text(_seed_text().replace("自治区司法厅 2021", f"{agency} 2021", 1), encoding="utf-8")
    return make


for _kind, _file, _agency in (
    ("name_with_spaces", "report with spaces 2021.txt", "坏输入测试空格厅"),
    ("name_chinese", "宁夏 司法厅 二〇二一 年报.txt", "坏输入测试中文名厅"),
    ("name_dotdot", "..report..2021.txt", "坏输入测试点点厅"),
    ("name_shell_metachars", "r;$(touch pwned)`id`&|'\"<>*?.txt", "坏输入测试元字符厅"),
):
    kind(_kind, _file)(_renamed(_agency))

# --- other types ----------------------------------------------------------------------------------
kind("unsupported_type", "report.doc")(lambda dest, fn: (dest / fn).write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60)))


def make_all(dest: Path) -> dict[str, str]:
    dest.mkdir(parents=True, exist_ok=True)
    for name, maker in MAKERS.items():
        maker(dest, KINDS[name])
    return dict(KINDS)


if __name__ == "__main__":
    out = make_all(Path(sys.argv[1]))
    print(f"{len(out)} kinds written to {sys.argv[1]}")
