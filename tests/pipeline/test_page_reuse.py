"""gongkai/pipeline/page_reuse.py: a group of pages is rendered again exactly when something it shows of its
reports changed, or a file it wrote went missing."""
from __future__ import annotations

import dataclasses

import pytest

from conftest import ROOT
from gongkai import index as I
from gongkai.extract import extract
from gongkai.model import CheckResult
from gongkai.pipeline.page_reuse import PageReuse, report_digest

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


@pytest.fixture(scope="module")
def seed():
    return I.index_of(extract(SEED), key="k1")


def test_the_digest_follows_what_the_pages_show_and_not_the_cache_key_or_the_file_hash(seed):
    base = report_digest(seed)
    assert report_digest(extract(SEED)) == report_digest(dataclasses.replace(seed, extract_key=None))  # a full report
    same = [dataclasses.replace(seed, extract_key="k2"), dataclasses.replace(seed, sha256="0" * 64),
            dataclasses.replace(seed, summary_line="logged")]
    assert {report_digest(r) for r in same} == {base}
    fail = CheckResult("balance.total", "一 + 二 = 三 + 四", 3, 4, "fail")
    changed = [dataclasses.replace(seed, meta=dataclasses.replace(seed.meta, agency="另一个机关")),
               dataclasses.replace(seed, cells=type(seed.cells)((1,) + tuple(seed.cells[1:]))),
               dataclasses.replace(seed, failed_checks=seed.failed_checks + (fail,)),
               dataclasses.replace(seed, status="incomplete"), dataclasses.replace(seed, slug="other"),
               dataclasses.replace(seed, warnings=("a new warning",)), dataclasses.replace(seed, name="x.txt")]
    digests = [report_digest(r) for r in changed]
    assert base not in digests and len(set(digests)) == len(digests)


def test_a_group_is_kept_while_its_inputs_and_files_are(seed, tmp_path):
    docs = tmp_path / "docs"
    (docs / "agencies").mkdir(parents=True)
    (docs / "agencies" / "a.md").write_text("page", encoding="utf-8")
    reuse = PageReuse(tmp_path / "cache", docs, "code-1")
    assert reuse.get("agency:a", [seed]) is None  # nothing recorded yet
    reuse.put("agency:a", [seed], "", ["agencies/a.md"])
    reuse.save()
    again = PageReuse(tmp_path / "cache", docs, "code-1")
    assert again.get("agency:a", [seed]) == ["agencies/a.md"] and again.kept == ["agency:a"]
    other = dataclasses.replace(seed, status="incomplete")
    assert again.get("agency:a", [seed, seed]) is None          # another report in the group
    assert again.get("agency:a", [other]) is None               # a report changed
    assert again.get("agency:a", [seed], "failures") is None    # something else it shows
    assert again.get("agency:b", [seed]) is None                # another group
    assert PageReuse(tmp_path / "cache", docs, "code-2").get("agency:a", [seed]) is None  # other code
    (docs / "agencies" / "a.md").unlink()
    assert PageReuse(tmp_path / "cache", docs, "code-1").get("agency:a", [seed]) is None  # a file went missing


def test_records_not_used_are_pruned(seed, tmp_path):
    reuse = PageReuse(tmp_path / "cache", tmp_path, "c")
    reuse.put("a", [seed], "", [])
    reuse.put("b", [], "", [])
    reuse.save()
    later = PageReuse(tmp_path / "cache", tmp_path, "c")
    assert later.get("a", [seed]) == []
    later.prune()
    assert later.get("a", [seed]) == [] and PageReuse(tmp_path / "cache", tmp_path, "c").get("b", []) is None
