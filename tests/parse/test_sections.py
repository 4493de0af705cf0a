"""gongkai/parse/sections.py: the six sections of the form in a report's running text.

Headings as printed in the seed (reports/000_8719cb9f3c2be4e4.txt): 一、总体情况 … 六、其他需要报告的事项;
its table 三 also prints row labels 一、本年新收… and 四、结转下年度…, which are not headings."""
from __future__ import annotations

from conftest import ROOT
from gongkai.parse.sections import split_sections


def test_the_seeds_six_sections_in_order_and_table_labels_are_not_headings():
    text = (ROOT / "reports" / "000_8719cb9f3c2be4e4.txt").read_text(encoding="utf-8")
    sections = split_sections(text)
    assert [(n, h) for n, h, _ in sections] == [
        ("1", "一、总体情况"), ("2", "二、主动公开政府信息情况"), ("3", "三、收到和处理政府信息公开申请情况"),
        ("4", "四、政府信息公开行政复议、行政诉讼情况"), ("5", "五、存在的问题及改进情况"),
        ("6", "六、其他需要报告的事项")]
    body = dict((n, b) for n, _h, b in sections)
    assert body["1"].startswith("2021 年，自治区司法厅坚持")
    assert "一、本年新收政府信息公开申请数量" in body["3"] and "四、结转下年度继续办理" in body["3"]


def test_a_heading_with_words_between_numeral_and_name_and_a_missing_section():
    text = "一、 年度总体情况\n正文一\n三、收到和处理政府信息公开申请情况\n表\n二、主动公开政府信息情况\n迟到"
    got = split_sections(text)
    assert [n for n, _h, _b in got] == ["1", "3"]  # 二 after 三 is a label, not a heading
    assert got[0][2] == "正文一"


def test_text_without_headings_has_no_sections():
    assert split_sections("本报告无标准章节。") == []
