"""A site published under a sub-path (GONGKAI_SITE_URL=http://host/sub/): the 404 page, served for any
missing address at any depth, loads its styles and scripts and links back into the site; sitemap.xml lists
every page with its absolute address, and pages carry canonical and og:url links.

The project's own mkdocs.yml, theme overrides, hooks and assets, with a one-line page for each nav entry:
a real MkDocs build that takes seconds, not a second build of the sample corpus.
"""
from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT

PREFIX = "/sub/"


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the directory at PREFIX only; anything missing gets 404.html with status 404, as GitHub Pages,
    Netlify or nginx's error_page do."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.path.split("?", 1)[0]
        if path.startswith(PREFIX):
            self.path = "/" + self.path[len(PREFIX):]
            local = Path(self.translate_path(self.path))
            if local.is_file() or (local / "index.html").is_file():
                return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def _stub_project(dest: Path) -> Path:
    from mkdocs.config import load_config

    for rel in ("mkdocs.yml", "hooks", "overrides", "docs/assets"):
        src = ROOT / rel
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / rel)
    for item in load_config(str(ROOT / "mkdocs.yml")).nav:
        ((title, md),) = item.items()
        (dest / "docs" / md).write_text(f"# {title}\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def subsite(tmp_path_factory):
    root = _stub_project(tmp_path_factory.mktemp("subpath"))
    out = root / "out"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", GONGKAI_SITE_URL=base)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                          cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield out, base
    finally:
        server.shutdown()
        server.server_close()


def test_404_page_works_under_a_sub_path(subsite, browser):
    out, base = subsite
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", service_workers="block")
    failed = []
    context.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    context.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        missing = base + "no/such/page/at/depth/"
        response = page.goto(missing, wait_until="load")
        assert response.status == 404
        # Only the page itself is a 404: every stylesheet, script and icon it asks for is found.
        assert failed == [f"404 {missing}"] and not errors, (failed, errors)
        assert "找不到这个页面" in page.locator("article").inner_text()
        position = page.eval_on_selector("header.md-header", "el => getComputedStyle(el).position")
        assert position in ("sticky", "fixed"), position  # Material's stylesheet applied
        home = page.eval_on_selector("a.md-logo", "a => a.href")
        assert home == base, home
        assert page.eval_on_selector("form.gk-search", "f => f.action") == base + "search/"
    finally:
        context.close()


def test_sitemap_lists_every_page_with_its_address(subsite):
    out, base = subsite
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {base + ("" if p.parent == out else p.parent.relative_to(out).as_posix() + "/")
             for p in out.rglob("index.html")}
    assert len(pages) >= 12 and listed == pages, (sorted(listed ^ pages))
    report = (out / "methodology" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}methodology/">' in report
    assert f'<meta property="og:url" content="{base}methodology/">' in report
    assert '<meta name="robots" content="noindex">' in (out / "404.html").read_text(encoding="utf-8")
