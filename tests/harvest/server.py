"""An HTTP server on 127.0.0.1 for the harvest tests: each path answers as a small script says.

Nothing in the harvest tests talks to anything but this server (and the harvest refuses loopback unless
the test switch allows it, so a mistake cannot reach further either).
"""
from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line (a server too slow to answer)
    drip: float = 0.0  # seconds between chunks of the body
    gzip: bool = False


class Server:
    """routes: path -> Answer, a list of Answers (one per request, the last repeats) or a function(request)."""

    def __init__(self):
        self.routes: dict[str, Answer | list | Callable] = {}
        self.log: list[tuple[str, dict]] = []  # (path, headers) of every request, in order
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer._serve(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.log if p == path)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        with self.lock:
            n = sum(1 for p, _ in self.log if p == path)
            self.log.append((path, {k.lower(): v for k, v in h.headers.items()}))
            self.times.setdefault(path, []).append(time.monotonic())
        route = self.routes.get(path)
        if route is None:
            answer = Answer(404, b"not found")
        elif isinstance(route, list):
            answer = route[min(n, len(route) - 1)]
        elif callable(route):
            answer = route(h)
        else:
            answer = route
        if answer.delay:
            time.sleep(answer.delay)
        body = gzip.compress(answer.body) if answer.gzip else answer.body
        try:
            h.send_response(answer.status)
            for k, v in answer.headers.items():
                h.send_header(k, v)
            if answer.gzip:
                h.send_header("Content-Encoding", "gzip")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            if not answer.drip:
                h.wfile.write(body)
                return
            for i in range(0, len(body), 1024):
                h.wfile.write(body[i:i + 1024])
                h.wfile.flush()
                time.sleep(answer.drip)
        except (BrokenPipeError, ConnectionResetError):
            pass
