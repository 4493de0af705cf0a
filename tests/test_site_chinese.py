"""Chinese throughout: the Chinese pages of the built site hold no Latin words outside code, URLs, the
English-marked parts (lang="en": the English page, maintainers' warnings) and a short list of names and
formats a Chinese reader meets as they are (CSV, JSON, Excel …)."""
from __future__ import annotations

import re

from lxml import html as lxml_html

# Names and formats that are written in Latin letters in Chinese text too.
ALLOWED = {
    "Gongkai", "CSV", "JSON", "API", "XLSX", "Excel", "SQLite", "Parquet", "PDF", "HTML", "SHA", "UTF",
    "BOM", "zip", "ZIP", "Frictionless", "Table Schema", "MkDocs", "Material", "Pagefind", "ECharts",
    "GitHub", "English", "Open Data Commons", "ODC", "PDDL", "pdfplumber", "JavaScript", "Python", "PNG",
    "SVG", "Word", "WPS", "Unicode", "ID", "Schema", "yml", "reports", "KB", "MB", "README", "Data Package",
    "pandas", "Datasette", "datasette",
}
# Skipped: code, English-marked parts, and text quoted from a report or its sidecar (class gk-text: the
# report's narrative; gk-quoted: the sidecar's description of the source), which is not the site's wording.
SKIP = ("//script | //style | //svg | //code | //pre | //kbd | //*[@lang='en'] | "
        "//*[contains(concat(' ', @class, ' '), ' gk-text ')] | //*[contains(concat(' ', @class, ' '), ' gk-quoted ')]")
LATIN = re.compile(r"[A-Za-z][A-Za-z .'’-]*[A-Za-z]")
URL = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+|[\w.-]+\.(?:csv|json|xlsx|zip|yml|md|html|pdf|txt|sqlite|parquet)"
                 r"(?![A-Za-z0-9])")
ALLOWED_RE = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(t)}(?![A-Za-z])"
                                 for t in sorted(ALLOWED, key=len, reverse=True)))


def latin_runs(page_html: bytes) -> list[str]:
    """Latin runs of two letters or more in what a reader sees, outside code, URLs and English parts."""
    tree = lxml_html.fromstring(page_html)
    if tree.get("lang", "").startswith("en"):
        return []
    for el in tree.xpath(SKIP):
        if el.getparent() is not None:
            el.drop_tree()
    body = tree.find("body")
    text = ALLOWED_RE.sub(" ", URL.sub(" ", body.text_content() if body is not None else ""))
    return [run.strip() for run in LATIN.findall(text)]


def test_the_scan_can_fail():
    page = b'<html lang="zh"><body><p>7 cell(s) missing</p><code>balance.total</code>' \
           b'<p lang="en">sidecar level</p><p>\xe4\xb8\x8b\xe8\xbd\xbd CSV https://example.org/a</p></body></html>'
    # English in Chinese text is found; code, the English-marked part, allowed terms and URLs are not.
    assert latin_runs(page) == ["cell", "missing"]


def test_no_english_on_the_chinese_pages(built):
    root, _, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = root / "site"
    found = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("pagefind/", "assets/")):
            continue
        runs = latin_runs(path.read_bytes())
        if runs:
            found[rel] = sorted(set(runs))[:8]
    assert not found, found
