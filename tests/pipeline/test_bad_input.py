"""Bad input: files that are not usable reports get a clear error naming the file, and the others still publish.

The first tests build tiny corpora around one bad file.  The rest put every kind of bad input into one build
with the good corpus (`make site`): each bad file gets its reason in build_report.json and on the site, and
every good report publishes byte for byte as in a clean build.  Those fixtures are made by
tests/badinput/make_fixtures.py.
"""
from __future__ import annotations

import html
import json
import shutil

import pytest

from conftest import ROOT, copy_project, make_site
from make_fixtures import KINDS, make_all
from gongkai import paths as P
from gongkai.pipeline.build import build
from gongkai.model import ReadError
from gongkai.extract import extract

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("junk.txt", bytes(range(256)) * 4, "binary"),
    ("cut.pdf", (ROOT / "reports" / "001_huaian_hongzequ_2023.pdf").read_bytes()[:2000], "PDF"),
    ("notes.docx", b"PK\x03\x04not really", "not a zip"),
    ("notes.doc", b"\xd0\xcf\x11\xe0 old Word", "unsupported"),
    ("budget.txt", "某某县财政局2023年部门预算公开说明\n一、部门职责".encode(), "agency"),
])
def test_bad_file_gets_a_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    if name.endswith(".doc"):
        from gongkai.readers import read
        with pytest.raises(ReadError) as info:
            read(path)
    else:
        with pytest.raises(ReadError) as info:
            extract(path)
    assert name in str(info.value)
    assert reason.lower() in info.value.reason.lower() or reason in info.value.reason


def test_build_lists_bad_files_and_publishes_the_rest(tmp_path):
    root = copy_project(tmp_path / "p", reports=[SEED, SEED.with_name(SEED.name + ".yml")])
    (root / "reports" / "empty.txt").write_bytes(b"")
    (root / "reports" / "scan.pdf").write_bytes(b"%PDF-1.4\n%broken")
    result = build(root, log=lambda *_: None)
    assert [r.source.name for r in result.reports] == [SEED.name]
    failed = {f["file"]: f["reason"] for f in result.failures}
    assert set(failed) == {"empty.txt", "scan.pdf"}
    report = (root / "datapackages" / "build_report.json").read_text(encoding="utf-8")
    assert "empty.txt" in report and "scan.pdf" in report
    assert "scan.pdf" in (root / "docs" / "quality.md").read_text(encoding="utf-8")


def test_duplicate_reports_keep_one_and_say_why(tmp_path):
    copy = tmp_path / "copy_of_seed.txt"
    shutil.copy2(SEED, copy)
    shutil.copy2(SEED.with_name(SEED.name + ".yml"), tmp_path / "copy_of_seed.txt.yml")
    root = copy_project(tmp_path / "p", reports=[SEED, SEED.with_name(SEED.name + ".yml"),
                                                 copy, tmp_path / "copy_of_seed.txt.yml"])
    result = build(root, log=lambda *_: None)
    assert [r.source.name for r in result.reports] == [SEED.name]
    (dup,) = result.failures
    assert dup["file"] == "copy_of_seed.txt" and "duplicate" in dup["reason"]


def test_untrusted_text_is_escaped(tmp_path):
    hostile = tmp_path / "x.txt"
    hostile.write_text(SEED.read_text(encoding="utf-8").replace(
        "一、总体情况\n", "一、总体情况\n\n<script>alert(1)</script> [点我](javascript:alert(1)) <img src=x onerror=alert(1)>\n", 1),
        encoding="utf-8")
    (tmp_path / "x.txt.yml").write_text("agency: <b>恶意</b>机关\nyear: 2021\nsource_url: javascript:alert(1)\n",
                                        encoding="utf-8")
    root = copy_project(tmp_path / "p", reports=[hostile, tmp_path / "x.txt.yml"])
    build(root, log=lambda *_: None)
    pages = list((root / "docs" / "reports").rglob("*.md"))
    text = pages[0].read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    assert "javascript:" not in text.split("## 报告正文")[0]  # not published as the source link
    assert "<b>" not in text


