"""The harvest LIST: a CSV or TSV of report URLs, optionally with agency, region, level, year and mirror_url.

With a header row the columns are found by name (url or source_url, agency, region, level, year; others
are ignored); without one, the first column is the URL.  Blank lines and lines starting with '#' are
skipped.  A bad row is reported with its line number and does not stop the others.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.harvest.safety import check_url

URL_COLUMNS = ("url", "source_url", "链接", "网址")
# mirror_url: where to fetch the report when the source itself is gone (an archived copy); the sidecar
# then keeps the report's own address as source_url and the copy's as mirror_url.
OPTIONAL = ("agency", "region", "level", "year", "mirror_url")


@dataclass
class Item:
    url: str
    line: int
    extra: dict = field(default_factory=dict)  # agency/region/level/year given in the list


@dataclass
class ListProblem:
    line: int
    url: str
    reason: str


def read_list(path: Path) -> tuple[list[Item], list[ListProblem]]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # lists saved by Excel on a Chinese Windows
    return parse_list(text, tab=Path(path).suffix.lower() == ".tsv")


def parse_list(text: str, tab: bool | None = None) -> tuple[list[Item], list[ListProblem]]:
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return [], []
    if tab is None:
        tab = "\t" in lines[0][1]
    rows = [(n, next(csv.reader(io.StringIO(line), delimiter="\t" if tab else ","), [])) for n, line in lines]
    header = [c.strip().lower() for c in rows[0][1]]
    columns = {}
    if not header or not header[0].startswith(("http://", "https://")) and any(h in URL_COLUMNS for h in header):
        columns = {name: header.index(name) for name in header if name in URL_COLUMNS + OPTIONAL}
        rows = rows[1:]
    url_col = next((columns[c] for c in URL_COLUMNS if c in columns), 0)
    items, problems, seen = [], [], {}
    for n, cells in rows:
        cells = [c.strip() for c in cells]
        url = cells[url_col] if url_col < len(cells) else ""
        problem = check_url(url) if url else "no URL in this row"
        if problem:
            problems.append(ListProblem(n, url, problem))
            continue
        if url in seen:
            problems.append(ListProblem(n, url, f"listed twice (first on line {seen[url]}); harvested once"))
            continue
        seen[url] = n
        extra = {}
        for name in OPTIONAL:
            if name in columns and columns[name] < len(cells) and cells[columns[name]]:
                extra[name] = cells[columns[name]]
        if "mirror_url" in extra and check_url(extra["mirror_url"]):
            problems.append(ListProblem(n, url, f"mirror_url: {check_url(extra['mirror_url'])}"))
            continue
        if "year" in extra:
            try:
                extra["year"] = int(extra["year"])
            except ValueError:
                problems.append(ListProblem(n, url, f"year '{extra['year']}' is not a year; left out of the sidecar"))
                del extra["year"]
        items.append(Item(url, n, extra))
    return items, problems
