"""gongkai/pipeline/build.py: the full `make site` pipeline on the sample corpus: packages, validation,
pages (search: tests/test_site.py)."""
from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from conftest import ROOT, copy_project
from sidecars import agency_years_in_sidecars
from golden import expected_cells, load, GOLDEN_DIR
from gongkai import paths as P
from gongkai.schema import registry as R
from gongkai.index import ReportIndex
from gongkai.pipeline.build import build
from gongkai.package.validate import validate_package

SEED = "000_8719cb9f3c2be4e4.txt"


def _report_dirs(root: Path) -> list[Path]:
    return sorted(p.parent for p in (root / "datapackages").glob("*/*/*/datapackage.json"))


def _meta(root: Path) -> dict[str, dict]:
    with (root / "datapackages" / "all" / "metadata.csv").open(encoding="utf-8") as fh:
        return {r["source_file"]: r for r in csv.DictReader(fh)}


def test_site_builds_strict(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "site" / "index.html").exists()
    assert not result.invalid


def test_every_report_in_reports_is_published(built):
    root, result, _ = built
    sources = {p.name for p in (root / "reports").iterdir() if p.suffix in (".txt", ".pdf", ".html")}
    published = {r.source.name for r in result.reports}
    # A report kept in two forms (a government page and its crawl text) is published once; the other
    # file is listed as a duplicate of it, never silently dropped.
    duplicates = {f["file"] for f in result.failures if f["reason"].startswith("duplicate of ")}
    assert published | duplicates == sources and not published & duplicates
    assert [f for f in result.failures if f["file"] not in duplicates] == []
    assert len(published) == len(agency_years_in_sidecars(root / "reports"))


def test_every_package_validates(built):
    root, _, _ = built
    dirs = _report_dirs(root)
    assert len(dirs) == len(agency_years_in_sidecars(root / "reports"))
    for d in dirs + [root / "datapackages" / "all"]:
        assert validate_package(d) == [], d


def test_package_layout_and_provenance(built):
    root, _, _ = built
    meta = _meta(root)
    seed = meta[SEED]
    pkg = json.loads((root / "datapackages" / P.report_dir_of(seed["report_id"]) / "datapackage.json").read_text())
    names = [r["name"] for r in pkg["resources"]]
    for table in ("metadata", "active_disclosure", "applications", "reviews_litigation"):
        assert table in names and f"{table}_json" in names
    (source,) = pkg["sources"]
    assert source["path"] == f"reports/{SEED}"
    import hashlib
    assert source["sha256"] == hashlib.sha256((ROOT / "reports" / SEED).read_bytes()).hexdigest()
    # The seed's sidecar records no address of the report itself (only the agency's site, in `source`).
    assert "url" not in source and "retrieved" not in source
    for row in meta.values():  # every recorded address is published, and only those
        side = yaml.safe_load((ROOT / "reports" / f"{row['source_file']}.yml").read_text(encoding="utf-8"))
        assert (row["source_url"] or None, row["mirror_url"] or None, row["retrieved"] or None) == \
            (side.get("source_url"), side.get("mirror_url"), side.get("retrieved"))


def test_validation_rejects_a_bad_value(built, tmp_path):
    """The validation can fail: a negative count breaks the schema's minimum."""
    root, _, _ = built
    src = root / "datapackages" / P.report_dir_of(_meta(root)[SEED]["report_id"])
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in src.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    text = (bad / "applications.csv").read_text(encoding="utf-8")
    (bad / "applications.csv").write_text(text.replace(",14,件,reported,", ",-14,件,reported,", 1), encoding="utf-8")
    errors = validate_package(bad)
    assert errors and any("applications" in e for e in errors)


def test_blank_cell_stays_blank(built):
    """Shanghai 2019 leaves 予以公开/总计 empty although the row has values: null + blank, never 0."""
    root, _, _ = built
    rid = _meta(root)["041_shanghai_shizhengfu_bgt_2019.html"]["report_id"]
    with (root / "datapackages" / P.report_dir_of(rid) / "applications.csv").open(encoding="utf-8") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    assert rows["granted.total"]["value"] == "" and rows["granted.total"]["status"] == "blank"
    assert rows["granted.natural_person"]["value"] == "258"
    data = json.loads((root / "datapackages" / P.report_dir_of(rid) / "applications.json").read_text(encoding="utf-8"))
    cell = next(r for r in data if r["code"] == "granted.total")
    assert cell["value"] is None and cell["status"] == "blank"
    page = (root / "site" / "reports" / P.report_dir_of(rid) / "index.html").read_text(encoding="utf-8")
    assert 'class="gk-blank"' in page


