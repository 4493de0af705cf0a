"""`gongkai harvest`: a list of URLs on the loopback server -> files and sidecars in reports/."""
from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import yaml

from gongkai.harvest.listing import parse_list
from gongkai.harvest.run import Harvest
from gongkai.harvest.store import PARTIAL

from .server import Answer

ROOT = Path(__file__).resolve().parents[2]
PDF_2023 = ROOT / "reports" / "001_huaian_hongzequ_2023.pdf"


def harvest(reports: Path, settings, urls: list[str], header: str = "url", rows: list[str] | None = None) -> dict:
    items, problems = parse_list("\n".join([header] + (rows or urls)))
    return Harvest(reports, settings, workers=4).run(items, problems, source="test list")


def sidecar(reports: Path, name: str) -> dict:
    return yaml.safe_load((reports / (name + ".yml")).read_text(encoding="utf-8"))


def png(width: int, height: int) -> bytes:
    """A real (grey, blank) PNG of the given size."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def files(reports: Path) -> list[str]:
    return sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file())


def test_a_page_is_stored_with_a_complete_sidecar(server, settings, tmp_path):
    server.routes["/zwgk/2023/report.html"] = Answer(200, "<html><body>报告</body></html>".encode(),
                                                     {"Content-Type": "text/html; charset=utf-8", "ETag": '"e1"',
                                                      "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})
    url = server.url("/zwgk/2023/report.html")
    report = harvest(tmp_path, settings, [], header="url,agency,region,level,year",
                     rows=[f"{url},某某市某某局,江苏省某某市,city-dept,2023"])
    (out,) = report["urls"]
    assert out["outcome"] == "stored" and out["file"].endswith(".html")
    side = sidecar(tmp_path, out["file"])
    assert side["source_url"] == url and side["final_url"] == url
    assert side["http_status"] == 200 and side["content_type"] == "text/html; charset=utf-8"
    assert side["etag"] == '"e1"' and side["last_modified"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    data = (tmp_path / out["file"]).read_bytes()
    import hashlib
    assert side["sha256"] == hashlib.sha256(data).hexdigest() and side["size"] == len(data)
    assert "T" in side["retrieved"] and side["retrieved"].endswith("+00:00")
    assert (side["agency"], side["region"], side["level"], side["year"]) == ("某某市某某局", "江苏省某某市", "city-dept", 2023)
    assert not (tmp_path / PARTIAL).exists()
    saved = json.loads((tmp_path / "harvest" / "harvest.json").read_text(encoding="utf-8"))
    assert saved["counts"]["stored"] == 1 and saved["urls"][0]["url"] == url


def test_every_url_gets_an_outcome_and_a_reason(server, settings, tmp_path):
    server.routes["/ok.txt"] = Answer(200, "政府信息公开工作年度报告".encode())
    server.routes["/gone"] = Answer(410, b"")
    server.routes["/word.doc"] = Answer(200, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    rows = [server.url("/ok.txt"), server.url("/gone"), server.url("/word.doc"), "ftp://example.gov.cn/x",
            server.url("/ok.txt")]
    report = harvest(tmp_path, settings, rows)
    by = [(o["line"], o["outcome"]) for o in report["urls"]]
    assert by == [(2, "stored"), (3, "gone"), (4, "refused"), (5, "refused"), (6, "refused")]
    reasons = {o["line"]: o["reason"] for o in report["urls"]}
    assert "410" in reasons[3] and ".doc" in reasons[4] and "only http and https" in reasons[5]
    assert "listed twice" in reasons[6]


def test_a_pdf_served_as_text_html_is_stored_as_pdf(server, settings, tmp_path):
    server.routes["/view?id=7"] = Answer(200, PDF_2023.read_bytes(), {"Content-Type": "text/html"})
    (out,) = harvest(tmp_path, settings, [server.url("/view?id=7")])["urls"]
    assert out["outcome"] == "stored" and out["file"].endswith(".pdf")
    assert (tmp_path / out["file"]).read_bytes() == PDF_2023.read_bytes()


def test_a_gbk_page_with_a_meta_charset_finds_its_attachment(server, settings, tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>'
            '<p>洪泽区2023年政府信息公开工作年度报告</p><a href="/files/hz2023.pdf">附件：洪泽区2023年度报告</a>'
            '</body></html>').encode("gbk")
    server.routes["/gbk.html"] = Answer(200, page, {"Content-Type": "text/html; charset=utf-8"})  # the header lies
    server.routes["/files/hz2023.pdf"] = Answer(200, PDF_2023.read_bytes(), {"Content-Type": "application/pdf"})
    (out,) = harvest(tmp_path, settings, [server.url("/gbk.html")])["urls"]
    assert out["outcome"] == "stored" and out["attachments"] == 1
    assert (tmp_path / out["file"]).read_bytes() == page  # stored exactly as served
    (att,) = sidecar(tmp_path, out["file"])["attachments"]
    assert att["url"] == server.url("/files/hz2023.pdf") and att["file"].endswith(".parts/att-1.pdf")
    assert (tmp_path / att["file"]).read_bytes() == PDF_2023.read_bytes()
    assert att["content_type"] == "application/pdf" and att["size"] == PDF_2023.stat().st_size


def test_the_same_file_at_two_urls_is_stored_once(server, settings, tmp_path):
    body = "某某局2023年政府信息公开工作年度报告".encode()
    server.routes["/a/report.txt"] = Answer(200, body)
    server.routes["/mirror/report.txt"] = Answer(200, body)
    report = harvest(tmp_path, settings, [server.url("/a/report.txt"), server.url("/mirror/report.txt")])
    first, second = report["urls"]
    assert first["outcome"] == "stored" and second["outcome"] == "duplicate" and second["file"] == first["file"]
    assert [f for f in files(tmp_path) if not f.startswith("harvest/")] == [first["file"], first["file"] + ".yml"]
    assert sidecar(tmp_path, first["file"])["also_at"] == [server.url("/mirror/report.txt")]
    # A second run knows both URLs and stores nothing new.
    again = harvest(tmp_path, settings, [server.url("/a/report.txt"), server.url("/mirror/report.txt")])
    assert [o["outcome"] for o in again["urls"]] == ["unchanged", "unchanged"]
    assert [o["file"] for o in again["urls"]] == [first["file"], first["file"]]


def test_rerun_sends_a_conditional_request_and_leaves_files_alone(server, settings, tmp_path):
    def answer(h):
        if h.headers.get("If-None-Match") == '"v1"':
            return Answer(304, headers={"ETag": '"v1"'})
        return Answer(200, b"report body", {"ETag": '"v1"'})
    server.routes["/r.txt"] = answer
    (out,) = harvest(tmp_path, settings, [server.url("/r.txt")])["urls"]
    side = tmp_path / (out["file"] + ".yml")
    before = side.stat().st_mtime_ns
    (again,) = harvest(tmp_path, settings, [server.url("/r.txt")])["urls"]
    assert again["outcome"] == "unchanged" and "304" in again["reason"]
    assert server.log[-1][1]["if-none-match"] == '"v1"'
    assert side.stat().st_mtime_ns == before


def test_changed_bytes_replace_the_old_version(server, settings, tmp_path):
    server.routes["/r.txt"] = [Answer(200, b"version one"), Answer(200, b"version two")]
    (out,) = harvest(tmp_path, settings, [server.url("/r.txt")])["urls"]
    (again,) = harvest(tmp_path, settings, [server.url("/r.txt")])["urls"]
    assert again["outcome"] == "updated" and again["file"] == out["file"]
    assert (tmp_path / out["file"]).read_bytes() == b"version two"


def test_images_in_the_page_body_are_saved_beside_it(server, settings, tmp_path):
    page = ('<html><head><link rel="icon" href="/favicon.png"></head><body>'
            '<header><img src="/logo.png"></header>'
            '<h1>某某局2023年政府信息公开工作年度报告</h1><p>二、主动公开政府信息情况</p>'
            '<p><img src="/t2.png"></p><p>三、收到和处理政府信息公开申请情况</p><img src="tables/t3.png">'
            '<img src="/icon.gif" width="16"><img src="/spacer.png"><img src="/t2.png">'
            '</body></html>').encode()
    server.routes["/page.html"] = Answer(200, page, {"Content-Type": "text/html"})
    server.routes["/logo.png"] = Answer(200, png(300, 80))
    server.routes["/t2.png"] = Answer(200, png(400, 300))
    server.routes["/tables/t3.png"] = Answer(200, png(400, 500), {"Content-Type": "text/html"})
    server.routes["/spacer.png"] = Answer(200, png(1, 1))
    (out,) = harvest(tmp_path, settings, [server.url("/page.html")])["urls"]
    stem = out["file"][:-len(".html")]
    assert out["images"] == 2
    assert sidecar(tmp_path, out["file"])["images"] == [f"{stem}.parts/img-001.png", f"{stem}.parts/img-002.png"]
    assert (tmp_path / f"{stem}.parts" / "img-002.png").read_bytes() == png(400, 500)
    assert server.hits("/logo.png") == 0 and server.hits("/icon.gif") == 0 and server.hits("/t2.png") == 1


def test_names_from_urls_are_sanitised(server, settings, tmp_path):
    server.routes["/..%2F..%2Fetc/.passwd%20x;rm%20-rf.txt"] = Answer(200, b"text")
    (out,) = harvest(tmp_path, settings, [server.url("/..%2F..%2Fetc/.passwd%20x;rm%20-rf.txt")])["urls"]
    name = out["file"]
    assert out["outcome"] == "stored" and "/" not in name and not name.startswith(".")
    assert all(c.isalnum() or c in "._-" for c in name) and (tmp_path / name).is_file()


def test_a_report_taken_from_a_mirror_keeps_its_own_address_as_source(server, settings, tmp_path):
    server.routes["/archive/2021/x.gov.cn/report.txt"] = Answer(200, "某某局2020年政府信息公开工作年度报告".encode())
    original, mirror = "https://x.gov.cn/report.txt", server.url("/archive/2021/x.gov.cn/report.txt")
    (out,) = harvest(tmp_path, settings, [], header="url,mirror_url", rows=[f"{original},{mirror}"])["urls"]
    side = sidecar(tmp_path, out["file"])
    assert out["outcome"] == "stored" and side["source_url"] == original
    assert side["mirror_url"] == mirror and side["final_url"] == mirror


def test_a_page_that_no_longer_shows_images_loses_its_old_parts(server, settings, tmp_path):
    with_image = '<html><body><h1>某某局2023年度报告</h1><img src="/t.png"></body></html>'.encode()
    without = '<html><body><h1>某某局2023年度报告</h1><p>表格见正文</p></body></html>'.encode()
    server.routes["/p.html"] = [Answer(200, with_image), Answer(200, without)]
    server.routes["/t.png"] = Answer(200, png(300, 300))
    (out,) = harvest(tmp_path, settings, [server.url("/p.html")])["urls"]
    assert out["images"] == 1
    (again,) = harvest(tmp_path, settings, [server.url("/p.html")])["urls"]
    assert again["outcome"] == "updated" and "images" not in sidecar(tmp_path, again["file"])
    assert not any(p.name.endswith(".parts") for p in tmp_path.iterdir())


def test_a_mirror_that_starts_serving_other_bytes_becomes_a_report_of_its_own(server, settings, tmp_path):
    same = "某某局2023年政府信息公开工作年度报告".encode()
    server.routes["/a.txt"] = Answer(200, same)
    server.routes["/b.txt"] = [Answer(200, same), Answer(200, "某某局2024年政府信息公开工作年度报告".encode())]
    first, second = harvest(tmp_path, settings, [server.url("/a.txt"), server.url("/b.txt")])["urls"]
    assert second["outcome"] == "duplicate"
    (again,) = harvest(tmp_path, settings, [server.url("/b.txt")])["urls"]
    assert again["outcome"] == "stored" and again["file"] != first["file"]
    assert (tmp_path / first["file"]).read_bytes() == same  # the first URL's report is untouched
