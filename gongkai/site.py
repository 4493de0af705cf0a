"""Run MkDocs, then Pagefind, only when their inputs changed: docs/, mkdocs.yml, the theme overrides and
the versions of the site toolchain; in shards (gongkai/shards.py), each an independent run over a bounded
number of pages, so memory does not grow with the site and an edit re-renders only the shards it touched.

A no-op `make site` must not spend a minute re-rendering thousands of unchanged pages.  The inputs are
keyed by path, size and modification time; the build writes only files whose bytes changed, so an
unchanged page keeps its mtime.  `--clean` is kept for real builds: `--dirty` loses search entries.

Search is Pagefind's static index (extended build, which segments Chinese words): one per shard, the hub's
in pagefind/ and each report shard's in pagefind/shards/<name>/, listed in pagefind/shards.json for the
search page to merge (Pagefind's mergeIndex: the merged indexes load no second wasm).  The site is
assembled from the shards only when every shard succeeded, so a failed run keeps the last good site; the
assembly (gongkai/assemble.py) links again only the files whose source changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from importlib import metadata
from pathlib import Path

from gongkai import paths as P
from gongkai import assemble as A
from gongkai import docs_state as DS
from gongkai import shard_build as SB
from gongkai import shards as S
from gongkai.files import write_if_changed
from gongkai.pipeline import manifest as M
from gongkai.mirror import walk
from gongkai.pipeline.runner import default_jobs
from gongkai.shard_build import EXCLUDE_SELECTORS, PAGEFIND_DIR  # noqa: F401  (their one home is shard_build)

TOOLCHAIN = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2", "pagefind-bin-extended")
THEME_DIRS = (P.DOCS_DIR, "overrides", "hooks")  # page sources, theme templates (custom_dir), mkdocs.yml hooks
STAMP = Path(P.CACHE_DIR) / "mkdocs.stamp"
# mkdocs.yml takes site_url from this variable: it changes every page's head, so it is part of the fingerprint.
SITE_URL_ENV = "GONGKAI_SITE_URL"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def theme_fingerprint(root: Path) -> str:
    """Every input of every page but docs/: the toolchain's versions, mkdocs.yml, the site URL, the theme
    overrides and the hooks."""
    h = hashlib.sha256()
    for dist in TOOLCHAIN:
        h.update(f"{dist}={_version(dist)}\n".encode())
    h.update(b"mkdocs.yml\0" + (root / "mkdocs.yml").read_bytes())
    h.update(f"{SITE_URL_ENV}={os.environ.get(SITE_URL_ENV, '')}\n".encode())
    for top in THEME_DIRS[1:]:
        for rel, st in walk(root / top):
            h.update(f"{top}/{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def docs_listing(docs: Path) -> dict[str, tuple[int, int, int]]:
    """Every file of docs/ (relative posix path, in walk's order) -> (size, mtime_ns, inode): a stat of every
    file, which the build no longer does (docs_state.py); for callers that want the whole listing."""
    return {rel: (st.st_size, st.st_mtime_ns, st.st_ino) for rel, st in walk(docs)}


def docs_fingerprint(root: Path, docs: DS.DocsState | None = None, theme: str | None = None) -> str:
    """The theme's fingerprint and every file of docs/ (path, size, mtime, folder by folder): the whole site's
    inputs.  `docs`: the state of docs/ when the caller has it (else every folder is listed)."""
    docs = DS.DocsState(root).walk() if docs is None else docs
    theme = theme_fingerprint(root) if theme is None else theme
    return hashlib.sha256(f"{theme}\0{docs.digest()}".encode()).hexdigest()


def index_site(site: Path, name: str = S.HUB) -> subprocess.CompletedProcess:
    """Pagefind's index of a built site (or shard) into its pagefind/ folder (shard_build.index_dir): only
    each page's data-pagefind-body (the article, see overrides/main.html), tables excepted.  The extended
    binary comes in the pinned wheel; nothing is fetched.  It runs in the site directory, where no
    pagefind.yml of the caller's working directory can change its options."""
    return subprocess.run(SB.pagefind_command(name), cwd=Path(site).resolve(), capture_output=True, text=True)


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


SHARDS_DIR = Path("build") / "shards"
SHARD_REPORTS_ENV = "GONGKAI_SHARD_REPORTS"  # reports a shard holds at most (shards.SHARD_REPORTS)
SHARD_LOG = "shards.json"  # build/shards/shards.json: each shard run's steps, seconds and peak memory
SITE_FILES = Path(P.CACHE_DIR) / "site-files"  # what assembly makes itself: the merged sitemap, shards.json
# Present while the manifest's records (pipeline/manifest.py, one a part) list exactly the files of site/:
# written when a build has brought site/ up to date, removed before the next one changes it, and naming the
# site folder (device, inode) it lists, so a copied project (new inodes everywhere) does not trust it.  With
# it, the assembly brings the parts an edit touched up to date from their records; without it (a build
# killed half-way, a first build, a copy), it lists every file of the site and makes every part.
SITE_LISTED = Path(P.CACHE_DIR) / "site-listed"


def _site_identity(site: Path) -> str:
    st = site.stat()
    return f"{st.st_dev} {st.st_ino}\n"


def docs_files(docs: Path) -> list[str]:
    """docs/ files that the site generator reads (the downloads are linked into the site as they are)."""
    return [rel for rel, _ in walk(docs) if not rel.startswith(f"{P.DOWNLOADS}/")
            and not rel.rsplit("/", 1)[-1].startswith(".")]


def run_shards(root: Path, todo: list[tuple[str, Path, list | None]], scheduler: str | None,
               jobs: int) -> list[dict]:
    """shard_build.run_shard for each (name, folder, changed pages or None: all) shard: on the Dask cluster at `scheduler` (which must see this
    project's folder at the same path: the shards read and write it), else `jobs` at a time here."""
    if not todo:
        return []
    args = ([str(root)] * len(todo), [str(d) for _, d, _ in todo], [name for name, _, _ in todo],
            [pages for *_, pages in todo])
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            return client.gather(client.map(SB.run_shard, *args, pure=False))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=jobs) as pool:  # threads: each shard's work is in its own processes
        return list(pool.map(SB.run_shard, *args))


