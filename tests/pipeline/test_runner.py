"""gongkai/pipeline/runner.py at scale: the synthetic corpus, the extraction cache, incremental rebuilds,
parallel and Dask extraction.

These tests check what gets extracted and written, never how long it takes (that is `make bench`).
"""
from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, load_synth
from gongkai import paths as P
from gongkai.schema import registry as R
from gongkai.pipeline import fingerprint, runner
from gongkai.pipeline.build import build
from gongkai.site import docs_fingerprint

synth = load_synth()

QUIET = dict(log=lambda *_: None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Six synthetic reports (two agencies × three years) in the text and HTML families."""
    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(out, 6, ["txt", "html"], seed=7, log=lambda *_: None)
    return out


def _project(tmp_path: Path, corpus: Path) -> Path:
    return copy_project(tmp_path / "p", sorted(corpus.iterdir()))


def test_synthetic_reports_read_back_exactly(corpus):
    """Every generated cell comes back from the parser with its value, and no identity fails."""
    generated = synth.generate(6, seed=7)
    paths = sorted(p for p in corpus.iterdir() if not p.name.endswith(".yml"))
    assert {p.suffix for p in paths} == {".txt", ".html"}
    outcomes, _ = runner.extract_many(paths, jobs=1)
    for s, outcome in zip(generated, outcomes):
        rep = outcome.report
        assert rep is not None, outcome.reason
        assert rep.meta.agency == s.agency and rep.meta.agency.startswith("〔合成〕")
        assert rep.status == "complete" and not rep.failed_checks
        app = {(r["row_code"], r["applicant_code"]): r["value"] for r in rep.records["applications"]}
        assert app == {k: Decimal(v) for k, v in s.app.items() if k[0] != "other_total"}
        rl = {(r["category_code"], r["result_code"]): r["value"] for r in rep.records["reviews_litigation"]}
        assert rl == {k: Decimal(v) for k, v in s.rl.items()}
        ad = {(r["item_code"], r["measure_code"]): r["value"] for r in rep.records["active_disclosure"]}
        assert ad == s.ad


def test_synthetic_years_chain_and_sidecars_say_synthetic(corpus):
    reports = synth.generate(6, seed=7)
    for prev, this in zip(reports, reports[1:]):
        if prev.agency == this.agency:
            assert all(this.app[("carried_over", c.code)] == prev.app[("carried_forward", c.code)]
                       for c in R.APPLICANTS)
    for side in corpus.glob("*.yml"):
        assert "synthetic: true" in side.read_text(encoding="utf-8")


def test_synth_refuses_the_published_corpus():
    with pytest.raises(SystemExit):
        synth.write_corpus(ROOT / "reports" / "synthetic", 1, ["txt"], log=lambda *_: None)
    assert not (ROOT / "reports" / "synthetic").exists()


def test_no_op_rebuild_extracts_and_writes_nothing(tmp_path, corpus):
    root = _project(tmp_path, corpus)
    first = build(root, **QUIET)
    assert len(first.extracted) == 6 and not first.invalid
    assert "docs/index.md" in first.written
    fp = docs_fingerprint(root)
    assert build(root, **QUIET).up_to_date
    # Forced through every step, the cache and the byte comparison still leave every file alone.
    again = build(root, force=True, **QUIET)
    assert not again.up_to_date and again.extracted == [] and again.written == []
    # Nothing MkDocs reads changed, so `gongkai site` would skip MkDocs.
    assert docs_fingerprint(root) == fp
    # An output removed by hand is not "up to date": it is made again, and only it.
    (root / "docs" / "index.md").unlink()
    third = build(root, **QUIET)
    assert not third.up_to_date and third.written == ["docs/index.md"]


def test_editing_one_report_rewrites_only_what_depends_on_it(tmp_path, corpus, monkeypatch):
    import gongkai.pipeline.publish as publish_mod

    root = _project(tmp_path, corpus)
    first = build(root, **QUIET)
    exported = []
    real_exports = publish_mod.report_exports
    monkeypatch.setattr(publish_mod, "report_exports", lambda *a, **k: exported.append(a[1:3]) or real_exports(*a, **k))
    # One process, so that the calls the spy records are this process's.
    build(root, force=True, jobs=1, **QUIET)
    assert exported == []  # a build with nothing changed re-renders no zip or workbook
    by_file = {r.source.name: r for r in first.reports}
    target = sorted(n for n in by_file if n.endswith(".txt"))[0]
    rep = by_file[target]
    other = next(r for n, r in by_file.items() if r.slug != rep.slug)
    path = root / "reports" / target
    path.write_text(path.read_text(encoding="utf-8").replace("推进政务公开", "深入推进政务公开", 1), encoding="utf-8")
    fp = docs_fingerprint(root)

    second = build(root, jobs=1, **QUIET)
    assert second.extracted == [target]
    assert exported == [(rep.slug, rep.meta.year)]
    written = set(second.written)
    assert f"datapackages/{P.report_dir_of(rep.report_id)}/sections.csv" in written
    assert f"docs/{P.report_page_of(rep)}" in written
    assert "datapackages/all/sections.csv" in written
    # Its tables did not change, and nothing of another agency did.
    assert f"datapackages/{P.report_dir_of(rep.report_id)}/applications.csv" not in written
    assert not [w for w in written if other.slug in w]
    assert docs_fingerprint(root) != fp


def test_extractor_upgrade_and_sidecar_edit_invalidate_the_cache(tmp_path, corpus, monkeypatch):
    root = _project(tmp_path, corpus)
    build(root, **QUIET)
    side = sorted((root / "reports").glob("*.yml"))[0]
    side.write_text(side.read_text(encoding="utf-8") + "retrieved: 2026-11-25\n", encoding="utf-8")
    assert build(root, **QUIET).extracted == [side.name[:-4]]
    monkeypatch.setattr(fingerprint, "EXTRACTOR_VERSION", "999.0.0")
    assert len(build(root, **QUIET).extracted) == 6


def test_removed_report_takes_its_pages_and_packages_with_it(tmp_path, corpus):
    root = _project(tmp_path, corpus)
    first = build(root, **QUIET)
    gone = first.reports[-1]
    (root / "reports" / gone.source.name).unlink()
    (root / "reports" / (gone.source.name + ".yml")).unlink()
    build(root, **QUIET)
    assert (root / "docs" / P.report_page_of(first.reports[0])).exists()  # the paths below are where pages are
    assert not (root / "docs" / P.report_page_of(gone)).exists()
    assert not (root / "datapackages" / P.report_dir(gone.slug, gone.meta.year)).exists()
    assert not (root / "docs" / "downloads" / P.report_dir_of(gone.report_id)).exists()


def test_parallel_build_is_byte_identical_to_serial(tmp_path, corpus):
    serial = build(_project(tmp_path / "a", corpus), jobs=1, **QUIET)
    parallel = build(_project(tmp_path / "b", corpus), jobs=2, **QUIET)
    assert len(parallel.extracted) == 6
    for sub in ("datapackages", "docs/reports", "docs/downloads", "docs/api"):
        a, b = tmp_path / "a" / "p" / sub, tmp_path / "b" / "p" / sub
        files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
        assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert [r.report_id for r in serial.reports] == [r.report_id for r in parallel.reports]


def test_pool_backend_is_used_for_more_than_one_job(corpus):
    paths = sorted(p for p in corpus.iterdir() if not p.name.endswith(".yml"))
    _, stats = runner.extract_many(paths, jobs=2, scheduler="")
    assert stats.backend == "2 processes" and sorted(stats.extracted) == sorted(p.name for p in paths)


def test_dask_local_cluster_gives_the_same_reports(corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    paths = sorted(p for p in corpus.iterdir() if not p.name.endswith(".yml"))[:3]
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    paths.append(bad)
    serial, _ = runner.extract_many(paths, jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote, stats = runner.extract_many(paths, scheduler=cluster.scheduler_address)
    assert stats.backend.startswith("dask ")
    assert remote[-1].report is None and "empty" in remote[-1].reason
    for a, b in zip(serial[:-1], remote[:-1]):
        assert b.report.source == a.report.source
        assert b.report.records == a.report.records


def test_progress_reports_count_and_eta():
    out = io.StringIO()
    bar = runner.Progress(20, stream=out)
    for _ in range(20):
        bar.update()
    lines = out.getvalue().splitlines()
    assert 2 <= len(lines) <= 11  # a line per tenth when stderr is not a terminal
    assert "10/20" in out.getvalue() and "ETA" in out.getvalue()
    assert lines[-1].startswith("extract [") and "20/20 100%" in lines[-1] and lines[-1].endswith("done")


def test_cache_key_covers_file_sidecar_version_and_schema(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    k1 = runner.cache_key(f, "v1")
    assert runner.cache_key(f, "v2") != k1
    (tmp_path / "a.txt.yml").write_text("year: 2020\n", encoding="utf-8")
    k2 = runner.cache_key(f, "v1")
    assert k2 != k1
    f.write_text("y", encoding="utf-8")
    assert runner.cache_key(f, "v1") not in (k1, k2)
    assert len(fingerprint.schema_hash()) == 64
    shutil.rmtree(tmp_path)


def test_a_file_that_kills_its_batch_fails_alone(corpus, monkeypatch):
    """Files share an isolated child; when one blows the memory ceiling, the others are retried and publish."""
    import gongkai.extract as ex

    paths = sorted(p for p in corpus.iterdir() if not p.name.endswith(".yml"))[:3]
    bomb = paths[1]
    real = runner.extract

    def fake(path, today=None):
        if Path(path).name == bomb.name:
            raise MemoryError
        return real(path, today=today)

    monkeypatch.setattr(runner, "extract", fake)  # the batch's child
    monkeypatch.setattr(ex, "extract", fake)  # each file's own child, when the batch is retried one by one
    outcomes = runner.extract_batch(paths)
    assert [o.name for o in outcomes] == [p.name for p in paths]
    assert outcomes[0].report is not None and outcomes[2].report is not None
    assert outcomes[1].report is None and "memory" in outcomes[1].reason and not outcomes[1].cacheable


def test_batches_cover_every_file_once():
    paths = [Path(f"f{i}.txt") for i in range(101)]
    for jobs in (1, 2, 8):
        got = runner.batches(paths, jobs)
        assert [p for b in got for p in b] == paths
        assert max(map(len, got)) <= runner.BATCH


def test_synthetic_docx_reads_back_when_docx_is_supported(tmp_path):
    from gongkai.readers import SUPPORTED

    if ".docx" not in SUPPORTED:
        pytest.skip("no DOCX reader in this build")
    [path] = synth.write_corpus(tmp_path, 1, ["docx"], seed=3, log=lambda *_: None)
    [outcome], _ = runner.extract_many([path], jobs=1)
    rep = outcome.report
    assert rep is not None, outcome.reason
    assert rep.status == "complete" and not rep.failed_checks
    [s] = synth.generate(1, seed=3)
    app = {(r["row_code"], r["applicant_code"]): r["value"] for r in rep.records["applications"]}
    assert app == {k: Decimal(v) for k, v in s.app.items() if k[0] != "other_total"}




def test_extracting_text_reports_alone_does_not_import_pdfplumber(corpus, tmp_path):
    """An edited text report is extracted in a child of the build process; the warm-up before the fork loaded
    pdfplumber too (0.45 CPU-s of every edit), which only a PDF needs.  A fresh interpreter extracts one text
    report, then a PDF is asked for: pdfplumber is loaded then, not before."""
    import subprocess
    import sys

    txt = sorted(corpus.glob("*.txt"))[0]
    code = ("import sys\nfrom pathlib import Path\nfrom gongkai.pipeline import runner\n"
            f"[out] = runner.extract_batch([Path({str(txt)!r})])\n"
            "assert out.report is not None, out.reason\n"
            "print('pdfplumber' in sys.modules)\n"
            "runner.warm_up(runner._needs_pdf([Path('x.pdf')]))\n"
            "print('pdfplumber' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
