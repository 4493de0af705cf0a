"""Extraction of many report files: a content-hash cache, all cores (or a Dask cluster), a progress bar.

The cache key of a file is sha256(file bytes) + sha256(sidecar bytes) + its name + the extractor's
fingerprint (pipeline/fingerprint.py: the version, the registry, and the code extraction imports), so
editing one report re-extracts only that report, and a new extractor or schema invalidates every entry.  Entries
live under build/cache/extract/ as pickles written by this program only (the directory is gitignored).
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.model import UNREADABLE, Failure, ReadError, Report
from gongkai.extract import SIDECAR_SUFFIX, companion_images, extract, sidecar_path, slug_name
from gongkai.files import atomic_write, write_if_changed
from gongkai.parse import slug as slugs
from gongkai.pipeline.fingerprint import extractor_fingerprint, schema_hash  # noqa: F401 (re-exported)
from gongkai.pipeline import isolate
from gongkai.pipeline.isolate import extract_isolated, internal_error

def _sha(data: bytes | None) -> str:
    return "none" if data is None else hashlib.sha256(data).hexdigest()


def _file_sha(path) -> str:
    with open(path, "rb") as fh:
        return _sha(fh.read())


def _sha_if_there(sha, path: Path) -> str:
    """sha(path), or the hash of no file when there is none (asked without a stat first: one stat, not two)."""
    try:
        return sha(path)
    except FileNotFoundError:
        return _sha(None)


def cache_key(path: Path, fingerprint: str, sha=_file_sha, images=companion_images) -> str:
    """`sha(path)`: a file's sha256, `images(path)`: its sidecar's pictures (an IndexStore remembers both)."""
    # The sidecar's name as a string: making a Path of it, twice a report, cost more than the stats (issue 17).
    side = _sha_if_there(sha, os.fspath(path) + SIDECAR_SUFFIX)
    text = f"{path.name}\0{sha(path)}\0{side}\0{fingerprint}"
    # Pictures saved beside an HTML report (sidecar `images`) are read by OCR: a new picture, a new result.
    # Only a sidecar lists them.
    for name in images(path) if side != _sha(None) else ():
        image = path.with_name(name)
        text += f"\0{name}\0{sha(image) if image.is_file() else _sha(None)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# One file: the task every backend runs.  The outcome is a Report or the reason the file is not a report.
# ---------------------------------------------------------------------------
@dataclass
class Outcome:
    name: str
    report: Report | None = None
    failure: Failure | None = None

    @property
    def reason(self) -> str | None:
        return None if self.failure is None else self.failure.message

    @property
    def cacheable(self) -> bool:
        """A transient failure (memory, a timeout, a crash, a bug of ours) is tried again next build."""
        return self.failure is None or not self.failure.transient


BATCH = int(os.environ.get("GONGKAI_BATCH", "16"))


def warm_up(pdf: bool = True, words: bool = True) -> None:
    """Load the lazily loaded dictionaries and libraries once per worker, before isolate.py forks.

    Each file is extracted in a forked child that exits afterwards; whatever the child loads dies with
    it.  Without this, every file paid jieba's and pypinyin's dictionaries and pdfplumber's import again
    (about 0.9 s per file instead of 10 ms for a text report).  pdf=False: no PDF is to be extracted here
    (an edited text report), so pdfplumber is not imported (0.45 CPU-s of the edit); a later call with
    pdf=True imports it.  words=False: one child is forked, which loads the slug's dictionaries only if its
    agency is not in the slug memo (~2 CPU-s of an edit).  isolate.warm_up does it, once per kind.
    """
    isolate.warm_up(pdf, words)


def _needs_pdf(paths: list[Path]) -> bool:
    return any(p.suffix.lower() == ".pdf" for p in paths)


def extract_one(path: Path, words: bool = True) -> Outcome:
    """One file in a child process (isolate.py): a hang, a crash or a memory blow-up costs that file only."""
    warm_up(_needs_pdf([path]), words)
    result = extract_isolated(path)
    if isinstance(result, Failure):
        return Outcome(path.name, failure=result)
    return Outcome(path.name, report=result)


def _batch_job(manifest: Path, today) -> list[Outcome]:
    """In isolate.py's child: extract every file the manifest lists."""
    out = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        path = Path(line)
        try:
            out.append(Outcome(path.name, report=extract(path, today=today)))
        except ReadError as exc:
            out.append(Outcome(path.name, failure=Failure(UNREADABLE, exc.reason)))
        except (MemoryError, RecursionError):
            raise  # the batch fails and its files are retried one by one, so the culprit is named
        except Exception as exc:  # a parser bug must not stop the other reports from publishing
            out.append(Outcome(path.name, failure=internal_error(exc)))
    return out


