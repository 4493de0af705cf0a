"""Versioned releases: two releases with known changes between them, and the notes that must result.

The expected notes are worked out from the edits the test makes and the form's identities, not from a run:
the seed (宁夏回族自治区司法厅 2021) prints 一、本年新收 14 for 自然人 and 总计; the test makes both 15, so
一 + 二 = 三（七）总计 + 四 no longer holds for those two columns (14 handled, none carried), and the text's
“共受理信息公开申请14件” no longer matches the table (prose.received)."""
from __future__ import annotations

import csv
import hashlib
import json
import shutil

import pytest
import yaml

from conftest import ROOT, copy_project
from gongkai import paths as P
from gongkai.package import changes as C
from gongkai.package.datapackage import RELEASE_ENV, data_version
from gongkai.pipeline.build import build
from gongkai.pipeline.release import make_release
from gongkai.schema import registry as R

SEED = "000_8719cb9f3c2be4e4.txt"  # ningxiahuizuzizhiqu-sifating/2021
GONE = "004_wuhan_hanyangqu_zfb_2022.txt"  # in the first release only
NEW = "005_chongqing_jiulongpo_erlangjd_2022.txt"  # in the second release only
FIXED = "006_tianjin_hongqiaoqu_zwfwb_2022.txt"  # its sidecar's level is corrected between the releases
DAY = "1764547200"  # 2025-12-01 00:00 UTC


def _report_id(root, name: str) -> str:
    with (root / "datapackages" / "all" / "metadata.csv").open(encoding="utf-8") as fh:
        return next(row["report_id"] for row in csv.DictReader(fh) if row["source_file"] == name)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", DAY)
    mp.setenv(RELEASE_ENV, "")  # restored (unset) afterwards: make_release sets it for its own builds
    mp.setenv("JOBS", "1")
    try:
        files = [ROOT / "reports" / n for name in (SEED, GONE, FIXED) for n in (name, f"{name}.yml")]
        root = copy_project(tmp_path_factory.mktemp("release"), files)
        assert make_release(root, site=False) == 0
        first = {name: _report_id(root, name) for name in (SEED, GONE, FIXED)}

        seed = root / "reports" / SEED
        text = seed.read_text(encoding="utf-8")
        line = "一、本年新收政府信息公开申请数量\t\t14\t0\t0\t0\t0\t0\t14\t"
        assert text.count(line) == 1
        seed.write_text(text.replace(line, "一、本年新收政府信息公开申请数量\t\t15\t0\t0\t0\t0\t0\t15\t"), encoding="utf-8")
        for n in (GONE, f"{GONE}.yml"):
            (root / "reports" / n).unlink()
        for n in (NEW, f"{NEW}.yml"):
            shutil.copy2(ROOT / "reports" / n, root / "reports" / n)
        sidecar = root / "reports" / f"{FIXED}.yml"
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
        assert meta["level"] == "county-dept"
        sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("level: county-dept", "level: city-dept"),
                           encoding="utf-8")
        assert make_release(root, site=False) == 0
        first[NEW] = _report_id(root, NEW)
        yield root, first
    finally:
        mp.undo()


def test_versions_are_dates_and_the_second_of_a_day_is_numbered(two_releases):
    root, _ = two_releases
    assert [r["version"] for r in C.list_releases(root / "releases")] == ["2025.12.01", "2025.12.01.2"]
    assert C.next_version("2025-12-01", {"2025.12.01", "2025.12.01.2"}) == "2025.12.01.3"
    assert C.next_version("2026-01-31", set()) == "2026.01.31"


def test_the_notes_list_exactly_the_changes_made(two_releases):
    root, ids = two_releases
    notes = json.loads((root / "releases" / "2025.12.01.2" / "release.json").read_text())["notes"]
    assert notes["previous"] == "2025.12.01"
    seed = ids[SEED]
    assert notes["reports"] == {"count": 3, "added": [ids[NEW]], "removed": [ids[GONE]],
                                "replaced": [{"report_id": seed, "before": SEED, "after": SEED}]}
    cells = {(c["report_id"], c["table"], c["code"]): (c["before"], c["after"], c["why"]) for c in notes["cells"]}
    assert cells == {
        (seed, "applications", "new_received.natural_person"):
            ({"value": "14", "status": "reported"}, {"value": "15", "status": "reported"}, ["new_source"]),
        (seed, "applications", "new_received.total"):
            ({"value": "14", "status": "reported"}, {"value": "15", "status": "reported"}, ["new_source"]),
        (ids[FIXED], "metadata", "level"): ({"value": "county-dept"}, {"value": "city-dept"}, ["correction"]),
    }
    failing = {(e["report_id"], e["check_id"], e["before"], e["after"]) for e in notes["checks"]["newly_failing"]}
    assert failing == {(seed, "balance.natural_person", "pass", "fail"), (seed, "balance.total", "pass", "fail"),
                       (seed, "prose.received", "pass", "fail")}
    assert notes["checks"]["newly_passing"] == []
    first = json.loads((root / "releases" / "2025.12.01" / "release.json").read_text())["notes"]
    assert first["previous"] is None and first["cells"] == [] and len(first["reports"]["added"]) == 3


