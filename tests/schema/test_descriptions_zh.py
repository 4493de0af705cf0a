"""gongkai/schema/descriptions_zh.py: every column of every resource and database table has a Chinese description."""
from __future__ import annotations

import re

import pytest

from gongkai.package.exports import CORPUS_TABLES, columns
from gongkai.schema import registry as R
from gongkai.schema.descriptions_zh import BY_NAME, BY_TABLE, description_zh


def test_every_column_has_a_chinese_description():
    for table in CORPUS_TABLES:
        for col in columns(table):
            text = description_zh(table, col.name)
            assert re.search(r"[\u4e00-\u9fff]", text), (table, col.name, text)
            assert text.endswith("。"), (table, col.name)


def test_table_specific_descriptions_win_and_name_only_ones_exist():
    assert description_zh("checks", "result").startswith("`pass`（通过）")
    assert description_zh("reviews_litigation", "result").startswith("列标签")
    assert all(name in {c.name for c in R.columns_of(t)} for t, name in BY_TABLE)  # no stale keys
    # Statuses are listed from the registry, not copied: each code with its Chinese name.
    assert "`blank` = 空白" in description_zh("applications", "status")
    assert "`tables incomplete` = 表格不完整" in description_zh("metadata", "status")
    with pytest.raises(KeyError):
        description_zh("applications", "no_such_column")
    used = {c.name for t in CORPUS_TABLES for c in columns(t)}
    assert set(BY_NAME) <= used, set(BY_NAME) - used


def test_a_measure_is_described_by_its_formula():
    text = description_zh("measures", "share_disclosed")
    assert text.startswith("公开率") or "公开" in text.split("=")[0]
    assert "=" in text and "空值（不是 0）" in text
