"""One shard of the site (gongkai/shards.py): its docs/ files in a folder of its own, MkDocs over them, then
Pagefind over the pages it rendered; each in a process of its own, so its memory is returned when it ends
and measured.

A shard's folder under build/shards/<name>/ holds `docs/` (hard links to the files of docs/, relinked when
a file is replaced), `stand-ins.txt` (the files of other shards its pages link to, which the MkDocs hook
adds as files it does not render) with `files.state` (the state of the files it was found from), `site/`
(its output) and `stamp` (the fingerprint of what `site/` was built from: a shard whose inputs did not
change is not run again).

`python -m gongkai.shard_build ROOT SHARD_DIR` is the MkDocs step of one shard.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from gongkai import recent_index as RI
from gongkai import shards as S
from gongkai.mirror import mirror, relink
from gongkai.shards import PAGEFIND_DIR

STAND_INS_ENV = "GONGKAI_SHARD_STAND_INS"  # read by hooks/gongkai_mkdocs.py: a shard run's stand-in files
STAND_INS = "stand-ins.txt"
LINKS = "links.json"  # each page's link targets, with the [size, mtime] they were read at (stand_ins)
SHARD_INDEXES = "shards"
# Tables are left out of the index: their cells are numbers and the same printed row labels on every
# report, which no one searches for.  Measured on 13,354 pages (a 10,000-report site): Pagefind's peak
# memory 5.1 -> 2.1 GB, its time 170 -> 114 s, the largest index chunk 423 -> 34 KB.  Agencies stay
# findable by their pages' titles and text, reports by their titles, headings and narrative.
EXCLUDE_SELECTORS = "table"
REPORT_GLOB = "{" + ",".join(S.AGENCY_DIRS) + "}/**/*.html"


def index_dir(name: str) -> str:
    """Where a shard's Pagefind bundle sits, relative to the site root."""
    return PAGEFIND_DIR if name == S.HUB else f"{PAGEFIND_DIR}/{SHARD_INDEXES}/{name}"


def sync_tree(docs: Path, files: list[str], dest: Path, listing: dict | None = None) -> None:
    """Make `dest` hold exactly `files` of `docs`, as hard links (copies across devices).  A link whose file
    was replaced since (the build writes a new file and renames it) is made again.  `listing`: each file's
    (size, mtime_ns, inode) when the caller has them (site.docs_listing); else a stat each."""
    mirror(dest, {rel: (str(docs / rel), listing[rel][2] if listing else (docs / rel).stat().st_ino)
                  for rel in files})


def _file_exists(docs: Path, listing: dict | None):
    """Whether a file of docs/ exists: from the listing when there is one, else by a stat."""
    return (lambda rel: rel in listing) if listing is not None else (lambda rel: (docs / rel).is_file())


