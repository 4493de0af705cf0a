"""gongkai/package/licence.py: the data licence in every page's footer and in every download of the built site."""
from __future__ import annotations

import zipfile

from gongkai.package.datapackage import LICENSE
from gongkai.package.licence import FOOTER_HTML, README_NAME, readme


def test_readme_states_the_licence_in_both_languages_and_depends_only_on_the_title():
    text = readme("某某局 2023 年政府信息公开工作年度报告数据").decode("utf-8")
    assert text.startswith("公开 Gongkai：某某局 2023 年")
    assert "许可：数据以 ODC-PDDL-1.0" in text and "Licence: The data are released under the Open Data Commons" in text
    assert text.count(LICENSE["path"]) == 2 and "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "不等于 0" in text and "never 0" in text
    assert readme("x") == readme("x") != readme("y")
    assert f'<a href="{LICENSE["path"]}">ODC-PDDL-1.0</a>' in FOOTER_HTML


def test_every_page_and_every_download_states_the_licence(built):
    import pyarrow.parquet as pq

    root, result, _ = built
    site = root / "site"
    pages = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "pagefind"]
    assert len(pages) > len(result.reports)
    for page in pages:  # the footer, 404 page included
        html = page.read_text(encoding="utf-8")
        assert FOOTER_HTML in html[html.index('<footer'):], page
    zips = sorted((site / "downloads").rglob("*.zip"))
    assert len(zips) == len(result.reports) + 1  # one a report, and the whole corpus
    for path in zips:
        with zipfile.ZipFile(path) as zf:
            (member,) = [n for n in zf.namelist() if n.endswith("/" + README_NAME) and n.count("/") == 1]
            assert LICENSE["path"] in zf.read(member).decode("utf-8"), path
    parquet = sorted((site / "downloads" / "all").rglob("*.parquet"))
    assert parquet
    for path in parquet:
        assert pq.read_schema(path).metadata[b"license"] == f"ODC-PDDL-1.0 {LICENSE['path']}".encode(), path
