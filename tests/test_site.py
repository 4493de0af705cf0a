"""gongkai/site.py: docs/ -> site/ (a failed build keeps the last good site, a killed first swap is undone), and the built site's Pagefind
index (no browser): present, covering the pages' own content, small to fetch.

tests/browser/test_search.py searches it as a visitor does; this file checks the files themselves.
"""
from __future__ import annotations

import json
import sys

import search_probe

from conftest import ROOT
from gongkai import paths as P
from gongkai import site as sitebuild

LIMIT = 1_000_000  # issue 6: a first search costs at most 1 MB of downloads


def _pages(site):
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")
            if not p.relative_to(site).parts[0] == "pagefind"}


def test_index_is_built_with_the_site_and_covers_the_article_only(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = root / "site"
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["version"] == "1.4.0"  # the pin: 1.5.x loses Chinese recall (README, Search)
    # The hub's index and every report shard's, listed for the search page to merge.
    shards = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert shards and all(s.startswith("shards/") and s.endswith("/") for s in shards)
    entries = [entry] + [json.loads((site / "pagefind" / s / "pagefind-entry.json").read_text(encoding="utf-8"))
                         for s in shards]
    # Chinese pages, and the English summary (<html lang="en">) in an index of its own.
    assert entry["languages"]["en"]["page_count"] == 1 and {lang for e in entries for lang in e["languages"]} == {"zh", "en"}
    pages = _pages(site)
    indexed = {rel for rel, html in pages.items() if "data-pagefind-body" in html}
    # Every report and agency page is indexed ...
    for rep in result.reports:
        assert f"{P.page_url(P.report_page(rep.slug, rep.meta.year))}index.html" in indexed
        assert f"{P.page_url(P.agency_page(rep.slug))}index.html" in indexed
    # ... but not the search page itself, the file list with its build date, or the 404 page.
    assert not {"search/index.html", "downloads/index.html", "404.html"} & indexed
    assert sum(lang["page_count"] for e in entries for lang in e["languages"].values()) == len(indexed)
    # The marker wraps the article, so the header (its search form) and nav stay outside the index.
    seed = pages[f"{P.page_url(P.report_page_of(result.reports[0]))}index.html"]
    assert seed.index('class="gk-search"') < seed.index("data-pagefind-body")
    assert seed.index("data-pagefind-body") > seed.index('class="md-nav')


def test_first_search_downloads_stay_under_a_megabyte(built):
    """An upper bound from the files: UI and search scripts, wasm, meta, the two largest index chunks and
    the five largest fragments.  The browser test measures the real requests for 司法."""
    root, _, _ = built
    bound = search_probe.first_search_bound(root / "site" / "pagefind")
    assert bound["parts"]["scripts"] > 100_000 and bound["parts"]["wasm"] > 0 and bound["index_chunks"] >= 1
    assert bound["bytes"] < LIMIT, bound


def test_no_lunr_left(built):
    """Material's lunr index is gone (it would download whole, whatever the query), and no page has the
    search component that makes Material's script start its search worker."""
    root, _, _ = built
    assert not (root / "site" / "search" / "search_index.json").exists()
    pages = _pages(root / "site")
    assert len(pages) > 20
    assert not [rel for rel, html in pages.items() if 'data-md-component="search' in html]


def _tiny_project(root):
    """A one-page site with the project's theme overrides: enough for MkDocs and Pagefind, built in seconds."""
    import shutil

    (root / "docs").mkdir(parents=True)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    (root / "mkdocs.yml").write_text("site_name: t\ntheme:\n  name: material\n  language: zh\n"
                                     "  custom_dir: overrides\nplugins: []\n", encoding="utf-8")
    (root / "docs" / "index.md").write_text("# 宁夏回族自治区司法厅\n\n政府信息公开工作年度报告。\n", encoding="utf-8")
    return root


def test_pagefind_runs_before_the_swap_and_a_failure_keeps_the_last_good_site(tmp_path, monkeypatch):
    import subprocess

    root = _tiny_project(tmp_path / "p")
    assert sitebuild.build_site(root, log=lambda *_: None) == 0
    page = (root / "site" / "index.html").read_bytes()
    assert b"data-pagefind-body" in page and (root / "site" / "pagefind" / "pagefind-entry.json").exists()
    assert sitebuild.build_site(root, log=lambda *_: None) is None  # nothing changed: both steps skipped
    # A new Pagefind release is a new toolchain: the site is rebuilt, not skipped.
    fp = sitebuild.docs_fingerprint(root)
    real = sitebuild._version
    monkeypatch.setattr(sitebuild, "_version", lambda d: "9.9.9" if d == "pagefind-bin-extended" else real(d))
    assert sitebuild.docs_fingerprint(root) != fp
    monkeypatch.undo()
    # So is an edited theme override.
    (root / "overrides" / "main.html").write_text((root / "overrides" / "main.html").read_text() + "\n")
    assert sitebuild.docs_fingerprint(root) != fp
    # Pagefind fails on a changed page: site/ keeps the last good build, index included; nothing is left over.
    (root / "docs" / "index.md").write_text("# 改过的页面\n", encoding="utf-8")
    monkeypatch.setattr(sitebuild.SB, "pagefind_command",
                        lambda name: [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"])
    logged = []
    assert sitebuild.build_site(root, log=logged.append) == 3
    assert (root / "site" / "index.html").read_bytes() == page
    assert (root / "site" / "pagefind" / "pagefind-entry.json").exists()
    assert not list(root.glob(".site-*")) and "boom" in logged[-1]
    assert sitebuild.build_site(root, log=lambda *_: None) == 3  # and the next run tries again


def test_tables_are_left_out_of_the_index(tmp_path):
    """A word only in a table is not found; the same word in a paragraph is.  (Pagefind's JS API in Node is
    not available here, so the check reads the index: the word's chunk appears only when it is in text.)"""
    import gzip

    def index_bytes(body: str) -> bytes:
        site = tmp_path / str(len(list(tmp_path.iterdir())))
        site.mkdir()
        (site / "index.html").write_text(f'<html lang="zh"><body><main data-pagefind-body><h1>页面</h1>{body}'
                                         "</main></body></html>", encoding="utf-8")
        assert sitebuild.index_site(site).returncode == 0
        return b"".join(gzip.decompress(p.read_bytes()) for p in (site / "pagefind" / "index").glob("*.pf_index"))

    word = "潜水".encode()  # Pagefind segments 潜水艇 into 潜水 + 艇
    assert word in index_bytes("<p>潜水艇</p>")
    assert word not in index_bytes("<table><tr><td>潜水艇</td></tr></table><p>别的</p>")


def test_swap_in_replaces_the_site_whole_and_recover_undoes_a_killed_swap(tmp_path):
    old, new = tmp_path / "site", tmp_path / ".site-new-1"
    old.mkdir()
    (old / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    sitebuild.swap_in(tmp_path, new)
    assert (tmp_path / "site" / "index.html").read_text() == "new" and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    # Killed between the two renames: site/ is aside as .site-old-*, a half-built .site-new-* beside it.
    (tmp_path / "site").rename(tmp_path / ".site-old-7")
    (tmp_path / ".site-new-8").mkdir()
    sitebuild.recover_site(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (tmp_path / "site" / "index.html").read_text() == "new"


def test_the_site_is_current_only_with_its_stamp_and_an_index(tmp_path):
    assert not sitebuild.site_is_current(tmp_path, "f")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x")
    stamp = tmp_path / sitebuild.STAMP
    stamp.parent.mkdir(parents=True)
    stamp.write_text("f\n")
    assert sitebuild.site_is_current(tmp_path, "f") and not sitebuild.site_is_current(tmp_path, "g")


def test_index_with_filters_is_byte_identical_when_rebuilt(built, tmp_path):
    """Pagefind run again on the same pages writes the same bytes, filter indexes included (upstream
    Pagefind 1.5.2 wrote filters in a varying order, issue 638), so a rebuild stays byte-identical."""
    import shutil

    from gongkai.site import PAGEFIND_DIR, index_site

    root, _, _ = built
    site = root / "site"
    report = next(site.glob("reports/*/*/*/index.html")).read_text(encoding="utf-8")
    assert 'data-pagefind-filter="年度:' in report and 'data-pagefind-filter="地区:' in report
    shard = next(p for p in sorted((root / sitebuild.SHARDS_DIR).iterdir()) if p.name.startswith("s"))
    index = sitebuild.SB.index_dir(shard.name)
    assert any((site / index / "filter").iterdir())
    again = tmp_path / "site"
    shutil.copytree(shard / "site", again, ignore=shutil.ignore_patterns(PAGEFIND_DIR))
    assert index_site(again, shard.name).returncode == 0
    first = {p.relative_to(site / index): p.read_bytes() for p in (site / index).rglob("*") if p.is_file()}
    second = {p.relative_to(again / index): p.read_bytes() for p in (again / index).rglob("*") if p.is_file()}
    assert first and first == second


# Chinese throughout: the Chinese pages of the built site hold no Latin words outside code, URLs, the
# English-marked parts (lang="en": the English page, maintainers' warnings) and a short list of names and
# formats a Chinese reader meets as they are (CSV, JSON, Excel …).
import re  # noqa: E402

from lxml import html as lxml_html  # noqa: E402

# Names and formats that are written in Latin letters in Chinese text too.
ALLOWED = {
    "Gongkai", "CSV", "JSON", "API", "XLSX", "Excel", "SQLite", "Parquet", "PDF", "HTML", "SHA", "UTF",
    "BOM", "zip", "ZIP", "Frictionless", "Table Schema", "MkDocs", "Material", "Pagefind", "ECharts",
    "GitHub", "English", "Open Data Commons", "ODC", "PDDL", "pdfplumber", "JavaScript", "Python", "PNG",
    "SVG", "Word", "WPS", "Unicode", "ID", "Schema", "yml", "reports", "KB", "MB", "README", "Data Package",
    "pandas", "Datasette", "datasette", "GB", "BibTeX", "DOCX", "TXT", "OCR", "DuckDB", "Hive",
}
# Skipped: code, English-marked parts, and text quoted from a report or its sidecar (class gk-text: the
# report's narrative; gk-quoted: the sidecar's description of the source), which is not the site's wording.
SKIP = ("//script | //style | //svg | //code | //pre | //kbd | //*[@lang='en'] | "
        "//*[contains(concat(' ', @class, ' '), ' gk-text ')] | //*[contains(concat(' ', @class, ' '), ' gk-quoted ')]")
LATIN = re.compile(r"[A-Za-z][A-Za-z .'’-]*[A-Za-z]")
URL = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+|[\w.-]+\.(?:csv|json|xlsx|zip|yml|md|html|pdf|txt|sqlite|parquet)"
                 r"(?![A-Za-z0-9])")
ALLOWED_RE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(t)}(?![A-Za-z])"
                                 for t in sorted(ALLOWED, key=len, reverse=True)))


def latin_runs(page_html: bytes) -> list[str]:
    """Latin runs of two letters or more in what a reader sees, outside code, URLs and English parts."""
    tree = lxml_html.fromstring(page_html)
    if tree.get("lang", "").startswith("en"):
        return []
    for el in tree.xpath(SKIP):
        if el.getparent() is not None:
            el.drop_tree()
    body = tree.find("body")
    text = ALLOWED_RE.sub(" ", URL.sub(" ", body.text_content() if body is not None else ""))
    return [run.strip() for run in LATIN.findall(text)]


def test_the_scan_can_fail():
    page = b'<html lang="zh"><body><p>7 cell(s) missing</p><code>balance.total</code>' \
           b'<p lang="en">sidecar level</p><p>\xe4\xb8\x8b\xe8\xbd\xbd CSV https://example.org/a</p></body></html>'
    # English in Chinese text is found; code, the English-marked part, allowed terms and URLs are not.
    assert latin_runs(page) == ["cell", "missing"]


def test_no_english_on_the_chinese_pages(built):
    root, _, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = root / "site"
    found = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("pagefind/", "assets/")):
            continue
        runs = latin_runs(path.read_bytes())
        if runs:
            found[rel] = sorted(set(runs))[:8]
    assert not found, found


