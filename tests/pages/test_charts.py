"""gongkai/pages/charts.py: deterministic data files and snippets, escaping,
and a built site that carries its own chart library (no CDN, relative paths only)."""
from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gongkai.pages import charts as C

HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


def _chart(title=HOSTILE, values=((1, None, 3),), series=None, chart_id="agencies/some-agency/applications"):
    series = series or (C.Series("received", "本年新收申请", "Requests received"),)
    cats = tuple(C.Category(y, f"{y} 年", str(y)) for y in (2020, 2021, 2022))
    return C.Chart(chart_id, title, "t", C.LINE, "year", "年度", "Year", cats, series, values)


def test_render_is_deterministic():
    a, b = C.render(_chart(), "agencies/some-agency.md"), C.render(_chart(), "agencies/some-agency.md")
    assert a.snippet == b.snippet and a.files == b.files
    assert sorted(a.files) == ["charts/agencies/some-agency/applications.csv",
                               "charts/agencies/some-agency/applications.json"]


def test_hostile_text_is_escaped_in_the_page_and_kept_as_data_in_the_file():
    out = C.render(_chart(), "agencies/some-agency.md")
    assert "<script>" not in out.snippet and "<img" not in out.snippet
    assert "&lt;script&gt;" in out.snippet
    data = json.loads(out.files["charts/agencies/some-agency/applications.json"])
    assert data["title"]["zh"] == HOSTILE  # JSON is data; charts.js never puts the title into HTML


@pytest.mark.parametrize("bad", ["../etc/passwd", "agencies/../../x", "Agencies/X", "a b", "/abs", "a//b", ""])
def test_unsafe_chart_ids_are_refused(bad):
    with pytest.raises(ValueError):
        C.render(_chart(chart_id=bad), "index.md")


def test_unknown_is_null_never_zero_in_every_form():
    out = C.render(_chart(), "index.md")
    data = json.loads(out.files["charts/agencies/some-agency/applications.json"])
    assert data["series"][0]["values"] == [1, None, 3]
    text = out.files["charts/agencies/some-agency/applications.csv"]
    assert text.startswith("\ufeff")  # a BOM: Excel reads the Chinese labels as UTF-8
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["received"] for r in rows] == ["1", "", "3"]
    assert "1 个年度不详" in C.caption(_chart())
    assert '<td class="gk-num">—</td>' in out.snippet


def test_download_links_are_relative_to_the_page():
    out = C.render(_chart(), "agencies/some-agency.md")
    assert "[CSV](../charts/agencies/some-agency/applications.csv)" in out.snippet
    home = C.render(_chart(), "index.md")
    assert "[JSON](charts/agencies/some-agency/applications.json)" in home.snippet
    # data-src is relative to the site root (charts.js resolves it from its own URL), never absolute
    assert 'data-src="charts/agencies/some-agency/applications.json"' in out.snippet


def test_place_uses_the_marker_or_appends():
    assert C.place("a\n<!-- gk-charts -->\nb\n", "X") == "a\nX\nb\n"
    assert C.place("a\n", "X") == "a\n\nX"
    pages = {"x.md": "a\n<!-- gk-charts -->\nb\n", "y.md": "c\n<!-- gk-charts -->\nd\n"}
    C.place_all(pages, {"x.md": "X"})
    assert pages == {"x.md": "a\nX\nb\n", "y.md": "c\nd\n"}


# --- On the built sample corpus -----------------------------------------------------------------

class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.charts, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        if tag == "div" and "gk-chart" in (a.get("class") or "").split():
            self.charts.append(a.get("data-src"))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _resolve(site: Path, page: Path, ref: str) -> Path:
    base = posixpath.dirname(page.relative_to(site).as_posix())
    return site / posixpath.normpath(posixpath.join(base, ref))


def test_site_bundles_the_chart_library_and_references_it_relatively(built):
    root, _, proc = built
    assert proc.returncode == 0, proc.stderr[-2000:]
    site = root / "site"
    echarts = site / "assets" / "vendor" / "echarts.min.js"
    # The custom build (scripts/echarts-custom.js) is about 560 KB; the full library would be 1.1 MB.
    assert 300_000 < echarts.stat().st_size < 800_000, "the vendored ECharts is missing or not the custom build: run `make vendor`"
    assert (site / "assets" / "vendor" / "echarts.LICENSE.txt").exists()
    charts_js = (site / "assets" / "charts.js").read_text(encoding="utf-8")
    # charts.js loads ECharts relative to itself, so this is the file it fetches
    assert re.search(r'new URL\("vendor/echarts\.min\.js", assets\)', charts_js)
    pages_with_charts = 0
    for page in sorted(site.rglob("*.html")):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        for src in refs.scripts:  # nothing from a CDN, anywhere
            assert not urlsplit(src).scheme and not src.startswith("//"), f"{page}: script {src} is remote"
        if not refs.charts:
            continue  # (MkDocs writes 404.html with root-absolute paths; it has no chart)
        for src in refs.scripts:
            assert not src.startswith("/"), f"{page}: script {src} is not relative"
        pages_with_charts += 1
        js = [s for s in refs.scripts if s.endswith("assets/charts.js")]
        assert js and _resolve(site, page, js[0]) == site / "assets" / "charts.js", page
        for src in refs.charts:
            assert src and (site / src).is_file(), f"{page}: chart data {src} not in site/"
            for ext in (".csv", ".json"):
                target = [h for h in refs.links if h.endswith(src[:-5] + ext)]
                assert target and _resolve(site, page, target[0]).is_file(), f"{page}: no {ext} download"
    assert pages_with_charts >= 2  # the home page and at least one agency with several years
