"""Screenshots of the main page types at desktop and phone widths (build/screenshots/, for a person to
look at), and the one layout fault a machine can see: a page wider than the phone's screen."""
from __future__ import annotations

import pytest

from .conftest import SCREENSHOTS
from gongkai import paths as P

WIDTHS = {"desktop": 1280, "phone": 390}


def _pages(seed) -> dict[str, str]:
    return {"home": "", "agency": P.page_url(P.agency_page(seed.slug)), "report": P.page_url(P.report_page(seed.slug, seed.meta.year))}


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_screenshots_and_no_sideways_page_scroll(site, open_page, seed, device):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = WIDTHS[device]
    page = open_page(site, width=width, height=844 if device == "phone" else 900)
    overflow = {}
    for name, rel in _pages(seed).items():
        page.goto(site.url(rel), wait_until="load")
        page.screenshot(path=SCREENSHOTS / f"{name}-{device}.png", full_page=True)
        # Wide tables must scroll inside their own box; the page itself never scrolls sideways,
        # or the phone shows a clipped page with the text cut at the right edge.
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width + 1:
            culprits = page.evaluate(f"""() => [...document.querySelectorAll('article *')]
                .filter(e => e.getBoundingClientRect().right > {width} + 1)
                .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
            overflow[name] = (scroll, culprits)
    assert not overflow, f"pages wider than {width}px: {overflow}"
