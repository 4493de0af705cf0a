"""Page weight: the bytes a fresh visitor's browser fetches to show a page, by kind of file.

    python scripts/page_weight.py SITE_DIR [PAGE ...]

Serves SITE_DIR on 127.0.0.1, opens each page in Chromium with an empty cache, scrolls to its end (charts load
when they come into view), waits until the network is idle, and adds up the size of every file fetched from the server (as stored: the server
sends files uncompressed).  Prints a Markdown table: total and per kind (html, js, css, other).
Default pages: the home page, a region page and a report page.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _kind(path: str) -> str:
    for ext, kind in ((".html", "html"), ("/", "html"), (".js", "js"), (".css", "css")):
        if path.endswith(ext):
            return kind
    return "other"


def weigh(site: Path, pages: list[str]) -> list[tuple[str, dict[str, int]]]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            for rel in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                sizes: dict[str, int] = {}

                def done(req, sizes=sizes):
                    path = unquote(urlsplit(req.url).path)
                    file = site / path.lstrip("/")
                    file = file / "index.html" if file.is_dir() else file
                    if req.url.startswith(base) and file.is_file():
                        sizes[path] = file.stat().st_size

                page.on("requestfinished", done)
                page.goto(base + rel, wait_until="networkidle")
                # Charts load their library when they come into view: scroll through the page first.
                page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_timeout(500)
                page.wait_for_load_state("networkidle")
                kinds = {"total": sum(sizes.values())}
                for path, size in sizes.items():
                    kinds[_kind(path)] = kinds.get(_kind(path), 0) + size
                out.append((rel or "/", kinds))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def main(argv: list[str]) -> None:
    site = Path(argv[0]).resolve()
    from gongkai import paths as P

    pages = argv[1:] or ["", "regions/fujiansheng/", P.page_url(P.report_page("huaianshi-hongze-qu-renminzhengfu", 2023))]
    print("| page | total | html | js | css | other |\n|---|---:|---:|---:|---:|---:|")
    for rel, k in weigh(site, pages):
        print(f"| {rel} | " + " | ".join(f"{k.get(c, 0) / 1000:,.1f} KB" for c in ("total", "html", "js", "css", "other")) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
