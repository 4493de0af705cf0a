"""gongkai/parse/labels.py: numbers in cells, label keys, and label matching (which remembers its fuzzy answers
per index: the second lookup must give the first one's answer, and one index's memory must never answer for
another index).  Property tests: test_labels_properties.py."""
from __future__ import annotations

from decimal import Decimal

import pytest

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


@pytest.mark.parametrize("raw,value,kind", [
    ("14", Decimal(14), "number"),
    ("125.132", Decimal("125.132"), "number"),
    ("251000元", Decimal(251000), "number"),          # 041: unit inside the cell
    ("1,571", Decimal(1571), "number"),
    ("１５７１", Decimal(1571), "number"),             # full-width digits
    ("-18", Decimal(-18), "number"),                  # 2019 本年增/减 may be negative
    ("", None, "blank"),
    ("\u00a0", None, "blank"),                        # &nbsp; is blank, not zero
    ("行政许可", None, "text"),
])
def test_parse_cell(raw, value, kind):
    cell = parse_cell(raw)
    assert (cell.value, cell.kind) == (value, kind)


def test_label_key_ignores_numbering_spaces_and_notes():
    assert label_key("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）") == "部分公开"
    assert label_key("三\n、\n本\n年\n度\n办\n理\n结\n果") == "本年度办理结果"
    assert label_key("1.属于国家秘密") == "属于国家秘密"


def test_label_index_tolerates_the_typo_in_001():
    index = LabelIndex([d for d in R.APP_ROWS if d.group_code == "refused"])
    assert index.match("2.其他法律行政止公开").code == "refused_law_prohibited"
    assert index.match("2.其他法律行政法规禁止公开").code == "refused_law_prohibited"
    assert index.match("保护") is None
