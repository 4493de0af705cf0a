"""Run MkDocs, then Pagefind, only when their inputs changed: docs/, mkdocs.yml, the theme overrides and
the versions of the site toolchain.

A no-op `make site` must not spend a minute re-rendering thousands of unchanged pages.  The inputs are
keyed by path, size and modification time; the build writes only files whose bytes changed, so an
unchanged page keeps its mtime.  `--clean` is kept for real builds: `--dirty` loses search entries.

Search is Pagefind's static index (extended build, which segments Chinese words), written into the new
site's pagefind/ before the swap: the index always matches the pages beside it, and a failed indexing
keeps the last good site like a failed MkDocs run does.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from gongkai import paths as P

TOOLCHAIN = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2", "pagefind-bin-extended")
THEME_DIRS = (P.DOCS_DIR, "overrides", "hooks")  # page sources, theme templates (custom_dir), mkdocs.yml hooks
PAGEFIND_DIR = "pagefind"
STAMP = Path(P.CACHE_DIR) / "mkdocs.stamp"
# mkdocs.yml takes site_url from this variable: it changes every page's head, so it is part of the fingerprint.
SITE_URL_ENV = "GONGKAI_SITE_URL"
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def docs_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for dist in TOOLCHAIN:
        h.update(f"{dist}={_version(dist)}\n".encode())
    h.update(b"mkdocs.yml\0" + (root / "mkdocs.yml").read_bytes())
    h.update(f"{SITE_URL_ENV}={os.environ.get(SITE_URL_ENV, '')}\n".encode())
    for top in THEME_DIRS:
        base = root / top
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")  # MkDocs' import of a hook writes one
            for name in sorted(filenames):
                path = Path(dirpath) / name
                st = path.stat()
                h.update(f"{top}/{path.relative_to(base).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


# Tables are left out of the index: their cells are numbers and the same printed row labels on every
# report, which no one searches for.  Measured on 13,354 pages (a 10,000-report site): Pagefind's peak
# memory 5.1 -> 2.1 GB, its time 170 -> 114 s, the largest index chunk 423 -> 34 KB.  Agencies stay
# findable by their pages' titles and text, reports by their titles, headings and narrative.
EXCLUDE_SELECTORS = "table"


def index_site(site: Path) -> subprocess.CompletedProcess:
    """Pagefind's index of a built site into site/pagefind/: only each page's data-pagefind-body (the article,
    see overrides/main.html), tables excepted.  The extended binary comes in the pinned wheel; nothing is
    fetched.  It runs in the site directory, where no pagefind.yml of the caller's working directory can
    change its options."""
    from pagefind_bin_extended import get_executable

    site = Path(site).resolve()
    return subprocess.run([str(get_executable()), "--site", ".", "--output-subdir", PAGEFIND_DIR,
                           "--exclude-selectors", EXCLUDE_SELECTORS, "--quiet"],
                          cwd=site, capture_output=True, text=True)


def drop_empty_sitemap(site: Path) -> bool:
    """Without site_url MkDocs writes a sitemap with no URL in it (the protocol wants absolute URLs): an
    empty list tells crawlers the site has no pages, so it is not published.  True when it was dropped."""
    sitemap = Path(site) / SITEMAPS[0]
    if not sitemap.exists() or b"<url>" in sitemap.read_bytes():
        return False
    for name in SITEMAPS:
        (Path(site) / name).unlink(missing_ok=True)
    return True


def site_is_current(root: Path, fingerprint: str) -> bool:
    stamp = root / STAMP
    return (root / P.SITE_DIR / "index.html").exists() and stamp.exists() and stamp.read_text().strip() == fingerprint


SITE = P.SITE_DIR
NEW_PREFIX, OLD_PREFIX = ".site-new-", ".site-old-"


def recover_site(root: Path) -> None:
    """Undo what a killed build left: a half-built site is deleted, and a site moved aside between the
    two renames of `swap_in` is put back (only then can site/ be missing while an old one exists)."""
    site = root / SITE
    olds = sorted(root.glob(OLD_PREFIX + "*"))
    if not site.exists() and olds:
        os.rename(olds.pop(), site)
    for leftover in olds + sorted(root.glob(NEW_PREFIX + "*")):
        shutil.rmtree(leftover, ignore_errors=True)


def swap_in(root: Path, new: Path) -> None:
    """Replace site/ by the finished build in `new`: two renames in one directory, so site/ is always
    either the whole old site or the whole new one (for an instant, between them, absent)."""
    site = root / SITE
    old = root / f"{OLD_PREFIX}{os.getpid()}"
    if site.exists():
        os.rename(site, old)
    os.rename(new, site)
    shutil.rmtree(old, ignore_errors=True)


def build_site(root: Path, force: bool = False, log=print) -> int | None:
    """Run `mkdocs build --strict` and then Pagefind into a fresh directory beside site/ and swap it in when
    both succeeded, unless the site is current; None when skipped, else the exit code of the failing step
    (0 when both succeeded)."""
    root = Path(root).resolve()
    recover_site(root)
    fingerprint = docs_fingerprint(root)
    if not force and site_is_current(root, fingerprint):
        log("site/ is up to date: no docs input changed, MkDocs skipped")
        return None
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    new = root / f"{NEW_PREFIX}{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--quiet",
                           "--site-dir", str(new)], cwd=root, env=env)
    if proc.returncode == 0:
        log(f"pages: MkDocs {time.perf_counter() - t0:.1f}s")
        if drop_empty_sitemap(new):
            log(f"no sitemap.xml: set {SITE_URL_ENV}=https://…/ (the published address) to get one")
    stamp = root / STAMP
    stamp.unlink(missing_ok=True)
    if proc.returncode == 0:
        t0 = time.perf_counter()
        proc = index_site(new)
        if proc.returncode == 0:
            log(f"search index: Pagefind {time.perf_counter() - t0:.1f}s")
        else:
            log(f"Pagefind failed ({proc.returncode}); site/ keeps the last good build:\n"
                + (proc.stdout + proc.stderr)[-3000:])
    if proc.returncode == 0:
        swap_in(root, new)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint + "\n")
    else:
        shutil.rmtree(new, ignore_errors=True)  # a failed build never replaces the last good site
    return proc.returncode
