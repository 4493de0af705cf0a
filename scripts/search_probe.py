"""Measure a static search in Chromium: bytes downloaded for the first query, and whether it finds the word.

    python scripts/search_probe.py SITE_DIR 司法 教育局 …

Serves SITE_DIR on a local port, and for each query opens a fresh browser context (empty cache) and
counts every byte fetched from /pagefind/ for the search.  On our site (it has the 搜索 page, search/)
that is the visitor's path: the page's Pagefind UI with ?q=, UI script and styles included.  On a site
without that page, Pagefind's JS API is run from the small 404 page.  Prints JSON: per query, the bytes,
the number of results and the titles of the first five.  `first_search_bound` gives an upper bound of
the same bytes from the files alone, without a browser.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import sys
import threading
import urllib.parse
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SEARCH_JS = """async (q) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const s = await pf.search(q);
  const top = await Promise.all(s.results.slice(0, 5).map(r => r.data()));
  return {count: s.results.length, titles: top.map(d => d.meta.title)};
}"""


# What the 搜索 page loads before any result, whatever the query (file names as Pagefind writes them).
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
RESULTS_SHOWN = 5  # Pagefind UI loads the fragments (title, excerpt) of the first five results


def first_search_bound(pf: Path, chunks_per_query: int = 2) -> dict:
    """An upper bound of the bytes the 搜索 page fetches for a first one-word query, from the files alone:
    the UI and search scripts, the entry, the largest wasm, and for the hub's index and every report
    shard's index merged with it (pagefind/shards.json) its entry, meta index, every filter index and the
    `chunks_per_query` largest index chunks (a word's prefix range may straddle two); then the largest
    fragments for the results shown.  Sizes on disk: served uncompressed, as by `make serve`."""
    import json

    def size(p: Path) -> int:
        return p.stat().st_size

    listing = pf / "shards.json"
    merged = json.loads(listing.read_text(encoding="utf-8")).get("shards", []) if listing.exists() else []
    indexes = [pf] + [pf / rel for rel in merged]
    parts = {"scripts": sum(size(pf / n) for n in UI_FILES if (pf / n).exists()),
             "wasm": max((size(p) for p in pf.glob("wasm.*.pagefind")), default=0),
             "shard_list": size(listing) if listing.exists() else 0, "entries": 0, "meta": 0, "filters": 0,
             "chunks": 0}
    chunk_count, frags = 0, []
    for index in indexes:
        parts["entries"] += size(index / "pagefind-entry.json") if index != pf else 0
        parts["meta"] += sum(size(p) for p in index.glob("pagefind.*.pf_meta"))
        parts["filters"] += sum(size(p) for p in index.glob("filter/*.pf_filter"))
        chunks = sorted((size(p) for p in index.glob("index/*.pf_index")), reverse=True)
        parts["chunks"] += sum(chunks[:chunks_per_query])
        chunk_count += len(chunks)
        frags += [size(p) for p in index.glob("fragment/*.pf_fragment")]
    parts["fragments"] = sum(sorted(frags, reverse=True)[:RESULTS_SHOWN])
    return {"bytes": sum(parts.values()), "parts": parts, "index_chunks": chunk_count, "fragments": len(frags),
            "indexes": len(indexes)}


def _settle(page, timeout_ms: int = 60_000) -> None:
    """Wait for the UI's answer: its message says "searching …" (正在搜索 …...) until the count or
    "nothing found" replaces it; then for the first results' fragments to arrive."""
    page.wait_for_function("""() => { const m = document.querySelector('.pagefind-ui__message');
        return m && m.textContent.trim() && !/\\.\\.\\.|…/.test(m.textContent); }""", timeout=timeout_ms)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def probe(site: Path, queries: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    out = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            ui = (site / "search" / "index.html").exists()
            for q in queries:
                ctx = browser.new_context()
                page = ctx.new_page()
                sizes = {}
                # Only Pagefind's files: the page's own assets (and Material's index, if enabled) are not the search.
                # Sizes from the files served: Chromium reports 0 bytes for a worker's script.
                page.on("requestfinished", lambda req: "/pagefind/" in req.url and sizes.setdefault(
                    req.url.split("?")[0], (site / req.url.split("?")[0].replace(base + "/", "", 1)).stat().st_size))
                if ui:
                    page.goto(f"{base}/search/?q={urllib.parse.quote(q)}")
                    page.wait_for_selector(".pagefind-ui__message", timeout=30_000)
                    _settle(page)
                    # Page titles, not the sub-results (headings) nested under them.
                    links = page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title a")
                    message = page.locator(".pagefind-ui__message").inner_text().replace(",", "")  # 找到 1,018 个 …
                    res = {"count": int((re.findall(r"\d+", message) or ["0"])[0]),
                           "titles": [t.replace("\u200b", "") for t in links.all_inner_texts()[:5]]}
                else:
                    page.goto(base + "/404.html")  # a small page: the search's own downloads are what is counted
                    res = page.evaluate(SEARCH_JS, q)
                    page.wait_for_timeout(200)
                out[q] = {"bytes": sum(sizes.values()), "requests": len(sizes), **res}
                ctx.close()
            browser.close()
    finally:
        server.shutdown()
    return out


if __name__ == "__main__":
    print(json.dumps(probe(Path(sys.argv[1]), sys.argv[2:]), ensure_ascii=False, indent=1))
