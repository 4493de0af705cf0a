"""gongkai/readers/script.py: reports in traditional characters are converted, simplified text is left alone."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT
from gongkai.extract import extract
from gongkai.readers.script import is_traditional


def test_traditional_character_report_is_converted_and_read():
    """031 is a mirror in traditional characters: '行政許可 | 76', '行政事業性收費 | 26.55'."""
    rep = extract(ROOT / "reports" / "031_heilongjiang_fuyuanshi_zirangziyuanju_2022.txt")
    cells = {r["code"]: r for r in rep.records["active_disclosure"]}
    assert cells["licensing.decisions"]["value"] == 76
    assert cells["fees.fee_amount"]["value"] == Decimal("26.55")
    assert any("traditional" in w for w in rep.warnings)
    assert rep.status == "tables incomplete"  # the excerpt stops inside （三）不予公开


def test_simplified_text_is_left_alone():
    assert not is_traditional("本年度办理结果 收到和处理政府信息公开申请情况 自治区司法厅" * 5)
    assert is_traditional("本年度辦理結果 收到和處理政府信息公開申請情況 撫遠市自然資源局" * 5)
