"""Browser fixtures: the built sample site served on 127.0.0.1 and driven in Debian's Chromium.

Every page a test opens is guarded: a request to anything but our own server is recorded and
aborted, and so are JS exceptions, dialogs, 4xx/5xx answers from our server and anything the pages'
Content-Security-Policy refused.  A test fails at teardown when its guard recorded anything, so every
test also proves the site works offline and within its policy.
"""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT

SCREENSHOTS = ROOT / "build" / "screenshots"
# The flags the project's toolchain notes give for a quiet, offline, reproducible Chromium.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A second wall behind page.route: non-loopback traffic goes to a closed local port, so even a
# request that escapes routing (a worker, a prefetch) cannot reach the network.
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}
# Each refusal by the Content-Security-Policy fires `securitypolicyviolation`; the page says it on the console
# (Chromium logs its own "Refused to …" line too), where the guard hears it.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " in "
                + e.sourceFile + ":" + e.lineNumber);
});"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean; failures are recorded by the guard
        pass


@dataclass
class Served:
    root: Path          # the directory served (a built site/)
    base: str           # http://127.0.0.1:<port>/
    server: ThreadingHTTPServer

    def url(self, rel: str = "") -> str:
        return self.base + rel.lstrip("/")


@contextlib.contextmanager
def serve(directory: Path, result=None):
    """Serve a built site over http on a free port for as long as the block lasts."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served = Served(directory, f"http://127.0.0.1:{server.server_address[1]}/", server)
    served.result = result
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Guard:
    """What a page did that a site working offline must never do."""
    base: str
    blocked: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"blocked request to {u}" for u in self.blocked] + [f"broken: {u}" for u in self.broken]
                + [f"JS error: {e}" for e in self.errors] + [f"dialog: {d}" for d in self.dialogs]
                + [f"refused by the Content-Security-Policy: {c}" for c in self.csp])


def _find_chromium() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    reason = "Debian's chromium is not on PATH (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GONGKAI_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests (torn down after them, before the rest of the suite)."""
    executable = _find_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives every run a fresh temporary profile (user-data-dir) and deletes it after.
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, proxy=DEAD_PROXY)
        yield b
        b.close()


@pytest.fixture(scope="package")
def site(built):
    """The sample corpus's site, built once for the session, served over http."""
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    with serve(root / "site", result) as served:
        yield served


@pytest.fixture
def open_page(browser):
    """open_page(served, width=1280) -> a guarded Page; the test fails if any guard tripped."""
    opened: list[tuple] = []

    def _open(served: Served, width: int = 1280, height: int = 900):
        guard = Guard(served.base)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      service_workers="block")

        def route(r):
            if r.request.url.startswith(served.base):
                r.continue_()
            else:
                guard.blocked.append(r.request.url)
                r.abort("blockedbyclient")

        context.route("**/*", route)
        context.on("requestfailed", lambda req: None if req.url.startswith(served.base) or req.url in guard.blocked
                   else guard.blocked.append(req.url))
        context.on("response", lambda resp: guard.broken.append(f"{resp.status} {resp.url}")
                   if resp.status >= 400 else None)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.on("pageerror", lambda exc: guard.errors.append(str(exc)))
        page.on("console", lambda msg: guard.csp.append(msg.text)
                if "CSP violation" in msg.text or "Content Security Policy" in msg.text else None)

        def on_dialog(dialog):
            guard.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        opened.append((context, guard))
        page.guard = guard
        return page

    yield _open
    problems = []
    for context, guard in opened:
        problems += guard.problems()
        context.close()
    if problems:
        pytest.fail("the page did something a static offline site must not:\n" + "\n".join(problems))


@pytest.fixture(scope="package")
def seed(site):
    """The seed report (宁夏回族自治区司法厅 2021) in the build: its slug and pages."""
    (rep,) = [r for r in site.result.reports if r.source.name == "000_8719cb9f3c2be4e4.txt"]
    return rep
