"""A polite, safe HTTP client for harvesting: one request at a time per host, robots.txt, retries.

Politeness: at most one request a second per host by default (robots.txt's Crawl-delay raises that),
a User-Agent that names the project, robots.txt obeyed (RFC 9309: a robots.txt that answers 4xx allows
everything; one that cannot be read (5xx, network error) disallows everything until it can).
Safety: only http(s); every address a host resolves to is checked at connect time for every hop
(safety.py), redirects are followed by hand so each hop is checked and loops are caught; a size limit
and a wall-clock deadline per file, so neither a huge file nor a server dripping bytes holds a worker.
Bodies stream to a temporary file beside their destination (never whole into memory).
"""
from __future__ import annotations

import email.utils
import hashlib
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from gongkai.harvest.safety import UnsafeAddress, check_url, resolve

USER_AGENT_TOKEN = "GongkaiHarvester"
USER_AGENT = (f"{USER_AGENT_TOKEN}/1.0 (Gongkai open-data project: collects government information-disclosure "
              "annual reports; obeys robots.txt, one request a second per site)")
REDIRECTS = (301, 302, 303, 307, 308)
HEAD_BYTES = 65536
# Tests only: the suite's HTTP server listens on 127.0.0.1, which a harvest otherwise refuses.
ALLOW_LOOPBACK_ENV = "GONGKAI_TEST_ALLOW_LOOPBACK"


class FetchError(Exception):
    """A request that did not give a file.  `reason` is for a person; `kind` is for check-sources:
    'gone' (404, 410, DNS failure), 'refused' (unsafe, robots, too big), 'failed' (anything else)."""

    def __init__(self, reason: str, kind: str = "failed", status: int | None = None, transient: bool = False):
        super().__init__(reason)
        self.reason, self.kind, self.status, self.transient = reason, kind, status, transient


@dataclass
class Response:
    url: str  # the URL asked for
    final_url: str
    status: int
    headers: dict[str, str]
    chain: list[str] = field(default_factory=list)  # every URL requested, the asked one first
    temp: Path | None = None  # the body, when there is one (status 200)
    sha256: str = ""
    size: int = 0
    head: bytes = b""  # the first HEAD_BYTES bytes, for sniffing

    def read(self) -> bytes:
        return self.temp.read_bytes() if self.temp else b""

    def discard(self) -> None:
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


@dataclass
class Settings:
    user_agent: str = USER_AGENT
    interval: float = 1.0  # seconds between two requests to one host
    timeout: float = 30.0  # connect / read / write timeout
    deadline: float = 300.0  # wall-clock limit for one file
    max_bytes: int = 100 * 1024 * 1024
    retries: int = 3  # attempts after the first, on timeouts, connection errors, 5xx and 429
    backoff: float = 1.0  # first wait; doubles each retry
    max_wait: float = 120.0  # a Retry-After longer than this is not waited for
    max_redirects: int = 10
    robots: bool = True
    allow_loopback: bool = False  # tests only: the suite's server listens on 127.0.0.1


class _CheckedBackend(httpcore.SyncBackend):
    """Connects only to addresses that pass safety.resolve, resolved here and connected to by number, so
    the address checked is the address used (no second DNS answer in between)."""

    def __init__(self, allow_loopback: bool):
        self.allow_loopback = allow_loopback

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        infos = resolve(host, port, self.allow_loopback)
        error: Exception | None = None
        for info in infos:
            try:
                return super().connect_tcp(info[4][0], port, timeout=timeout, local_address=local_address,
                                           socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")


def _client(settings: Settings) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0)
    # httpx does not take a network backend, so its pool is rebuilt with the checked one (same settings).
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), max_connections=100,
                                              max_keepalive_connections=20, keepalive_expiry=5.0,
                                              network_backend=_CheckedBackend(settings.allow_loopback))
    return httpx.Client(transport=transport, trust_env=False, follow_redirects=False,
                        timeout=httpx.Timeout(settings.timeout), headers={"User-Agent": settings.user_agent})