def _page_shard(rel: str, count: int) -> str:
    key = S.agency_key(rel)
    return S.HUB if key is None else S.shard_of(key, count)


def touched_shards(root: Path, docs: DS.DocsState, plan: dict[str, list[str]], count: int) -> set[str]:
    """The shards whose pages an edit of docs/ may have changed: those with a page (before or now) in a folder
    whose files changed, those whose stand-ins name a page that is gone, and those never rendered."""
    out = set()
    removed = set()
    for folder in docs.changed | docs.gone:
        before = set(docs.pages_before.get(folder, ()))
        now = set(docs.entries[folder][3]) if folder in docs.entries else set()
        prefix = f"{folder}/" if folder else ""
        out.update(_page_shard(prefix + name, count) for name in before | now)
        removed.update(prefix + name for name in before - now)
    for name in plan:
        shard = root / SHARDS_DIR / name
        if name in out:
            continue
        if not (shard / "stamp").exists() or not (shard / "site").is_dir():
            out.add(name)
        elif removed:
            try:
                others = set((shard / SB.STAND_INS).read_text(encoding="utf-8").splitlines())
            except OSError:
                others = removed
            if others & removed:
                out.add(name)
    return out


def _exists_in(docs_dir: Path, docs: DS.DocsState):
    """Whether a file of docs/ exists: a page from the state of docs/ (which names each folder's pages, and is
    current), another file by a stat.  The hub's stand-ins are every agency's and report's page: a stat each was
    about 1,400 stats per 1,000 reports on every edit."""
    def exists(rel: str) -> bool:
        if DS.is_page(rel):
            folder, _, name = rel.rpartition("/")
            entry = docs.entries.get(folder)
            return entry is not None and name in entry[3]
        return os.path.isfile(docs_dir / rel)
    return exists


