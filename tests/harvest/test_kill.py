"""A harvest killed with SIGKILL in the middle of a download, then run again: no partial file, no duplicate."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from gongkai.harvest.fetch import ALLOW_LOOPBACK_ENV
from gongkai.harvest.store import PARTIAL, Store

from .server import Answer
from .test_run import PDF_2023, files

ROOT = Path(__file__).resolve().parents[2]


def run_harvest(list_file: Path, reports: Path) -> subprocess.Popen:
    env = dict(os.environ, **{ALLOW_LOOPBACK_ENV: "1"})
    return subprocess.Popen([sys.executable, "-m", "gongkai", "harvest", str(list_file), "--reports", str(reports),
                             "--interval", "0", "--timeout", "5"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def test_sigkill_mid_download_then_rerun(server, tmp_path):
    body = PDF_2023.read_bytes()
    big = body + b"\n%" + b"0" * (400 * 1024)  # comment bytes after %%EOF: still this PDF, long to send slowly
    server.routes["/big.pdf"] = [Answer(200, big, drip=0.01), Answer(200, big)]
    server.routes["/small.txt"] = Answer(200, "某某局2023年政府信息公开工作年度报告".encode())
    reports = tmp_path / "reports"
    listing = tmp_path / "list.csv"
    listing.write_text(f"url\n{server.url('/big.pdf')}\n{server.url('/small.txt')}\n", encoding="utf-8")

    proc = run_harvest(listing, reports)
    partial = reports / PARTIAL
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the download is under way: a part file with bytes in it
        parts = [p for p in partial.glob("*") if p.is_file() and p.stat().st_size > 20_000] if partial.exists() else []
        if parts or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert parts, "the download never started"
    assert not any(p.suffix == ".pdf" for p in reports.glob("*"))  # nothing half-written at a final name

    proc = run_harvest(listing, reports)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    kept = [f for f in files(reports) if not f.startswith("harvest/")]
    pdfs = [f for f in kept if f.endswith(".pdf")]
    assert len(pdfs) == 1 and len(kept) == 4  # the PDF, the text file and their sidecars: nothing twice
    assert (reports / pdfs[0]).read_bytes() == big
    assert not partial.exists() and not list(reports.rglob("*.tmp"))


def test_a_report_left_without_its_sidecar_is_rewritten_under_the_same_name(tmp_path):
    """Killed between the rename of the file and the write of its sidecar: the next run's name is the same."""
    store = Store(tmp_path)
    store.open()
    name = store.file_name("https://www.example.gov.cn/a/b/report.pdf", "pdf")
    (tmp_path / name).write_bytes(b"%PDF-1.4 half a harvest")
    store.close()
    again = Store(tmp_path)
    again.open()
    assert again.file_name("https://www.example.gov.cn/a/b/report.pdf", "pdf") == name
    assert again.by_url == {}  # no sidecar: not counted as harvested, so it is fetched and overwritten
    again.close()