def stand_ins(docs: Path, files: list[str], stats: dict | None = None, links: Path | None = None,
              listing: dict | None = None, exists=None) -> list[str]:
    """Files outside the shard that its pages link to and that exist: MkDocs resolves the links to them.
    A link to a file that exists nowhere is left for MkDocs to report, as in an unsharded build.

    `links` (a shard's LINKS file) keeps each page's link targets with the [size, mtime] they were found at
    (`stats`: file_stats'), so an edit reads again only the pages that changed: finding every page's links
    read the whole shard (some 2,000 pages at 10,000 reports) for one changed page.  `listing`
    (site.docs_listing) answers which targets exist without a stat each; else a stat each."""
    own = set(files)
    known: dict = {}
    if links is not None and stats is not None:
        try:
            known = json.loads(links.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
    found: dict = {}
    out = set()
    for rel in files:
        if not rel.endswith(".md"):
            continue
        hit = known.get(rel) if stats is not None else None
        if hit is not None and hit[:2] == list(stats[rel]):
            targets = hit[2]
        else:
            targets = sorted(S.link_targets(rel, (docs / rel).read_text(encoding="utf-8")))
        if stats is not None:
            found[rel] = [*stats[rel], targets]
        out.update(t for t in targets if t not in own)
    if links is not None and stats is not None:
        links.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    exists = exists or _file_exists(docs, listing)
    return sorted(t for t in out if exists(t))


def file_stats(docs: Path, files: list[str], listing: dict | None = None) -> dict[str, list[int]]:
    """Each file's [size, mtime] (the build rewrites only changed files, so an unchanged file keeps its
    mtime); nothing is read.  `listing`: as for sync_tree."""
    if listing:
        return {rel: list(listing[rel][:2]) for rel in files}
    out = {}
    for rel in files:
        st = (docs / rel).stat()
        out[rel] = [st.st_size, st.st_mtime_ns]
    return out


def files_state(docs: Path, files: list[str], stats: dict | None = None) -> str:
    """A digest of a shard's files as they are on disk (file_stats)."""
    stats = stats if stats is not None else file_stats(docs, files)
    h = hashlib.sha256()
    for rel in files:
        size, mtime = stats[rel]
        h.update(f"{rel}\0{size}\0{mtime}\n".encode())
    return h.hexdigest()


def fingerprint(theme: str, state: str, others: list[str]) -> str:
    """What a shard's output is made from: the theme and toolchain (site.theme_fingerprint), its files
    (files_state) and its stand-ins."""
    return hashlib.sha256("\n".join([theme, state, *others]).encode("utf-8")).hexdigest()


def prepare(docs: Path, files: list[str], shard: Path, theme: str, listing: dict | None = None,
            exists=None) -> str:
    """Make a shard's folder ready to render: its docs/ linked, its stand-ins listed (found again only when
    one of its files changed: finding them reads every page).  Its fingerprint.  `exists(rel)`: whether a file
    of docs/ exists, when the caller knows better than a stat each (site.prepare_shards: the hub's stand-ins
    are every agency's and report's page)."""
    sync_tree(docs, files, shard / "docs", listing)
    stats = file_stats(docs, files, listing)
    (shard / FILES_NOW).write_text(json.dumps(stats), encoding="utf-8")
    state = files_state(docs, files, stats)
    known = shard / "files.state"
    kept = shard / STAND_INS
    exists = exists or _file_exists(docs, listing)
    others = None
    if known.exists() and kept.exists() and known.read_text().strip() == state:
        others = kept.read_text(encoding="utf-8").splitlines()
        if not all(exists(rel) for rel in others):  # a target went away: its link must fail again
            others = None
    if others is None:
        others = stand_ins(docs, files, stats, shard / LINKS, listing, exists)
        kept.write_text("".join(f"{rel}\n" for rel in others), encoding="utf-8")
        known.write_text(state + "\n")
    (shard / THEME_NOW).write_text(theme + "\n", encoding="utf-8")
    return fingerprint(theme, state, others)


# ---------------------------------------------------------------------------
# Re-rendering only the pages that changed.  An edit changes a few pages of a shard, yet MkDocs renders all
# of them (40 s for 1,700 pages at 5,000 reports).  A page's HTML depends on the page, the theme and the
# files its links resolve against, not on which other pages share the run: so while a shard's set of files,
# its stand-ins and the theme are those of its last full render, the changed pages are rendered alone, the
# rest of the shard standing in for them as for another shard's files, and their HTML replaces the old.
# (tests/test_shard_build.py checks the bytes equal those of a whole render.)
# ---------------------------------------------------------------------------
FILES_NOW = "files.json"  # the shard's files' stats now (prepare)
THEME_NOW = "theme.txt"
RENDERED = "rendered.json"  # the stats, stand-ins and theme of the shard's last successful render
DELTA = "delta"  # the folder of a render of changed pages only
DELTA_MAX = 0.25  # above this share of a shard's pages changed, the whole shard is rendered


def rendered(shard: Path) -> None:
    """Record what the shard's site was rendered from, after a successful render."""
    state = {"theme": (shard / THEME_NOW).read_text(encoding="utf-8").strip(),
             "stand_ins": (shard / STAND_INS).read_text(encoding="utf-8").splitlines(),
             "files": json.loads((shard / FILES_NOW).read_text(encoding="utf-8"))}
    (shard / RENDERED).write_text(json.dumps(state), encoding="utf-8")


def changed_pages(shard: Path) -> list[str] | None:
    """The pages to render again alone, or None when the whole shard must be: no earlier render, another
    theme, other stand-ins, a file added or removed, or too many pages changed."""
    try:
        last = json.loads((shard / RENDERED).read_text(encoding="utf-8"))
        now = json.loads((shard / FILES_NOW).read_text(encoding="utf-8"))
        theme = (shard / THEME_NOW).read_text(encoding="utf-8").strip()
        others = (shard / STAND_INS).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return None
    if (last.get("theme") != theme or last.get("stand_ins") != others or set(last.get("files", ())) != set(now)
            or not (shard / "site").is_dir()):
        return None
    changed = sorted(rel for rel, st in now.items() if last["files"][rel] != st)
    if not changed or len(changed) > DELTA_MAX * len(now) or not all(rel.endswith(".md") for rel in changed):
        return None
    return changed


def output_of(rel: str) -> str:
    """The HTML file MkDocs writes for a page (use_directory_urls): a/b.md -> a/b/index.html."""
    stem = rel[: -len(".md")]
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


def prepare_delta(shard: Path, pages: list[str]) -> Path:
    """The folder of a render of `pages` alone: their docs, and as stand-ins the files they link to among the
    shard's own stand-ins and its other files.  A page's HTML depends on the files its links resolve against
    (and on the nav's pages, which the hook adds), not on the rest of the run.  The hub links to every agency
    and report, and a report shard holds some 2,000 pages: a delta run given all of them made MkDocs create
    thousands of stand-ins (3,340 for one report page at 1,000 reports) to render one page."""
    delta = shard / DELTA
    sync_tree(shard / "docs", pages, delta / "docs")
    targets: set[str] = set()
    for rel in pages:
        targets |= S.link_targets(rel, (shard / "docs" / rel).read_text(encoding="utf-8"))
    targets -= set(pages)
    if targets:
        own = json.loads((shard / FILES_NOW).read_text(encoding="utf-8"))
        others = set((shard / STAND_INS).read_text(encoding="utf-8").splitlines())
        targets = {rel for rel in targets if rel in own or rel in others}
    (delta / STAND_INS).write_text("".join(f"{rel}\n" for rel in sorted(targets)), encoding="utf-8")
    return delta


_TABLE = re.compile(rb"<table\b.*?</table>", re.S)
_BETWEEN_TAGS = re.compile(rb">\s+<")


def _outside_tables(html: bytes) -> bytes:
    """The page without its tables, and without the white space a table leaves between two tags."""
    return _BETWEEN_TAGS.sub(b"><", _TABLE.sub(b"", html))


def search_changed(shard: Path, pages: list[str]) -> list[str]:
    """The page files of the delta render that differ from the shard's outside tables.  Tables are left out
    of the index (EXCLUDE_SELECTORS), so for the others Pagefind would write what it wrote: a corrected
    figure changes a table cell, and its report is found by the same words as before."""
    out = []
    for rel in pages:
        old, new = shard / "site" / output_of(rel), shard / DELTA / "site" / output_of(rel)
        if not old.is_file() or _outside_tables(old.read_bytes()) != _outside_tables(new.read_bytes()):
            out.append(output_of(rel))
    return out


def take_pages(shard: Path, pages: list[str]) -> None:
    """The delta render's HTML of `pages` put in the shard's site, each file replaced by a rename."""
    for rel in pages:
        relink(shard / DELTA / "site" / output_of(rel), shard / "site" / output_of(rel))


# GNU time reports the peak memory of the command alone: a child's own ru_maxrss (os.wait4) also counts the
# pages it shared with this process before exec, so every step would seem at least as large as the build.
GNU_TIME = "/usr/bin/time"
_RSS = re.compile(r"^GK_MAX_RSS_KB=(\d+)$", re.M)


def _timed(cmd: list[str], cwd: Path, env: dict) -> dict:
    """Run a command; its exit code, output, wall seconds and peak memory (None without GNU time)."""
    timer = [GNU_TIME, "-f", "GK_MAX_RSS_KB=%M"] if os.path.exists(GNU_TIME) else []
    t0 = time.perf_counter()
    proc = subprocess.run(timer + cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode("utf-8", "replace")
    m = _RSS.search(out)
    return {"returncode": proc.returncode, "output": _RSS.sub("", out).strip()[-3000:],
            "seconds": round(time.perf_counter() - t0, 2), "max_rss_mb": round(int(m.group(1)) / 1024, 1) if m else None}


def pagefind_command(name: str) -> list[str]:
    from pagefind_bin_extended import get_executable

    cmd = [str(get_executable()), "--site", ".", "--output-subdir", index_dir(name),
           "--exclude-selectors", EXCLUDE_SELECTORS, "--quiet"]
    return cmd if name == S.HUB else cmd + ["--glob", REPORT_GLOB]


def layer_command(out: str) -> list[str]:
    """Pagefind over a folder of the recent layer's pages alone (recent_index), into `out`."""
    from pagefind_bin_extended import get_executable

    return [str(get_executable()), "--site", ".", "--output-path", out, "--exclude-selectors", EXCLUDE_SELECTORS,
            "--quiet"]


def _search(shard: Path, name: str, pages: list[str] | None, changed: list[str], env: dict) -> dict:
    """The Pagefind step: nothing when no page changed for search, the recent layer when it stays small
    (recent_index), else the whole shard indexed again."""
    index = shard / "site" / index_dir(name)
    if pages and not changed and index.is_dir():
        return {"returncode": 0, "output": "index kept: the pages changed only in tables", "seconds": 0.0,
                "max_rss_mb": None}
    if pages and index.is_dir():
        layer = RI.layer(shard, changed, len(json.loads((shard / FILES_NOW).read_text(encoding="utf-8"))))
        if layer is not None:
            result = RI.index_layer(shard, name, layer, layer_command, lambda cmd, cwd: _timed(cmd, cwd, env))
            if result["returncode"] == 0:
                result["output"] = f"recent layer: {len(layer)} page(s) indexed; " + result["output"]
            return result
    # MkDocs cleaned the site before a whole render; after a delta render the last index goes, or its
    # fragments (named by their content) would stay beside the new ones.
    shutil.rmtree(index, ignore_errors=True)
    result = _timed(pagefind_command(name), shard / "site", env)
    if result["returncode"] == 0:
        RI.indexed_whole(shard, index, name)
    return result


def run_shard(root: str, shard_dir: str, name: str, pages: list[str] | None = None) -> dict:
    """MkDocs, then Pagefind, for one prepared shard folder (a task for a local thread or a Dask worker:
    the work is in the two child processes): of every page, or of `pages` alone (changed_pages), whose HTML
    then replaces theirs.  Each step's seconds and peak memory, and the first failure."""
    shard = Path(shard_dir)
    run = prepare_delta(shard, pages) if pages else shard
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{STAND_INS_ENV: str(run / STAND_INS)})
    steps = {"mkdocs": _timed([sys.executable, "-m", "gongkai.shard_build", str(root), str(run)], Path(root), env)}
    if steps["mkdocs"]["returncode"] == 0:
        changed = search_changed(shard, pages) if pages else []
        if pages:
            take_pages(shard, pages)
        steps["pagefind"] = _search(shard, name, pages, changed, env)
    failed = next((step for step, r in steps.items() if r["returncode"] != 0), None)
    return {"name": name, "steps": steps, "failed": failed, "pages": len(pages) if pages else None}


def render(root: Path, shard: Path) -> int:
    """The MkDocs step: the project's mkdocs.yml over the shard's docs/ into its site/, strict as always."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.basicConfig(format="%(levelname)s - %(message)s", level=logging.WARNING, stream=sys.stdout)
    try:
        config = load_config(str(root / "mkdocs.yml"), docs_dir=str(shard / "docs"), site_dir=str(shard / "site"),
                             strict=True)
        build(config)
    except (MkDocsException, SystemExit) as exc:
        print(f"MkDocs failed in {shard.name}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(render(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))
