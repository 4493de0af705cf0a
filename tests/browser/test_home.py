"""The home page shows its headline figures as visible numbers."""
from __future__ import annotations

import re

from conftest import ROOT


def _has_number(text: str, n: int) -> bool:
    # Figures may be printed with thousands separators (1,234) or without.
    return any(re.search(rf"(?<![\d,.]){re.escape(form)}(?![\d,])", text) for form in {str(n), f"{n:,}"})


def test_home_shows_report_and_agency_counts(site, open_page):
    page = open_page(site)
    page.goto(site.url(), wait_until="load")
    article = page.locator("article")
    assert article.is_visible()
    text = article.inner_text()
    # Every file in reports/ with a sidecar is published (tests/test_pipeline.py checks that), so the
    # corpus itself says how many reports the home page must count.
    n_reports = len(list((ROOT / "reports").glob("*.yml")))
    assert _has_number(text, n_reports), f"{n_reports} reports not shown on the home page:\n{text[:1500]}"
    n_agencies = len({r.slug for r in site.result.reports})
    assert _has_number(text, n_agencies), f"{n_agencies} agencies not shown:\n{text[:1500]}"
    # The figures are laid out on screen, not hidden: the element holding the count has a size.
    holder = page.get_by_text(re.compile(rf"(?<!\d){n_reports}(?!\d)")).first
    box = holder.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
