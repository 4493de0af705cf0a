"""Measure a static search in Chromium: bytes downloaded for the first query, and whether it finds the word.

    python scripts/search_probe.py SITE_DIR 司法 教育局 …

Serves SITE_DIR on a local port, and for each query opens a fresh browser context (empty cache), runs
Pagefind's JS API (`/pagefind/pagefind.js`) and counts every byte the page fetched for the search.
Prints JSON: per query, the bytes, the number of results and the titles of the first five.
"""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import threading
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
            for q in queries:
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(base + "/404.html")  # a small page: the search's own downloads are what is counted
                sizes = []
                # Only Pagefind's files: the page's own assets (and Material's index, if enabled) are not the search.
                page.on("requestfinished", lambda req: "/pagefind/" in req.url
                        and sizes.append(req.sizes()["responseBodySize"]))
                res = page.evaluate(SEARCH_JS, q)
                page.wait_for_timeout(200)
                out[q] = {"bytes": sum(sizes), "requests": len(sizes), **res}
                ctx.close()
            browser.close()
    finally:
        server.shutdown()
    return out


if __name__ == "__main__":
    print(json.dumps(probe(Path(sys.argv[1]), sys.argv[2:]), ensure_ascii=False, indent=1))
