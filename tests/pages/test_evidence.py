"""gongkai/pages/evidence.py: the evidence view's data for each cell of a report page."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from conftest import ROOT
from gongkai.extract import extract
from gongkai.pages.evidence import evidence, linked
from gongkai.pipeline.publish import source_view
from gongkai.schema import registry as R

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


def test_a_text_reports_cells_give_their_line_and_characters_and_the_lines_around_them():
    rep = extract(SEED)
    ev = evidence(rep, **source_view(SEED))
    assert ev["format"] == "txt" and ev["archive"].startswith("../../../../downloads/archive/")
    # reports/000…txt line 47: 一、本年新收政府信息公开申请数量\t\t14\t0\t0\t0\t0\t0\t14\t
    cell = ev["cells"]["new_received.natural_person"]
    assert (cell["line"], cell["value"], cell["status"]) == (47, "14", "reported")
    assert ev["lines"]["47"][cell["start"]:cell["end"]] == "14"
    assert {"45", "46", "48", "49"} <= set(ev["lines"])  # two lines of context each side
    numbers = [r for t in R.TABLES for r in rep.records[t] if R.carries_value(r["status"])]
    assert set(ev["cells"]) == {r["code"] for t in R.TABLES for r in rep.records[t] if linked(r)}
    assert len(numbers) == len(ev["cells"]) == 200
    for code, cell in ev["cells"].items():
        assert ev["lines"][str(cell["line"])][cell["start"]:cell["end"]] == cell["raw"], code


def test_an_html_reports_cells_point_into_the_tables_its_reader_parsed():
    path = ROOT / "reports" / "041_shanghai_shizhengfu_bgt_2019.html"
    ev = evidence(extract(path), **source_view(path))
    assert ev["format"] == "html" and ev["archive"].endswith(".html.txt")
    for code, cell in ev["cells"].items():
        rows = dict((n, cells) for n, cells in ev["tables"][str(cell["t"])])
        assert rows[cell["r"]][cell["c"] - 1] == cell["raw"], code
    # 规范性文件 | 60 | 60 | 368 (the page's first table, row 4)
    cell = ev["cells"]["normative_documents.published"]
    assert (cell["t"], cell["r"], cell["c"], cell["value"]) == (1, 4, 3, "60")


def _run_rep(raw: str, values, status: str) -> SimpleNamespace:
    cols = R.APPLICANTS
    recs = [{"code": f"new_received.{c.code}", "row_code": "new_received", "row_group": "", "row_label": "一、本年新收",
             "applicant_code": c.code, "applicant": c.zh, "value": v, "status": status, "raw": raw}
            for c, v in zip(cols, values)]
    checks = [{"check_id": "applicants.new_received", "result": "pass" if status == "inferred" else "not checked",
               "lhs": Decimal(31), "rhs": Decimal(31)}]
    return SimpleNamespace(records={"active_disclosure": [], "applications": recs, "reviews_litigation": [],
                                    "checks": checks}, source=Path("x.txt"), sha256="0" * 64)


def test_an_inferred_run_gives_the_digits_the_split_and_the_identities():
    """150000116: the row's total must be the sum of its six parts, which leaves one reading (15+1 = 16)."""
    values = [Decimal(v) for v in (15, 0, 0, 0, 0, 1, 16)]
    ev = evidence(_run_rep("150000116", values, "inferred"))
    cell = ev["cells"]["new_received.total"]
    run = ev["runs"][cell["run"]]
    assert run["run"] == "150000116" and [c[2] for c in run["cells"]] == ["15", "0", "0", "0", "0", "1", "16"]
    assert run["readings"] == [["15", "0", "0", "0", "0", "1", "16"]] and run["readings_count"] == 1
    assert [i["name"] for i in run["identities"]][-1].startswith("申请人合计") and run["row_total"]
    assert all(c["run"] == cell["run"] for c in ev["cells"].values())  # written once, named by each cell


def test_an_ambiguous_run_lists_every_reading_that_fits_the_rows_total():
    """110000011 as seven cells whose last is the sum of the others: 11|0|0|0|0|0|11 and 1|10|0|0|0|0|11 both
    fit (a number never starts with 0, so 1|1|0|0|0|0|011 is no reading)."""
    ev = evidence(_run_rep("110000011", [None] * 7, "ambiguous"))
    cell = ev["cells"]["new_received.natural_person"]
    run = ev["runs"][cell["run"]]
    assert sorted(run["readings"]) == [["1", "10", "0", "0", "0", "0", "11"], ["11", "0", "0", "0", "0", "0", "11"]]
    assert run["readings_count"] == 2 and cell["value"] == "" and cell["status"] == "ambiguous"
