"""Harvest throughput and memory against a local server (127.0.0.1), politeness off.

    python scripts/bench_harvest.py [--urls 10000] [--work build/bench-harvest] [--per-host 8]

A server process on 127.0.0.1 serves N distinct text reports (a corpus report plus a line that makes each
unique, with an ETag).  `python -m gongkai harvest LIST --interval 0 --per-host P` runs twice as its own
process: a cold harvest into an empty reports folder, then a rerun (every URL answers 304 to the
conditional request).  Printed: wall seconds, files a second, and the harvest process's peak RSS
(getrusage of the reaped child).  Loopback is allowed through the harvest's test switch; nothing else is
contacted.  Not part of `make test`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = (ROOT / "reports" / "004_wuhan_hanyangqu_zfb_2022.txt").read_bytes()


def body(i: int) -> bytes:
    return BASE + f"\n（副本 {i}）\n".encode()


def serve(port_file: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args):
            pass

        def do_GET(self):
            if not self.path.startswith("/r/"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            i = int(self.path[3:].split(".", 1)[0])
            data = body(i)
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port_file.write_text(str(httpd.server_address[1]))
    httpd.serve_forever()


def run(listing: Path, reports: Path, per_host: int, workers: int) -> dict:
    env = dict(os.environ, GONGKAI_TEST_ALLOW_LOOPBACK="1")
    cmd = [sys.executable, "-m", "gongkai", "harvest", str(listing), "--reports", str(reports), "--interval", "0",
           "--per-host", str(per_host), "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"harvest failed ({proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "peak_rss_mb": round(after.ru_maxrss / 1024), "summary": proc.stdout.splitlines()[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--urls", type=int, default=10000)
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench-harvest")
    ap.add_argument("--per-host", type=int, default=8)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    port_file = args.work / "port"
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)])
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        port = int(port_file.read_text())
        listing = args.work / "list.csv"
        listing.write_text("url\n" + "".join(f"http://127.0.0.1:{port}/r/{i}.txt\n" for i in range(args.urls)),
                           encoding="utf-8")
        reports = args.work / "reports"
        results = {"urls": args.urls, "per_host": args.per_host, "workers": args.workers,
                   "cold": run(listing, reports, args.per_host, args.workers),
                   "rerun_304": run(listing, reports, args.per_host, args.workers)}
    finally:
        server.kill()
        server.wait()
    stored = sum(1 for p in reports.iterdir() if p.suffix == ".txt")
    results["files_stored"] = stored
    for key in ("cold", "rerun_304"):
        results[key]["files_per_s"] = round(args.urls / results[key]["wall_s"], 1)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    shutil.rmtree(reports, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
