"""Metadata from the opening lines of real reports (lines copied from ../shared/corpus files)."""
from __future__ import annotations

import pytest

from gongkai.parse.metadata import agency_from_title, detect, find_title, level_from, merge


@pytest.mark.parametrize("lines,agency,year", [
    # 036: a browser <title> line "报告标题 - 栏目 - 网站" above the title
    (["内蒙古自治区市场监督管理局2021年政府信息公开工作年度报告 - 政府信息公开年报 - 内蒙古自治区市场监督管理局",
      "内蒙古自治区市场监督管理局2021年政府信息公开工作年度报告"], "内蒙古自治区市场监督管理局", 2021),
    # 018: a title broken after the year
    (["宿州市人民政府2016年", "政府信息公开工作年度报告", "宿州市人民政府办公室", "2017年3月"], "宿州市人民政府", 2016),
    # 039: no title, the opening sentence names the agency
    (["根据《中华人民共和国政府信息公开条例》有关要求，现将莲湖区西关街道办事处2024年度政府信息工作年度报告予以公开。"],
     "莲湖区西关街道办事处", 2024),
    # 023
    (["为认真做好京山市卫生健康局政府信息公开工作，我局按照《中华人民共和国政府信息公开条例》"], "京山市卫生健康局", None),
    # 012: the first paragraph of 一、总体情况
    (["一、总体情况", "2023年,江苏省公安厅以习近平新时代中国特色社会主义思想为指导"], "江苏省公安厅", 2023),
    # 004: 我办 is relative: no agency, but the year is stated
    (["根据《中华人民共和国政府信息公开条例》和政府信息公开工作的有关要求,现将我办2022年度政府信息公开情况报告如下:"], None, 2022),
    # 014: 市政府办公室 is relative too
    (["2025年,市政府办公室坚持以习近平新时代中国特色社会主义思想为指导"], None, 2025),
    # Chromium's print header is not half of a title
    (["11/25/26, 12:57 PM", "2019年上海市人民政府办公厅政府信息公开工作年度报告"], "上海市人民政府办公厅", 2019),
    # 044: gkmlpt metadata block
    (["名称:广东省人民政府2024年政府信息公开工作年度报告"], "广东省人民政府", 2024),
])
def test_agency_and_year_from_the_document(lines, agency, year):
    meta = detect(lines, {})
    assert meta.agency == agency
    assert meta.year == year


# Family 1 of issue 14: titles broken over two lines, agencies named by short forms, and openings
# that name the agency only in a sentence.  Lines shaped on real reports (the first case is the
# issue's own example; the others are copied from ../shared/corpus files 007, 008, 020, 032, 038).
@pytest.mark.parametrize("lines,agency,official,year", [
    (["2024 年上海市科委政府信息公开工作", "年度报告", "根据《中华人民共和国政府信息公开条例》……"],
     "上海市科委", "上海市科学技术委员会", 2024),
    (["2023年某某区卫健委政府信息公开", "工作年度报告"], "某某区卫健委", "某某区卫生健康委员会", 2023),
    (["国家卫生健康委2024年政府信息公开工作年度报告"], "国家卫生健康委", "国家卫生健康委员会", 2024),
    (["中村乡2020年政府信息公开工作年度报告"], "中村乡", "中村乡人民政府", 2020),
    (["2022年上海市政府信息公开工作年度报告"], "上海市", "上海市人民政府", 2022),
    (["平潭综合实验区2025年度政府信息公开工作年度报告"], "平潭综合实验区", "平潭综合实验区管理委员会", 2025),
    # 007: the opening says who compiled the report
    (["根据《条例》要求,由信访局结合有关统计数据编制。本年度报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"],
     "信访局", "信访局", 2021),
    # 020: 统计时限 (not 期限) gives the year; 本报告由… names the agency
    (["本报告由南平市人民政府信息公开工作领导小组办公室根据《条例》要求编制而成。本报告中所列数据的统计时限自2012年1月1日至2012年12月31日。"],
     "南平市人民政府", "南平市人民政府", 2012),
    # 032: the contact line; the office that answers questions is part of the agency
    (["本报告中所列数据统计期限为2023年1月1日至2023年12月31日。如对本年度报告有疑问，请与阿巴嘎旗自然资源局办公室联系（电话：0479-2022416）。"],
     "阿巴嘎旗自然资源局", "阿巴嘎旗自然资源局", 2023),
    # 038: a sub-district named in the first sentence of 一、总体情况
    (["一、总体情况", "2024年,东漖街道坚持以习近平新时代中国特色社会主义思想为指导"], "东漖街道", "东漖街道办事处", 2024),
])
def test_agency_as_printed_and_official(lines, agency, official, year):
    meta = detect(lines, {})
    assert (meta.agency, meta.agency_official, meta.year) == (agency, official, year)


def test_sidecar_agency_gets_its_official_name_too():
    from gongkai.parse.metadata import merge
    out = merge(detect(["2024 年上海市科委政府信息公开工作", "年度报告"], {}), {"agency": "上海市发改委"})
    assert (out.agency, out.agency_official) == ("上海市发改委", "上海市发展和改革委员会")


def test_a_report_that_names_no_agency_anywhere_is_not_given_one():
    lines = ["一、总体情况", "2022年,我局认真贯彻落实《条例》，如有疑问请与本局办公室联系。"]
    assert detect(lines, {}).agency is None


def test_title_split_over_two_lines_in_pdf():
    lines = ["洪泽区人民政府", "2023 年政府信息公开工作年度报告", "本报告由淮安市洪泽区人民政府办公室…"]
    title = find_title(lines, {})
    assert title == "洪泽区人民政府2023 年政府信息公开工作年度报告"
    assert agency_from_title(title) == "洪泽区人民政府"
    assert detect(lines, {}).year == 2023


def test_year_is_the_report_year_not_the_publication_year():
    meta = detect(["2019年上海市人民政府办公厅政府信息公开工作年度报告", "发布日期：2020-01-31"], {})
    assert (meta.agency, meta.year, meta.publication_date) == ("上海市人民政府办公厅", 2019, "2020-01-31")


def test_sidecar_conflicts_are_reported():
    detected = detect(["泰州市人民政府2017年政府信息公开工作年度报告"], {})
    merged = merge(detected, {"agency": "扬州市人民政府", "year": 2018})
    assert merged.agency == "扬州市人民政府" and merged.year == 2018
    assert len(merged.warnings) == 2
    agrees = merge(detect(["自治区司法厅 2021 年政府信息公开工作年度报告"], {}), {"agency": "宁夏回族自治区司法厅"})
    assert agrees.warnings == []


@pytest.mark.parametrize("agency,level", [
    ("淮安市洪泽区人民政府", "county"), ("上海市人民政府办公厅", "province"), ("江苏省公安厅", "province-dept"),
    ("故城县教育局", "county-dept"), ("重庆市九龙坡区二郎街道办事处", "township"), ("自然资源部", "national-ministry"),
])
def test_level_from_name(agency, level):
    assert level_from(agency) == level
