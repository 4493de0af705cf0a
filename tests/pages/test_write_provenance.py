"""Honest provenance: what a page, package or API file says of where a report came from is exactly what its
sidecar records; what is not recorded reads 未记录 (pages) or is absent/null (data), never a made-up date."""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from gongkai import paths as P
from gongkai.extract import sidecar_path
from gongkai.pages.markup import md_text
from gongkai.pipeline.build import build
from tests.conftest import ROOT, copy_project

BUILD_DAY = "2031-07-19"  # the declared build date: a day no report was retrieved on
EPOCH = "1942185600"  # 2031-07-19T00:00:00Z


def _prepare(root: Path) -> dict[str, dict]:
    """Three reports: one with a recorded date and URL, one with neither, one with only a description."""
    names = ["000_8719cb9f3c2be4e4.txt", "004_wuhan_hanyangqu_zfb_2022.txt", "016_heilongjiang_wuchang_minyixiang_2021.txt"]
    copy_project(root, [p for n in names for p in (ROOT / "reports" / n, sidecar_path(ROOT / "reports" / n))])
    sides = {}
    for n in names:
        side = yaml.safe_load(sidecar_path(root / "reports" / n).read_text(encoding="utf-8"))
        side.pop("retrieved", None)
        if n.startswith("000"):
            side["retrieved"] = "2021-03-04"
        if n.startswith("016"):
            side.pop("source_url", None)
            side["source"] = "wcsxxgk.harbin.gov.cn"  # a site, not the report's address
        sidecar_path(root / "reports" / n).write_text(yaml.safe_dump(side, allow_unicode=True), encoding="utf-8")
        sides[n] = side
    return sides


def test_no_made_up_provenance_in_any_page_package_or_api_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "p"
    sides = _prepare(root)
    result = build(root, log=lambda *_: None, jobs=1)
    assert len(result.reports) == 3 and not result.invalid
    # The build's own day appears only where it is labelled as the build date (downloads page).
    outputs = [p for d in ("datapackages", "docs") for p in (root / d).rglob("*") if p.is_file()
               and p.suffix in (".md", ".json", ".csv", ".txt")]
    dated = sorted(p.relative_to(root).as_posix() for p in outputs
                   if BUILD_DAY in p.read_text(encoding="utf-8", errors="replace"))
    assert set(dated) <= {"docs/downloads.md"}, dated
    for rep in result.reports:
        side = sides[rep.source.name]
        page = (root / "docs" / P.report_page_of(rep)).read_text(encoding="utf-8")
        shown = re.search(r"^\| 获取日期 \| (.*) \|$", page, re.M).group(1)
        assert shown == md_text(side.get("retrieved", "未记录")), rep.source.name
        source = re.search(r"^\| 来源 \| (.*) \|$", page, re.M).group(1)
        assert source == (f"<{side['source_url']}>" if side.get("source_url") else "未记录"), rep.source.name
        pkg = json.loads((root / "datapackages" / rep.report_id / "datapackage.json").read_text(encoding="utf-8"))
        src = pkg["sources"][0]
        assert src.get("retrieved") == side.get("retrieved") and src.get("url") == side.get("source_url")
        meta = json.loads((root / "datapackages" / rep.report_id / "metadata.json").read_text(encoding="utf-8"))
        row = meta[0] if isinstance(meta, list) else meta["data"][0] if "data" in meta else meta
        assert row.get("retrieved") == side.get("retrieved") and row.get("source_url") == side.get("source_url")
        api = json.loads((root / "docs" / "api" / P.report_api(rep.slug, rep.meta.year)).read_text(encoding="utf-8"))
        api_text = json.dumps(api, ensure_ascii=False)
        if "retrieved" not in side:
            assert '"retrieved": null' in api_text or '"retrieved"' not in api_text
        else:
            assert side["retrieved"] in api_text
    # The description of a site is shown as such, never as the report's 来源.
    page016 = next((root / "docs" / P.report_page_of(r)).read_text(encoding="utf-8")
                   for r in result.reports if r.source.name.startswith("016"))
    assert "| 来源 | 未记录 |" in page016 and '| 来源说明 | <span class="gk-quoted">wcsxxgk\\.harbin\\.gov\\.cn</span> |' in page016