def extract_batch(paths: list[Path], words: bool = True) -> list[Outcome]:
    """Several files in one isolated child: a fork of a warmed-up worker costs ~50 ms, more than extracting
    a text report, so files share a child.  If the child hangs, crashes or runs out of memory, each file of
    the batch is retried in a child of its own, and only the guilty one fails.  words=False: the slug's
    dictionaries are left to the child (see warm_up)."""
    warm_up(_needs_pdf(paths), words)
    if len(paths) == 1:
        return [extract_one(paths[0], words)]
    fd, manifest = tempfile.mkstemp(prefix="gongkai-batch-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(str(p.resolve()) for p in paths))
    try:
        result = extract_isolated(Path(manifest), job=_batch_job)
    finally:
        os.unlink(manifest)
    if isinstance(result, Failure):
        return [extract_one(p) for p in paths]
    return result


def extract_blob(name: str, data: bytes, sidecar: bytes | None) -> Outcome:
    """The task shipped to a Dask worker: the bytes travel, so workers need no shared file system."""
    with tempfile.TemporaryDirectory(prefix="gongkai-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        if sidecar is not None:
            sidecar_path(path).write_bytes(sidecar)
        return extract_one(path)


# ---------------------------------------------------------------------------
# Progress on stderr: a bar with an ETA on a terminal, a line every 10% otherwise (logs stay short).
# ---------------------------------------------------------------------------
class Progress:
    def __init__(self, total: int, label: str = "extract", stream=None, min_interval: float = 0.2):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self._last = 0.0
        self._last_decile = -1
        self.min_interval = min_interval

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        frac = self.done / self.total if self.total else 1.0
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        bar = "#" * int(frac * 30)
        eta_text = f"ETA {eta:.0f}s" if self.done and self.done < self.total else "done" if self.done else "ETA ?"
        return (f"{self.label} [{bar:<30}] {self.done}/{self.total} {frac:4.0%} "
                f"{elapsed:.0f}s elapsed, {eta_text}")

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.tty:
            if now - self._last >= self.min_interval or self.done == self.total:
                self._last = now
                self.stream.write("\r" + self.line())
                if self.done == self.total:
                    self.stream.write("\n")
                self.stream.flush()
        else:
            decile = self.done * 10 // max(self.total, 1)
            if decile != self._last_decile:
                self._last_decile = decile
                self.stream.write(self.line() + "\n")
                self.stream.flush()


# ---------------------------------------------------------------------------
# Many files.
# ---------------------------------------------------------------------------
@dataclass
class RunStats:
    extracted: list[str] = field(default_factory=list)  # names extracted in this run (not from the cache)
    cached: list[str] = field(default_factory=list)
    backend: str = "serial"
    jobs: int = 1


def default_jobs() -> int:
    env = os.environ.get("JOBS", "").strip()
    if env:
        return max(1, int(env))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Cache:
    def __init__(self, directory: Path | None):
        self.dir = directory

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def listed(self) -> set[str]:
        """The keys of every entry on disk, from a listing of each of its folders (not a stat an entry)."""
        keys: set[str] = set()
        if self.dir is None:
            return keys
        try:
            fans = [entry.path for entry in os.scandir(self.dir) if entry.is_dir() and len(entry.name) == 2]
        except FileNotFoundError:
            return keys
        for fan in fans:
            with os.scandir(fan) as entries:
                keys.update(entry.name[: -len(".pickle")] for entry in entries if entry.name.endswith(".pickle"))
        return keys

    def get(self, key: str) -> Outcome | None:
        if self.dir is None:
            return None
        try:
            with self._path(key).open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # a missing, truncated or outdated entry is re-extracted

    def put(self, key: str, outcome: Outcome) -> None:
        if self.dir is None or not outcome.cacheable:
            return
        atomic_write(self._path(key), pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))

    def prune(self, keep: set[str], listed: set[str] | None = None) -> None:
        """Drop entries no current file uses, so the cache does not grow without bound.  listed: the entries
        on disk (self.listed()), when the caller has them."""
        for key in (self.listed() if listed is None else listed) - keep:
            self._path(key).unlink(missing_ok=True)


def batches(paths: list[Path], jobs: int) -> list[list[Path]]:
    """Batches small enough that every worker gets several (an even finish), at most BATCH files each."""
    size = max(1, min(BATCH, -(-len(paths) // (4 * jobs))))
    return [paths[i:i + size] for i in range(0, len(paths), size)]


def _run_serial(paths, progress):
    chunks = batches(paths, 1)
    # One child: it loads the slug's dictionaries itself, and only for an agency the memo does not know.
    words = len(chunks) > 1
    for batch in chunks:
        for path, outcome in zip(batch, extract_batch(batch, words)):
            yield path, outcome
        progress.update(len(batch))


def _run_pool(paths, jobs, progress):
    with ProcessPoolExecutor(max_workers=jobs, initializer=warm_up) as pool:
        futures = {pool.submit(extract_batch, b): b for b in batches(paths, jobs)}
        for fut in as_completed(futures):
            batch = futures[fut]
            for path, outcome in zip(batch, fut.result()):
                yield path, outcome
            progress.update(len(batch))


def _run_dask(paths, address, progress):
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:
        futures = {}
        for p in paths:
            side = sidecar_path(p)
            fut = client.submit(extract_blob, p.name, p.read_bytes(), side.read_bytes() if side.exists() else None,
                                pure=False)
            futures[fut] = p
        for fut in dask_completed(list(futures)):
            yield futures[fut], fut.result()
            progress.update()


def extract_many(paths: list[Path], cache_dir: Path | None = None, jobs: int | None = None,
                 scheduler: str | None = None, progress_stream=None,
                 shrink=None, store=None) -> tuple[list[Outcome], RunStats]:
    """Outcomes for `paths` in their order; from the cache where the key matches, else extracted.

    `shrink(report, key)`, when given, replaces each report once its full form is in the cache under
    `key` (so it can be loaded again from there): the list then need not hold every full report.
    `store` (an IndexStore, with shrink) keeps the shrunk outcomes and the files' hashes, so an unchanged
    file costs a stat and no pickle.

    `scheduler` (or DASK_SCHEDULER) sends the work to that Dask cluster; otherwise `jobs` processes
    (JOBS, default all cores) share it, and jobs=1 extracts in this process.
    """
    jobs = jobs or default_jobs()
    scheduler = scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER") or None
    cache = Cache(cache_dir)
    fingerprint = extractor_fingerprint()
    store = store if shrink is not None and cache.dir is not None else None
    keys = {p: cache_key(p, fingerprint, *([store.sha256, store.images] if store else [])) for p in paths}
    on_disk = cache.listed()  # an index is served only while its pickle is there (the per-report phase loads it)
    outcomes: dict[Path, Outcome] = {}
    stats = RunStats(jobs=jobs)
    todo = []
    for p in paths:
        hit = store.get(keys[p]) if store and keys[p] in on_disk else None
        if hit is not None:
            if hit.report is not None:
                hit.report = _moved(hit.report, p)
        else:
            hit = cache.get(keys[p])
            if hit is not None and hit.report is not None:
                hit.report.source = p  # the pickle holds the path of the build it came from
                if shrink is not None:
                    hit.report = shrink(hit.report, keys[p])
            if hit is not None and store:
                store.put(keys[p], _kept(hit))
        if hit is not None:
            outcomes[p] = hit
            stats.cached.append(p.name)
        else:
            todo.append(p)
    progress = Progress(len(todo), stream=progress_stream)
    if not todo:
        runs = iter(())
    elif scheduler:
        stats.backend = f"dask {scheduler}"
        runs = _run_dask(todo, scheduler, progress)
    elif jobs > 1 and len(todo) > 1:
        stats.backend = f"{jobs} processes"
        runs = _run_pool(todo, jobs, progress)
    else:
        runs = _run_serial(todo, progress)
    for p, outcome in runs:
        if outcome.report is not None:
            outcome.report.source = p
            slugs.remember({slug_name(outcome.report.sidecar, outcome.report.meta.agency): outcome.report.slug},
                           asked=True)
        cache.put(keys[p], outcome)
        if shrink is not None and outcome.report is not None and cache.dir is not None and outcome.cacheable:
            outcome.report = shrink(outcome.report, keys[p])
        if store and outcome.cacheable:
            store.put(keys[p], _kept(outcome))
        outcomes[p] = outcome
        stats.extracted.append(p.name)
    stats.extracted.sort()
    cache.prune(set(keys.values()), on_disk)  # what this build added is in keys
    if store:
        store.save(set(keys.values()))
    return [outcomes[p] for p in paths], stats


SLUGS = "slugs.json"  # build/cache: parse/slug.py's memo, {"salt": memo_salt(), "slugs": {name: slug}}


def load_slugs(path: Path) -> None:
    """Give parse/slug.py the slugs kept by an earlier build under the same code and dictionaries (a missing,
    damaged or outdated file: none).  Loaded before extraction, so the forked children inherit them."""
    try:
        kept = json.loads(Path(path).read_bytes())
        if kept.get("salt") == slugs.memo_salt() and isinstance(kept.get("slugs"), dict):
            slugs.remember({str(k): str(v) for k, v in kept["slugs"].items()})
    except (OSError, ValueError, AttributeError):
        pass


def save_slugs(path: Path, names, in_use) -> bool:
    """Keep the memo's slugs for the next build: those of `names` (the agencies and provinces of this build's
    reports), of the names slugged in this build, and those whose slug is in `in_use` (a sidecar's `slug`
    field gives a report's slug, and the build keeps no sidecar).  True when the file changed."""
    wanted = set(names) | slugs.asked()
    in_use = set(in_use)
    kept = {name: slug for name, slug in slugs.known().items() if name in wanted or slug in in_use}
    data = json.dumps({"salt": slugs.memo_salt(), "slugs": kept}, ensure_ascii=False, sort_keys=True)
    return write_if_changed(Path(path), data.encode("utf-8"))


def _kept(outcome: Outcome) -> Outcome:
    """What the store keeps of a shrunk outcome: no log line (a cached file is not logged again)."""
    kept = copy.copy(outcome)
    if kept.report is not None and getattr(kept.report, "summary_line", ""):
        kept.report = copy.copy(kept.report)
        kept.report.summary_line = ""
    return kept


def _moved(index, path: Path):
    """A stored index given the path this build found its file at."""
    if index.name != path.name or str(index.source_dir) != os.path.dirname(path):
        index.source_dir, index.name = path.parent, path.name
    return index


__all__ = ["extract_many", "load_slugs", "save_slugs", "extractor_fingerprint", "schema_hash", "Progress", "Outcome", "RunStats"]