# kind -> ("failed", words of the reason) or ("published", words of its status or one of its warnings)
EXPECTED = {
    "zero_byte": ("failed", "the file is empty (0 bytes)"),
    "binary_junk_txt": ("failed", "the file contains binary data (NUL bytes), not text"),
    "high_bytes_junk_txt": ("failed", "the text is neither UTF-8 nor GB18030; re-save it as UTF-8"),
    "gbk_no_bom": ("published", "complete"),
    "mixed_encodings": ("failed", "the text mixes encodings"),
    "utf16_text": ("published", "complete"),
    "truncated_pdf": ("failed", "the PDF's structure is damaged (PSEOF: Unexpected EOF)"),
    "corrupt_xref": ("failed", "the PDF's structure is damaged (PDFSyntaxError"),
    "not_a_pdf": ("failed", "not a PDF: the file does not start with %PDF- (it looks like HTML)"),
    "encrypted_user_password": ("failed", "the PDF is encrypted with a password needed to open it"),
    "encrypted_owner_only": ("published", "complete"),
    "scanned_pdf": ("failed", "the PDF has no text layer (a scan or images only)"),
    "tables_as_images": ("published", "page(s) 2, 3, 4 are images without text"),
    "thousand_pages": ("failed", "the PDF has 1000 pages; reports over 300 pages are refused"),
    "docx_zip_bomb": ("failed", "would decompress to 300 MB (limit 200 MB); it looks like a zip bomb"),
    "docx_not_a_zip": ("failed", "not a zip container"),
    "docx_no_tables": ("published", "no standard tables"),
    "html_hostile_markup": ("published", "sidecar source_url 'javascript:alert(document.domain)' is not an "
                                         "http(s) address"),
    "news_page": ("failed", "cannot tell which agency published this report"),
    "budget_report": ("failed", "cannot tell which agency published this report"),
    "two_years_in_title": ("published", "the title names several years (2020、2021); the statistics period says 2021"),
    "duplicate_report": ("failed", "duplicate of 000_8719cb9f3c2be4e4.txt (ningxiahuizuzizhiqu-sifating/2021); "
                                   "that file was kept because both have 200 cells read and its file name sorts first"),
    "sidecar_missing": ("published", "no sidecar no_sidecar.txt.yml: source URL and retrieval date unknown"),
    "sidecar_not_yaml": ("published", "is not valid YAML"),
    "sidecar_invalid_fields": ("published", "sidecar year '二〇二一' is not a year; ignored"),
    "sidecar_unknown_region": ("published", "sidecar region '火星省奥林匹斯市' names no known province"),
    "sidecar_future_year": ("failed", "report year 2099 is outside 2000–"),
    "sidecar_absurd_year": ("failed", "report year -2021 is outside 2000–"),
    "sidecar_path_slug": ("published", "complete"),
    "sidecar_orphan": ("failed", "sidecar without a report: orphan.txt not found"),
    "negative_numbers": ("published", "cell new_received.total is out of range"),
    "absurd_numbers": ("published", "cell new_received.total is out of range"),
    "name_with_spaces": ("published", "complete"),
    "name_chinese": ("published", "complete"),
    "name_dotdot": ("failed", "the file name starts with '.', so it is treated as a hidden file"),
    "name_shell_metachars": ("published", "complete"),
    "unsupported_type": ("failed", "unsupported file type '.doc'"),
}


def test_the_fixture_set_covers_at_least_30_kinds_and_the_table_covers_them_all():
    assert len(KINDS) >= 30
    assert set(EXPECTED) == set(KINDS)


@pytest.fixture(scope="session")
def bad_build(tmp_path_factory, built):
    root = copy_project(tmp_path_factory.mktemp("bad"))
    # The sample reports come from the sample build's extraction cache (the cache is keyed by file bytes and
    # extractor code, so this is what a rebuild does); only the bad files are extracted here.
    shutil.copytree(built[0] / P.CACHE_DIR / "extract", root / P.CACHE_DIR / "extract")
    make_all(root / "reports")
    root, result, proc = make_site(root)
    report = json.loads((root / "datapackages" / "build_report.json").read_text(encoding="utf-8"))
    return root, result, proc, report


