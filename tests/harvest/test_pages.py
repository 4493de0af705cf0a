"""The site says what check-sources and the last harvest found: quality page and report page."""
from __future__ import annotations

from pathlib import Path

import yaml

from conftest import copy_project
from gongkai import paths as P
from gongkai.pipeline.build import build
from gongkai.harvest.sources import check_sources
from gongkai.pages.provenance import quality_section

from .server import Answer
from .test_run import harvest

CORPUS = Path(__file__).resolve().parents[2] / "reports"


def corpus_sidecar(name: str) -> dict:
    """The agency, region, level and year of a corpus report, as a harvest list would give them."""
    return yaml.safe_load((CORPUS / f"{name}.txt.yml").read_text(encoding="utf-8"))


def test_changed_and_gone_sources_are_listed_next_to_the_archived_copy(server, settings, tmp_path):
    a = (CORPUS / "004_wuhan_hanyangqu_zfb_2022.txt").read_bytes()
    b = (CORPUS / "005_chongqing_jiulongpo_erlangjd_2022.txt").read_bytes()
    c = (CORPUS / "006_tianjin_hongqiaoqu_zwfwb_2022.txt").read_bytes()
    server.routes["/a.txt"], server.routes["/b.txt"], server.routes["/c.txt"] = Answer(200, a), Answer(200, b), Answer(200, c)
    root = copy_project(tmp_path / "project", reports=[])
    urls = [server.url("/a.txt"), server.url("/b.txt"), server.url("/c.txt"), server.url("/<script>x</script>")]
    rows = [f"{u},{','.join(str(side[k]) for k in ('agency', 'region', 'level', 'year'))}"
            for u, side in zip(urls, map(corpus_sidecar, ("004_wuhan_hanyangqu_zfb_2022", "005_chongqing_jiulongpo_erlangjd_2022",
                                                          "006_tianjin_hongqiaoqu_zwfwb_2022")))] + [urls[3]]
    listed = harvest(root / "reports", settings, [], header="url,agency,region,level,year", rows=rows)
    files = {o["url"]: o["file"] for o in listed["urls"]}
    server.routes["/a.txt"] = Answer(404, b"")
    server.routes["/b.txt"] = Answer(200, b + b"\n")
    check_sources(root / "reports", settings, today="2026-12-01")

    result = build(root, log=lambda *_: None)
    assert len(result.reports) == 3
    quality = (root / "docs" / "quality.md").read_text(encoding="utf-8")
    section = quality[quality.index("## 来源与收集"):]
    assert "已变更或已失效的来源（2）" in section
    assert f"reports/{files[urls[0]]}" in section and f"reports/{files[urls[1]]}" in section
    assert f"reports/{files[urls[2]]}" not in section  # online: not listed
    assert "<script>" not in section and "&lt;script&gt;" in section  # the failed URL, escaped
    gone = next(r for r in result.reports if r.source.name == files[urls[0]])
    page = (root / "docs" / P.report_page_of(gone)).read_text(encoding="utf-8")
    assert '!!! note "来源已失效（2026-12-01 起）"' in page and "| 来源状态 | 已失效" in page
    online = next(r for r in result.reports if r.source.name == files[urls[2]])
    page = (root / "docs" / P.report_page_of(online)).read_text(encoding="utf-8")
    assert "| 来源状态 | 在线" in page and '!!! note "来源' not in page


def test_no_section_without_harvest_state():
    assert quality_section([], {}, {}) == ""