def test_without_site_url_no_empty_sitemap_and_previews_without_an_address(built, tmp_path, monkeypatch):
    """The sample build has no site_url (mkdocs.yml, GONGKAI_SITE_URL): MkDocs' sitemap would list no page,
    so none is published; canonical and og:url need an absolute address and are left out, the rest of the
    preview is there.  tests/browser/test_subpath.py builds with a site_url."""
    root, _, _ = built
    site = root / "site"
    assert not (site / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:title"' in home and '<meta property="og:locale" content="zh_CN">' in home
    assert 'rel="canonical"' not in home and 'og:url' not in home
    en = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in en[:100] and 'content="en_GB"' in en
    # The site URL is part of the build's fingerprint (tests/test_assemble.py: no URL, no sitemap).
    before = sitebuild.docs_fingerprint(root)
    monkeypatch.setenv(sitebuild.SITE_URL_ENV, "https://example.org/gongkai/")
    assert sitebuild.docs_fingerprint(root) != before


CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")


def test_every_page_has_the_content_security_policy_and_nothing_inline_it_would_refuse(built):
    """The policy comes before any script or stylesheet; no page holds an inline script (JSON data blocks do
    not run), an inline style or an event-handler attribute, which the policy would refuse.
    tests/browser/conftest.py fails any browser test whose page reports a refusal."""
    import re

    root, _, _ = built
    pages = _pages(root / "site")
    assert len(pages) > 50
    for rel, html in pages.items():
        meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        assert meta in html, rel
        at = html.index(meta)
        assert at < html.index("<script") and at < html.index('<link rel="stylesheet"'), rel
        inline = [m for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) if 'type="application/json"' not in m]
        assert not inline, (rel, inline)
        assert not re.search(r"<style\b|\sstyle=\"|\son[a-z]+=\"", html), (rel, re.search(r".{80}(<style\b|\sstyle=\"|\son[a-z]+=\").{80}", html))