def prepare_shards(root: Path, per_shard: int, docs: DS.DocsState | None = None, theme: str | None = None,
                   touched: set[str] | None = None) -> dict[str, tuple[Path, str]]:
    """Each shard's folder made ready (its pages linked, its stand-ins listed), with its fingerprint; the
    folders of shards that no longer exist are removed.  Only the `touched` shards (None: all) are prepared:
    another keeps the fingerprint it was last rendered from, without a stat of its files.  The files of
    docs/ that are not pages are linked into the site as they are, never through MkDocs (assemble.py)."""
    docs_dir = root / P.DOCS_DIR
    theme = theme_fingerprint(root) if theme is None else theme
    docs = DS.DocsState(root).walk() if docs is None else docs
    plan = S.assign(docs.pages(), per_shard)
    out = {}
    exists = _exists_in(docs_dir, docs)
    for name, pages in plan.items():
        shard = root / SHARDS_DIR / name
        if touched is None or name in touched:
            out[name] = (shard, SB.prepare(docs_dir, pages, shard, theme, exists=exists))
        else:
            out[name] = (shard, (shard / "stamp").read_text().strip())
    if (root / SHARDS_DIR).is_dir():
        for old in sorted((root / SHARDS_DIR).iterdir()):
            if old.is_dir() and old.name not in out:
                shutil.rmtree(old, ignore_errors=True)
    return out


STATE = Path(P.CACHE_DIR) / "site-state.json"  # the shards and the theme of the last assembly


