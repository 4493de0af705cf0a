"""`gongkai check-sources`: online, changed, gone (404, 410, DNS failure, redirect to the home page)."""
from __future__ import annotations

import json
import socket

from gongkai.harvest.sources import check_sources, home_redirect

from .server import Answer
from .test_run import harvest


def test_each_source_is_online_changed_or_gone(server, settings, tmp_path, monkeypatch):
    paths = {"same": "/a/same.txt", "changed": "/a/changed.txt", "e404": "/a/404.txt", "e410": "/a/410.txt",
             "home": "/a/moved.txt", "cond": "/a/cond.txt", "flaky": "/a/flaky.txt"}
    for key, path in paths.items():
        server.routes[path] = Answer(200, f"某某局2023年政府信息公开工作年度报告 {key}".encode())
    server.routes[paths["cond"]] = lambda h: (Answer(304) if h.headers.get("If-None-Match") == '"c1"'
                                              else Answer(200, b"cond body", {"ETag": '"c1"'}))
    reports = tmp_path / "reports"
    report = harvest(reports, settings, [server.url(p) for p in paths.values()])
    files = {o["url"]: o["file"] for o in report["urls"]}
    assert all(o["outcome"] == "stored" for o in report["urls"])

    server.routes[paths["changed"]] = Answer(200, b"a new version of the page")
    server.routes[paths["e404"]] = Answer(404, b"")
    server.routes[paths["e410"]] = Answer(410, b"")
    server.routes[paths["home"]] = Answer(302, headers={"Location": "/index.html"})
    server.routes["/index.html"] = Answer(200, b"<html>home</html>")
    server.routes[paths["flaky"]] = Answer(503, b"")
    data = check_sources(reports, settings, today="2026-12-01")

    state = {key: data["sources"][files[server.url(p)]] for key, p in paths.items()}
    assert {k: v["state"] for k, v in state.items()} == {
        "same": "online", "changed": "changed", "e404": "gone", "e410": "gone", "home": "gone", "cond": "online",
        "flaky": "error"}
    assert "home page" in state["home"]["last_check"]["reason"] and state["e410"]["last_check"]["http_status"] == 410
    assert "304" in state["cond"]["last_check"]["reason"]
    assert all(v["last_check"]["checked"] == "2026-12-01" for v in state.values())
    saved = json.loads((reports / "harvest" / "sources.json").read_text(encoding="utf-8"))
    assert saved == data
    # The archived copy is never touched.
    assert (reports / files[server.url(paths["changed"])]).read_bytes() == "某某局2023年政府信息公开工作年度报告 changed".encode()

    # A later check: the flaky source answers again, the 404 stays gone since the first date it was seen gone.
    server.routes[paths["flaky"]] = Answer(200, "某某局2023年政府信息公开工作年度报告 flaky".encode())
    later = check_sources(reports, settings, today="2026-12-08")["sources"]
    assert later[files[server.url(paths["flaky"])]]["state"] == "online"
    gone = later[files[server.url(paths["e404"])]]
    assert gone["state"] == "gone" and gone["since"] == "2026-12-01" and len(gone["history"]) == 2


def test_a_host_that_no_longer_resolves_is_gone(server, settings, tmp_path, monkeypatch):
    server.routes["/r.txt"] = Answer(200, b"report")
    reports = tmp_path / "reports"
    (out,) = harvest(reports, settings, [server.url("/r.txt", host="localhost")])["urls"]
    real = socket.getaddrinfo

    def no_dns(host, *args, **kwargs):
        if host == "localhost":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    entry = check_sources(reports, settings, today="2026-12-01")["sources"][out["file"]]
    assert entry["state"] == "gone" and "DNS look-up of localhost failed" in entry["last_check"]["reason"]


def test_home_redirect():
    assert home_redirect("https://x.gov.cn/zwgk/2023/report.html", "https://x.gov.cn/")
    assert home_redirect("https://x.gov.cn/zwgk/2023/report.html", "https://x.gov.cn/index.shtml")
    assert not home_redirect("https://x.gov.cn/zwgk/a.html", "https://x.gov.cn/zwgk/b.html")
    assert not home_redirect("https://x.gov.cn/", "https://x.gov.cn/index.html")


def test_the_command_line_prints_each_source_that_is_not_online(server, settings, tmp_path, monkeypatch, capsys):
    from gongkai.cli import main
    from gongkai.harvest.fetch import ALLOW_LOOPBACK_ENV

    server.routes["/x.txt"] = Answer(200, b"report")
    reports = tmp_path / "reports"
    (out,) = harvest(reports, settings, [server.url("/x.txt")])["urls"]
    server.routes["/x.txt"] = Answer(410, b"")
    monkeypatch.setenv(ALLOW_LOOPBACK_ENV, "1")
    assert main(["check-sources", "--reports", str(reports), "--interval", "0", "--retries", "0"]) == 0
    printed = capsys.readouterr().out
    assert "1 gone" in printed and f"gone: {out['file']}" in printed and "410" in printed
