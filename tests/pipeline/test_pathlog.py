"""gongkai/pipeline/pathlog.py: the compressed list of written paths behaves as the list it replaces."""
from __future__ import annotations

from gongkai.pipeline import pathlog
from gongkai.pipeline.pathlog import PathLog


def test_it_keeps_every_path_in_order_across_compressed_blocks(monkeypatch):
    monkeypatch.setattr(pathlog, "CHUNK", 3)
    paths = [f"docs/downloads/agency-{i}/2021/applications.csv" for i in range(10)]
    log = PathLog()
    log += paths[:4]
    log.append(paths[4])
    log.extend(paths[5:])
    assert len(log._blocks) == 3 and len(log._tail) == 1  # nine paths compressed, one not yet
    assert list(log) == paths and len(log) == 10 and log == paths
    assert paths[2] in log and "docs/index.md" not in log
    assert log[-1] == paths[-1] and [p for p in log if p.endswith("-3/2021/applications.csv")] == [paths[3]]


def test_an_empty_log_is_an_empty_list():
    assert PathLog() == [] and len(PathLog()) == 0 and list(PathLog(["a"])) == ["a"]


def test_a_block_is_much_smaller_than_its_strings():
    import sys
    import zlib

    paths = [f"docs/downloads/agency-{i:05d}/2021/{name}" for i in range(500)
             for name in ("applications.csv", "applications.json", "checks.csv", "datapackage.json")]
    block = zlib.compress(pathlog.SEP.join(paths).encode("utf-8"))
    assert len(block) * 5 < sum(sys.getsizeof(p) for p in paths)
