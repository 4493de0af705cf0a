"""`gongkai check-sources`: is every report's source still online, changed, or gone?

Each report's source_url is requested again, politely (the harvest's client and pacing), with the
sidecar's ETag / Last-Modified as a conditional request, and compared by sha256 with the archived copy:
  online   the same bytes (or 304 Not Modified)
  changed  the server now sends different bytes (the archived copy keeps the old ones)
  gone     404 or 410, the host no longer resolves, or a redirect to the site's home page
  error    anything else (timeout, 5xx, refused by robots.txt): it says nothing about the source, so
           the source keeps its last verdict and the reason is shown beside it
The verdicts, with the date, go to reports/harvest/sources.json (pages.py shows them); the archived
copy in reports/ is never touched.
"""
from __future__ import annotations

import datetime as dt
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit


from gongkai.files import sha256_file
from gongkai.harvest.store import read_sidecars
from gongkai.pipeline.runner import Progress
from gongkai.harvest.fetch import FetchError, Fetcher, Settings
from gongkai.harvest.run import STATE_DIR, host_of, write_json
from gongkai.harvest.state import SOURCES_FILE, load_sources

HISTORY = 20  # checks kept per source
HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php", "/index.asp",
              "/index.aspx", "/default.aspx", "/default.htm", "/default.html", "/portal", "/home"}


def sources(reports: Path) -> list[tuple[str, dict]]:
    """(report file, sidecar) for every report whose sidecar gives an http(s) source_url."""
    return [(name, data) for name, data in read_sidecars(reports)
            if str(data.get("source_url", "")).startswith(("http://", "https://"))]


def home_redirect(asked: str, final: str) -> bool:
    """True when a deep link now lands on a site's front page: the usual way a removed page 'answers'."""
    a, f = urlsplit(asked), urlsplit(final)
    return f.path.lower() in HOME_PATHS and a.path.lower() not in HOME_PATHS and not f.query


def check_one(fetcher: Fetcher, reports: Path, file: str, side: dict, today: str) -> dict:
    url = side["source_url"]
    record = {"checked": today, "source_url": url}
    headers = {}
    if side.get("etag"):
        headers["If-None-Match"] = str(side["etag"])
    if side.get("last_modified"):
        headers["If-Modified-Since"] = str(side["last_modified"])
    try:
        resp = fetcher.get(url, headers)
    except FetchError as exc:
        record.update(state="gone" if exc.kind == "gone" else "error", reason=exc.reason)
        if exc.status:
            record["http_status"] = exc.status
        return record
    try:
        record["http_status"] = resp.status
        if resp.final_url != url:
            record["final_url"] = resp.final_url
        if home_redirect(url, resp.final_url):
            record.update(state="gone", reason=f"redirected to the site's home page {resp.final_url}")
        elif resp.status == 304:
            record.update(state="online", reason="not modified (HTTP 304)")
        else:
            archived = side.get("sha256") or sha256_file(reports / file)
            if resp.sha256 == archived:
                record.update(state="online", reason="the same bytes as the archived copy")
            else:
                record.update(state="changed", reason="the server now sends different bytes than the archived copy",
                              sha256=resp.sha256)
    finally:
        resp.discard()
    return record




def check_sources(reports: Path, settings: Settings | None = None, workers: int = 8, today: str | None = None,
                  progress_stream=None) -> dict:
    reports = Path(reports)
    today = today or dt.datetime.now(dt.timezone.utc).date().isoformat()
    todo = sources(reports)
    state_dir = reports / STATE_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    partial = state_dir / ".partial"
    shutil.rmtree(partial, ignore_errors=True)  # what a killed check left
    partial.mkdir()
    previous = load_sources(reports)
    progress = Progress(len(todo), "check-sources", stream=progress_stream)
    by_host: dict[str, list] = {}
    for file, side in todo:
        by_host.setdefault(host_of(side["source_url"]), []).append((file, side))
    results: dict[str, dict] = {}
    with Fetcher(settings or Settings(), temp_dir=partial) as fetcher:
        def work(group):
            for file, side in group:
                results[file] = check_one(fetcher, reports, file, side, today)
                progress.update()
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(work, sorted(by_host.values(), key=len, reverse=True)))
    shutil.rmtree(partial, ignore_errors=True)
    merged = {}
    for file in sorted(results):
        record = results[file]
        history = [record] + [h for h in previous.get(file, {}).get("history", []) if h.get("checked") != today]
        state = record["state"]
        last_verdict = next((h for h in history if h["state"] != "error"), None)
        merged[file] = {"source_url": record["source_url"], "state": last_verdict["state"] if last_verdict else "error",
                        "since": _since(history), "last_check": record, "history": history[:HISTORY]}
        if state == "error":
            merged[file]["note"] = f"the last check on {today} failed ({record['reason']}); the state is from an earlier check"
    data = {"checked": today, "sources": merged}
    write_json(state_dir / SOURCES_FILE, data)
    return data


def _since(history: list[dict]) -> str:
    """The first date of the run of checks that ended in the current verdict."""
    verdicts = [h for h in history if h["state"] != "error"]
    if not verdicts:
        return history[0]["checked"]
    since = verdicts[0]["checked"]
    for h in verdicts[1:]:
        if h["state"] != verdicts[0]["state"]:
            break
        since = h["checked"]
    return since


def main(reports: Path, settings: Settings, workers: int) -> int:
    data = check_sources(reports, settings, workers)
    counts: dict[str, int] = {}
    for entry in data["sources"].values():
        counts[entry["state"]] = counts.get(entry["state"], 0) + 1
    print(f"check-sources: {len(data['sources'])} source(s): "
          + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + f"; in {reports / STATE_DIR / SOURCES_FILE}")
    for file, entry in data["sources"].items():
        if entry["state"] != "online":
            print(f"  {entry['state']}: {file}: {entry['source_url']}: {entry['last_check'].get('reason', '')}")
    return 0
