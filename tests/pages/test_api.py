"""The static JSON API: layout, values read from the source documents, links that resolve, stable bytes."""
from __future__ import annotations

import json

from gongkai import paths as P
from gongkai.pages.api import api_files

SEED = "ningxiahuizuzizhiqu-sifating/2021"


def _load(root, rel):
    return json.loads((root / "site" / "api" / rel).read_text(encoding="utf-8"))


def test_index_lists_every_report_with_measures_and_working_links(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr
    index = _load(root, "index.json")
    assert [r["report_id"] for r in index["reports"]] == sorted(r.report_id for r in result.reports)
    assert {m["code"] for m in index["measures"]} >= {"received", "share_disclosed", "review_correction_rate"}
    seed = next(r for r in index["reports"] if r["report_id"] == SEED)
    assert seed["agency"] == "宁夏回族自治区司法厅" and seed["year"] == 2021
    # reports/000 prints 新收 14 and 予以公开 9 of 14 handled; no review was decided.
    assert seed["measures"]["received"] == 14
    assert abs(seed["measures"]["share_disclosed"] - 9 / 14) < 1e-6
    assert seed["measures"]["review_correction_rate"] is None
    for entry in index["reports"]:
        links = entry["links"]
        assert (root / "site" / links["page"] / "index.html").exists(), links["page"]
        assert (root / "site" / links["agency"] / "index.html").exists(), links["agency"]
        for rel in (links["api"], links["datapackage"], links["zip"]):
            assert (root / "site" / rel).exists(), rel
        for table in index["tables"]:
            assert (root / "site" / links["downloads"] / f"{table}.csv").exists(), table


def test_agencies_list_their_years(built):
    root, _result, _proc = built
    agencies = {a["agency_slug"]: a for a in _load(root, "agencies.json")["agencies"]}
    hongze = agencies["huaianshi-hongze-qu-renminzhengfu"]
    assert hongze["agency"] == "淮安市洪泽区人民政府" and hongze["years"] == [2023, 2024]
    for a in agencies.values():
        assert (root / "site" / a["page"] / "index.html").exists()
        for rep in a["reports"]:
            assert (root / "site" / rep["api"]).exists()


def test_report_file_has_cells_with_codes_and_both_labels(built):
    root, _result, _proc = built
    rep = _load(root, P.report_api(*SEED.split("/")))
    table = rep["tables"]["applications"]
    cells = {c["code"]: c for c in table["cells"]}
    rows = {r["code"]: r for r in table["rows"]}
    columns = {c["code"]: c for c in table["columns"]}
    c = cells["new_received.total"]
    assert (c["value"], c["status"]) == (14, "reported")
    assert rows[c["row"]]["en"] == "New requests received this year" and columns[c["column"]]["zh"] == "总计"
    assert rows["refused_third_party"]["group_zh"] == "（三）不予公开"
    assert rep["status_labels"]["blank"]["zh"] == "空白"
    assert rep["tables"]["active_disclosure"]["en"] == "Proactive disclosure"
    fees = next(c for c in rep["tables"]["active_disclosure"]["cells"] if c["code"] == "fees.fee_amount")
    assert fees["value"] == 125.132  # printed 125.132 万元
    assert rep["metadata_labels"]["agency"] == {"zh": "机关", "en": "Agency"}
    assert {s["section"] for s in rep["sections"]} >= {"1", "5"}


def test_a_blank_cell_is_null_not_zero(built):
    root, _result, _proc = built
    # reports/041 (上海市人民政府办公厅 2019) prints 行政复议 结果纠正 empty.
    index = _load(root, "index.json")
    entry = next(r for r in index["reports"] if r["agency"] == "上海市人民政府办公厅" and r["year"] == 2019)
    rep = _load(root, entry["links"]["api"].removeprefix("api/"))
    cell = next(c for c in rep["tables"]["reviews_litigation"]["cells"] if c["code"] == "review.corrected")
    assert cell["value"] is None and cell["status"] == "blank"
    assert rep["measures"]["review_correction_rate"] is None


def test_api_bytes_are_deterministic(built):
    root, result, _proc = built
    files = api_files(list(reversed(result.reports)))
    assert files == api_files(result.reports)
    for rel, data in files.items():
        assert (root / "docs" / "api" / rel).read_bytes() == data
