"""A chart renders: every div.gk-chart on a sampled page holds an svg or canvas with a real size."""
from __future__ import annotations


def _pages_with_charts(root) -> list[str]:
    out = []
    for html in sorted(root.rglob("index.html")):
        if 'class="gk-chart' in html.read_text(encoding="utf-8"):
            rel = html.parent.relative_to(root).as_posix()
            out.append("" if rel == "." else rel + "/")
    return out


def test_charts_render(site, open_page):
    pages = _pages_with_charts(site.root)
    # The home page charts the correction rate, and agency pages chart their years.
    assert "" in pages and any(p.startswith("agencies/") for p in pages), pages
    # One page of each kind (home, agency, year, region, …) is enough to show the library loads offline.
    sample = {}
    for rel in pages:
        sample.setdefault(rel.split("/")[0], rel)
    page = open_page(site)
    for rel in sample.values():
        assert page.goto(site.url(rel), wait_until="load").status == 200, rel
        charts = page.locator("div.gk-chart")
        assert charts.count() > 0, rel
        for i in range(charts.count()):
            drawn = charts.nth(i).locator("svg, canvas").first
            drawn.wait_for(state="attached", timeout=10_000)
            box = drawn.bounding_box()
            assert box and box["width"] > 10 and box["height"] > 10, (rel, i, box)
