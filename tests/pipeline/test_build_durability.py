"""Builds that never lose data: determinism, and SIGKILL at a random moment then rerun.

Both run `python -m gongkai site` (packages, pages and the MkDocs site) as a subprocess on a small
corpus with one report of each format, so the test stays fast yet crosses every writer.
"""
from __future__ import annotations

import gzip
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, copy_project

SMALL = ["000_8719cb9f3c2be4e4.txt", "001_huaian_hongzequ_2023.pdf", "041_shanghai_shizhengfu_bgt_2019.html"]
OUTPUTS = ("datapackages", "docs", "site")
# Declared timestamps: the only bytes allowed to differ between two clean builds of the same inputs.
# Both are the build date, which SOURCE_DATE_EPOCH pins: MkDocs' <lastmod> in sitemap.xml(.gz), and
# the downloads page's 构建日期 column.  No data file has one, and the search index leaves that page out.
TIMESTAMPED = {"site/sitemap.xml", "site/sitemap.xml.gz", "docs/downloads.md", "site/downloads/index.html"}
# The deploy manifest gives each of those files' sha256 and size in its parts (site/manifest/…): their lines are
# dated too, and so is the index's sha256 of those parts.
MANIFEST = "site/MANIFEST.tsv"
PARTS = "site/manifest/"
EPOCH_A, EPOCH_B = "1767225600", "1767312000"  # 2026-01-01 and 2026-01-02 UTC
DATE = re.compile(rb"2026\\?-01\\?-0[12]")  # as printed, or Markdown-escaped (2026\-01\-01)


def _inputs(tmp_path, name):
    files = [ROOT / "reports" / n for n in SMALL] + [ROOT / "reports" / (n + ".yml") for n in SMALL]
    return copy_project(tmp_path / name, reports=files)


def _env(epoch: str = EPOCH_A):
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0", JOBS="1", SOURCE_DATE_EPOCH=epoch)


def _run_site(root, epoch: str = EPOCH_A) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", "site", "--root", str(root)], cwd=ROOT,
                          env=_env(epoch), capture_output=True, text=True, timeout=600)


def undated(snap: dict[str, bytes]) -> dict[str, bytes]:
    """The snapshot with the build date blanked in the files that declare one (and only there)."""
    out = {}
    for rel, data in snap.items():
        if rel in TIMESTAMPED:
            data = gzip.decompress(data) if rel.endswith(".gz") else data
            data = DATE.sub(b"<date>", data)
        elif rel == MANIFEST:  # each part's sha256: the parts are compared themselves
            data = b"".join(b"<part>" + line[line.index(b"\t"):] for line in data.splitlines(keepends=True))
        elif rel.startswith(PARTS):
            dated = {f"\t{r[len('site/'):]}".encode() for r in TIMESTAMPED if r.startswith("site/")}
            data = b"".join(b"<date>" + line[line.rindex(b"\t"):] if any(line.rstrip(b"\n").endswith(d) for d in dated)
                            else line for line in data.splitlines(keepends=True))
        out[rel] = data
    return out


def snapshot(root, hidden: bool = False) -> dict[str, bytes]:
    """Every output file by path relative to root; temporary files (names starting with '.') only on request."""
    out = {}
    for base in OUTPUTS:
        for path in sorted((root / base).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and (hidden or not any(part.startswith(".") for part in rel.split("/"))):
                out[rel] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = _inputs(tmp_path_factory.mktemp("durable"), "clean")
    t0 = time.monotonic()
    proc = _run_site(root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root, time.monotonic() - t0, snapshot(root)


def test_two_clean_builds_are_identical_apart_from_declared_timestamps(clean, tmp_path):
    """The second build is dated a day later: exactly the declared files change, and only by the date."""
    root = _inputs(tmp_path, "again")
    assert _run_site(root, EPOCH_B).returncode == 0
    first, second = clean[2], snapshot(root)
    assert any(rel.startswith("site/") for rel in first) and any(rel.startswith("datapackages/") for rel in first)
    assert sorted(first) == sorted(second)
    differ = {rel for rel in first if first[rel] != second[rel]}
    assert {rel for rel in differ if not rel.startswith(PARTS)} <= TIMESTAMPED | {MANIFEST}
    assert "docs/downloads.md" in differ
    assert undated(first) == undated(second)
    assert snapshot(root, hidden=True) == second  # no temporary file left behind


# One kill moment by default (the suite's time budget: each costs a build and a rerun, about 15 s);
# GONGKAI_KILL_SEEDS=1,2,3,4,5 tries more.
KILL_SEEDS = [int(x) for x in os.environ.get("GONGKAI_KILL_SEEDS", "1").split(",") if x.strip()]


@pytest.mark.parametrize("seed", KILL_SEEDS)
def test_sigkill_at_a_random_moment_then_rerun_gives_the_clean_build(clean, tmp_path, seed):
    root = _inputs(tmp_path, f"killed{seed}")
    wanted = clean[2]
    delay = random.Random(seed).uniform(0.2, clean[1])
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "site", "--root", str(root)], cwd=ROOT, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the build, its extraction workers and MkDocs at once
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)
    # Whatever the kill left at a final path is whole: byte-identical to the clean build's file.
    for rel, data in snapshot(root).items():
        assert rel in wanted and data == wanted[rel], f"half-written or foreign file at {rel} (killed at {delay:.1f}s)"
    rerun = _run_site(root)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert snapshot(root, hidden=True) == wanted
