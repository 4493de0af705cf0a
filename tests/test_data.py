"""gongkai.data: the published tables as typed DataFrames, from a local tree or the site over http.

Golden values are from reading the source documents (tests/golden/*.yml hold the transcriptions)."""
from __future__ import annotations

import functools
import json
import sqlite3
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from gongkai import data
from gongkai import paths as P
from gongkai.package import exports as E
from gongkai.schema import measures as M
from gongkai.schema import registry as R

SEED = "000_8719cb9f3c2be4e4.txt"  # 宁夏回族自治区司法厅 2021
SHANGHAI = "041_shanghai_shizhengfu_bgt_2019.html"  # 上海市人民政府办公厅 2019: blank cells printed as &nbsp;


def _rid(result, source_name: str) -> str:
    return next(r.report_id for r in result.reports if r.source.name == source_name)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built):
    """The built site served on 127.0.0.1 by the test, as a reader's copy of the published site."""
    root, _, proc = built
    assert proc.returncode == 0, proc.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_every_table_has_every_row_and_the_registry_types(built):
    root, result, _ = built
    base = root / "datapackages"
    for name in R.RESOURCE_ORDER:
        frame = data.load(name, base)
        assert len(frame) == sum(len(r.records[name]) for r in result.reports), name
        assert list(frame.columns) == [c.name for c in R.columns_of(name)]
    apps = data.load("applications", base)
    assert apps["value"].dtype == "Int64"
    assert isinstance(apps["status"].dtype, pd.CategoricalDtype)
    assert list(apps["status"].cat.categories) == list(R.STATUSES)
    assert isinstance(apps["row_code"].dtype, pd.CategoricalDtype)
    assert isinstance(apps["code"].dtype, pd.CategoricalDtype)
    assert apps["row_label"].dtype == pd.StringDtype()
    ad = data.load("active_disclosure", base)
    assert ad["value"].dtype == "Float64"
    meta = data.load("metadata", base)
    assert meta["year"].dtype == "Int64"
    assert meta["retrieved"].dtype == "datetime64[s]"
    # No sample sidecar records a retrieval date (none was recorded), so a date column that is all NaT is
    # right here; publication dates are known for several reports and cast to dates.
    assert meta["retrieved"].isna().all()
    assert meta["publication_date"].dtype == "datetime64[s]" and meta["publication_date"].notna().any()
    assert isinstance(meta["level"].dtype, pd.CategoricalDtype)


def test_golden_values_and_a_blank_stays_na(built):
    root, result, _ = built
    apps = data.load("applications", root / "datapackages").set_index(["report_id", "code"])
    assert apps.loc[(_rid(result, SEED), "new_received.total"), "value"] == 14  # 共受理信息公开申请14件
    shanghai = _rid(result, SHANGHAI)
    assert apps.loc[(shanghai, "new_received.total"), "value"] == 859
    granted = apps.loc[(shanghai, "granted.total")]  # printed as &nbsp;
    assert granted["status"] == "blank" and granted["value"] is pd.NA
    blank = apps[apps["status"] == "blank"]
    assert len(blank) and blank["value"].isna().all()
    assert not (blank["value"].fillna(-1) == 0).any()


def test_one_report(built):
    root, result, _ = built
    rid = _rid(result, SEED)
    slug, year = rid.split("/")
    tables = data.load_report(slug, int(year), root / "datapackages")
    assert list(tables) == list(R.RESOURCE_ORDER)
    rep = next(r for r in result.reports if r.report_id == rid)
    for name, frame in tables.items():
        assert len(frame) == len(rep.records[name]), name
    ad = tables["active_disclosure"].set_index("code")
    assert ad.loc["fees.fee_amount", "value"] == pytest.approx(125.132)  # 行政事业性收费 125.132 万元
    assert tables["metadata"]["agency"].iloc[0] == "宁夏回族自治区司法厅"


