"""gongkai/pipeline/select.py: which files publish.  Files in reports/ are found or refused with a reason, and
the last good version is kept: a report that fails now but published before keeps its package, marked stale."""
from __future__ import annotations

import json

from conftest import ROOT, copy_project
from gongkai import paths as P
from gongkai.pipeline.build import build
from gongkai.pipeline.select import discover

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"
RID = "ningxiahuizuzizhiqu-sifating/2021"


def _package(root) -> dict[str, bytes]:
    base = root / "datapackages" / P.report_dir_of(RID)
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def test_a_failed_report_keeps_its_last_good_package_marked_stale_until_it_extracts_again(tmp_path):
    root = copy_project(tmp_path / "p", reports=[SEED, SEED.with_name(SEED.name + ".yml")])
    quiet = {"log": lambda *_: None}
    build(root, **quiet)
    good = _package(root)
    assert good

    # The report is replaced by a broken download: the build says why and keeps the old package.
    (root / "reports" / SEED.name).write_bytes(b"")
    result = build(root, **quiet)
    assert result.reports == []
    assert _package(root) == good
    report = json.loads((root / "datapackages" / "build_report.json").read_text(encoding="utf-8"))
    assert report["stale"] == [{"file": SEED.name, "report_id": RID, "stale": True,
                                "reason": "the file is empty (0 bytes)"}]
    (failure,) = report["failures"]
    assert failure["reason"].startswith("the file is empty (0 bytes)") and "kept and marked stale" in failure["reason"]
    assert (root / "docs" / "downloads" / P.report_dir_of(RID) / "datapackage.json").is_file()
    assert "marked stale" in (root / "docs" / "quality.md").read_text(encoding="utf-8")

    # Still broken at the next full build: still kept (the stale entry carries it forward).
    assert build(root, force=True, **quiet).stale[0]["report_id"] == RID
    assert _package(root) == good

    # Fixed: published normally again, nothing stale.
    (root / "reports" / SEED.name).write_bytes(SEED.read_bytes())
    result = build(root, **quiet)
    assert [r.report_id for r in result.reports] == [RID] and result.stale == []
    assert _package(root) == good


def test_a_file_that_never_published_leaves_nothing_stale(tmp_path):
    root = copy_project(tmp_path / "p", reports=[SEED, SEED.with_name(SEED.name + ".yml")])
    (root / "reports" / "empty.txt").write_bytes(b"")
    build(root, log=lambda *_: None)
    result = build(root, log=lambda *_: None)
    assert result.stale == []



def test_discover_finds_reports_and_names_every_file_it_will_not_read(tmp_path):
    for name in ("b.pdf", "a.TXT", "a.TXT.yml", "orphan.txt.yml", ".hidden.txt", "notes.doc", "README.md"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    files, failures = discover(tmp_path)
    assert [p.name for p in files] == ["a.TXT", "b.pdf"]
    reasons = {f["file"]: f["reason"] for f in failures}
    assert set(reasons) == {"orphan.txt.yml", ".hidden.txt", "notes.doc"}
    assert reasons["orphan.txt.yml"] == "sidecar without a report: orphan.txt not found"
    assert "hidden file" in reasons[".hidden.txt"] and "unsupported file type '.doc'" in reasons["notes.doc"]


def test_pictures_a_sidecar_lists_belong_to_their_report_and_other_sidecars_are_not_parsed(tmp_path, monkeypatch):
    (tmp_path / "r.html").write_text("<p>表格见图</p>", encoding="utf-8")
    (tmp_path / "r.html.yml").write_text("source_url: https://e.gov.cn/r.html\nimages:\n  - r.html.img01.png\n",
                                         encoding="utf-8")
    (tmp_path / "r.html.img01.png").write_bytes(b"\x89PNG")
    (tmp_path / "q.txt").write_text("报告", encoding="utf-8")
    (tmp_path / "q.txt.yml").write_text("source_url: https://e.gov.cn/q.txt\n", encoding="utf-8")
    import yaml

    parsed = []
    real = yaml.safe_load
    monkeypatch.setattr(yaml, "safe_load", lambda text: parsed.append(text) or real(text))
    files, failures = discover(tmp_path)
    assert [p.name for p in files] == ["q.txt", "r.html"] and failures == []
    assert len(parsed) == 1 and "images" in parsed[0]  # the sidecar without `images` is not parsed


def test_no_sidecar_is_read_when_no_file_could_be_a_picture(tmp_path, monkeypatch):
    """Every report and sidecar of a type a reader takes: no sidecar is opened (a read per report on every
    build, issue 17); a file of another type brings the pictures' check back."""
    import gongkai.pipeline.select as S

    for name in ("a.txt", "b.html"):
        (tmp_path / name).write_text("报告", encoding="utf-8")
        (tmp_path / f"{name}.yml").write_text(f"source_url: https://e.gov.cn/{name}\n", encoding="utf-8")
    (tmp_path / ".gitkeep").write_text("")
    looked = []
    monkeypatch.setattr(S, "companion_images", lambda path: looked.append(path.name) or [])
    files, failures = discover(tmp_path)
    assert [p.name for p in files] == ["a.txt", "b.html"] and failures == [] and looked == []
    (tmp_path / "b.html.img01.png").write_bytes(b"\x89PNG")
    discover(tmp_path)
    assert sorted(looked) == ["a.txt", "b.html"]
