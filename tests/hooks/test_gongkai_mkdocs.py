"""hooks/gongkai_mkdocs.py: pre-rendered HTML passes through Markdown unparsed and unchanged, and the
downloads reach the built site without MkDocs copying them."""
from __future__ import annotations

import errno
import importlib.util
import os
import re
from pathlib import Path

import markdown
import pytest

from conftest import ROOT
from gongkai import paths as P
from gongkai import files
from gongkai.schema import registry as R
from gongkai.pages.markup import checks_table, text_block

_spec = importlib.util.spec_from_file_location("gongkai_mkdocs", ROOT / "hooks" / "gongkai_mkdocs.py")
H = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(H)

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc"]
HOSTILE = "**粗体** [链接](javascript:alert(1)) <script>alert(1)</script> | `代码` &amp; _x_"


def _convert(text: str, stash: bool) -> str:
    return markdown.Markdown(extensions=EXTENSIONS + ([H.RawBlocksExtension()] if stash else [])).convert(text)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def _page() -> str:
    check = {"result": "fail", "check_id": "balance.total", "identity": HOSTILE, "lhs": 1, "rhs": 2, "note": HOSTILE}
    return ("# 标题\n\n" + checks_table([check]) + "\n\n<h3>一、总体情况</h3>\n\n"
            + text_block(HOSTILE + "\n第二段") + "\n\n正文 **粗体**\n")


def test_stashed_blocks_come_out_as_markdown_would_pass_them():
    page = _page()
    assert _squeeze(_convert(page, stash=True)) == _squeeze(_convert(page, stash=False))


def test_report_text_in_a_stashed_block_stays_text():
    html = _convert(_page(), stash=True)
    assert "<script>" not in html and "<strong>粗体</strong> [链接]" not in html
    assert "&lt;script&gt;" in html and "**粗体**" in html
    assert "<strong>粗体</strong>" in html  # the page's own Markdown outside the blocks is still rendered


@pytest.mark.parametrize("lines, expected", [
    (['<div class="gk-table-wrap"><table></table></div>'], True),
    (["", '<div class="gk-text"><p>x</p></div>', ""], True),
    (["前文", '<div class="gk-text"><p>x</p></div>', ""], False),   # part of a paragraph: left to Markdown
    (['<div class="gk-text"><p>x</p>'], False),                      # unbalanced
    (['<div class="gk-table-wrap"><table id="t"></table></div>'], False),  # an anchor MkDocs must see
    (['<div class="gk-chart-box" markdown="0"></div>'], False),      # not one of render.py's blocks
])
def test_which_lines_are_stashed(lines, expected):
    i = next(n for n, line in enumerate(lines) if line.startswith("<div"))
    assert H.is_raw_block(lines, i) is expected


def _tree(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "downloads" / "a" / "2021").mkdir(parents=True)
    (docs / "downloads" / "a" / "2021" / "x.csv").write_text("code,value\n")
    (docs / "downloads" / "a" / "2021" / ".x.csv.123.tmp").write_text("half")
    (docs / "downloads" / "all").mkdir()
    (docs / "downloads" / "all" / "gongkai-all.zip").write_bytes(b"PK")
    return docs


def test_downloads_are_hard_linked_into_the_site(tmp_path):
    docs = _tree(tmp_path)
    site = tmp_path / "site"
    (site / "downloads" / "all").mkdir(parents=True)
    (site / "downloads" / "all" / "gongkai-all.zip").write_bytes(b"old")  # a rebuild over an old site
    assert H.publish_downloads(str(docs), str(site)) == 2
    for rel in ("a/2021/x.csv", "all/gongkai-all.zip"):
        src, dest = docs / "downloads" / rel, site / "downloads" / rel
        assert dest.read_bytes() == src.read_bytes() and os.path.samefile(src, dest)
    assert not (site / "downloads" / "a" / "2021" / ".x.csv.123.tmp").exists()


def test_downloads_are_copied_across_devices(tmp_path, monkeypatch):
    docs = _tree(tmp_path)
    calls = []

    def no_link(src, dest):
        calls.append(src)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files.os, "link", no_link)
    monkeypatch.setattr(files, "_NO_LINKS", set())
    assert H.publish_downloads(str(docs), str(tmp_path / "site")) == 2
    assert len(calls) == 1  # after one refusal it stops trying
    dest = tmp_path / "site" / "downloads" / "a" / "2021" / "x.csv"
    assert dest.read_text() == "code,value\n" and not os.path.samefile(docs / "downloads" / "a" / "2021" / "x.csv", dest)


def test_built_site_has_every_download(built):
    root, _result, proc = built
    assert proc.returncode == 0, proc.stderr
    docs, site = root / "docs" / "downloads", root / "site" / "downloads"
    published = sorted(p.relative_to(docs) for p in docs.rglob("*") if p.is_file() and not p.name.startswith("."))
    in_site = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert published and published == [p for p in in_site if p != Path("index.html")]  # index.html: downloads.md


def test_report_page_download_links_resolve_in_the_built_site(built):
    """The download list is raw HTML with final URLs, which MkDocs' --strict no longer checks: check them here."""
    root, result, _proc = built
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^use_directory_urls: true$", config, re.M)  # site.REPORT_PAGE_TO_ROOT assumes it
    for rep in result.reports:
        page_dir = root / "site" / P.page_url(P.report_page_of(rep))
        html = (page_dir / "index.html").read_text(encoding="utf-8")
        block = re.search(r'<div class="gk-downloads"><ul>.*?</ul></div>', html).group(0)
        hrefs = re.findall(r'href="([^"]+)"', block)
        # zip, XLSX, datapackage.json, CITATION.txt, and CSV, Excel CSV and JSON of every resource
        assert len(hrefs) == 4 + 3 * len(R.RESOURCE_ORDER)
        for href in hrefs:
            target = (page_dir / href).resolve()
            assert target.is_file() and target.parent == (root / "site" / "downloads" / P.report_dir_of(rep.report_id)).resolve(), href


@pytest.mark.parametrize("pages, few", [(1, True), (H.FEW_PAGES, True), (H.FEW_PAGES + 1, False)])
def test_a_run_of_a_few_pages_looks_up_each_pages_words_alone(tmp_path, monkeypatch, pages, few):
    """An edit's changed pages rendered alone do not load jieba's whole dictionary (search_terms.hidden_block);
    a whole shard's run loads it once."""
    from mkdocs.structure.files import File, Files

    monkeypatch.delenv(H.STAND_INS_ENV, raising=False)
    files = Files([File(f"p{i}.md", str(tmp_path), str(tmp_path / "site"), True) for i in range(pages)]
                  + [File("assets/x.css", str(tmp_path), str(tmp_path / "site"), True)])
    H.on_files(files, None)
    seen = []
    monkeypatch.setattr(H, "hidden_block", lambda html, few=False: seen.append(few) or "")
    H.on_page_content("<p>国务院办公厅</p>", type("Page", (), {"meta": {}})(), None, files)
    assert seen == [few]
