"""The recent layer's bookkeeping (gongkai/recent_index.py) on hand-made Pagefind fragments; the layer built
by Pagefind itself is tested in tests/test_shard_build.py, and its use in the browser in
tests/browser/test_search_layers.py."""
from __future__ import annotations

import gzip
import json

from gongkai import recent_index as RI


def _fragment(bundle, fid: str, url: str, filters: dict) -> None:
    (bundle / "fragment").mkdir(parents=True, exist_ok=True)
    body = b"pagefind_dcd" + json.dumps({"url": url, "content": "x", "filters": filters}).encode()
    (bundle / "fragment" / f"{fid}.pf_fragment").write_bytes(gzip.compress(body))


def test_the_layer_grows_to_its_share_then_the_shard_is_indexed_whole(tmp_path):
    shard, name = tmp_path, "s000"
    whole = shard / "site" / "pagefind" / "shards" / name
    _fragment(whole, "zh_a", "/reports/aa/x/2023/", {"年度": ["2023"]})
    _fragment(whole, "zh_b", "/agencies/aa/x/", {})
    assert RI.layer(shard, ["reports/aa/x/2023/index.html"], 10) is None  # no record of a whole index yet
    RI.indexed_whole(shard, whole, name)
    assert RI.layer(shard, ["reports/aa/x/2023/index.html"], 10) == ["reports/aa/x/2023/index.html"]
    assert RI.layer(shard, ["reports/aa/x/2023/index.html", "agencies/aa/x/index.html"], 10) is None  # 2 > 10%
    assert RI.url_of("reports/aa/x/2023/index.html") == "/reports/aa/x/2023/" and RI.url_of("index.html") == "/"


def test_superseded_lists_the_whole_copies_of_the_layers_pages(tmp_path):
    shard, name = tmp_path, "s000"
    whole = shard / "site" / "pagefind" / "shards" / name
    _fragment(whole, "zh_a", "/reports/aa/x/2023/", {"年度": ["2023"]})
    _fragment(whole, "zh_b", "/agencies/aa/x/", {})
    RI.indexed_whole(shard, whole, name)

    def run(cmd, cwd):  # stands in for Pagefind: the layer's pages, one new and one the same as before
        assert cmd[0].endswith(RI.recent_dir(name)) and cwd == shard / RI.LAYER_SITE
        _fragment(shard / "site" / RI.recent_dir(name), "zh_c", "/reports/aa/x/2023/", {"年度": ["2023"]})
        _fragment(shard / "site" / RI.recent_dir(name), "zh_b", "/agencies/aa/x/", {})
        return {"returncode": 0, "output": ""}

    for rel in ("reports/aa/x/2023/index.html", "agencies/aa/x/index.html"):
        (shard / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (shard / "site" / rel).write_text("<html></html>")
    pages = ["agencies/aa/x/index.html", "reports/aa/x/2023/index.html"]
    assert RI.index_layer(shard, name, pages, lambda out: [out], run)["returncode"] == 0
    assert sorted(p.relative_to(shard / RI.LAYER_SITE).as_posix() for p in (shard / RI.LAYER_SITE).rglob("*.html")) == pages
    has, gone = RI.listing(shard, name)
    # The report's old copy is dropped; the agency page came out the same fragment: kept once.
    assert has and gone == {"zh_a": {"filters": {"年度": ["2023"]}}, "zh_b": {"filters": {}, "twin": True}}
    RI.indexed_whole(shard, whole, name)
    assert RI.listing(shard, name) == (False, {}) and not (shard / "site" / RI.recent_dir(name)).exists()
