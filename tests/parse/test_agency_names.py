"""gongkai/parse/agency_names.py: an agency's official name beside the short form a report prints."""
from __future__ import annotations

import pytest

from gongkai.parse.agency_names import official_name


@pytest.mark.parametrize("printed,official", [
    ("上海市科委", "上海市科学技术委员会"),
    ("某市发改委", "某市发展和改革委员会"),
    ("某县人社局", "某县人力资源和社会保障局"),
    ("某区住建局", "某区住房和城乡建设局"),
    ("某市市监局", "某市市场监督管理局"),
    ("北街街道", "北街街道办事处"),
    ("区政府办公室", "区人民政府办公室"),
    ("平潭综合实验区管委会办公室", "平潭综合实验区管理委员会办公室"),
    ("广东省人民政府(全省汇总)", "广东省人民政府"),
    # already official, or a form whose long name differs between provinces: as printed
    ("杭州市卫生健康委员会", "杭州市卫生健康委员会"),
    ("某市文旅局", "某市文旅局"),
    ("自然资源部", "自然资源部"),
])
def test_official_name_table(printed, official):
    assert official_name(printed) == official