def test_make_site_completes_with_every_bad_file(bad_build):
    root, result, proc, _ = bad_build
    assert result.invalid == []
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "site" / "index.html").is_file()


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_bad_file_is_listed_with_its_reason(bad_build, kind):
    root, _, _, report = bad_build
    name = KINDS[kind]
    outcome, words = EXPECTED[kind]
    failed = {f["file"]: f["reason"] for f in report["failures"]}
    published = {r["file"]: r for r in report["reports"]}
    if outcome == "failed":
        assert name in failed, f"{name} is not among the failures"
        assert words in failed[name]
        # The site page of files not published names it and says why (escaped, as rendered).
        page = (root / "site" / "quality" / "index.html").read_text(encoding="utf-8")
        assert name in html.unescape(page)
        assert words[:40] in html.unescape(page)
    else:
        assert name in published, f"{name} was not published: {failed.get(name)}"
        entry = published[name]
        assert words == entry["status"] or any(words in w for w in entry["warnings"]), entry


def test_every_good_report_publishes_byte_for_byte_as_in_a_clean_build(bad_build, built):
    clean = built[0] / "datapackages"
    bad = bad_build[0] / "datapackages"
    compared = set()
    for path in sorted(clean.rglob("*")):
        rel = path.relative_to(clean)
        if path.is_dir() or rel.parts[0] == "all" or rel.name == "build_report.json":
            continue
        assert (bad / rel).read_bytes() == path.read_bytes(), rel
        compared.add("/".join(rel.parts[:3]))
    assert compared == {P.report_dir_of(r.report_id) for r in built[1].reports}


def _records(root, report_id, table):
    rows = json.loads((root / "datapackages" / P.report_dir_of(report_id) / f"{table}.json").read_text(encoding="utf-8"))
    return [(r["code"], r["value"], r["status"]) for r in rows]


def test_variants_of_real_reports_read_the_same_cells_as_the_original(bad_build, built):
    """GBK, UTF-16, an owner-password PDF and hostile HTML lose none of the original's cells."""
    report = {r["file"]: r["report_id"] for r in bad_build[3]["reports"]}
    clean = {r.source.name: r.report_id for r in built[1].reports}
    pairs = [("gbk_no_bom", "000_8719cb9f3c2be4e4.txt"), ("utf16_text", "000_8719cb9f3c2be4e4.txt"),
             ("encrypted_owner_only", "001_huaian_hongzequ_2023.pdf"),
             ("html_hostile_markup", "041_shanghai_shizhengfu_bgt_2019.html")]
    for kind, original in pairs:
        for table in ("active_disclosure", "applications", "reviews_litigation"):
            got = _records(bad_build[0], report[KINDS[kind]], table)
            want = _records(built[0], clean[original], table)
            assert got == want and want, (kind, table)


def test_hostile_markup_and_names_render_inert(bad_build):
    root = bad_build[0]
    rid = {r["file"]: r["report_id"] for r in bad_build[3]["reports"]}[KINDS["html_hostile_markup"]]
    page = (root / "site" / "reports" / P.report_dir_of(rid) / "index.html").read_text(encoding="utf-8")
    body = page.split('<article', 1)[1]
    assert "<script>alert" not in body and "<iframe" not in body and "onerror=" not in body.replace("onerror=&", "")
    assert 'href="javascript:' not in body.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # the hostile agency name, shown as text


def test_names_never_escape_the_output_folders(bad_build):
    root = bad_build[0]
    rid = {r["file"]: r["report_id"] for r in bad_build[3]["reports"]}[KINDS["sidecar_path_slug"]]
    assert ".." not in rid and "/" not in rid.split("/")[0] and rid.startswith("etc-passwd/")
    for base in ("datapackages", "docs", "site"):
        for path in (root / base).rglob("*"):
            assert path.resolve().is_relative_to((root / base).resolve())
    assert not list(root.rglob("pwned")) and not list(ROOT.glob("pwned"))


def test_a_file_name_with_table_and_code_characters_is_shown_whole(bad_build):
    root, _, _, report = bad_build
    name = KINDS["name_shell_metachars"]
    rid = {r["file"]: r["report_id"] for r in report["reports"]}[name]
    page = (root / "site" / "reports" / P.report_dir_of(rid) / "index.html").read_text(encoding="utf-8")
    assert f"<code>{name}</code>" in html.unescape(page)
