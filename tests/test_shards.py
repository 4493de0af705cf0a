"""gongkai/shards.py: which run renders which docs/ file, and the links that cross runs."""
from __future__ import annotations

from gongkai import shards as S


def test_an_agencys_pages_belong_to_it_and_everything_else_to_the_hub():
    assert S.agency_key("reports/e7/sifa-ting/2023.md") == "sifa-ting"
    assert S.agency_key("agencies/e7/sifa-ting.md") == "sifa-ting"
    for hub in ("index.md", "agencies.md", "regions/jiangsu.md", "years/2023.md", "reports.md", "reports/e7.md"):
        assert S.agency_key(hub) is None, hub


def test_the_shard_count_is_the_power_of_two_that_bounds_the_shards():
    assert [S.shard_count(n, 100) for n in (0, 1, 100, 101, 200, 201, 1000)] == [1, 1, 1, 2, 2, 4, 16]


def _files(agencies: int, years=(2021, 2022, 2023)) -> list[str]:
    out = ["index.md", "agencies.md", "regions/jiangsu.md"]
    for i in range(agencies):
        out.append(f"agencies/{i % 7:02x}/a{i}.md")
        out += [f"reports/{i % 7:02x}/a{i}/{y}.md" for y in years]
    return out


def test_every_file_is_in_one_shard_and_an_agency_never_straddles_two():
    files = _files(40)
    plan = S.assign(files, per_shard=20)  # 120 reports -> 8 shards
    assert list(plan)[0] == S.HUB and plan[S.HUB] == sorted(["index.md", "agencies.md", "regions/jiangsu.md"])
    assert sorted(f for shard in plan.values() for f in shard) == sorted(files)
    where = {}
    for name, shard in plan.items():
        for rel in shard:
            key = S.agency_key(rel)
            if key:
                assert where.setdefault(key, name) == name, rel
    assert 1 < len(plan) - 1 <= 8 and max(len(v) for k, v in plan.items() if k != S.HUB) < len(files) / 2


def test_doubling_the_count_splits_each_shard_in_two():
    """An agency in shard j of 2k shards was in shard j mod k: growth never mixes two old shards."""
    for key in (f"agency-{i}" for i in range(200)):
        for k in (1, 2, 4, 8, 64):
            assert int(S.shard_of(key, 2 * k)[1:]) % k == int(S.shard_of(key, k)[1:])


def test_link_targets_are_the_docs_files_a_page_links_to():
    text = ('[机关](../../agencies.md) [质量](../../quality.md#warnings "标题") ![图](img/a.png) '
            '[外](https://example.org/x.md) [邮](mailto:a@b.c) [锚](#top) [根](/abs.md) '
            '[出界](../../../../outside.md) [空格](<../../regions/江苏%E7%9C%81.md>) [去年](../a/2022.md)')
    assert S.link_targets("reports/a/2023.md", text) == {
        "agencies.md", "quality.md", "reports/a/img/a.png", "regions/江苏省.md", "reports/a/2022.md"}
