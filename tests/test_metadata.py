"""Metadata from the opening lines of real reports (lines copied from ../shared/corpus files)."""
from __future__ import annotations

import pytest

from gongkai.parse.metadata import detect


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
