"""HTML report pages: paragraphs become lines, <table> rows become rows of cells."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from gongkai.model import Document, Row
from gongkai.readers.textcodec import decode

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article"}
_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "svg"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.rows: list[Row] = []
        self.title = ""
        self._buf: list[str] = []
        self._skip = 0
        self._in_title = False
        self._tables: list[dict] = []  # stack: nested tables are read on their own
        self._table_count = 0
        self.images = 0
        self.image_sources: list[tuple[str, int]] = []  # (src, number of text lines before it), for OCR

    # -- text outside tables -------------------------------------------------
    def _flush(self):
        text = "".join(self._buf).strip()
        self._buf = []
        if text:
            self.lines.append(" ".join(text.split()))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
            return
        if tag == "img":
            self.images += 1
            src = dict(attrs).get("src") or ""
            if src.startswith("data:image/"):
                self._flush()
                self.image_sources.append((src, len(self.lines)))
            return
        if tag == "table":
            self._flush()
            self._tables.append({"index": self._table_count, "rows": 0, "row": None, "cell": None})
            self._table_count += 1
            return
        if self._tables:
            t = self._tables[-1]
            if tag == "tr":
                t["row"] = []
            elif tag in ("td", "th"):
                if t["row"] is None:
                    t["row"] = []
                t["cell"] = []
            elif tag == "br" and t["cell"] is not None:
                t["cell"].append("\n")
            return
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
            return
        if self._tables:
            t = self._tables[-1]
            if tag in ("td", "th") and t["cell"] is not None:
                t["row"].append("".join(t["cell"]).strip())
                t["cell"] = None
            elif tag == "tr":
                self._end_row(t)
            elif tag == "table":
                self._end_row(t)
                self._tables.pop()
            return
        if tag in _BLOCKS:
            self._flush()

    def _end_row(self, t):
        if t["cell"] is not None:
            t["row"].append("".join(t["cell"]).strip())
            t["cell"] = None
        if t["row"]:
            cells = tuple(t["row"])
            self.rows.append(Row(cells, table=t["index"], index=t["rows"]))
            self.lines.append(" ".join(" ".join(c.split()) for c in cells if c.strip()))
            t["rows"] += 1
        t["row"] = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
        elif self._tables and self._tables[-1]["cell"] is not None:
            self._tables[-1]["cell"].append(data)
        elif not self._tables:
            self._buf.append(data)

    def close(self):
        super().close()
        while self._tables:
            self._end_row(self._tables.pop())
        self._flush()


def html_to_document(markup: str) -> Document:
    c = _Collector()
    c.feed(markup)
    c.close()
    meta = {"html_title": " ".join(c.title.split())} if c.title.strip() else {}
    meta["images"] = c.images
    if c.image_sources:
        meta["image_sources"] = c.image_sources
    return Document(lines=c.lines, rows=c.rows, format="html", meta=meta)


def read(path: Path) -> Document:
    return html_to_document(decode(path.read_bytes(), path))
