"""gongkai/pipeline/publish.py on Dask: with a scheduler, the per-report phase runs as Dask tasks (as extraction
does) and writes the same bytes as the local build."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project, load_synth
from gongkai.pipeline import publish
from gongkai.pipeline.build import build

synth = load_synth()


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for d in ("datapackages", "docs") for p in (root / d).rglob("*")
            if p.is_file()}


def test_the_per_report_phase_on_a_local_cluster_writes_the_local_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    corpus = tmp_path / "synth"
    # Two agencies' three years (the cross-year check runs, replayed in the worker), text and HTML.
    synth.write_corpus(corpus, 6, ["txt", "html"], seed=7, log=lambda *_: None)
    files = sorted(corpus.iterdir())
    local_root, dask_root = copy_project(tmp_path / "local", files), copy_project(tmp_path / "dask", files)
    local = build(local_root, log=lambda *_: None, jobs=1, scheduler="", keep_records=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = build(dask_root, log=lambda *_: None, scheduler=cluster.scheduler_address, keep_records=False)
        ran = set(cluster.scheduler.task_prefixes)
    assert not local.invalid and not remote.invalid
    assert {publish.publish_batch.__name__, "extract_blob"} <= ran  # both phases ran as Dask tasks
    assert [r.report_id for r in remote.reports] == [r.report_id for r in local.reports]
    a, b = _files(local_root), _files(dask_root)
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []
    assert any(k.endswith("checks.csv") and b"cross_year." in a[k] for k in a)
