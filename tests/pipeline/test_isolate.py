"""Per-file isolation: a hang, a crash or a memory blow-up costs one file, with a reason, never the build."""
from __future__ import annotations

import os
import signal
import time

from conftest import ROOT
from gongkai.model import Failure, Report
from gongkai.pipeline.isolate import extract_isolated

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


def test_a_good_file_comes_back_as_the_same_report_as_in_process():
    from gongkai.extract import extract

    got = extract_isolated(SEED, timeout=120)
    assert isinstance(got, Report)
    assert got.records == extract(SEED).records


def test_a_read_error_comes_back_as_a_failure_with_its_reason(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    got = extract_isolated(empty, timeout=60)
    assert got == Failure("unreadable", "the file is empty (0 bytes)")


def _hang(path, today):
    while True:
        time.sleep(1)


def test_a_hanging_extraction_is_stopped_at_the_timeout():
    t0 = time.monotonic()
    got = extract_isolated(SEED, timeout=1.5, job=_hang)
    assert time.monotonic() - t0 < 20
    assert got.kind == "timeout" and got.transient and "longer than 1.5 s" in got.message


def _allocate(path, today):
    hog = []
    while True:
        hog.append(bytearray(50 * 1024 * 1024))


def test_a_memory_blow_up_is_stopped_at_the_limit():
    got = extract_isolated(SEED, timeout=60, memory_mb=200, job=_allocate)
    assert got.kind == "memory" and got.transient and "200 MB of memory" in got.message


def _segfault(path, today):
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_crashing_extractor_is_reported_not_propagated():
    got = extract_isolated(SEED, timeout=60, job=_segfault)
    assert got.kind == "crash" and "crashed" in got.message and "SIGSEGV" in got.message


def _bug(path, today):
    raise KeyError("boom")


def test_a_parser_bug_is_an_internal_error_for_that_file():
    got = extract_isolated(SEED, timeout=60, job=_bug)
    assert got.kind == "internal error" and got.transient and "KeyError" in got.message


def _frozen_objects(path, today):
    import gc

    return gc.get_freeze_count()


def test_the_child_leaves_the_inherited_heap_out_of_garbage_collection():
    # Without gc.freeze() a full collection in the child walks (and copies) the whole inherited heap.
    assert extract_isolated(SEED, timeout=60, job=_frozen_objects) > 10_000
