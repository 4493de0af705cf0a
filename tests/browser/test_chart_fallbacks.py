"""Charts without JavaScript, and the chart's own downloads with it.

Without JavaScript a chart box is not 320 px of blank: the box is hidden, a sentence says why and the chart's
data table is open.  With it, the table is closed once the chart is drawn, and the chart can be saved as PNG
and SVG (made in the browser from the drawn chart) and linked to on its own.
"""
from __future__ import annotations

from gongkai import paths as P


def _agency_with_charts(site):
    return next(r for r in site.result.reports if r.source.name == "001_huaian_hongzequ_2023.pdf").slug


def test_without_javascript_charts_give_way_to_a_sentence_and_their_table(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  java_script_enabled=False)
    outside, broken = [], []

    def route(r):
        if r.request.url.startswith(site.base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    context.on("response", lambda resp: broken.append(f"{resp.status} {resp.url}") if resp.status >= 400 else None)
    try:
        page = context.new_page()
        for rel in ("", P.page_url(P.agency_page(_agency_with_charts(site))), "regions/jiangsusheng/"):
            page.goto(site.url(rel), wait_until="load")
            charts = page.locator("div.gk-chart[data-src]")
            assert charts.count() >= 2, rel
            for i in range(charts.count()):
                chart = charts.nth(i)
                cid = chart.get_attribute("id")
                assert chart.bounding_box() is None, (rel, cid)  # not laid out: no blank box
                box = page.locator(f"#{cid}-box")
                assert "浏览器未启用 JavaScript" in box.inner_text(), (rel, cid)
                assert box.locator(".gk-chart-caption").is_visible()
                table = page.locator(f"#{cid}-data")
                assert table.get_attribute("open") is not None and table.locator("table").is_visible(), (rel, cid)
                # The image buttons need the drawn chart: not offered.
                assert not page.locator(f'.gk-chart-images[data-chart="{cid}"]').is_visible()
        assert not outside and not broken, (outside, broken)
    finally:
        context.close()


def test_chart_saves_as_png_and_svg_and_has_its_own_link(site, open_page):
    page = open_page(site)
    page.goto(site.url(P.page_url(P.agency_page(_agency_with_charts(site)))), wait_until="load")
    chart = page.locator("div.gk-chart[data-src]").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function("el => el.getAttribute('data-gk-state') === 'ready'", arg=chart.element_handle())
    cid = chart.get_attribute("id")
    assert page.locator(f"#{cid}-data").get_attribute("open") is None  # drawn: the table is closed
    images = page.locator(f'.gk-chart-images[data-chart="{cid}"]')
    assert images.is_visible()
    stem = "gongkai-" + chart.get_attribute("data-src")[len("charts/"):-len(".json")].replace("/", "-")
    with page.expect_download() as svg_download:
        images.locator('button[data-format="svg"]').click()
    assert svg_download.value.suggested_filename == stem + ".svg"
    svg = open(svg_download.value.path(), "rb").read()
    assert svg.startswith(b"<svg") and b"</svg>" in svg and b"<path" in svg
    with page.expect_download() as png_download:
        images.locator('button[data-format="png"]').click()
    assert png_download.value.suggested_filename == stem + ".png"
    png = open(png_download.value.path(), "rb").read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    # 本图链接: the chart's own address, which scrolls to it.
    link = page.locator(".gk-chart-downloads a", has_text="本图链接").first
    assert link.get_attribute("href") == f"#{cid}-box"
    assert page.locator(f"#{cid}-box").count() == 1
