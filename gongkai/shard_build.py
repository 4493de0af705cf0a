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
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from gongkai import shards as S
from gongkai.mirror import mirror

STAND_INS_ENV = "GONGKAI_SHARD_STAND_INS"  # read by hooks/gongkai_mkdocs.py: a shard run's stand-in files
STAND_INS = "stand-ins.txt"
PAGEFIND_DIR = "pagefind"  # the hub's index; a report shard's is pagefind/shards/<name>/
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


def sync_tree(docs: Path, files: list[str], dest: Path) -> None:
    """Make `dest` hold exactly `files` of `docs`, as hard links (copies across devices).  A link whose file
    was replaced since (the build writes a new file and renames it) is made again."""
    mirror(dest, {rel: (str(docs / rel), (docs / rel).stat().st_ino) for rel in files})


def stand_ins(docs: Path, files: list[str]) -> list[str]:
    """Files outside the shard that its pages link to and that exist: MkDocs resolves the links to them.
    A link to a file that exists nowhere is left for MkDocs to report, as in an unsharded build."""
    own = set(files)
    out = set()
    for rel in files:
        if rel.endswith(".md"):
            out |= {t for t in S.link_targets(rel, (docs / rel).read_text(encoding="utf-8")) if t not in own}
    return sorted(t for t in out if (docs / t).is_file())


def files_state(docs: Path, files: list[str]) -> str:
    """A digest of a shard's files as they are on disk (path, size, mtime: the build rewrites only changed
    files, so an unchanged file keeps its mtime); nothing is read."""
    h = hashlib.sha256()
    for rel in files:
        st = (docs / rel).stat()
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def fingerprint(theme: str, state: str, others: list[str]) -> str:
    """What a shard's output is made from: the theme and toolchain (site.theme_fingerprint), its files
    (files_state) and its stand-ins."""
    return hashlib.sha256("\n".join([theme, state, *others]).encode("utf-8")).hexdigest()


def prepare(docs: Path, files: list[str], shard: Path, theme: str) -> str:
    """Make a shard's folder ready to render: its docs/ linked, its stand-ins listed (found again only when
    one of its files changed: finding them reads every page).  Its fingerprint."""
    sync_tree(docs, files, shard / "docs")
    state = files_state(docs, files)
    known = shard / "files.state"
    listing = shard / STAND_INS
    others = None
    if known.exists() and listing.exists() and known.read_text().strip() == state:
        others = listing.read_text(encoding="utf-8").splitlines()
        if not all((docs / rel).is_file() for rel in others):  # a target went away: its link must fail again
            others = None
    if others is None:
        others = stand_ins(docs, files)
        listing.write_text("".join(f"{rel}\n" for rel in others), encoding="utf-8")
        known.write_text(state + "\n")
    return fingerprint(theme, state, others)


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


def run_shard(root: str, shard_dir: str, name: str) -> dict:
    """MkDocs, then Pagefind, for one prepared shard folder (a task for a local thread or a Dask worker:
    the work is in the two child processes).  Each step's seconds and peak memory, and the first failure."""
    shard = Path(shard_dir)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{STAND_INS_ENV: str(shard / STAND_INS)})
    steps = {"mkdocs": _timed([sys.executable, "-m", "gongkai.shard_build", str(root), str(shard)], Path(root), env)}
    if steps["mkdocs"]["returncode"] == 0:
        steps["pagefind"] = _timed(pagefind_command(name), shard / "site", env)
    failed = next((step for step, r in steps.items() if r["returncode"] != 0), None)
    return {"name": name, "steps": steps, "failed": failed}


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