def test_pre_2019_report_is_published_with_status(built):
    root, _, _ = built
    meta = _meta(root)["030_fujian_pingtan_syq_2017.txt"]
    assert meta["status"] == "no standard tables" and meta["edition"] == "pre-2019"
    page = (root / "site" / "reports" / P.report_dir_of(meta["report_id"]) / "index.html").read_text(encoding="utf-8")
    assert "无标准表格" in page
    assert "概述" in page  # its narrative is published as text


def test_run_together_crawler_text_is_never_reported_as_printed(built):
    """Crawler text has no cell separators: values are inferred (and marked), or withheld."""
    root, _, _ = built
    meta = _meta(root)["027_fujian_pingtan_syq_2025.txt"]
    assert meta["status"] == "cells run together"
    rows = []
    for table in R.TABLES:
        with (root / "datapackages" / P.report_dir_of(meta["report_id"]) / f"{table}.csv").open(encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    assert {r["status"] for r in rows} <= {"inferred", "ambiguous", "unreadable"}
    assert all(r["value"] == "" for r in rows if r["status"] != "inferred")
    assert any(r["status"] == "ambiguous" for r in rows) and any(r["status"] == "inferred" for r in rows)
    page = (root / "site" / "reports" / P.report_dir_of(meta["report_id"]) / "index.html").read_text(encoding="utf-8")
    assert 'class="gk-num gk-inferred"' in page and 'class="gk-ambiguous"' in page


def test_truncated_excerpt_is_incomplete_with_missing_cells(built):
    root, _, _ = built
    meta = _meta(root)["006_tianjin_hongqiaoqu_zwfwb_2022.txt"]
    assert meta["status"] == "tables incomplete"
    with (root / "datapackages" / P.report_dir_of(meta["report_id"]) / "applications.csv").open(encoding="utf-8") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    # Read from the excerpt: 一、本年新收 | 1 | 0 | 0 | 0 | 0 | 3 | 4 ; it stops inside （二）部分公开.
    assert rows["new_received.other_organisation"]["value"] == "3"
    assert rows["new_received.total"]["value"] == "4"
    assert rows["carried_forward.total"]["status"] == "missing"


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([] if "gk-form" in (dict(attrs).get("class") or "") else None)
        elif tag == "td" and self.tables and self.tables[-1] is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.tables[-1].append(self._cell.strip())
            self._cell = None


def test_seed_page_shows_every_number(built):
    root, _, _ = built
    rid = _meta(root)[SEED]["report_id"]
    page = (root / "site" / "reports" / P.report_dir_of(rid) / "index.html").read_text(encoding="utf-8")
    parser = _Cells()
    parser.feed(page)
    form_tables = [t for t in parser.tables if t is not None]
    assert len(form_tables) == 3
    want = expected_cells(load(GOLDEN_DIR / f"{SEED}.yml"))
    for i, table in enumerate(("active_disclosure", "applications", "reviews_litigation")):
        expected = [v for (t, _), v in want.items() if t == table]
        shown = [c for c in form_tables[i]]
        assert shown == [("" if v is None else format(v, "f")) for v in expected], table


def test_identity_failures_are_shown(built):
    """001 prints 行政复议 总计 0 beside 维持 10 and 纠正 1: published as printed, flagged."""
    root, _, _ = built
    rid = _meta(root)["001_huaian_hongzequ_2023.pdf"]["report_id"]
    with (root / "datapackages" / P.report_dir_of(rid) / "checks.csv").open(encoding="utf-8") as fh:
        checks = {r["check_id"]: r for r in csv.DictReader(fh)}
    assert checks["review_total.review"]["result"] == "fail"
    assert (checks["review_total.review"]["lhs"], checks["review_total.review"]["rhs"]) == ("0", "11")
    assert checks["balance.total"]["result"] == "pass"
    page = (root / "site" / "reports" / P.report_dir_of(rid) / "index.html").read_text(encoding="utf-8")
    assert "勾稽关系未通过" in page and "review_total.review" in page
    quality = (root / "site" / "quality" / "index.html").read_text(encoding="utf-8")
    assert "review_total.review" in quality


def test_builds_are_byte_identical(built, tmp_path):
    root, _, _ = built
    other = copy_project(tmp_path / "again")
    # `make site` slims each report once its own files are written; the fixture keeps every record.
    build(other, log=lambda *_: None, keep_records=False)
    first = {p.relative_to(root): p.read_bytes() for d in ("datapackages", "docs") for p in (root / d).rglob("*")
             if p.is_file()}
    second = {p.relative_to(other): p.read_bytes() for d in ("datapackages", "docs") for p in (other / d).rglob("*")
              if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_download_links_resolve(built):
    root, _, _ = built
    rid = _meta(root)[SEED]["report_id"]
    page_dir = root / "site" / "reports" / P.report_dir_of(rid)
    page = (page_dir / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.(?:csv|json|zip))"', page)
    assert len(links) >= 2 * len(R.RESOURCE_ORDER) + 2
    for href in links:
        assert (page_dir / href).resolve().is_file(), href


def test_cross_year_carry_over_is_checked(tmp_path):
    """The seed's 2021 结转下年度 is 0; a 2022 report that says it carried over 3 fails the check."""
    seed = ROOT / "reports" / SEED
    src = tmp_path / "src"
    src.mkdir()
    next_year = src / "next.txt"
    text = seed.read_text(encoding="utf-8").replace(
        "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3")
    assert text != seed.read_text(encoding="utf-8")
    next_year.write_text(text, encoding="utf-8")
    (src / "next.txt.yml").write_text("agency: 宁夏回族自治区司法厅\nyear: 2022\n", encoding="utf-8")
    root = copy_project(tmp_path / "p", reports=[seed, seed.with_name(SEED + ".yml"), next_year,
                                                 src / "next.txt.yml"])
    result = build(root, log=lambda *_: None)
    later = next(r for r in result.reports if r.meta.year == 2022)
    checks = {c.check_id: c for c in later.checks}
    assert checks["cross_year.natural_person"].result == "fail"
    assert checks["cross_year.commercial"].result == "pass"
    earlier = next(r for r in result.reports if r.meta.year == 2021)
    assert not any(c.check_id.startswith("cross_year") for c in earlier.checks)


def _trees(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for d in ("datapackages", "docs") for p in (root / d).rglob("*")
            if p.is_file()}


def test_slim_parent_keeps_collisions_and_cross_year_checks(tmp_path, monkeypatch):
    """`make site` keeps only each report's index in the main process from extraction on; the workers reload
    the full ones from the extraction cache and must still apply the slug that tells two agencies apart and
    the cross-year checks computed from the indexes: the files equal a build that kept every row."""
    import gongkai.pipeline.build as B

    seed = ROOT / "reports" / SEED
    src = tmp_path / "src"
    src.mkdir()
    text = seed.read_text(encoding="utf-8")
    later = text.replace("二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0",
                         "二、上年结转政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3")
    assert later != text
    # Three files, one slug: the 司法厅's 2021 and 2022 reports, and another agency's 2021 report.
    for name, body, side in (("a.txt", text, "agency: 宁夏回族自治区司法厅\nyear: 2021\n"),
                             ("b.txt", later, "agency: 宁夏回族自治区司法厅\nyear: 2022\n"),
                             ("c.txt", text, "agency: 宁夏回族自治区统计局\nyear: 2021\n")):
        (src / name).write_text(body, encoding="utf-8")
        (src / f"{name}.yml").write_text(side + "slug: one-slug\n", encoding="utf-8")
    files = sorted(src.iterdir())
    full_root = copy_project(tmp_path / "full", reports=files)
    slim_root = copy_project(tmp_path / "slim", reports=files)
    full = build(full_root, log=lambda *_: None)
    held = []
    real = B.publish_all
    monkeypatch.setattr(B, "publish_all", lambda reports, *args: held.extend(reports) or real(reports, *args))
    slim = build(slim_root, log=lambda *_: None, keep_records=False)
    assert not full.invalid and not slim.invalid
    # The main process held only each report's index (no rows, no text) while the files were written.
    assert len(held) == 3
    for rep in held:
        assert isinstance(rep, ReportIndex) and not hasattr(rep, "records") and rep.cross_year is not None
    # 司法厅 sorts before 统计局 (by code point), so it keeps the slug and the 统计局 is told apart by a hash.
    ids = {r.meta.agency: r.slug for r in slim.reports}
    assert ids["宁夏回族自治区司法厅"] == "one-slug" and ids["宁夏回族自治区统计局"].startswith("one-slug-")
    with (slim_root / "datapackages" / P.report_dir("one-slug", 2022) / "checks.csv").open(encoding="utf-8") as fh:
        checks = {r["check_id"]: r["result"] for r in csv.DictReader(fh)}
    assert checks["cross_year.natural_person"] == "fail" and checks["cross_year.commercial"] == "pass"
    # The index carries the failed cross-year checks for the pages over many reports (the quality page).
    later_index = next(r for r in slim.reports if r.meta.year == 2022)
    assert "cross_year.natural_person" in {c.check_id for c in later_index.failed_checks}
    assert "cross_year.commercial" not in {c.check_id for c in later_index.failed_checks}
    first, second = _trees(full_root), _trees(slim_root)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_a_rebuild_after_one_edit_gives_the_corpus_exports_of_a_whole_build(tmp_path, monkeypatch):
    """build.py's exports step after one report changed (issue 17): the zip copies the unchanged members,
    the database is updated in place, and the files hold what a whole build of the same reports writes."""
    from corpus_scenario import sqlite_content

    from gongkai import paths as P
    from gongkai.package import corpus, everything_zip

    names = [SEED, "004_wuhan_hanyangqu_zfb_2022.txt", "005_chongqing_jiulongpo_erlangjd_2022.txt"]
    reports = [ROOT / "reports" / n for name in names for n in (name, name + ".yml")]
    root = copy_project(tmp_path / "inc", reports=reports)
    first = build(root, log=lambda *_: None, keep_records=False)
    rid = next(r.report_id for r in first.reports if r.source.name == names[1])
    edited = root / "reports" / names[1]
    text = edited.read_text(encoding="utf-8")
    changed = text.replace("。", "。（本句为测试改动）", 1)
    assert changed != text
    edited.write_text(changed, encoding="utf-8")
    deflated, in_place = [], []
    real_member = everything_zip._deflated_member
    monkeypatch.setattr(everything_zip, "_deflated_member",
                        lambda out, name, *a: deflated.append(name) or real_member(out, name, *a))
    real_update = corpus.update_sqlite
    # One report of three is past the share at which a whole write is chosen; this test is of the update.
    monkeypatch.setattr(corpus, "IN_PLACE_SHARE", 1.0)
    monkeypatch.setattr(corpus, "update_sqlite", lambda *a: in_place.append(a) or real_update(*a))
    second = build(root, log=lambda *_: None, keep_records=False)
    monkeypatch.undo()
    # The two unchanged reports' files were kept (pipeline/reuse.py); only the edited one was published again.
    assert second.reused == len(first.reports) - 1
    assert deflated and all(f"/reports/{rid}/" in name for name in deflated if "/reports/" in name)
    assert len(in_place) == 1
    fresh = copy_project(tmp_path / "fresh", reports=reports)
    (fresh / "reports" / names[1]).write_text(changed, encoding="utf-8")
    build(fresh, log=lambda *_: None, keep_records=False)
    inc, whole = (r / P.DOCS_DIR / P.DOWNLOADS / P.COMBINED for r in (root, fresh))
    files = sorted(p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(inc).as_posix() for p in inc.rglob("*") if p.is_file())
    assert any(f.endswith(".parquet") for f in files)
    for rel in files:
        if rel != P.CORPUS_SQLITE:
            assert (inc / rel).read_bytes() == (whole / rel).read_bytes(), rel
    assert sqlite_content(inc / P.CORPUS_SQLITE) == sqlite_content(whole / P.CORPUS_SQLITE)
    # Every other file, the kept reports' included, is what the whole build wrote (but the downloads page,
    # which gives the database's size: updated in place, its bytes differ, not its content).
    for top in (P.PACKAGES_DIR, P.DOCS_DIR):
        mine = {p.relative_to(root).as_posix(): p for p in (root / top).rglob("*") if p.is_file()}
        theirs = {p.relative_to(fresh).as_posix(): p for p in (fresh / top).rglob("*") if p.is_file()}
        assert sorted(mine) == sorted(theirs)
        assert [rel for rel in mine if not rel.endswith((P.CORPUS_SQLITE, "docs/downloads.md"))
                and mine[rel].read_bytes() != theirs[rel].read_bytes()] == []