def test_the_changelog_page_and_downloads_show_the_notes(two_releases):
    root, ids = two_releases
    log = (root / "docs" / "downloads" / "all" / P.CHANGELOG).read_text(encoding="utf-8")
    assert log.index("## 2025.12.01.2") < log.index("## 2025.12.01 ")
    assert (f"- {ids[SEED]} applications new_received.total: 14 [reported] → 15 [reported] "
            "(新的源文件 a new source file)") in log
    assert f"- {ids[FIXED]} metadata level: county-dept → city-dept (来源说明（sidecar）更正 a correction in the sidecar)" in log
    assert f"- {ids[SEED]} balance.total: pass → fail" in log
    assert (root / "releases" / "2025.12.01.2" / P.CHANGELOG).read_text(encoding="utf-8").endswith(log)
    page = (root / "docs" / P.CHANGELOG_PAGE).read_text(encoding="utf-8")
    assert "## 版本 2025\\.12\\.01\\.2" in page and "new\\_received\\.natural\\_person" in page
    downloads = (root / "docs" / "downloads.md").read_text(encoding="utf-8")
    assert "版本 2025\\.12\\.01\\.2" in downloads and "](downloads/all/CHANGELOG.txt)" in downloads


def test_every_package_carries_the_version_and_the_manifest_holds(two_releases):
    root, ids = two_releases
    release = root / "releases" / "2025.12.01.2"
    for desc in [root / "datapackages" / "all" / "datapackage.json", release / "datapackage.json",
                 *(root / "datapackages" / P.report_dir_of(rid) / "datapackage.json" for rid in ids.values() if rid != ids[GONE])]:
        assert json.loads(desc.read_text())["version"] == "2025.12.01.2", desc
    listed = {}
    for line in (release / P.MANIFEST).read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.name for p in release.iterdir()} - {P.MANIFEST}
    assert set(listed) == files and "gongkai-all.sqlite" in files and "release.json" in files
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    # The first release's files are kept as they were (hard links are replaced by builds, never edited).
    old = json.loads((root / "releases" / "2025.12.01" / "datapackage.json").read_text())
    assert old["version"] == "2025.12.01"


def test_same_inputs_and_version_give_the_same_packages(two_releases, monkeypatch):
    root, _ = two_releases
    monkeypatch.setenv(RELEASE_ENV, "2025.12.01.2")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    result = build(root, log=lambda *_: None, jobs=1, force=True)
    assert not result.invalid
    assert [p for p in result.written if p.startswith(("datapackages/", "docs/downloads/"))] == []


def test_a_new_extractor_version_is_named_as_the_reason(tmp_path):
    """Same source and sidecar, another extractor version: the changed cell says so."""
    header = ",".join(c.name for c in R.columns_of("applications"))

    def release_dir(name: str, value: str):
        d = tmp_path / name
        d.mkdir()
        row = {c.name: "" for c in R.columns_of("applications")}
        row |= {"report_id": "a/2020", "code": "granted.total", "status": "reported", "value": value}
        (d / "applications.csv").write_text(header + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
        return d

    src = {"a/2020": {"source_file": "a.txt", "sha256": "1", "sidecar_sha256": "2"}}
    before = {"version": "2025.01.01", "extractor_version": "0.1.0", "reports": src}
    after = {"version": "2025.02.01", "date": "2025-02-01", "extractor_version": "0.2.0", "reports": src}
    notes = C.compare(release_dir("one", "3"), before, release_dir("two", "4"), after)
    assert [(c["code"], c["before"]["value"], c["after"]["value"], c["why"]) for c in notes["cells"]] == \
        [("granted.total", "3", "4", ["new_extractor"])]
    assert notes["reports"]["replaced"] == []
    assert C.why(src["a/2020"], src["a/2020"], "0.1.0", "0.1.0") == ["code_change"]


def test_bad_versions_are_refused(tmp_path):
    assert data_version({RELEASE_ENV: "2025.12.01"}) == "2025.12.01"
    with pytest.raises(ValueError, match="not a release version"):
        data_version({RELEASE_ENV: "../x"})
    assert make_release(tmp_path, version="v1", site=False) == 2
