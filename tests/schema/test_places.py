"""gongkai/schema/places.py: the province an agency name or region string names."""
from __future__ import annotations

import pytest

from gongkai.schema.places import LEVELS, MUNICIPALITIES, PROVINCES, UNKNOWN_PROVINCE, province_of, province_or_unknown


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