def test_measures_agree_with_the_text_the_database_and_the_api(built):
    root, result, _ = built
    frame = data.measures(root / "datapackages")
    assert len(frame) == len(result.reports)
    assert list(frame.columns) == ["report_id", *data.MEASURE_CONTEXT, *(m.code for m in M.MEASURES)]
    assert frame["received"].dtype == "Int64" and frame["share_disclosed"].dtype == "Float64"
    by_id = frame.set_index("report_id")
    seed = by_id.loc[_rid(result, SEED)]
    # Read from the seed's table 三: 14 received, 14 handled, 9 予以公开, 0 部分公开, 1 不予公开 (third party).
    assert (seed["received"], seed["handled"], seed["disclosed"], seed["refused"]) == (14, 14, 9, 1)
    assert seed["share_disclosed"] == pytest.approx(9 / 14, abs=1e-6)
    assert seed["review_correction_rate"] is pd.NA  # no review decided: 0 ÷ 0 is unknown, not 0
    assert by_id.loc[_rid(result, SHANGHAI), "granted"] is pd.NA  # 予以公开·总计 printed blank
    assert by_id.loc[_rid(result, SHANGHAI), "received"] == 859

    # The same numbers as the measures table of the SQLite and Parquet downloads and the site's API.
    corpus = root / "docs" / "downloads" / "all"
    db = sqlite3.connect(corpus / P.CORPUS_SQLITE)
    try:
        sql = pd.read_sql_query("SELECT * FROM measures ORDER BY report_id", db)
        info = db.execute("PRAGMA table_info(measures)").fetchall()
    finally:
        db.close()
    assert [r[1] for r in info] == [c.name for c in M.COLUMNS]
    parquet = pd.read_parquet(corpus / P.parquet("measures")).sort_values("report_id", ignore_index=True)
    api = {r["report_id"]: r["measures"] for r in json.loads((root / "docs" / "api" / "index.json").read_bytes())["reports"]}
    ours = data.load("measures", root / "datapackages")
    for table in (sql, parquet):
        assert list(table["report_id"]) == list(ours["report_id"]) == sorted(api)
    for m in M.MEASURES:
        expected = [api[rid][m.code] for rid in ours["report_id"]]
        for got in (ours[m.code], sql[m.code], parquet[m.code]):
            values = [None if pd.isna(v) else v for v in got]
            assert values == pytest.approx(expected), m.code


def test_the_site_url_gives_the_local_tree(built, site_url):
    root, result, _ = built
    for name in ("metadata", "applications", "sections"):
        pd.testing.assert_frame_equal(data.load(name, site_url), data.load(name, root / "datapackages"))
    slug, year = _rid(result, SEED).split("/")
    remote = data.load_report(slug, int(year), site_url)
    local = data.load_report(slug, int(year), root / "datapackages")
    for name in R.RESOURCE_ORDER:
        pd.testing.assert_frame_equal(remote[name], local[name])
    pd.testing.assert_frame_equal(data.measures(site_url), data.measures(root / "datapackages"))
    with pytest.raises(data.DataError, match="404"):
        data.load_report("nobody", 2020, site_url)


def test_bad_input_is_refused_with_the_file_named(tmp_path):
    for slug in ("../etc", "A", "", "a/b"):
        with pytest.raises(ValueError, match="slug"):
            data.load_report(slug, 2020, tmp_path)
    with pytest.raises(ValueError, match="unknown table"):
        data.load("nothing", tmp_path)
    with pytest.raises(data.DataError, match="not found"):
        data.load("checks", tmp_path)
    (tmp_path / "all").mkdir()
    names = [c.name for c in R.columns_of("applications")]
    row = {n: "x" for n in names} | {"code": "new_received.total", "row_code": "new_received",
                                     "applicant_code": "total", "status": "reported", "value": "1.5",
                                     "source_page": "", "source_table": "", "source_row": "", "source_cell": ""}
    path = tmp_path / "all" / "applications.csv"
    path.write_text(",".join(names) + "\n" + ",".join(row[n] for n in names) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"applications\.csv: column value"):
        data.load("applications", tmp_path)  # 1.5 is not a count: an error, never rounded or NA
    row |= {"value": "1", "status": "guessed"}
    path.write_text(",".join(names) + "\n" + ",".join(row[n] for n in names) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="'guessed' is not one of"):
        data.load("applications", tmp_path)
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="header"):
        data.load("applications", tmp_path)
