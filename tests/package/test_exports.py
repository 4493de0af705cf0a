"""Downloads in every format: each opens with the right rows, Excel copies are formula-safe, bytes are stable."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from gongkai import paths as P
from gongkai.package import exports as E
from gongkai.schema import registry as R
from gongkai.schema.places import UNKNOWN_PROVINCE
from gongkai.extract import extract
from gongkai.package.datapackage import source_entry, to_csv
from gongkai.pages.write import report_downloads
from gongkai.package.xlsx import CELL_MAX

SEED = "000_8719cb9f3c2be4e4.txt"
PINGTAN_2020 = "043_fujian_pingtan_syq_2020.txt"
HOSTILE = '=HYPERLINK("http://x")'


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _report(result, source_name: str):
    return next(r for r in result.reports if r.source.name == source_name)


def _dl(root: Path, rep) -> Path:
    return root / "docs" / "downloads" / P.report_dir(rep.slug, rep.meta.year)


def test_neutralising_rule():
    for text in (HOSTILE, "+cmd", "-2+3", "-", "@SUM(A1)", "\t=1", "\r=1"):
        assert E.needs_neutralising(text), text
        assert E.excel_text(text) == "'" + text
    for text in ("-15", "+3", "-1.5", "12", "行政处罚", "a=b", "", "1-2"):
        assert not E.needs_neutralising(text), text


def test_every_per_report_format_has_the_rows(built):
    root, result, _ = built
    from openpyxl import load_workbook

    for rep in result.reports:
        d = _dl(root, rep)
        wb = load_workbook(d / P.report_xlsx(rep.slug, rep.meta.year))
        assert wb.sheetnames == ["README", *R.RESOURCE_ORDER]
        with zipfile.ZipFile(d / f"{rep.slug}-{rep.meta.year}.zip") as zf:
            assert zf.testzip() is None
            assert f"{rep.slug}-{rep.meta.year}/datapackage.json" in zf.namelist()
        for name in R.RESOURCE_ORDER:
            n = len(rep.records[name])
            canonical = _csv_rows((d / f"{name}.csv").read_bytes())
            assert len(canonical) == n, (rep.report_id, name)
            assert len(_csv_rows((d / P.excel_csv(name)).read_bytes())) == n
            assert len(json.loads((d / f"{name}.json").read_text(encoding="utf-8"))) == n
            ws = wb[name]
            assert ws.max_row - 1 == n or (n == 0 and ws.max_row == 1), (rep.report_id, name)
            assert [c.value for c in ws[1]] == [c.name for c in R.columns_of(name)]


def test_bom_only_in_the_excel_csv(built):
    root, _, _ = built
    excel = sorted((root / "docs" / "downloads").rglob("*_excel.csv"))
    canonical = [p for p in (root / "docs" / "downloads").rglob("*.csv") if not p.name.endswith("_excel.csv")]
    canonical += list((root / "datapackages").rglob("*.csv"))
    assert excel and canonical
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in excel)
    assert not any(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in canonical)


def test_report_page_links_every_download(built):
    root, result, _ = built
    rep = _report(result, SEED)
    page = (root / "docs" / P.report_page_of(rep)).read_text(encoding="utf-8")
    links = re.findall(r'href="((?:\.\./)+downloads/[^"]+)"', page)
    published = {p.name for p in _dl(root, rep).iterdir()}
    own = [link for link in links if f"/downloads/{P.report_dir(rep.slug, rep.meta.year)}/" in link]
    assert {link.rsplit("/", 1)[-1] for link in own} == published
    # The one other download is the archived source file (原文存档).
    assert [link for link in links if link not in own] == [
        f"../../../../downloads/{P.archive_file(rep.sha256, rep.source.name)}"]
    assert report_downloads(rep) in page


def test_negative_number_stays_a_number(built):
    """Pingtan 2020 prints 行政事业性收费 上一年项目数量 35, 本年增/减 -15 (run together as '35-15')."""
    root, result, _ = built
    from openpyxl import load_workbook

    rep = _report(result, PINGTAN_2020)
    d = _dl(root, rep)
    rows = {r["code"]: r for r in _csv_rows((d / P.excel_csv("active_disclosure")).read_bytes())}
    assert rows["fees.change"]["value"] == "-15"
    assert rows["fees.change"]["raw"] == "35-15"
    ws = load_workbook(d / P.report_xlsx(rep.slug, rep.meta.year))["active_disclosure"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("code")] == "fees.change")
    assert row[header.index("value")] == -15


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """The seed report with a formula planted as the first paragraph of 一、总体情况."""
    tmp = tmp_path_factory.mktemp("hostile")
    text = (ROOT / "reports" / SEED).read_text(encoding="utf-8")
    assert "一、总体情况\n" in text
    (tmp / SEED).write_text(text.replace("一、总体情况\n", f"一、总体情况\n\n{HOSTILE}\n", 1), encoding="utf-8")
    shutil.copy2(ROOT / "reports" / f"{SEED}.yml", tmp / f"{SEED}.yml")
    rep = extract(tmp / SEED)
    files = E.report_exports("t", rep.slug, rep.meta.year, [source_entry(rep)], rep.records)
    return rep, files


def test_hostile_cell_is_text_in_excel_downloads_and_verbatim_in_the_package(hostile_report):
    rep, files = hostile_report
    section = next(s for s in rep.records["sections"] if s["section"] == "1")
    assert section["text"].startswith(HOSTILE)
    canonical = _csv_rows(to_csv("sections", rep.records["sections"]))
    assert next(r for r in canonical if r["section"] == "1")["text"].startswith(HOSTILE)
    excel = _csv_rows(files[P.excel_csv("sections")])
    assert next(r for r in excel if r["section"] == "1")["text"].startswith("'" + HOSTILE)

    xlsx = files[P.report_xlsx(rep.slug, rep.meta.year)]
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)  # no formula anywhere
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx))["sections"]
    cell = next(c for c in ws["D"] if isinstance(c.value, str) and c.value.startswith(HOSTILE))
    assert cell.data_type == "s" and cell.quotePrefix


def test_xlsx_text_outside_xml_is_replaced_not_refused():
    recs = {"sections": [{"report_id": "a/2020", "section": "1", "heading": "一\x0b", "text": "x" * 40000}]}
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(E.xlsx_bytes("t", [], recs)))["sections"]
    assert ws["C2"].value == "一\ufffd"
    assert len(ws["D2"].value) == CELL_MAX


def test_per_report_exports_are_deterministic(built, hostile_report):
    root, result, _ = built
    rep = _report(result, SEED)
    title = json.loads((root / "datapackages" / P.report_dir_of(rep.report_id) / "datapackage.json").read_text())["title"]
    again = E.report_exports(title, rep.slug, rep.meta.year, [source_entry(rep)], rep.records)
    for name, data in again.items():
        assert (_dl(root, rep) / name).read_bytes() == data, name
    xlsx = again[P.report_xlsx(rep.slug, rep.meta.year)]
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "1980-01-01T00:00:00Z" in core and "2026" not in core


def _corpus(root: Path) -> Path:
    return root / "docs" / "downloads" / "all"


def test_sqlite_opens_and_matches_the_csvs(built, tmp_path):
    root, result, _ = built
    db = sqlite3.connect(_corpus(root) / P.CORPUS_SQLITE)
    try:
        for name in R.RESOURCE_ORDER:
            n = len(_csv_rows((_corpus(root) / f"{name}.csv").read_bytes()))
            table = E.SQL_NAMES.get(name, name)
            assert db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == n, name
            info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            assert [r[1] for r in info] == [c.name for c in R.columns_of(name)]
            assert [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] == list(R.key_of(name))
        slugs = {r.slug for r in result.reports}
        assert db.execute("SELECT count(*) FROM agencies").fetchone()[0] == len(slugs)
        assert db.execute("SELECT sum(reports) FROM agencies").fetchone()[0] == len(result.reports)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # Types from the registry: counts are integers, blanks are NULL (never 0).
        seed = _report(result, SEED)
        got = db.execute("SELECT value, status FROM applications WHERE report_id = ? AND code = ?",
                         (seed.report_id, "new_received.total")).fetchone()
        assert got == (14, "reported")  # 共受理信息公开申请14件 in the seed's text
        assert db.execute("SELECT count(*) FROM applications WHERE status = 'blank' AND value IS NOT NULL"
                          ).fetchone()[0] == 0
    finally:
        db.close()


def test_sqlite_keys_hold(built, tmp_path):
    root, result, _ = built
    copy = tmp_path / "db.sqlite"
    shutil.copy2(_corpus(root) / P.CORPUS_SQLITE, copy)
    db = sqlite3.connect(copy)
    db.execute("PRAGMA foreign_keys = ON")
    rid, code = db.execute("SELECT report_id, code FROM applications LIMIT 1").fetchone()
    with pytest.raises(sqlite3.IntegrityError):  # primary key
        db.execute("INSERT INTO applications (report_id, code, row_code, row_label, applicant_code, applicant,"
                   " status) VALUES (?, ?, 'x', 'x', 'x', 'x', 'blank')", (rid, code))
    with pytest.raises(sqlite3.IntegrityError):  # foreign key to reports
        db.execute("INSERT INTO checks (report_id, check_id, identity, result) VALUES ('nobody/2020', 'c', 'i', 'pass')")
    with pytest.raises(sqlite3.IntegrityError):  # foreign key to agencies
        db.execute("DELETE FROM agencies WHERE agency_slug = ?", (result.reports[0].slug,))
    db.close()


def test_parquet_tables_match_the_csvs(built):
    root, _, _ = built
    import pyarrow.parquet as pq

    for name in R.RESOURCE_ORDER:
        # Each table is a folder of partitions, read in one call; the Hive keys come as two more columns.
        table = pq.read_table(_corpus(root) / P.parquet(name))
        rows = _csv_rows((_corpus(root) / f"{name}.csv").read_bytes())
        assert table.num_rows == len(rows), name
        assert table.column_names == [c.name for c in R.columns_of(name)] + [P.PARQUET_YEAR, P.PARQUET_PROVINCE]
        assert table.schema.field("report_id").metadata[b"title_zh"] == "报告编号".encode()
        if name == "metadata":
            for rec in table.to_pylist():
                assert rec[P.PARQUET_YEAR] == rec["year"] and rec[P.PARQUET_PROVINCE] == P.region_slug(
                    rec["province"] or UNKNOWN_PROVINCE)
        listed = dict(line.split("\t") for line in (_corpus(root) / P.PARQUET_LIST).read_text().splitlines())
        parts = sorted((_corpus(root) / P.parquet(name)).rglob("*.parquet"))
        assert parts and all(int(listed[p.relative_to(_corpus(root)).as_posix()]) == p.stat().st_size for p in parts)
    apps = pq.read_table(_corpus(root) / P.parquet("applications"))
    assert str(apps.schema.field("value").type) == "int64"
    ad = pq.read_table(_corpus(root) / P.parquet("active_disclosure")).to_pylist()
    fee = next(r for r in ad if r["code"] == "fees.fee_amount"
               and r["report_id"].startswith("ningxia"))
    assert fee["value"] == pytest.approx(125.132)  # 行政事业性收费 125.132 万元 in the seed's text


def test_corpus_exports_are_deterministic(built):
    root, result, _ = built
    records = {n: [rec for rep in result.reports for rec in rep.records[n]] for n in R.RESOURCE_ORDER}
    # Reversed input order: the files depend on the rows, not on the order reports were read in.
    shuffled = {n: list(reversed(rows)) for n, rows in records.items()}
    again = E.corpus_exports(shuffled)
    for name, data in again.items():
        assert (_corpus(root) / name).read_bytes() == data, name


def test_corpus_zip_holds_everything(built):
    root, result, _ = built
    with zipfile.ZipFile(_corpus(root) / "gongkai-all.zip") as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "gongkai-all/datapackage.json" in names
    for rep in result.reports:
        assert f"gongkai-all/reports/{rep.report_id}/datapackage.json" in names
        assert f"gongkai-all/reports/{rep.report_id}/applications.csv" in names


def test_downloads_page_lists_every_corpus_file(built):
    root, _, _ = built
    page = (root / "docs" / "downloads.md").read_text(encoding="utf-8")
    for p in _corpus(root).iterdir():
        # A folder links to its file list (a static site shows no folder).
        href = P.PARQUET_LIST if p.name == P.PARQUET_DIR else p.name
        assert f"](downloads/all/{href})" in page, p.name
    assert "pandas.read_parquet" in page and "hive_partitioning" in page
    assert re.search(r"\| \d{4}\\-\d\d\\-\d\d \|", page)  # the build date, on each row
    assert (root / "site" / "downloads" / "all" / P.CORPUS_SQLITE).exists()


def test_build_date_is_declared():
    assert E.build_date({"SOURCE_DATE_EPOCH": "1700000000"}) == "2023-11-14"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", E.build_date({}))


def test_sql_values_follow_the_registry_types():
    col = {c.name: c for c in R.columns_of("active_disclosure")}
    assert E._sql_value(col["value"], Decimal("1.50")) == 1.5
    assert E._sql_value(col["source_page"], 3) == 3
    assert E._sql_value(col["value"], None) is None
