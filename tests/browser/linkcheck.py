"""Find broken internal links in a built static site by reading its HTML files (no browser needed)."""
from __future__ import annotations

import functools
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that make the browser fetch or navigate to a URL.
URL_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"),
             ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"), ("form", "action"),
             ("object", "data")}
OUTSIDE = ("http://", "https://", "mailto:", "tel:", "//")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []   # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if (tag, name) in URL_ATTRS and value is not None:
                self.urls.append((tag, value))


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def target_file(site: Path, page: Path, url: str) -> Path | None:
    """The file a relative or root-relative URL on `page` resolves to, or None if it leaves the site."""
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):
        base = site
        path = path.lstrip("/")
    else:
        base = page.parent
    target = (base / path).resolve() if path else page.resolve()
    root = site.resolve()
    if target != root and root not in target.parents:
        return None
    if target.is_dir() or url.split("#")[0].split("?")[0].endswith("/"):
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    """Every href/src in every HTML page that points at a missing local file or a missing anchor."""
    pages = sorted(site.rglob("*.html"))
    parsed = {p.resolve(): parse(p) for p in pages}
    problems = []
    for page in pages:
        rel = page.relative_to(site)
        for tag, url in parsed[page.resolve()].urls:
            low = url.strip().lower()
            if low.startswith("javascript:") or low.startswith("data:text/html"):
                problems.append(f"{rel}: <{tag}> to {url!r}")
                continue
            if low.startswith(OUTSIDE) or low.startswith("data:") or low == "":
                continue
            target = target_file(site, page, url)
            if target is None:
                problems.append(f"{rel}: <{tag}> {url!r} leaves the site")
            elif not target.is_file():
                problems.append(f"{rel}: <{tag}> {url!r} -> missing {target}")
            elif "#" in url and target.suffix == ".html":
                anchor = unquote(url.split("#", 1)[1])
                ids = parsed[target.resolve()].ids if target.resolve() in parsed else set()
                if anchor.startswith("cell=") and "gk-evidence" in ids:
                    # the evidence view's address (assets/evidence.js): the cell must be in the page's evidence
                    if anchor[len("cell="):] not in _evidence_cells(target.parent / "evidence.json"):
                        problems.append(f"{rel}: <{tag}> {url!r} -> no such cell in the evidence data")
                elif anchor and target.resolve() in parsed and anchor not in parsed[target.resolve()].ids:
                    problems.append(f"{rel}: <{tag}> {url!r} -> no anchor #{anchor}")
    return problems


@functools.lru_cache(maxsize=None)
def _evidence_cells(path: Path) -> frozenset:
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["cells"]) if path.is_file() else frozenset()
