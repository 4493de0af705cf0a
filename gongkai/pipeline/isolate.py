"""Extract one file in a child process with a wall-clock timeout and a memory ceiling.

A hostile or broken file can make a parser loop for ever, allocate without bound or crash the
interpreter.  `extract_isolated` runs `extract.extract` in a forked child so that none of that
reaches the build: it returns the Report, or a model.Failure (its kind, its message, and whether it is
transient, i.e. about this run rather than the file).

For the parallel runner (`pipeline/runner.py`): call `extract_isolated(path)` once per file from
any worker thread or process; it blocks that worker until the child is done or killed.  It forks
with `os.fork` rather than `multiprocessing`, so it works inside daemonic pool workers too.  The
child inherits the parent's imported modules, so there is no per-file start-up cost.
Limits come from the arguments or the environment (GONGKAI_TIMEOUT seconds, GONGKAI_MEMORY_MB).
"""
from __future__ import annotations

import faulthandler
import gc
import os
import pickle
import select
import signal
import time
from pathlib import Path

from gongkai.model import (CRASH, INTERNAL, MALFORMED, MEMORY, NO_RESULT, TIMEOUT, UNREADABLE, Failure,
                           ReadError)

TIMEOUT_S = float(os.environ.get("GONGKAI_TIMEOUT", "120"))
MEMORY_MB = int(os.environ.get("GONGKAI_MEMORY_MB", "2048"))
_CHUNK = 1 << 16




def _mapped_bytes() -> int:
    """The child's current address-space size: the ceiling is set this much plus the budget."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(memory_mb: int) -> None:
    import resource

    ceiling = _mapped_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def _run_child(path: Path, memory_mb: int, today, write_fd: int, job) -> None:
    """In the child: extract, pickle ("ok", report) or ("fail", reason) down the pipe, exit."""

    try:
        _limit_memory(memory_mb)
        try:
            outcome = ("ok", job(path, today))
        except ReadError as exc:
            outcome = ("fail", Failure(UNREADABLE, exc.reason))
        except MemoryError:
            outcome = ("fail", Failure(MEMORY, f"reading the file needed more than {memory_mb} MB of memory and was "
                                               "stopped; the file may be a decompression bomb or far larger than a "
                                               "report", transient=True))
        except RecursionError:
            outcome = ("fail", Failure(MALFORMED, "the file is nested too deeply to read (recursion limit); it is "
                                                  "probably malformed"))
        except Exception as exc:  # a parser bug must cost one file, never the build
            outcome = ("fail", internal_error(exc))
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("fail", Failure(MEMORY, f"the result exceeded the {memory_mb} MB memory limit",
                                                 transient=True)))
        view = memoryview(data)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    finally:
        os._exit(0)


_warm: set[str] = set()  # what warm_up has loaded: "base", "pdf", "words"


def warm_up(pdf: bool = True, words: bool = True) -> None:
    """Load the heavy libraries and dictionaries once in the parent, so every forked child starts warm.

    Without this each child pays jieba's dictionary load, pdfplumber's import and OpenCC's setup
    again (about 0.8 s a file).  Idempotent, once per kind; `extract_isolated` calls it before its first fork.
    pdf=False: pdfplumber is not imported (no PDF is to be extracted here).  words=False: jieba's and pypinyin's
    dictionaries (~2 CPU-s), which only a slug needs, are not loaded: when one child is to be forked, it loads
    them itself if its agency's slug is not in parse/slug.py's memo, so an edit of a known agency's report loads
    neither (runner.extract_many).
    """
    wanted = {"base"} | ({"pdf"} if pdf else set()) | ({"words"} if words else set())
    if wanted <= _warm:
        return
    import logging

    if "base" not in _warm:
        from gongkai.readers.script import _converter

        # pdfminer logs one line per glyph for fonts without a bounding box (Chromium's PDFs); the result is fine.
        logging.getLogger("pdfminer").setLevel(logging.ERROR)
        _converter()
    if pdf and "pdf" not in _warm:
        import pdfplumber  # noqa: F401
    if words and "words" not in _warm:
        import jieba

        from gongkai.parse.slug import compute

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        compute("宁夏回族自治区司法厅")  # pypinyin's dictionary and jieba's HMM tables, loaded lazily
    _warm.update(wanted)


def _default_job(path: Path, today):
    from gongkai.extract import extract

    return extract(path, today=today)


def extract_isolated(path: Path, timeout: float | None = None, memory_mb: int | None = None, today=None,
                     job=None):
    """The Report for `path`, or the Failure when it failed, timed out, ran out of memory or crashed.

    `job(path, today)` replaces the extraction (tests use it to simulate a hang or a crash).
    """
    path = Path(path)
    timeout = TIMEOUT_S if timeout is None else timeout
    memory_mb = MEMORY_MB if memory_mb is None else memory_mb
    job = job or _default_job
    if not _warm:  # runner.warm_up may have warmed less (no pdfplumber, no dictionaries): that stays so
        warm_up()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        # The inherited heap (jieba's dictionary, pdfplumber, ~230,000 objects) is never garbage here; a full
        # collection in the child would walk all of it and copy every page it touches (copy-on-write).
        gc.freeze()
        os.close(read_fd)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        faulthandler.disable()  # a crash is reported by the parent, not as a traceback on the build's stderr
        _run_child(path, memory_mb, today, write_fd, job)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    if timed_out:
        return Failure(TIMEOUT, f"extraction took longer than {timeout:g} s and was stopped; the file may be "
                                "malformed or far larger than a report", transient=True)
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        return Failure(CRASH, f"the extractor crashed on this file ({sig}); it may be corrupt or exceed the "
                              f"{memory_mb} MB memory limit", transient=True)
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:
        return Failure(NO_RESULT, "the extractor stopped without a result; the file may be corrupt", transient=True)
    return value


def internal_error(exc: Exception) -> Failure:
    """A bug of ours: transient, so the file is tried again once the extractor is fixed."""
    return Failure(INTERNAL, f"internal error while extracting ({type(exc).__name__}: {exc}); please report it",
                   transient=True)


__all__ = ["extract_isolated", "internal_error", "TIMEOUT_S", "MEMORY_MB"]
