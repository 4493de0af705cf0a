"""Pure parts of the harvest: URL and address checks, names, sniffing, encodings, links, the list."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gongkai.harvest.attachments import body_images, image_size, report_attachments
from gongkai.harvest.listing import parse_list
from gongkai.harvest.safety import address_problem, check_url, relative_part, safe_name
from gongkai.harvest.sniff import html_encoding, sniff
from gongkai.harvest.store import name_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url,fragment", [
    ("ftp://x.gov.cn/a.pdf", "only http and https"), ("file:///etc/passwd", "only http and https"),
    ("javascript:alert(1)", "only http and https"), ("http:///nohost", "names no host"),
    ("https://user:pw@x.gov.cn/", "user name or password"), ("http://x.gov.cn:99999/", "Port out of range"),
])
def test_check_url_refuses(url, fragment):
    assert fragment in (check_url(url) or "")


def test_check_url_accepts_ordinary_addresses():
    assert check_url("https://www.gov.cn/zhengce/2023/report.html") is None
    assert check_url("http://xxgk.example.gov.cn:8080/a?id=1") is None


@pytest.mark.parametrize("ip", ["10.0.0.1", "172.16.5.4", "192.168.0.1", "127.0.0.1", "169.254.169.254", "::1",
                                "fe80::1", "fc00::1", "::ffff:192.168.1.1", "0.0.0.0", "100.64.0.1", "224.0.0.1"])
def test_private_loopback_and_link_local_addresses_are_refused(ip):
    assert address_problem(ip) is not None


def test_public_addresses_pass_and_loopback_only_with_the_switch():
    assert address_problem("202.108.22.5") is None and address_problem("2400:da00::6666") is None
    assert address_problem("127.0.0.1", allow_loopback=True) is None
    assert address_problem("10.0.0.1", allow_loopback=True) is not None  # the switch is for loopback only


def test_safe_names():
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name(".htaccess") == "htaccess"
    assert safe_name("%2e%2e%2f%2e%2e%2fx") == "x"
    assert safe_name("报告 2023") == "2023"
    assert len(safe_name("a" * 500)) == 60
    for url in ("https://x.gov.cn/../../../etc/passwd", "https://x.gov.cn/%00%0a.pdf", "https://x.gov.cn/",
                "https://[::1]/a b", "https://例子.政务.cn/年度报告.html"):
        name = name_for(url)
        assert name and not name.startswith(".") and all(c.isalnum() or c in "._-" for c in name), name
    assert name_for("https://x.gov.cn/a.html") != name_for("https://x.gov.cn/a.html?id=2")


def test_relative_part():
    assert relative_part("x.parts/img-001.png")
    assert not relative_part("../x.png") and not relative_part("/etc/passwd") and not relative_part("a/../../b")
    assert not relative_part("C:\\x") and not relative_part("")


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_sniff_by_bytes_never_by_name():
    assert sniff((ROOT / "reports" / "001_huaian_hongzequ_2023.pdf").read_bytes()) == "pdf"
    assert sniff(b"\xef\xbb\xbf  %PDF-1.7\n") == "pdf"
    assert sniff(docx_bytes()) == "docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    assert sniff(buf.getvalue()) == "zip"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "doc"
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\0" * 30) == "png" and sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"GIF89a....") == "gif" and sniff(b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert sniff(b"<!DOCTYPE html><html></html>") == "html"
    assert sniff(b"\n<!-- x -->\n<HTML><BODY>x") == "html"
    assert sniff("一、总体情况\n本年度".encode("gbk")) == "text"
    assert sniff("一、总体情况\n本年度".encode("utf-8")) == "text"
    assert sniff(b"") == "empty" and sniff(b"\x00\x01\x02\x03binary\xff\xfe") == "binary"


def test_html_encoding_prefers_the_page_meta_to_a_lying_header():
    page = '<html><head><meta charset="gb2312"></head><body>政府信息公开</body></html>'.encode("gbk")
    assert html_encoding(page, "utf-8") == "gb18030"
    assert html_encoding('<meta http-equiv="Content-Type" content="text/html; charset=GBK">公开'.encode("gbk")) == "gb18030"
    assert html_encoding("<html>公开</html>".encode("utf-8"), None) == "utf-8"
    # A meta that lies (says UTF-8, bytes are GBK) does not win over bytes that do not decode with it.
    assert html_encoding('<meta charset="utf-8">公开信息'.encode("gbk")) == "gb18030"
    assert html_encoding(b"\xef\xbb\xbf<html></html>") == "utf-8-sig"


def test_report_attachments_by_text_title_or_name():
    page = ('<html><body><a href="/a/2023nb.pdf">2023年政府信息公开工作年度报告</a>'
            '<a href="files/%E5%B9%B4%E6%8A%A5.docx">附件1</a>'
            '<a href="/download?id=9" title="2022年度报告.doc">下载</a>'
            '<a href="/other.pdf">2023年预算公开</a><a href="/annual.html">年度报告（网页版）</a>'
            '<a href="mailto:x@gov.cn">年报.pdf</a><a href="/a/2023nb.pdf#page=2">年度报告.pdf</a></body></html>')
    links = report_attachments(page, "https://x.gov.cn/col/page.html")
    assert [l.url for l in links] == ["https://x.gov.cn/a/2023nb.pdf", "https://x.gov.cn/col/files/%E5%B9%B4%E6%8A%A5.docx",
                                      "https://x.gov.cn/download?id=9"]


def test_body_images_leave_out_page_furniture():
    page = ('<html><head><link rel=icon href=/i.png></head><body><header><img src="/logo.png"></header>'
            '<nav><img src="/menu.png"></nav><div class="article"><img src="t1.png"><img src="/t2.jpg" width="800">'
            '<img src="/dot.gif" width="1" height="1"><img data-src="/lazy.png"><img src="t1.png"></div>'
            '<footer><img src="/police.png"></footer></body></html>')
    assert body_images(page, "https://x.gov.cn/a/p.html") == [
        "https://x.gov.cn/a/t1.png", "https://x.gov.cn/t2.jpg", "https://x.gov.cn/lazy.png"]


def test_image_size_from_headers():
    from .test_run import png
    assert image_size(png(640, 480)) == (640, 480)
    assert image_size(b"GIF89a\x10\x00\x20\x00") == (16, 32)
    assert image_size(b"not an image") is None


def test_list_with_header_and_without():
    items, problems = parse_list("url\tagency\tyear\nhttps://a.gov.cn/1.html\t某局\t2023\n"
                                 "https://a.gov.cn/2.html\t\tabc\n# a comment\n\nftp://x/y\t\t\n")
    assert [(i.url, i.extra) for i in items] == [("https://a.gov.cn/1.html", {"agency": "某局", "year": 2023}),
                                                 ("https://a.gov.cn/2.html", {})]
    assert [(p.line, p.reason[:14]) for p in problems] == [(3, "year 'abc' is "), (6, "only http and ")]
    items, problems = parse_list("https://a.gov.cn/1.html\nhttps://a.gov.cn/2.html,extra\n")
    assert [i.url for i in items] == ["https://a.gov.cn/1.html", "https://a.gov.cn/2.html"] and not problems
