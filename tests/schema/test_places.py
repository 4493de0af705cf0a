"""gongkai/schema/places.py: the province an agency name or region string names."""
from __future__ import annotations

import pytest

from gongkai.schema.places import (LEVELS, MUNICIPALITIES, NATIONAL, PROVINCES, UNKNOWN_PROVINCE, province_of,
                                   province_or_unknown, province_order)


@pytest.mark.parametrize("text,province", [
    ("淮安市洪泽区人民政府", None),                      # a city without its province: not guessed
    ("江苏省公安厅", "江苏省"),
    ("宁夏回族自治区司法厅", "宁夏回族自治区"),
    ("内蒙古阿巴嘎旗自然资源局", "内蒙古自治区"),          # the short form
    ("上海市人民政府办公厅", "上海市"),
    ("重庆市九龙坡区二郎街道办事处", "重庆市"),
    ("广东省驻北京办事处", "广东省"),                     # the first province named wins
])
def test_province_of_agency_names_from_the_corpus(text, province):
    assert province_of(text) == province


def test_unknown_province_has_its_own_group_and_the_tables_are_complete():
    assert province_or_unknown(None) == UNKNOWN_PROVINCE and province_or_unknown("江苏省") == "江苏省"
    assert len(PROVINCES) == 34 and set(MUNICIPALITIES) <= set(PROVINCES)
    assert all(full.startswith(short) for full, shorts in PROVINCES.items() for short in shorts)
    assert set(LEVELS) >= {"province", "county", "township", "national-ministry"}


# The standard order of the provincial-level divisions (GB/T 2260), as printed in the statistical yearbooks.
STANDARD = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
            "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门").split()


def test_provinces_sort_in_the_standard_order_national_first_unknown_last():
    names = sorted([UNKNOWN_PROVINCE, *PROVINCES, NATIONAL], key=province_order)
    assert names[0] == NATIONAL and names[-1] == UNKNOWN_PROVINCE
    assert [PROVINCES[n][0] for n in names[1:-1]] == STANDARD
    assert sorted(["江苏省", "北京市", "广西壮族自治区", "上海市"]) != sorted(
        ["江苏省", "北京市", "广西壮族自治区", "上海市"], key=province_order)  # code point order is not it
