"""Harvested pages through the build: the attachment's tables are published when the page has none;
pictures of tables are listed for OCR."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import copy_project
from golden import GOLDEN_DIR, expected_cells, load
from gongkai import paths as P
from gongkai.pipeline.build import build
from gongkai.extract import extract

from .server import Answer
from .test_run import PDF_2023, harvest, png, sidecar

NOTICE = ('<html><head><meta charset="gbk"><title>淮安市洪泽区人民政府2023年政府信息公开工作年度报告</title></head><body>'
          '<h1>淮安市洪泽区人民政府2023年政府信息公开工作年度报告</h1><p>发布日期：2024-01-20</p>'
          '<p>根据《中华人民共和国政府信息公开条例》，现公布本年度报告，详见附件。</p>'
          '<p>附件：<a href="/uploads/2024/hz-2023.pdf">淮安市洪泽区人民政府2023年政府信息公开工作年度报告.pdf</a></p>'
          '</body></html>')


def test_a_page_linking_its_pdf_is_published_with_the_pdfs_numbers(server, settings, tmp_path):
    server.routes["/col/art/2024/1/20/art_1.html"] = Answer(200, NOTICE.encode("gbk"), {"Content-Type": "text/html"})
    server.routes["/uploads/2024/hz-2023.pdf"] = Answer(200, PDF_2023.read_bytes(), {"Content-Type": "application/octet-stream"})
    root = copy_project(tmp_path / "project", reports=[])
    (out,) = harvest(root / "reports", settings, [server.url("/col/art/2024/1/20/art_1.html")])["urls"]
    assert out["outcome"] == "stored" and out["attachments"] == 1

    result = build(root, log=lambda *_: None)
    assert result.failures == [] and len(result.reports) == 1
    report = result.reports[0]
    assert report.source.name == out["file"]  # the page stays the report; the PDF is read in its place
    assert any("tables read from the attachment" in w for w in report.warnings)
    golden = expected_cells(load(GOLDEN_DIR / "001_huaian_hongzequ_2023.pdf.yml"))  # read off the PDF by a person
    got = {(t, r["code"]): r["value"] for t in ("active_disclosure", "applications", "reviews_litigation")
           for r in report.records[t]}
    assert {k: got.get(k) for k in golden} == golden

    pkg = root / "datapackages" / P.report_dir_of(report.report_id)
    rows = list(csv.DictReader(io.StringIO((pkg / "applications.csv").read_text(encoding="utf-8"))))
    published = {("applications", r["code"]): r["value"] for r in rows}
    assert published[("applications", "new_received.total")] == "21"
    assert published[("applications", "unable_not_held.natural_person")] == "10"
    meta = next(csv.DictReader(io.StringIO((pkg / "metadata.csv").read_text(encoding="utf-8"))))
    assert meta["source_url"] == server.url("/col/art/2024/1/20/art_1.html") and meta["source_format"] == "pdf"


def test_a_page_with_tables_of_its_own_is_read_itself(server, settings, tmp_path):
    page = (Path(__file__).resolve().parents[2] / "reports" / "041_shanghai_shizhengfu_bgt_2019.html").read_bytes()
    page += '<p><a href="/a.pdf">上海市2019年度报告.pdf</a></p>'.encode()
    server.routes["/sh.html"] = Answer(200, page, {"Content-Type": "text/html"})
    server.routes["/a.pdf"] = Answer(200, PDF_2023.read_bytes())
    reports = tmp_path / "reports"
    (out,) = harvest(reports, settings, [server.url("/sh.html")])["urls"]
    assert out["attachments"] == 1
    report = extract(reports / out["file"])
    assert report.meta.year == 2019 and not any("attachment" in w for w in report.warnings)


def test_a_page_whose_tables_are_images_lists_them_for_ocr(server, settings, tmp_path):
    page = ('<html><body><h1>某某市某某局2023年政府信息公开工作年度报告</h1>'
            '<p>一、总体情况</p><p>本机关认真贯彻落实《条例》，主动公开政府信息。</p>'
            '<p>二、主动发布政府信息情况</p><p><img src="/img/t2.png"></p>'
            '<p>三、收到和处理政府信息公开申请情况</p><p><img src="/img/t3.jpg"></p>'
            '<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="/img/t4.png"></p>'
            '<p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>').encode()
    server.routes["/p.html"] = Answer(200, page, {"Content-Type": "text/html"})
    for name in ("t2.png", "t3.jpg", "t4.png"):
        server.routes[f"/img/{name}"] = Answer(200, png(600, 400))  # t3.jpg is a PNG: the bytes decide
    reports = tmp_path / "reports"
    (out,) = harvest(reports, settings, [server.url("/p.html")], header="url,agency,year",
                     rows=[f"{server.url('/p.html')},某某市某某局,2023"])["urls"]
    images = sidecar(reports, out["file"])["images"]
    assert [Path(i).name for i in images] == ["img-001.png", "img-002.png", "img-003.png"]
    assert all((reports / i).read_bytes() == png(600, 400) for i in images)
    report = extract(reports / out["file"])
    assert report.status == "tables as images"
