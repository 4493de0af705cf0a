"""gongkai/pipeline/overview.py: after one report changed, the pages phase renders only the groups of pages
that show it, removes what is no longer generated, and leaves docs/ as a whole build of the same reports."""
from __future__ import annotations

from conftest import ROOT, copy_project
from gongkai import paths as P
from pathlib import Path

from gongkai.pages import measured
from gongkai.pipeline import overview, page_reuse
from gongkai.pipeline.build import build

SEED = "000_8719cb9f3c2be4e4.txt"
OTHERS = ["004_wuhan_hanyangqu_zfb_2022.txt", "005_chongqing_jiulongpo_erlangjd_2022.txt"]
CARRIED = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"


def _docs(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / P.DOCS_DIR).rglob("*") if p.is_file()}


def _build(root, monkeypatch):
    """build(), and the pages phase's reuse record (which groups it kept, which it rendered)."""
    seen = []
    real = overview.write_overview
    monkeypatch.setattr("gongkai.pipeline.build.write_overview", lambda *a: seen.append(real(*a)) or seen[-1])
    result = build(root, log=lambda *_: None, keep_records=False)
    assert not result.invalid
    return result, seen[-1]


def test_an_edit_renders_only_the_pages_of_what_changed_and_equals_a_whole_build(tmp_path, monkeypatch):
    files = [ROOT / "reports" / n for name in [SEED, *OTHERS] for n in (name, name + ".yml")]
    root = copy_project(tmp_path / "inc", reports=files)
    first, reuse = _build(root, monkeypatch)
    assert not reuse.kept
    by_file = {r.source.name: r for r in first.reports}
    seed, kept, removed = by_file[SEED], by_file[OTHERS[0]], by_file[OTHERS[1]]
    # The seed's table 三 now carries 3 requests over: its figures and checks change; another report goes.
    text = (root / "reports" / SEED).read_text(encoding="utf-8")
    edited = text.replace(CARRIED, CARRIED.replace("\t0", "\t3", 1)[:-1] + "3")
    assert edited != text
    (root / "reports" / SEED).write_text(edited, encoding="utf-8")
    for path in (root / "reports" / OTHERS[1], root / "reports" / (OTHERS[1] + ".yml")):
        path.unlink()
    _, reuse = _build(root, monkeypatch)
    assert f"agency:{kept.slug}" in reuse.kept
    rendered = set(reuse.rendered)
    assert {"hub", "api", f"agency:{seed.slug}", f"year:{seed.meta.year}"} <= rendered
    assert f"agency:{kept.slug}" not in rendered and f"agency:{removed.slug}" not in rendered
    assert not (root / P.DOCS_DIR / P.agency_page(removed.slug)).exists()
    fresh = copy_project(tmp_path / "fresh", reports=[f for f in files if not f.name.startswith(OTHERS[1])])
    (fresh / "reports" / SEED).write_text(edited, encoding="utf-8")
    build(fresh, log=lambda *_: None, keep_records=False)
    mine, whole = _docs(root), _docs(fresh)
    assert sorted(mine) == sorted(whole)
    # The downloads page gives the database's size: updated in place, its bytes differ, not its content.
    assert [rel for rel in mine if mine[rel] != whole[rel] and not rel.endswith(
        (P.CORPUS_SQLITE, "docs/downloads.md"))] == []
    # A sentence added to the text changes no figure: the pages over many reports are all kept, and of the API
    # index only that report's entry (it links the archived file by its sha256) is made again.
    (root / "reports" / OTHERS[0]).write_text(
        (root / "reports" / OTHERS[0]).read_text(encoding="utf-8") + "\n（本句为测试改动）\n", encoding="utf-8")
    measured_for, read = [], []
    real_values, real_read = measured.values_of, Path.read_bytes

    def reading(path):
        read.append(path)
        return real_read(path)

    monkeypatch.setattr(measured, "values_of", lambda rep: measured_for.append(rep.report_id) or real_values(rep))
    monkeypatch.setattr(Path, "read_text", lambda path, *a, **k: reading(path).decode(k.get("encoding") or "utf-8"))
    result, reuse = _build(root, monkeypatch)
    monkeypatch.undo()
    assert "hub" in reuse.kept and f"agency:{kept.slug}" in reuse.kept and reuse.rendered == []
    assert measured_for == [kept.report_id]  # every report's measures were computed for the API index
    cache = root / P.CACHE_DIR / "pages"
    assert [p for p in read if cache in p.parents] == [cache / page_reuse.RECORDS]  # not a file per group
    # Written besides the report's own files (its page, evidence, API file): the API index, no other page.
    others = [rel for rel in result.written if rel.startswith(P.DOCS_DIR + "/") and P.DOWNLOADS not in rel
              and f"/{kept.slug}/" not in rel]
    assert others == [f"{P.DOCS_DIR}/{P.API_DIR}/index.json"]
    fresh_text = (root / "reports" / OTHERS[0]).read_bytes()
    (fresh / "reports" / OTHERS[0]).unlink()
    (fresh / "reports" / OTHERS[0]).write_bytes(fresh_text)
    build(fresh, log=lambda *_: None, keep_records=False)
    assert (root / P.DOCS_DIR / P.API_DIR / "index.json").read_bytes() == \
        (fresh / P.DOCS_DIR / P.API_DIR / "index.json").read_bytes()
