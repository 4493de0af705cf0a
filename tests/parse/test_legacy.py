"""The pre-2019 统计表: separated rows as printed; run-together digits split only when one reading fits."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT
from gongkai.model import Row
from gongkai.extract import extract
from gongkai.parse.legacy import from_rows, splits


def test_splits_respect_leading_zeros_and_running_totals():
    assert splits("00") == [(0, 0)]
    assert splits("212210037") == [(2, 12210037), (21, 2210037), (212, 210037), (2122, 10037)]
    assert splits("0") == []


def test_run_together_statistics_table_of_a_real_2017_report():
    # reports/030: "…统计表指标名称计量单位2017年度历年累计主动公开文件数条212210037其中：1、政府网站公开数条212210037
    # 2、政府公报公开数条00受理政府信息依申请公开总数条00…行政诉讼数件00"
    report = extract(ROOT / "reports" / "030_fujian_pingtan_syq_2017.txt")
    rows = {r["indicator"]: r for r in report.records["legacy_statistics"]}
    assert len(rows) == 15
    first = rows["主动公开文件数"]
    assert (first["unit"], first["status"], first["this_year"], first["cumulative"]) == ("条", "ambiguous", None, None)
    assert rows["2、政府公报公开数"]["status"] == "inferred"
    assert (rows["行政诉讼数"]["unit"], rows["行政诉讼数"]["this_year"], rows["行政诉讼数"]["cumulative"]) == \
        ("件", Decimal(0), Decimal(0))
    assert report.status == "no standard tables"


def test_separated_statistics_rows():
    rows = [Row(("指标名称", "计量单位", "本年度", "历年累计"), index=1),
            Row(("主动公开政府信息数", "条", "2,122", "10037"), index=2),
            Row(("其中：1、政府网站公开数", "条", "2122", ""), index=3),
            Row(("五、存在的主要问题",), index=4)]
    got = from_rows(rows)
    assert [(r["indicator"], r["this_year"], r["cumulative"], r["status"]) for r in got] == [
        ("主动公开政府信息数", 2122, 10037, "reported"), ("其中：1、政府网站公开数", 2122, None, "reported")]
