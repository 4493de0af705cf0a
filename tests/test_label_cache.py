"""Label matching remembers its fuzzy answers per index: the second lookup must give the first one's answer,
and one index's memory must never answer for another index."""
from __future__ import annotations

from gongkai.schema import registry as R
from gongkai.parse.labels import LabelIndex, label_key, parse_cell


def test_fuzzy_answers_are_remembered_per_index():
    items = LabelIndex(R.AD_ITEMS)
    apps = LabelIndex(R.APP_ROWS)
    typo = "其他对外管理服物事项"  # one wrong character in 其他对外管理服务事项
    first = items.match(typo)
    assert first is not None and first.zh == "其他对外管理服务事项"
    assert items.match(typo) is first
    assert apps.match(typo) is None  # not an application row, whatever items remembered
    assert items.match("完全无关的一行文字") is None
    assert items.match("完全无关的一行文字") is None


def test_cached_pure_functions_answer_as_before():
    assert label_key("（一）予以 公开") == "予以公开"
    assert label_key("（一）予以 公开") == "予以公开"
    a, b = parse_cell(" 1,234 "), parse_cell(" 1,234 ")
    assert a == b and a.kind == "number" and str(a.value) == "1234"
    assert parse_cell(None).kind == "blank"
