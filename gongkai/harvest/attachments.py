"""What an HTML page points at that belongs to the same report: its attachment and its pictures.

A page that is only a notice ("详见附件") links its report as a PDF or Word file; a page whose tables
were pasted as pictures shows them as <img>.  Both are found here from the page text alone (pure
functions); fetching them is run.py's job.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

REPORT_WORDS = ("年度报告", "年报")
FILE_EXTENSIONS = (".pdf", ".docx", ".doc", ".wps")
# Page furniture, not the article: pictures inside these are logos, banners and QR codes.
FURNITURE = {"head", "header", "nav", "footer", "script", "style", "noscript", "template"}
MAX_IMAGES = 60
MIN_DECLARED_PX = 60  # an <img width=16> is an icon, never a table


@dataclass(frozen=True)
class Link:
    url: str
    text: str


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, dict, list[str]]] = []
        self.images: list[dict] = []
        self.base: str | None = None
        self._open_link: tuple[str, dict, list[str]] | None = None
        self._furniture = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"].strip()
        if tag in FURNITURE:
            self._furniture += 1
            self._stack.append(tag)
        if tag == "a" and a.get("href"):
            self._open_link = (a["href"].strip(), a, [])
            self.links.append(self._open_link)
        if tag == "img" and not self._furniture:
            self.images.append(a)

    def handle_endtag(self, tag):
        if tag in FURNITURE and tag in self._stack:
            while self._stack:
                self._furniture -= 1
                if self._stack.pop() == tag:
                    break
        if tag == "a":
            self._open_link = None

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link[2].append(data)


def _collect(html: str) -> _Collector:
    c = _Collector()
    try:
        c.feed(html)
        c.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup; keep what it found
        pass
    return c


def _base(page_url: str, c: _Collector) -> str:
    return urljoin(page_url, c.base) if c.base else page_url


def _file_name(url: str) -> str:
    return unquote(posixpath.basename(urlsplit(url).path))


def _fetchable(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def report_attachments(html: str, page_url: str) -> list[Link]:
    """Links to a PDF/DOCX/DOC whose text, title or file name says it is the annual report, in page order."""
    c = _collect(html)
    base = _base(page_url, c)
    found, seen = [], set()
    for href, attrs, texts in c.links:
        text = re.sub(r"\s+", " ", "".join(texts)).strip()
        url = urljoin(base, href).split("#", 1)[0]
        if not _fetchable(url) or url in seen:
            continue
        name = _file_name(url)
        words = " ".join((text, attrs.get("title", ""), name))
        if not any(w in words for w in REPORT_WORDS):
            continue
        looks_like_file = any(s.lower().endswith(FILE_EXTENSIONS) for s in (name, text, attrs.get("title", ""))) \
            or "download" in attrs
        if looks_like_file:
            seen.add(url)
            found.append(Link(url, text or name))
    return found


def _declared_small(attrs: dict) -> bool:
    for key in ("width", "height"):
        m = re.match(r"\s*(\d+)\s*(px)?\s*$", attrs.get(key, ""))
        if m and int(m.group(1)) < MIN_DECLARED_PX:
            return True
    return False


def body_images(html: str, page_url: str) -> list[str]:
    """Absolute URLs of the pictures in the page body (not in head/header/nav/footer, not declared tiny),
    in document order, each once.  data: URLs are kept as they are (run.py decodes them locally)."""
    c = _collect(html)
    base = _base(page_url, c)
    urls, seen = [], set()
    for attrs in c.images:
        src = (attrs.get("src") or attrs.get("data-src") or "").strip()
        if not src or _declared_small(attrs):
            continue
        url = src if src.lower().startswith("data:image/") else urljoin(base, src).split("#", 1)[0]
        if not (url.startswith("data:") or _fetchable(url)) or url in seen:
            continue
        seen.add(url)
        urls.append(url)
        if len(urls) >= MAX_IMAGES:
            break
    return urls


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG from its header, None when it cannot be told."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith((b"GIF87a", b"GIF89a")) and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2:i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
            i += 2 + length
    return None
