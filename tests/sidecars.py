"""What the sample corpus's sidecars say, for tests that count what a build must publish."""
from __future__ import annotations

from pathlib import Path

import yaml


def agency_years_in_sidecars(reports: Path) -> set[tuple[str, int]]:
    """The agency-years the sidecars in reports/ name: one package each (a report kept as two files, such as
    a government page and its crawl text, publishes once)."""
    out = set()
    for side in reports.glob("*.yml"):
        data = yaml.safe_load(side.read_text(encoding="utf-8"))
        out.add((data["agency"], int(data["year"])))
    return out
