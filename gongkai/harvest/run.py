"""`gongkai harvest LIST`: every URL of the list to a report file in reports/ with its sidecar.

Hosts are worked on in parallel, each host's URLs one after the other (HostClock spaces them), so a
list of many sites goes fast while no site sees more than one request a second.  Every URL ends with
an outcome and, unless it was stored, a reason a person can act on; the run's report is written to
reports/harvest/harvest.json, which the quality page reads.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.pipeline.runner import Progress
from gongkai.harvest.attachments import body_images, image_size, report_attachments
from gongkai.harvest.fetch import FetchError, Fetcher, Response, Settings
from gongkai.harvest.listing import Item, ListProblem, read_list
from gongkai.harvest.sniff import EXTENSIONS, IMAGES, REPORT_KINDS, decode_html, header_charset, sniff
from gongkai.files import atomic_write
from gongkai.harvest.store import Store

from gongkai.harvest.state import REPORT_FILE, STATE_DIR
MAX_ATTACHMENTS = 5
MIN_IMAGE_PX = 50  # smaller pictures are icons and spacers, never a table

# Outcomes, in the order the report counts them.
OUTCOMES = ("stored", "updated", "unchanged", "duplicate", "gone", "refused", "failed")
NOT_A_REPORT = {
    "doc": "a Word 97-2003 .doc file, which the build cannot read; convert it to DOCX or PDF and add it by hand",
    "zip": "a zip archive that is not a Word document; unpack it and harvest the report inside",
    "empty": "the server sent an empty body",
    "binary": "not a PDF, Word, HTML or text file (unrecognised bytes)",
}


@dataclass
class Outcome:
    url: str
    line: int
    outcome: str
    reason: str = ""
    file: str = ""
    http_status: int | None = None
    final_url: str = ""
    attachments: int = 0
    images: int = 0
    notes: list[str] = field(default_factory=list)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def plan(items: list[Item], per_host: int) -> list[list[Item]]:
    """Work units: each host's items in `per_host` interleaved stripes, the longest first so the slowest
    host starts at once instead of holding up the end of the run."""
    by_host: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_host[host_of(item.url)].append(item)
    stripes = []
    for host_items in by_host.values():
        k = max(1, min(per_host, len(host_items)))
        stripes += [host_items[i::k] for i in range(k)]
    return sorted(stripes, key=lambda s: (-len(s), s[0].line))


def sniff_body(resp: Response) -> str:
    # A zip's directory sits at its end, so DOCX needs the whole file; everything else the head.
    return sniff(resp.read() if resp.head.startswith(b"PK\x03\x04") else resp.head)


class Harvest:
    def __init__(self, reports: Path, settings: Settings | None = None, workers: int = 8, per_host: int = 1,
                 progress_stream=None):
        self.store = Store(reports)
        self.settings = settings or Settings()
        self.workers, self.per_host = workers, per_host
        self.progress_stream = progress_stream
        self.lock = threading.Lock()  # the store's indexes are shared by the workers

    def run(self, items: list[Item], problems: list[ListProblem] = (), source: str = "") -> dict:
        started = now_iso()
        self.store.open()
        outcomes = [Outcome(p.url, p.line, "refused", p.reason) for p in problems]
        progress = Progress(len(items), "harvest", stream=self.progress_stream)
        fetcher = Fetcher(self.settings, temp_dir=self.store.partial)
        self.fetcher = fetcher
        try:
            def work(stripe):
                done = []
                for item in stripe:
                    done.append(self.one(item))
                    with self.lock:
                        progress.update()
                return done

            with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
                for done in pool.map(work, plan(items, self.per_host)):
                    outcomes += done
        finally:
            fetcher.close()
            self.store.close()
        outcomes.sort(key=lambda o: (o.line, o.url))
        counts = {k: sum(o.outcome == k for o in outcomes) for k in OUTCOMES}
        report = {"list": source, "started": started, "finished": now_iso(), "requests": fetcher.requests,
                  "counts": counts, "urls": [asdict(o) for o in outcomes]}
        state = self.store.dir / STATE_DIR
        state.mkdir(exist_ok=True)
        write_json(state / REPORT_FILE, report)
        return report

    # -- one URL ---------------------------------------------------------------------------------
    def one(self, item: Item) -> Outcome:
        out = Outcome(item.url, item.line, "failed")
        with self.lock:
            existing = self.store.by_url.get(item.url)
        if existing and not (self.store.dir / existing.file).is_file():
            existing = None
        headers = {}
        if existing and existing.sidecar.get("source_url") == item.url:
            if existing.sidecar.get("etag"):
                headers["If-None-Match"] = str(existing.sidecar["etag"])
            if existing.sidecar.get("last_modified"):
                headers["If-Modified-Since"] = str(existing.sidecar["last_modified"])
        try:
            resp = self.fetcher.get(item.extra.get("mirror_url") or item.url, headers)
        except FetchError as exc:
            out.outcome = exc.kind if exc.kind in ("gone", "refused") else "failed"
            out.reason, out.http_status = exc.reason, exc.status
            return out
        except Exception as exc:  # one URL's surprise must not end the others' harvest
            out.reason = f"unexpected error: {exc.__class__.__name__}: {exc}"
            return out
        try:
            return self._store(item, resp, existing, out)
        except Exception as exc:
            out.outcome, out.reason = "failed", f"unexpected error while storing: {exc.__class__.__name__}: {exc}"
            return out
        finally:
            resp.discard()

    def _store(self, item: Item, resp: Response, existing, out: Outcome) -> Outcome:
        out.http_status, out.final_url = resp.status, resp.final_url
        if resp.status == 304 and existing is None:
            out.reason = "the server answered 304 Not Modified to a request that was not conditional"
            return out
        if resp.status == 304:
            out.outcome, out.file = "unchanged", existing.file
            out.reason = "not modified since the last harvest (HTTP 304 to a conditional request)"
            return out
        kind = sniff_body(resp)
        if kind not in REPORT_KINDS:
            out.outcome = "refused"
            out.reason = NOT_A_REPORT.get(kind, f"an image ({kind}), not a report page or document")
            return out
        with self.lock:
            if existing and existing.sidecar.get("sha256") == resp.sha256:
                out.outcome, out.file = "unchanged", existing.file
                out.reason = "the same bytes as the last harvest"
                return out
            dup = self.store.by_sha.get(resp.sha256)
            if dup and (not existing or dup != existing.file):
                owner = dup.split("/", 1)[0]
                if "/" in dup:
                    owner = next((e.file for e in self.store.by_url.values()
                                  if self.store.parts_dir(e.file) == owner), dup)
                if (self.store.dir / owner).is_file() and not owner.endswith(tuple(EXTENSIONS[k] for k in IMAGES)):
                    self.store.add_alias(owner, item.url)
                out.outcome, out.file = "duplicate", owner
                out.reason = (f"the same bytes as {dup} (stored once; this URL is recorded in its sidecar's also_at)"
                              if dup == owner else f"the same bytes as the attachment {dup} of {owner} (stored once)")
                return out
        # A URL known only as another file's also_at that now serves other bytes is a report of its own:
        # the file it used to duplicate is not this URL's to replace.
        if existing and existing.sidecar.get("source_url") != item.url:
            existing = None
        name = self.store.file_name(item.url, kind)
        sidecar = {"source_url": item.url, "final_url": resp.final_url, "retrieved": now_iso(),
                   "http_status": resp.status, "content_type": resp.headers.get("content-type", ""),
                   "etag": resp.headers.get("etag", ""), "last_modified": resp.headers.get("last-modified", ""),
                   "sha256": resp.sha256, "size": resp.size, **item.extra}
        parts = None
        if kind == "html":
            parts, notes = self._parts(name, resp, sidecar)
            out.notes += notes
            out.attachments, out.images = len(sidecar.get("attachments", [])), len(sidecar.get("images", []))
        with self.lock:
            self._swap_parts(name, parts)
            self.store.place(resp.temp, name)
            resp.temp = None
            if existing:
                self.store.forget(existing)
            if existing and existing.file != name:
                self.store.remove_report(existing.file)
            if existing and existing.sidecar.get("also_at"):
                sidecar["also_at"] = existing.sidecar["also_at"]
            self.store.write_sidecar(name, sidecar)
        out.outcome = "updated" if existing else "stored"
        out.file = name
        if existing:
            out.reason = "the bytes changed since the last harvest; the new version replaces the old"
        return out

    # -- attachments and images of an HTML page ----------------------------------------------------
    def _parts(self, name: str, resp: Response, sidecar: dict) -> tuple[Path | None, list[str]]:
        html = decode_html(resp.read(), header_charset(resp.headers.get("content-type")))
        stage = Path(tempfile.mkdtemp(prefix="stage-", dir=self.store.partial))
        rel = self.store.parts_dir(name)
        notes, attachments, images = [], [], []
        for link in report_attachments(html, resp.final_url)[:MAX_ATTACHMENTS]:
            got = self._part(link.url, ("pdf", "docx", "doc"), notes, "attachment")
            if got is None:
                continue
            part, kind = got
            file = f"att-{len(attachments) + 1}{EXTENSIONS[kind]}"
            os.replace(part.temp, stage / file)
            part.temp = None
            attachments.append({"file": f"{rel}/{file}", "url": link.url, "sha256": part.sha256, "size": part.size,
                                "content_type": part.headers.get("content-type", "")})
        for url in body_images(html, resp.final_url):
            if url.startswith("data:"):
                data = _data_url(url)
                if data is None or sniff(data) not in IMAGES:
                    notes.append("an inline data: image could not be decoded; skipped")
                    continue
                kind = sniff(data)
            else:
                got = self._part(url, IMAGES, notes, "image")
                if got is None:
                    continue
                part, kind = got
                data = part.read()
                part.discard()
            size = image_size(data)
            if size and min(size) < MIN_IMAGE_PX:
                continue
            file = f"img-{len(images) + 1:03d}{EXTENSIONS[kind]}"
            (stage / file).write_bytes(data)
            images.append(f"{rel}/{file}")
        if attachments:
            sidecar["attachments"] = attachments
        if images:
            sidecar["images"] = images
        if not (attachments or images):
            shutil.rmtree(stage, ignore_errors=True)
            return None, notes
        return stage, notes

    def _part(self, url: str, kinds, notes: list[str], what: str):
        try:
            part = self.fetcher.get(url)
        except FetchError as exc:
            notes.append(f"{what} {url}: {exc.reason}")
            return None
        kind = sniff_body(part) if part.temp else "empty"
        if kind not in kinds:
            part.discard()
            notes.append(f"{what} {url} is not a {'/'.join(kinds)} file (its bytes are {kind}); skipped")
            return None
        return part, kind

    def _swap_parts(self, name: str, stage: Path | None) -> None:
        """The page's new parts folder replaces the old one (or the old one goes, when it has none now)."""
        target = self.store.dir / self.store.parts_dir(name)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix="old-", dir=self.store.partial))
            os.replace(target, old / "parts")
        if stage is not None:
            os.replace(stage, target)


def _data_url(url: str) -> bytes | None:
    head, _, payload = url.partition(",")
    if ";base64" not in head.lower():
        return None
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        return None


def write_json(path: Path, data) -> None:
    temp_dir = path.parent
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), temp_dir)


def main(list_path: Path, reports: Path, settings: Settings, workers: int, per_host: int) -> int:
    try:
        items, problems = read_list(list_path)
    except OSError as exc:
        print(f"error: cannot read the list {list_path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if not items and not problems:
        print(f"error: {list_path} lists no URL", file=sys.stderr)
        return 2
    report = Harvest(reports, settings, workers, per_host).run(items, problems, source=str(list_path))
    counts = ", ".join(f"{n} {k}" for k, n in report["counts"].items() if n)
    print(f"harvest: {len(report['urls'])} URL(s): {counts}; {report['requests']} request(s); "
          f"report in {reports / STATE_DIR / REPORT_FILE}")
    for o in report["urls"]:
        if o["outcome"] in ("gone", "refused", "failed"):
            print(f"  {o['outcome']}: line {o['line']}: {o['url']}: {o['reason']}")
    return 1 if any(o["outcome"] in ("gone", "failed") for o in report["urls"]) else 0
