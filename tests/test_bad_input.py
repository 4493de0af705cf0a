"""Files that are not usable reports get a clear error naming the file, and the others still publish."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, copy_project
from gongkai.pipeline.build import build
from gongkai.model import ReadError
from gongkai.extract import extract

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("junk.txt", bytes(range(256)) * 4, "binary"),
    ("cut.pdf", (ROOT / "reports" / "001_huaian_hongzequ_2023.pdf").read_bytes()[:2000], "PDF"),
    ("notes.docx", b"PK\x03\x04not really", "not a zip"),
    ("notes.doc", b"\xd0\xcf\x11\xe0 old Word", "unsupported"),
    ("budget.txt", "某某县财政局2023年部门预算公开说明\n一、部门职责".encode(), "agency"),
])
def test_bad_file_gets_a_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    if name.endswith(".doc"):
        from gongkai.readers import read
        with pytest.raises(ReadError) as info:
            read(path)
    else:
        with pytest.raises(ReadError) as info:
            extract(path)
    assert name in str(info.value)
    assert reason.lower() in info.value.reason.lower() or reason in info.value.reason


def test_build_lists_bad_files_and_publishes_the_rest(tmp_path):
    root = copy_project(tmp_path / "p", reports=[SEED, SEED.with_name(SEED.name + ".yml")])
    (root / "reports" / "empty.txt").write_bytes(b"")
    (root / "reports" / "scan.pdf").write_bytes(b"%PDF-1.4\n%broken")
    result = build(root, log=lambda *_: None)
    assert [r.source.name for r in result.reports] == [SEED.name]
    failed = {f["file"]: f["reason"] for f in result.failures}
    assert set(failed) == {"empty.txt", "scan.pdf"}
    report = (root / "datapackages" / "build_report.json").read_text(encoding="utf-8")
    assert "empty.txt" in report and "scan.pdf" in report
    assert "scan.pdf" in (root / "docs" / "quality.md").read_text(encoding="utf-8")


def test_duplicate_reports_keep_one_and_say_why(tmp_path):
    copy = tmp_path / "copy_of_seed.txt"
    shutil.copy2(SEED, copy)
    shutil.copy2(SEED.with_name(SEED.name + ".yml"), tmp_path / "copy_of_seed.txt.yml")
    root = copy_project(tmp_path / "p", reports=[SEED, SEED.with_name(SEED.name + ".yml"),
                                                 copy, tmp_path / "copy_of_seed.txt.yml"])
    result = build(root, log=lambda *_: None)
    assert [r.source.name for r in result.reports] == [SEED.name]
    (dup,) = result.failures
    assert dup["file"] == "copy_of_seed.txt" and "duplicate" in dup["reason"]


def test_untrusted_text_is_escaped(tmp_path):
    hostile = tmp_path / "x.txt"
    hostile.write_text(SEED.read_text(encoding="utf-8").replace(
        "一、总体情况\n", "一、总体情况\n\n<script>alert(1)</script> [点我](javascript:alert(1)) <img src=x onerror=alert(1)>\n", 1),
        encoding="utf-8")
    (tmp_path / "x.txt.yml").write_text("agency: <b>恶意</b>机关\nyear: 2021\nsource_url: javascript:alert(1)\n",
                                        encoding="utf-8")
    root = copy_project(tmp_path / "p", reports=[hostile, tmp_path / "x.txt.yml"])
    build(root, log=lambda *_: None)
    pages = list((root / "docs" / "reports").rglob("*.md"))
    text = pages[0].read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    assert "javascript:" not in text.split("## 报告正文")[0]  # not published as the source link
    assert "<b>" not in text


def test_cli_extract_writes_a_package(tmp_path):
    out = tmp_path / "pkg"
    proc = subprocess.run([sys.executable, "-m", "gongkai", "extract", str(SEED), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1 and "complete" in proc.stdout
    assert (out / "datapackage.json").is_file() and (out / "applications.csv").is_file()
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "gongkai", "extract", str(bad), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "empty.txt" in proc.stderr
