"""The evidence view: click a number on a report page and the place it was printed is shown and marked.

On the shared sample site: a text report (the seed), a PDF (淮安市洪泽区 2023), an HTML page (上海市人民政府办公厅
2019) and digits run together (平潭 2025).  The expected values are the ones printed in those files (their
goldens in tests/golden/ were transcribed by reading them); the PDF's box is checked against the PDF's own
characters at those coordinates, read with pdfplumber.  The DOCX and hostile-table cases are in
test_hostile.py (on the site that test builds).
"""
from __future__ import annotations

import pdfplumber

from conftest import ROOT
from gongkai import paths as P

PANEL = "#gk-ev-panel"


def _report(site, source: str):
    (rep,) = [r for r in site.result.reports if r.source.name == source]
    return rep


def open_cell(page, served, rep, code: str, kind: str, width: int | None = None):
    """Open the report page and click the number of cell `code`; wait until the panel drew its evidence."""
    page.goto(served.url(P.page_url(P.report_page(rep.slug, rep.meta.year))), wait_until="load")
    link = page.locator(f'article a[href="#cell={code}"]')
    link.click()
    page.wait_for_selector(f"{PANEL}[data-ready]", timeout=30_000)
    assert page.get_attribute(PANEL, "data-ready") == kind
    assert page.evaluate("location.hash") == f"#cell={code}"
    return link


def test_a_number_from_a_text_file_shows_its_line_with_its_characters_marked(site, open_page):
    rep = _report(site, "000_8719cb9f3c2be4e4.txt")
    page = open_page(site)
    link = open_cell(page, site, rep, "new_received.natural_person", "text")
    # line 47 of the file: 一、本年新收政府信息公开申请数量<TAB><TAB>14<TAB>0…
    assert link.inner_text() == "14"
    here = page.locator(f"{PANEL} .gk-ev-here")
    assert here.locator(".gk-ev-no").inner_text() == "47"
    assert here.locator("mark.gk-ev-hit").inner_text() == "14"
    assert here.locator("code").inner_text().startswith("一、本年新收政府信息公开申请数量\t\t14\t0")
    # Esc closes it, the address loses the cell, and the keyboard is back on the number clicked.
    page.keyboard.press("Escape")
    assert page.locator(PANEL).is_hidden()
    assert page.evaluate("location.hash") == ""
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#cell=new_received.natural_person"


def test_an_html_number_shows_the_source_table_with_the_cell_marked_and_in_view(site, open_page):
    rep = _report(site, "041_shanghai_shizhengfu_bgt_2019.html")
    page = open_page(site)
    open_cell(page, site, rep, "normative_documents.published", "table")
    # The page's first table, row 4: 规范性文件 | 60 | 60 | 368; the marked cell is the second 60.
    hit = page.locator(f"{PANEL} td.gk-ev-hit")
    assert hit.inner_text() == "60"
    row = hit.locator("xpath=..")
    assert [c.strip() for c in row.inner_text().split("\t")] == ["4", "规范性文件", "60", "60", "368"]
    assert hit.evaluate("e => e.cellIndex") == 3  # the row number, then cells 1, 2, 3
    box, panel = hit.bounding_box(), page.locator(PANEL).bounding_box()
    assert panel["y"] <= box["y"] and box["y"] + box["height"] <= panel["y"] + panel["height"]


def test_a_pdf_number_is_boxed_on_its_page_where_the_pdf_prints_it(site, open_page):
    rep = _report(site, "001_huaian_hongzequ_2023.pdf")
    page = open_page(site)
    link = open_cell(page, site, rep, "new_received.total", "pdf")
    value = link.inner_text()
    assert value == "21"
    canvas = page.locator(f"{PANEL} canvas")
    scale = float(canvas.get_attribute("data-scale"))
    c, b = canvas.bounding_box(), page.locator(f"{PANEL} .gk-ev-box").bounding_box()
    assert b["width"] > 5 and b["height"] > 5 and c["width"] > 300
    # The drawn box back in PDF points from the page's top-left corner, and the PDF's own characters there.
    x0, top = (b["x"] - c["x"]) / scale, (b["y"] - c["y"]) / scale
    x1, bottom = x0 + b["width"] / scale, top + b["height"] / scale
    with pdfplumber.open(ROOT / "reports" / rep.source.name) as pdf:
        chars = pdf.pages[2].chars  # the evidence names page 3
        inside = "".join(ch["text"] for ch in chars if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1
                         and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom)
    assert "".join(inside.split()) == value
    assert "第 3 页" in page.locator(f"{PANEL} .gk-ev-where").inner_text()


def test_an_inferred_number_shows_the_run_the_split_and_the_identities(site, open_page):
    """平潭 2025 prints （三）不予公开 7.属于行政执法案卷 as 3000003: six parts and a total that is their sum."""
    rep = _report(site, "027_fujian_pingtan_syq_2025.txt")
    page = open_page(site)
    open_cell(page, site, rep, "refused_enforcement_file.natural_person", "run")
    assert page.locator(f"{PANEL} .gk-ev-run").inner_text() == "3000003"
    split = page.locator(f"{PANEL} .gk-ev-table td")
    assert [split.nth(i).inner_text() for i in range(split.count())] == ["3", "0", "0", "0", "0", "0", "3"]
    assert page.locator(f"{PANEL} td.gk-ev-hit").inner_text() == "3"
    identities = page.locator(f"{PANEL} .gk-ev-identities li").all_inner_texts()
    assert any(i.startswith("申请人合计") and "通过" in i for i in identities)


def test_an_ambiguous_run_lists_every_reading_and_its_address_opens_it_directly(site, open_page):
    """平潭 2025 prints 行政规范性文件's three figures as 5845546: fifteen ways to cut it, none published."""
    rep = _report(site, "027_fujian_pingtan_syq_2025.txt")
    page = open_page(site, width=390, height=800)  # a phone
    page.goto(site.url(f"{P.page_url(P.report_page(rep.slug, rep.meta.year))}#cell=normative_documents.issued"), wait_until="load")
    page.wait_for_selector(f"{PANEL}[data-ready]", timeout=30_000)
    readings = page.locator(f"{PANEL} .gk-ev-readings tr").all_inner_texts()
    assert len(readings) == 15 and all("".join(r.split()[2:]) == "5845546" for r in readings)
    panel = page.locator(PANEL).bounding_box()
    assert panel["width"] == 390  # the whole screen on a phone
    close = page.locator(f"{PANEL} .gk-ev-close")
    assert close.evaluate("e => e === document.activeElement")
    close.press("Enter")
    assert page.locator(PANEL).is_hidden()


def test_the_keyboard_opens_a_number(site, open_page):
    rep = _report(site, "000_8719cb9f3c2be4e4.txt")
    page = open_page(site)
    page.goto(site.url(P.page_url(P.report_page(rep.slug, rep.meta.year))), wait_until="load")
    page.locator('article a[href="#cell=granted.natural_person"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{PANEL}[data-ready='text']", timeout=30_000)
    assert page.locator(f"{PANEL} mark.gk-ev-hit").inner_text() == "9"  # line 49: (一)予以公开 9 0 0 0 0 0 9
