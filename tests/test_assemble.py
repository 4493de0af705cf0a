"""gongkai/assemble.py: which file of the site comes from where, and the files assembly makes itself (the
merged sitemap, the list of shard indexes).  The whole sharded build is tested in tests/test_shard_build.py."""
from __future__ import annotations

import json

from gongkai import assemble as A
from gongkai import shard_build as SB
from gongkai import shards as S
from gongkai.files import write_if_changed
from gongkai.pipeline import manifest as M


def _sitemap(site, *locs):
    site.mkdir(parents=True, exist_ok=True)
    body = "".join(f"<url><loc>{loc}</loc></url>\n" for loc in locs)
    (site / "sitemap.xml").write_text(f'<?xml version="1.0"?>\n<urlset>\n{body}</urlset>\n', encoding="utf-8")


def _plan(tmp_path, urls):
    plan = {}
    for name, locs in urls.items():
        plan[name] = tmp_path / "shards" / name
        _sitemap(plan[name] / "site", *locs)
    return plan


def test_no_url_no_sitemap_and_a_stale_one_is_removed(tmp_path):
    out = tmp_path / "out"
    plan = _plan(tmp_path, {S.HUB: ["https://e.org/"], S.shard_name(0): ["https://e.org/a/"]})
    assert A.extras(plan, out, "https://e.org/", write_if_changed)
    text = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert text.count("<url>") == 2 and "https://e.org/a/" in text and (out / "sitemap.xml.gz").exists()
    # MkDocs without site_url writes a sitemap with no URL: nothing is published, and the last one goes.
    plan = _plan(tmp_path, {S.HUB: [], S.shard_name(0): []})
    assert not A.extras(plan, out, "", write_if_changed)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == [A.SHARD_LIST]


def test_above_the_protocols_limit_a_sitemap_index_of_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(A, "SITEMAP_URLS", 2)
    out = tmp_path / "out"
    plan = _plan(tmp_path, {S.HUB: ["https://e.org/"], S.shard_name(0): [f"https://e.org/{i}/" for i in range(3)]})
    assert A.extras(plan, out, "https://e.org/site/", write_if_changed)
    index = (out / "sitemap.xml").read_text(encoding="utf-8")
    parts = sorted(p.name for p in (out / "sitemaps").glob("*.xml"))
    assert parts == [f"{S.HUB}-0.xml", f"{S.shard_name(0)}-0.xml", f"{S.shard_name(0)}-1.xml"]
    assert "<sitemapindex" in index and index.count("<loc>https://e.org/site/sitemaps/") == 3
    assert (out / "sitemaps" / f"{S.shard_name(0)}-1.xml").read_text(encoding="utf-8").count("<url>") == 1
    # Back under the limit: the parts of the index are no longer made, so they are removed.
    monkeypatch.setattr(A, "SITEMAP_URLS", 50_000)
    assert A.extras(plan, out, "https://e.org/site/", write_if_changed)
    assert not list((out / "sitemaps").glob("*.xml")) and "<urlset" in (out / "sitemap.xml").read_text()


def test_each_file_of_the_site_has_one_source(tmp_path):
    root = tmp_path / "p"
    files = {
        "shards/hub/site/index.html": "hub", "shards/hub/site/sitemap.xml": "<urlset/>",
        "shards/hub/site/assets/a.css": "theme", "shards/hub/site/pagefind/pagefind.js": "hub index",
        "shards/s000/site/reports/ab/x/index.html": "report", "shards/s000/site/index.html": "shard's own home",
        "shards/s000/site/pagefind/shards/s000/pagefind-entry.json": "{}",
        "shards/s000/site/pagefind/pagefind.js": "shard's copy of the hub's script",
        "docs/assets/a.css": "static", "docs/api/index.json": "[]", "docs/downloads/x/a.csv": "a",
        "docs/reports/ab/x.md": "# page", "extra/pagefind/shards.json": "{}",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    plan = {S.HUB: root / "shards/hub", S.shard_name(0): root / "shards/s000"}
    want = A.wanted(root, plan, root / "extra")
    expected = {
        "index.html": "hub", "assets/a.css": "static", "pagefind/pagefind.js": "hub index",
        "reports/ab/x/index.html": "report", "pagefind/shards/s000/pagefind-entry.json": "{}",
        "api/index.json": "[]", "pagefind/shards.json": "{}", "downloads/x/a.csv": "a"}
    assert {rel: open(src, encoding="utf-8").read() for rel, (src, _) in want.items()} == expected
    # One part of the site: its folders alone are listed, in every source.
    for part in ("", "reports/ab", "pagefind", "pagefind/shards/s000", "assets", "downloads", "years"):
        assert A.wanted(root, plan, root / "extra", part) == {rel: src for rel, src in want.items()
                                                             if M.part_of(rel) == part}, part
    assert SB.index_dir(S.shard_name(0)) == "pagefind/shards/s000"
    listing = {"shards": ["shards/s000/"]}
    A.extras(plan, root / "extra2", "", write_if_changed)
    assert json.loads((root / "extra2" / "pagefind" / A.SHARD_LIST).read_text()) == listing
