"""Honest provenance: what a page, package or API file says of where a report came from is exactly what its
sidecar records; what is not recorded reads 未记录 (pages) or is absent/null (data), never a made-up date."""
from __future__ import annotations

import dataclasses
import json
import re

import yaml

from gongkai import paths as P
from gongkai.pages.markup import md_text
from gongkai.pages.write import report_page
from tests.conftest import ROOT

def _sidecars() -> dict[str, dict]:
    return {p.name[: -len(".yml")]: yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            for p in (ROOT / "reports").glob("*.yml")}


def test_no_made_up_provenance_in_any_page_package_or_api_file(built):
    """Over the sample build: the sample sidecars record no retrieval date (the corpus did not), several give
    a description or a site rather than the report's address (016: a site's host name only)."""
    root, result, _proc = built
    sides = _sidecars()
    assert not any("retrieved" in s for s in sides.values()), "the sample has a retrieval date: test one below"
    for rep in result.reports:
        side = sides[rep.source.name]
        page = (root / "docs" / P.report_page_of(rep)).read_text(encoding="utf-8")
        shown = re.search(r"^\| 获取日期 \| (.*) \|$", page, re.M).group(1)
        assert shown == "未记录", rep.source.name
        source = re.search(r"^\| 来源 \| (.*) \|$", page, re.M).group(1)
        assert source == (f"<{side['source_url']}>" if side.get("source_url") else "未记录"), rep.source.name
        pkg = json.loads((root / "datapackages" / P.report_dir_of(rep.report_id) / "datapackage.json").read_text(encoding="utf-8"))
        src = pkg["sources"][0]
        assert src.get("retrieved") is None and src.get("url") == side.get("source_url")
        meta = json.loads((root / "datapackages" / P.report_dir_of(rep.report_id) / "metadata.json").read_text(encoding="utf-8"))
        row = meta[0] if isinstance(meta, list) else meta["data"][0] if "data" in meta else meta
        assert row.get("retrieved") is None and row.get("source_url") == side.get("source_url")
        api = json.loads((root / "docs" / "api" / P.report_api(rep.slug, rep.meta.year)).read_text(encoding="utf-8"))
        api_text = json.dumps(api, ensure_ascii=False)
        assert '"retrieved": null' in api_text or '"retrieved"' not in api_text
    # The description of a site is shown as such, never as the report's 来源.
    page016 = next((root / "docs" / P.report_page_of(r)).read_text(encoding="utf-8")
                   for r in result.reports if r.source.name.startswith("016"))
    assert "| 来源 | 未记录 |" in page016 and '| 来源说明 | <span class="gk-quoted">wcsxxgk\\.harbin\\.gov\\.cn</span> |' in page016


def test_a_recorded_retrieval_date_and_address_are_shown_as_recorded(built):
    _root, result, _proc = built
    rep = next(r for r in result.reports if r.sidecar.get("source_url"))
    side = {**rep.sidecar, "retrieved": "2021-03-04"}
    page = report_page(dataclasses.replace(rep, sidecar=side), None, None)
    assert "| 获取日期 | 2021\\-03\\-04 |" in page or f"| 获取日期 | {md_text('2021-03-04')} |" in page
    assert f"| 来源 | <{side['source_url']}> |" in page
