"""如何引用: the citation blocks and files (GB/T 7714, BibTeX, version, licence), escaped and never dated by us."""
from __future__ import annotations

import re

from gongkai import paths as P
from gongkai.package.datapackage import LICENSE
from gongkai.pages import cite
from gongkai.pages.markup import esc


def test_citation_names_author_title_version_licence_and_leaves_the_access_date_to_the_reader():
    c = cite.citation("某机关 2023 年政府信息公开工作年度报告", "reports/mou/2023/", 2023, "某机关", "mou-2023")
    assert c["gbt7714"].startswith("某机关. 某机关 2023 年政府信息公开工作年度报告")
    assert "[DS/OL]" in c["gbt7714"] and f"版本 {cite.dataset_version()}" in c["gbt7714"]
    assert "[引用日期]" in c["gbt7714"] and c["gbt7714"].endswith("reports/mou/2023/.")
    assert c["bibtex"].startswith("@dataset{mou-2023,")
    assert "urldate = {引用日期}" in c["bibtex"] and f"License: {LICENSE['name']}" in c["bibtex"]
    # No date of ours anywhere: a static page cannot know when it is read.
    assert not re.search(r"20\d\d-\d\d-\d\d", c["gbt7714"] + c["bibtex"])


def test_hostile_names_cannot_break_the_bibtex_or_the_page():
    name = '机关}</code><script>alert(1)</script>{\\'
    c = cite.citation(name, "reports/x/2023/", 2023, name, "x}\n@misc{y")
    entry = c["bibtex"]
    bare = re.sub(r"\\[{}]", "", entry)
    assert bare.count("{") == bare.count("}") == 9  # only our own braces: the entry cannot be closed early
    assert entry.startswith("@dataset{x---misc-y,\n")
    block = cite.block(name, "reports/x/2023/", 2023, name)
    assert "<script>" not in block and "&lt;script&gt;" in block


def test_report_agency_home_downloads_and_chart_pages_carry_the_block(built):
    root, result, _ = built
    docs = root / "docs"
    rep = result.reports[0]
    pages = [P.report_page_of(rep), P.agency_page(rep.slug), "index.md", "downloads.md"]
    for rel in pages:
        text = (docs / rel).read_text(encoding="utf-8")
        assert '<details class="gk-cite"><summary>如何引用</summary>' in text, rel
        assert "GB/T 7714" in text and "BibTeX" in text and LICENSE["name"] in text, rel
    charted = [p for p in docs.rglob("*.md") if 'class="gk-chart"' in p.read_text(encoding="utf-8")]
    assert charted
    for page in charted:
        text = page.read_text(encoding="utf-8")
        assert text.count('class="gk-chart"') <= text.count('class="gk-cite"'), page


def test_the_downloads_carry_the_same_citation_text(built):
    root, result, _ = built
    dl = root / "docs" / "downloads"
    rep = result.reports[0]
    own = (dl / P.report_dir_of(rep.report_id) / P.CITATION_FILE).read_text(encoding="utf-8")
    c = cite.citation(f"{rep.meta.agency} {rep.meta.year} 年政府信息公开工作年度报告",
                      P.page_url(P.report_page_of(rep)), rep.meta.year, rep.meta.agency, f"{rep.slug}-{rep.meta.year}")
    assert c["gbt7714"] in own and all(line in own for line in c["bibtex"].splitlines())
    assert esc(c["gbt7714"]) in (root / "docs" / P.report_page_of(rep)).read_text(encoding="utf-8")
    combined = (dl / P.COMBINED / P.CITATION_FILE).read_text(encoding="utf-8")
    assert cite.citation(cite.DATASET_ZH, "downloads/")["gbt7714"] in combined
    assert P.CITATION_FILE in (root / "docs" / "downloads.md").read_text(encoding="utf-8")