def build_site(root: Path, force: bool = False, log=print, scheduler: str | None = None,
               per_shard: int | None = None, written=None) -> int | None:
    """Render the site in shards (gongkai/shards.py), each shard MkDocs `--strict` and then Pagefind, only
    the shards whose inputs changed (all with force; a shard with a few changed pages renders those alone);
    bring site/ up to date from the shards' outputs when every shard succeeded (gongkai/assemble.py: only
    the parts of the site an edit touched, and in them only files whose source changed are linked again).
    None when nothing changed, else the exit code of the first failing step (0 when all succeeded).
    `scheduler` (or DASK_SCHEDULER) runs the shards on a Dask cluster; otherwise JOBS (default: every core)
    at a time.  `written`: the files the build wrote (relative to the root), whose folders of docs/ are
    listed again even when a write in place left their mtime alone (docs_state.py)."""
    root = Path(root).resolve()
    recover_site(root)
    top = f"{P.DOCS_DIR}/"
    docs, known = DS.current(root, {rel[len(top):].rpartition("/")[0] for rel in written or ()
                                    if rel.startswith(top)})
    theme = theme_fingerprint(root)
    fingerprint = docs_fingerprint(root, docs, theme)
    if not force and site_is_current(root, fingerprint):
        log("site/ is up to date: no docs input changed, MkDocs skipped")
        docs.save()  # the folders listed again (a copy's new inodes, racy ones) need not be next time
        return None
    per_shard = per_shard or int(os.environ.get(SHARD_REPORTS_ENV) or S.SHARD_REPORTS)
    scheduler = scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER") or None
    stamp = root / STAMP
    stamp.unlink(missing_ok=True)
    listed = root / SITE_LISTED
    trusted = listed.exists() and (root / SITE).is_dir() and listed.read_text() == _site_identity(root / SITE)
    listed.unlink(missing_ok=True)
    try:
        last = json.loads((root / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    t0 = time.perf_counter()
    pages = docs.pages()
    plan = S.assign(pages, per_shard)
    count = S.shard_count(sum(1 for rel in pages if S.is_report_page(rel)), per_shard)
    incremental = known and not force and last.get("theme") == theme and last.get("shards") == sorted(plan)
    touched = touched_shards(root, docs, plan, count) if incremental else None
    prepared = prepare_shards(root, per_shard, docs, theme, touched)
    todo = []
    for name, (shard, fp) in prepared.items():
        done = shard / "stamp"
        if force or not (shard / "site").is_dir() or not done.exists() or done.read_text().strip() != fp:
            pages = None if force or not done.exists() else SB.changed_pages(shard)
            done.unlink(missing_ok=True)
            todo.append((name, shard, pages))
    alone = sum(len(pages) for *_, pages in todo if pages)
    log(f"pages: {len(prepared)} shard(s), {len(todo)} to render, "
        f"{len(prepared) if touched is None else len(touched)} prepared ({time.perf_counter() - t0:.1f}s to prepare)"
        + (f"; {alone} changed page(s) rendered alone" if alone else ""))
    t0 = time.perf_counter()
    results = run_shards(root, todo, scheduler, default_jobs())
    _write_json(root / SHARDS_DIR / SHARD_LOG, results)
    failed = next((r for r in results if r["failed"]), None)
    if failed:
        step = failed["steps"][failed["failed"]]
        log(f"{failed['failed']} failed in shard {failed['name']} ({step['returncode']}); site/ keeps the last "
            f"good build:\n{step['output']}")
        return step["returncode"] or 1
    for name, shard, _ in todo:
        SB.rendered(shard)
        (shard / "stamp").write_text(prepared[name][1] + "\n")
    if results:
        def total(step, key, agg):
            values = [r["steps"][step][key] for r in results if step in r["steps"] and r["steps"][step][key] is not None]
            return agg(values) if values else 0
        log(f"pages: {len(results)} shard(s) rendered in {time.perf_counter() - t0:.1f}s wall; summed over shards "
            f"MkDocs {total('mkdocs', 'seconds', sum):.1f}s, Pagefind {total('pagefind', 'seconds', sum):.1f}s; "
            f"peak memory MkDocs {total('mkdocs', 'max_rss_mb', max):.0f} MB, "
            f"Pagefind {total('pagefind', 'max_rss_mb', max):.0f} MB")
    t0 = time.perf_counter()
    plan = {name: shard for name, (shard, _) in prepared.items()}
    extras: list[str] = []
    # Made from the shards' outputs alone (their sitemaps and search indexes): kept while no shard rendered.
    if (not incremental or todo or not (root / SITE_FILES).is_dir()) and not A.extras(
            plan, root / SITE_FILES, os.environ.get(SITE_URL_ENV, ""), write_if_changed, extras):
        log(f"no sitemap.xml: set {SITE_URL_ENV}=https://…/ (the published address) to get one")
    # The first site is made beside and renamed in; later ones are brought up to date in place, part by part.
    site = root / SITE
    target = site if site.is_dir() else root / f"{NEW_PREFIX}{os.getpid()}"
    dirty = None
    if incremental and trusted and target == site and M.read_index(site) is not None:
        dirty = docs_parts(docs) | {M.part_of(rel) for rel in extras}
        for name, shard, pages in todo:
            dirty |= A.rendered_parts(name, shard, pages)
    else:
        for name, shard in plan.items():
            A.shard_parts(name, shard, keep=False)
    linked, removed, parts = A.assemble(root, target, plan, root / SITE_FILES, root / P.CACHE_DIR, dirty)
    if target != site:
        swap_in(root, target)
    log("site: " + (f"{parts} part(s) of the site brought up to date" if dirty is not None else "every part made")
        + f" from {len(prepared)} shard(s) in {time.perf_counter() - t0:.1f}s ({len(linked)} linked, "
        f"{len(removed)} removed)" + ("" if dirty is not None else "; site/ listed"))
    docs.save()
    _write_json(root / STATE, {"theme": theme, "shards": sorted(plan)})
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")
    listed.write_text(_site_identity(site))
    return 0


def docs_parts(docs: DS.DocsState) -> set[str]:
    """The parts of the site (pipeline/manifest.part_of) whose files come from the folders of docs/ that
    changed: a folder's files are linked under the same path, its pages rendered to their HTML's path."""
    out = set()
    for folder in docs.changed | docs.gone:
        out.add(M.part_of(f"{folder}/x" if folder else "x"))
        prefix = f"{folder}/" if folder else ""
        now = docs.entries[folder][3] if folder in docs.entries else ()
        out.update(M.part_of(SB.output_of(prefix + name)) for name in {*docs.pages_before.get(folder, ()), *now})
    return out


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
