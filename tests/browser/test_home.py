"""The home page shows its headline figures as visible numbers."""
from __future__ import annotations

import re

from conftest import ROOT
from sidecars import agency_years_in_sidecars


def _has_number(text: str, n: int) -> bool:
    # Figures may be printed with thousands separators (1,234) or without.
    return any(re.search(rf"(?<![\d,.]){re.escape(form)}(?![\d,])", text) for form in {str(n), f"{n:,}"})


def test_home_shows_report_and_agency_counts(site, open_page):
    page = open_page(site)
    page.goto(site.url(), wait_until="load")
    article = page.locator("article")
    assert article.is_visible()
    text = article.inner_text()
    # Every agency-year named by a sidecar in reports/ is published once (tests/pipeline/test_build.py checks
    # that), so the corpus itself says how many reports the home page must count.
    n_reports = len(agency_years_in_sidecars(ROOT / "reports"))
    assert _has_number(text, n_reports), f"{n_reports} reports not shown on the home page:\n{text[:1500]}"
    n_agencies = len({r.slug for r in site.result.reports})
    assert _has_number(text, n_agencies), f"{n_agencies} agencies not shown:\n{text[:1500]}"
    # The figures are laid out on screen, not hidden: the element holding the count has a size.
    holder = page.get_by_text(re.compile(rf"(?<!\d){n_reports}(?!\d)")).first
    box = holder.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0


def test_home_headline_cards_are_visible_and_match_the_data(site, open_page, built):
    """Each headline figure is drawn on screen; the requests-received total is the sum a user gets
    from the combined download (every report whose 一、本年新收 总计 cell is known)."""
    import csv

    root, _, _ = built
    with (root / "datapackages" / "all" / "applications.csv").open(encoding="utf-8") as fh:
        known = [r for r in csv.DictReader(fh)
                 if r["code"] == "new_received.total" and r["status"] in ("reported", "inferred")]
    total = sum(int(float(r["value"])) for r in known)

    page = open_page(site, width=390, height=844)  # the figures must hold up on a phone too
    page.goto(site.url(), wait_until="load")
    values = page.locator("article .gk-card-value")
    assert values.count() >= 4, "the home page shows fewer than four headline figures"
    for i in range(values.count()):
        value = values.nth(i)
        box = value.bounding_box()
        assert box and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 391, (i, box)
        assert re.search(r"\d", value.inner_text()), value.inner_text()
    card = page.locator("article .gk-card").filter(has_text="本年新收")
    assert card.count() == 1
    assert _has_number(card.locator(".gk-card-value").inner_text(), total)
    assert _has_number(card.inner_text(), len(known)), "the card does not say how many reports it covers"