class HostClock:
    """At most one request start per `interval` seconds per host, across threads."""

    def __init__(self, interval: float, sleep=time.sleep, clock=time.monotonic):
        self.interval, self.sleep, self.clock = interval, sleep, clock
        self.next: dict[str, float] = {}
        self.own: dict[str, float] = {}  # hosts whose robots.txt asks for a longer delay
        self.lock = threading.Lock()

    def slow_down(self, host: str, seconds: float) -> None:
        with self.lock:
            self.own[host] = max(seconds, self.interval)

    def wait(self, host: str) -> None:
        with self.lock:
            now = self.clock()
            start = max(now, self.next.get(host, now))
            self.next[host] = start + self.own.get(host, self.interval)
        if start > now:
            self.sleep(start - now)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Fetcher:
    def __init__(self, settings: Settings | None = None, temp_dir: Path | None = None, sleep=time.sleep):
        self.settings = settings or Settings()
        self.temp_dir = temp_dir
        self.sleep = sleep
        self.clock = HostClock(self.settings.interval, sleep)
        self.client = _client(self.settings)
        self._robots: dict[str, robotparser.RobotFileParser | str] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- robots.txt ---------------------------------------------------------------------------
    def robots_problem(self, url: str) -> str | None:
        """None when robots.txt lets us fetch `url`, else the reason it does not."""
        if not self.settings.robots:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin, parts.hostname or "")
        rules = self._robots[origin]
        if isinstance(rules, FetchError):  # the host itself is refused or does not resolve: say that
            raise FetchError(rules.reason.replace(f"{origin}/robots.txt", url), rules.kind)
        if isinstance(rules, str):
            return rules
        if not rules.can_fetch(USER_AGENT_TOKEN, url):
            return f"{origin}/robots.txt disallows this path for crawlers; ask the site or leave it out"
        return None

    def _load_robots(self, origin: str, host: str) -> robotparser.RobotFileParser | str | FetchError:
        rp = robotparser.RobotFileParser()
        try:
            resp = self._request(origin + "/robots.txt", {}, max_bytes=512 * 1024, retries=1)
        except FetchError as exc:
            if exc.kind in ("refused", "gone") and exc.status is None:
                return exc  # unsafe address or DNS failure: about the host, not about its robots.txt
            if exc.status is not None and 400 <= exc.status < 500:
                rp.parse([])  # RFC 9309: robots.txt unavailable (4xx) -> everything allowed
                return rp
            return (f"{origin}/robots.txt could not be read ({exc.reason}); RFC 9309 says to crawl nothing "
                    "there until it can be read: try again later")
        try:
            text = resp.read().decode("utf-8", errors="replace")
        finally:
            resp.discard()
        rp.parse(text.splitlines())
        delay = rp.crawl_delay(USER_AGENT_TOKEN)
        if delay:
            self.clock.slow_down(host, min(float(delay), 60.0))
        return rp

    # -- one file -----------------------------------------------------------------------------
    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET with robots.txt, redirects and retries.  A 200 carries its body in a temp file; a 304 none.
        Raises FetchError with a reason a person can act on."""
        problem = check_url(url)
        if problem:
            raise FetchError(problem, "refused")
        problem = self.robots_problem(url)
        if problem:
            raise FetchError(problem, "refused")
        return self._request(url, headers or {}, self.settings.max_bytes, self.settings.retries)

    def _request(self, url: str, headers: dict, max_bytes: int, retries: int) -> Response:
        attempt = 0
        while True:
            try:
                return self._follow(url, headers, max_bytes)
            except FetchError as exc:
                if not exc.transient or attempt >= retries:
                    if exc.transient and attempt:
                        exc.reason += f" (gave up after {attempt + 1} attempts)"
                    raise
                wait = getattr(exc, "wait", None)
                if wait is None:
                    wait = self.settings.backoff * (2 ** attempt)
                if wait > self.settings.max_wait:
                    exc.reason += (f"; the server asked to wait {wait:.0f} s, more than the {self.settings.max_wait:.0f} s "
                                   "allowed: try again later")
                    raise
                attempt += 1
                self.sleep(wait)

    def _follow(self, url: str, headers: dict, max_bytes: int) -> Response:
        chain = [url]
        current = url
        while True:
            problem = check_url(current)
            if problem:
                raise FetchError(f"redirect to {current} refused: {problem}", "refused")
            resp = self._once(current, headers, max_bytes)
            if resp.status not in REDIRECTS:
                resp.url, resp.chain = url, chain
                return resp
            location = resp.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {resp.status} redirect without a Location header at {current}", status=resp.status)
            target = urljoin(current, location)
            if target in chain:
                raise FetchError("redirect loop: " + " -> ".join(chain + [target]), status=resp.status)
            if len(chain) > self.settings.max_redirects:
                raise FetchError(f"more than {self.settings.max_redirects} redirects from {url}", status=resp.status)
            chain.append(target)
            current = target

    def _once(self, url: str, headers: dict, max_bytes: int) -> Response:
        host = (urlsplit(url).hostname or "").lower()
        self.clock.wait(host)
        with self._lock:
            self.requests += 1
        deadline = time.monotonic() + self.settings.deadline
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                hdrs = {k.lower(): v for k, v in r.headers.items()}
                status = r.status_code
                if status in REDIRECTS or status == 304:
                    return Response(url, url, status, hdrs)
                if status == 429 or status >= 500:
                    exc = FetchError(f"HTTP {status} {r.reason_phrase} from {url}", status=status, transient=True)
                    exc.wait = retry_after(hdrs.get("retry-after"))
                    raise exc
                if status in (404, 410):
                    raise FetchError(f"HTTP {status} {r.reason_phrase}: {url} is gone; find where the site moved "
                                     "it, or use an archived copy (mirror)", "gone", status)
                if status != 200:
                    raise FetchError(f"HTTP {status} {r.reason_phrase} from {url}", status=status)
                declared = hdrs.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes and "content-encoding" not in hdrs:
                    raise FetchError(f"{url} is {int(declared):,} bytes, over the limit of {max_bytes:,} bytes "
                                     "(raise --max-mb to take it)", "refused", status)
                return self._body(r, url, hdrs, max_bytes, deadline)
        except UnsafeAddress as exc:
            raise FetchError(f"{url}: {exc}", "refused") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: no answer within {self.settings.timeout:g} s ({exc.__class__.__name__})",
                             transient=True) from None
        except httpx.TransportError as exc:
            raise FetchError(f"{url}: connection failed ({exc.__class__.__name__}: {exc})", transient=True) from None
        except OSError as exc:  # DNS failures from safety.resolve
            raise FetchError(f"{url}: {exc}", "gone") from None

    def _body(self, r: httpx.Response, url: str, hdrs: dict, max_bytes: int, deadline: float) -> Response:
        fd, name = tempfile.mkstemp(prefix="part-", suffix=".tmp", dir=self.temp_dir)
        temp = Path(name)
        h = hashlib.sha256()
        size = 0
        head = bytearray()
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in r.iter_bytes():  # decoded: a gzip bomb meets the size limit too
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"{url} is over the limit of {max_bytes:,} bytes (raise --max-mb to take it)",
                                         "refused", r.status_code)
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url}: the download took longer than {self.settings.deadline:g} s",
                                         transient=True)
                    h.update(chunk)
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES - len(head)]
                    fh.write(chunk)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return Response(url, url, r.status_code, hdrs, temp=temp, sha256=h.hexdigest(), size=size, head=bytes(head))
