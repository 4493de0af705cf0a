"""gongkai/shard_build.py and the sharded site build (gongkai/site.py): a shard's folder, its stand-ins, and
whole builds of a small project cut into several shards: local and on a Dask LocalCluster give the same
bytes, a one-page edit re-renders that page's shard only, and a link to a file that exists nowhere still
fails the strict build."""
from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from gongkai import shard_build as SB
from gongkai import shards as S
from gongkai import site as sitebuild


def test_sync_tree_links_removes_and_relinks_replaced_files(tmp_path):
    docs, dest = tmp_path / "docs", tmp_path / "shard"
    for rel in ("a.md", "d/b.md", "d/c.md"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(rel)
    SB.sync_tree(docs, ["a.md", "d/b.md", "d/c.md"], dest)
    assert os.path.samefile(docs / "d/b.md", dest / "d/b.md")
    # The build replaces a file (new inode); a file leaves the shard; a folder empties.
    (docs / "a.md").unlink()
    (docs / "a.md").write_text("new")
    SB.sync_tree(docs, ["a.md"], dest)
    assert (dest / "a.md").read_text() == "new" and not (dest / "d").exists()


def test_stand_ins_are_the_existing_files_elsewhere_that_the_pages_link_to(tmp_path):
    docs = tmp_path
    for rel, text in {"reports/a/2023.md": "[机关](../../agencies.md) [无](../../nowhere.md) [去年](2022.md)",
                      "reports/a/2022.md": "", "agencies.md": "", "assets/x.css": ""}.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    assert SB.stand_ins(docs, ["reports/a/2022.md", "reports/a/2023.md"]) == ["agencies.md"]


def test_a_shard_fingerprint_changes_with_its_files_and_stand_ins(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("[机关](agencies.md)")
    (tmp_path / "docs" / "agencies.md").write_text("x")
    fp = SB.prepare(tmp_path / "docs", ["a.md"], tmp_path / "shard", "theme")
    assert (tmp_path / "shard" / SB.STAND_INS).read_text() == "agencies.md\n"
    assert SB.prepare(tmp_path / "docs", ["a.md"], tmp_path / "shard", "theme") == fp
    assert SB.prepare(tmp_path / "docs", ["a.md"], tmp_path / "shard", "other") != fp
    # An edited page: new state, its links found again.
    (tmp_path / "docs" / "a.md").write_text("[机关](agencies.md) [年度](years.md)")
    (tmp_path / "docs" / "years.md").write_text("y")
    assert SB.prepare(tmp_path / "docs", ["a.md"], tmp_path / "shard", "theme") != fp
    assert (tmp_path / "shard" / SB.STAND_INS).read_text() == "agencies.md\nyears.md\n"


def test_an_edited_page_is_the_only_one_read_again_for_the_stand_ins(tmp_path, monkeypatch):
    """Preparing a shard after one page changed reads that page's links alone: the others' are kept with
    the size and mtime they were read at (a whole shard was read again for one edited report page)."""
    docs = tmp_path / "docs"
    pages = {f"reports/a/{y}.md": f"[机关](../../agencies.md) [{y}](../../years/{y}.md)" for y in (2021, 2022, 2023)}
    for rel, text in {**pages, "agencies.md": "", "years/2021.md": "", "years/2022.md": "",
                      "years/2023.md": "", "quality.md": ""}.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    files = sorted(pages)
    SB.prepare(docs, files, tmp_path / "shard", "theme")
    read = []
    real = S.link_targets
    monkeypatch.setattr(S, "link_targets", lambda rel, text: read.append(rel) or real(rel, text))
    edited = docs / "reports/a/2022.md"
    edited.write_text(edited.read_text(encoding="utf-8") + " [质量](../../quality.md)", encoding="utf-8")
    SB.prepare(docs, files, tmp_path / "shard", "theme")
    assert read == ["reports/a/2022.md"]
    assert (tmp_path / "shard" / SB.STAND_INS).read_text().splitlines() == [
        "agencies.md", "quality.md", "years/2021.md", "years/2022.md", "years/2023.md"]
    # The same stand-ins as when every page is read.
    assert SB.stand_ins(docs, files) == (tmp_path / "shard" / SB.STAND_INS).read_text().splitlines()


def test_a_delta_run_is_given_only_what_its_pages_link_to(tmp_path):
    """Pages rendered alone get as stand-ins the existing files they link to, not every other file of the
    shard and every file the shard links to (the hub links to every agency and report: thousands of stand-ins
    MkDocs made for one page)."""
    docs = tmp_path / "docs"
    pages = {f"reports/a/{y}.md": f"[机关](../../agencies.md) [{y}](../../years/{y}.md) [前年](../../reports/a/{y - 1}.md)"
             f" [无](../../nowhere.md)" for y in (2021, 2022, 2023)}
    for rel, text in {**pages, "agencies.md": "", "years/2021.md": "", "years/2022.md": "",
                      "years/2023.md": "", "quality.md": ""}.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    shard = tmp_path / "shard"
    SB.prepare(docs, sorted(pages), shard, "theme")
    delta = SB.prepare_delta(shard, ["reports/a/2023.md"])
    # nowhere.md exists nowhere: left out, so MkDocs reports the broken link as a whole render does.
    assert (delta / SB.STAND_INS).read_text().splitlines() == ["agencies.md", "reports/a/2022.md", "years/2023.md"]
    assert sorted(p.relative_to(delta / "docs").as_posix() for p in (delta / "docs").rglob("*.md")) == [
        "reports/a/2023.md"]
    delta = SB.prepare_delta(shard, ["reports/a/2021.md", "reports/a/2022.md"])
    assert (delta / SB.STAND_INS).read_text().splitlines() == ["agencies.md", "years/2021.md", "years/2022.md"]


def _agencies() -> tuple[str, ...]:
    """Three agencies over two shards (per_shard=2: three reports make two shards), so the build has
    both a shard of two agencies and a link between shards."""
    names = [f"jiguan-{i}" for i in range(50)]
    first = [n for n in names if S.shard_of(n, 2) == S.shard_name(0)]
    second = [n for n in names if S.shard_of(n, 2) == S.shard_name(1)]
    return first[0], first[1], second[0]


AGENCIES = _agencies()
PER_SHARD = 2


def _project(dest: Path) -> Path:
    """The project's mkdocs.yml, hooks, theme overrides and assets, a line for each nav page, and four
    agencies' pages that link to the hub and to each other."""
    from mkdocs.config import load_config

    (dest / "docs").mkdir(parents=True)
    for rel in ("mkdocs.yml", "hooks", "overrides", "docs/assets"):
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / rel)
    for item in load_config(str(ROOT / "mkdocs.yml")).nav:
        ((title, md),) = item.items()
        (dest / "docs" / md).write_text(f"# {title}\n", encoding="utf-8")
    from gongkai import paths as P

    def link(src: str, dst: str) -> str:
        return posixpath.relpath(dst, posixpath.dirname(src))

    links = "".join(f"- [{a}]({link('agencies.md', P.agency_page(a))})\n" for a in AGENCIES)
    (dest / "docs" / "agencies.md").write_text(f"# 机关索引\n\n{links}", encoding="utf-8")
    for a in AGENCIES:
        agency, report = P.agency_page(a), P.report_page(a, 2023)
        download = f"downloads/{P.report_dir(a, 2023)}/x.csv"
        for rel, text in {agency: f"# {a}\n\n[2023 年]({link(agency, report)}) · [机关索引]({link(agency, 'agencies.md')})\n",
                          report: f"# {a} 2023 年报告\n\n政府信息公开工作年度报告。[机关]({link(report, agency)}) · "
                                  f"[方法]({link(report, 'methodology.md')}#top) · [下载]({link(report, download)})\n",
                          download: "a,b\n"}.items():
            (dest / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / "docs" / rel).write_text(text, encoding="utf-8")
    return dest


def _write(page: Path, text: str) -> None:
    """An edit the build's way: a new file renamed over the page (files.atomic_write), so its folder changes."""
    from gongkai.files import atomic_write

    atomic_write(page, text.encode("utf-8"))


def _tree(site: Path) -> dict[str, bytes]:
    """Every file but the search indexes, and the deploy manifest without them (compared by _searchable: a
    recent layer makes other files)."""
    out = {rel: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
           and not (rel := p.relative_to(site).as_posix()).startswith(SB.PAGEFIND_DIR + "/")}
    from gongkai import paths as P

    from gongkai.pipeline import manifest as M

    index = f"\t{M.PARTS_DIR}/{SB.PAGEFIND_DIR}".encode()
    if P.SITE_MANIFEST in out:  # the search indexes' parts, and the index's lines for them
        out[P.SITE_MANIFEST] = b"".join(line for line in out[P.SITE_MANIFEST].splitlines(keepends=True)
                                        if index not in line)
    return {rel: data for rel, data in out.items() if not rel.startswith(f"{M.PARTS_DIR}/{SB.PAGEFIND_DIR}/")}


def _searchable(site: Path) -> dict[str, str]:
    """What a search can return: each page's address -> the fragment Pagefind made of it (named by its
    content), over the hub's index and every index pagefind/shards.json lists, less what it supersedes."""
    import json

    from gongkai import recent_index as RI

    listing = json.loads((site / SB.PAGEFIND_DIR / "shards.json").read_text(encoding="utf-8"))
    gone = listing.get("superseded", {})
    out: dict[str, str] = {}
    for bundle in [site / SB.PAGEFIND_DIR, *(site / SB.PAGEFIND_DIR / s for s in listing["shards"])]:
        for url, (fid, _) in RI.fragments(bundle).items():
            if fid not in gone or gone[fid].get("twin"):
                assert out.setdefault(url, fid) == fid, url  # one page, one content
    return out


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    root = _project(tmp_path_factory.mktemp("local"))
    assert sitebuild.build_site(root, log=lambda *_: None, scheduler="", per_shard=PER_SHARD) == 0
    return root


def test_the_shards_assemble_into_one_site_whose_links_resolve(local):
    site = local / "site"
    shards = [p.name for p in (local / sitebuild.SHARDS_DIR).iterdir() if p.is_dir()]
    assert sorted(shards) == [S.HUB, S.shard_name(0), S.shard_name(1)]
    from gongkai import paths as P

    for a in AGENCIES:
        page = (site / P.page_url(P.report_page(a, 2023)) / "index.html").read_text(encoding="utf-8")
        # Links into another run's pages were resolved to their URLs, as in one build.
        assert f'href="../../../../{P.page_url(P.agency_page(a))}"' in page
        assert 'href="../../../../methodology/#top"' in page
        assert f'href="../../../../downloads/{P.report_dir(a, 2023)}/x.csv"' in page
        assert (site / "downloads" / P.report_dir(a, 2023) / "x.csv").read_text() == "a,b\n"
    hub = (site / "agencies" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{P.agency_dir(a)}/"' in hub for a in AGENCIES)
    # The deploy manifest lists every other file of the assembled site with its hash.
    import hashlib

    from gongkai import paths as P

    from gongkai.pipeline import manifest as M

    rows = M.read_manifest(site / P.SITE_MANIFEST)
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {P.SITE_MANIFEST}
    assert set(rows) == on_disk
    assert all(hashlib.sha256((site / rel).read_bytes()).hexdigest() == sha for rel, (sha, _) in rows.items())
    listed = (site / "pagefind" / "shards.json").read_text()
    for name in shards:
        if name != S.HUB:
            assert f'"shards/{name}/"' in listed and (site / SB.index_dir(name) / "pagefind-entry.json").exists()


def test_a_dask_cluster_builds_the_same_bytes(local, tmp_path):
    distributed = pytest.importorskip("distributed")
    root = _project(tmp_path / "dask")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        assert sitebuild.build_site(root, log=lambda *_: None, scheduler=cluster.scheduler_address,
                                    per_shard=PER_SHARD) == 0
    assert _tree(root / "site") == _tree(local / "site")


def test_one_edited_page_re_renders_its_shard_only(local, tmp_path):
    import json

    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)  # file times kept: the copy is as current as the original
    assert sitebuild.build_site(root, log=lambda *_: None, scheduler="", per_shard=PER_SHARD) is None
    from gongkai import paths as P

    page = root / "docs" / P.report_page(AGENCIES[0], 2023)
    html = root / "site" / P.page_url(P.report_page(AGENCIES[0], 2023)) / "index.html"
    _write(page, page.read_text(encoding="utf-8") + "\n新增一句。\n")
    from gongkai import assemble as A
    from gongkai.mirror import mirror

    def wanted():
        prepared = sitebuild.prepare_shards(root, PER_SHARD)
        return A.wanted(root, {n: d for n, (d, _) in prepared.items()}, root / sitebuild.SITE_FILES)

    mirror(root / "site", wanted(), keep=A.KEEP)  # the copied site's files linked to their sources again
    download = root / "site" / "downloads" / P.report_dir(AGENCIES[1], 2023) / "x.csv"
    before = {p.relative_to(root / "site").as_posix(): p.stat().st_ino for p in (root / "site").rglob("*")
              if p.is_file()}
    logged = []
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 0
    ran = [r["name"] for r in json.loads((root / sitebuild.SHARDS_DIR / sitebuild.SHARD_LOG).read_text())]
    # The assembly linked again only what the shard re-rendered: the other files keep their inodes, and
    # every file of the site is its source's file.
    after = {p.relative_to(root / "site").as_posix(): p.stat().st_ino for p in (root / "site").rglob("*")
             if p.is_file()}
    relinked = sorted(rel for rel in after if before.get(rel) != after[rel])
    assert P.page_url(P.report_page(AGENCIES[0], 2023)) + "index.html" in relinked
    assert len(relinked) < len(after) / 3 and download.stat().st_ino == before[download.relative_to(root / "site").as_posix()]
    from gongkai.pipeline import manifest as M

    linked = [rel for rel in relinked if not M.is_manifest(rel)]  # the manifest is written, not linked
    gone = set(before) - set(after)  # the re-rendered shard's search fragments named by their new content
    assert all(rel.startswith("pagefind/") for rel in gone)
    assert f"({len(linked)} linked, {len(gone)} removed)" in logged[-1]
    want = wanted()
    assert {rel for rel in after if not M.is_manifest(rel)} == set(want)
    assert all(os.path.samefile(src, root / "site" / rel) for rel, (src, _) in want.items())
    plan = S.assign([f for f in sitebuild.docs_files(root / "docs") if f.endswith(".md")], PER_SHARD)
    assert ran == [next(n for n, files in plan.items() if P.report_page(AGENCIES[0], 2023) in files)]
    assert "新增一句" in html.read_text(encoding="utf-8")
    # A link to a file that exists in no shard fails the strict build, and the last good site stays.
    _write(page, page.read_text(encoding="utf-8") + "\n[坏链接](../../../nowhere.md)\n")
    logged = []
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 1
    assert "nowhere.md" in logged[-1]
    assert "新增一句" in html.read_text(encoding="utf-8")


def test_changed_pages_rendered_alone_give_the_bytes_of_a_whole_render(local, tmp_path):
    from gongkai import paths as P

    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)
    for rel in (P.report_page(AGENCIES[1], 2023), "methodology.md"):  # a report shard's page and a hub page
        page = root / "docs" / rel
        _write(page, page.read_text(encoding="utf-8") + "\n补充说明一句。\n")
    logged = []
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 0
    assert any("2 changed page(s) rendered alone" in line for line in logged)
    assert "补充说明一句" in (root / "site" / "methodology" / "index.html").read_text(encoding="utf-8")
    whole = tmp_path / "whole"
    shutil.copytree(root, whole, symlinks=True)
    assert sitebuild.build_site(whole, log=lambda *_: None, scheduler="", per_shard=PER_SHARD, force=True) == 0
    assert _tree(root / "site") == _tree(whole / "site")
    assert _searchable(root / "site") == _searchable(whole / "site")
    # A page added to a shard changes its set of files: the whole shard is rendered again.
    extra = root / "docs" / P.report_page(AGENCIES[1], 2022)
    extra.write_text(f"# {AGENCIES[1]} 2022 年报告\n", encoding="utf-8")
    logged = []
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 0
    assert not any("rendered alone" in line for line in logged)


def test_preparing_the_shards_after_an_edit_stats_no_page_they_link_to(local, tmp_path, monkeypatch):
    """Whether a stand-in page exists comes from the state of docs/ (each folder's pages), not a stat each: the
    hub's stand-ins are every agency's and report's page.  A page that went away is still seen as gone."""
    from gongkai import docs_state as DS
    from gongkai import paths as P

    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)
    for rel in (P.report_page(AGENCIES[0], 2023), "methodology.md", "agencies.md"):
        _write(root / "docs" / rel, (root / "docs" / rel).read_text(encoding="utf-8") + "\n补充。\n")
    stats = []
    real_is_file, real_isfile = Path.is_file, os.path.isfile
    monkeypatch.setattr(Path, "is_file", lambda self: stats.append(self.as_posix()) or real_is_file(self))
    monkeypatch.setattr(os.path, "isfile", lambda path: stats.append(os.fspath(path)) or real_isfile(path))
    docs = DS.DocsState(root).walk()
    prepared = sitebuild.prepare_shards(root, PER_SHARD, docs)
    others = {rel for name, (shard, _) in prepared.items()
              for rel in (shard / SB.STAND_INS).read_text(encoding="utf-8").splitlines()}
    assert P.agency_page(AGENCIES[2]) in others  # the hub's stand-ins name agency pages
    assert not [path for path in stats if path.endswith(".md")]
    # A stand-in page removed: its shard's stand-ins lose it (so MkDocs reports a link to it).
    monkeypatch.undo()
    (root / "docs" / P.agency_page(AGENCIES[2])).unlink()
    docs = DS.DocsState(root).walk()
    hub = sitebuild.prepare_shards(root, PER_SHARD, docs)[S.HUB][0]
    assert P.agency_page(AGENCIES[2]) not in (hub / SB.STAND_INS).read_text(encoding="utf-8").splitlines()


def test_changed_pages_are_none_without_a_comparable_earlier_render(tmp_path):
    shard = tmp_path
    (shard / "site").mkdir()
    files = {"a.md": [1, 1], "b.md": [2, 2], "c.md": [3, 3], "d.md": [4, 4], "e.md": [5, 5]}
    (shard / SB.FILES_NOW).write_text(__import__("json").dumps(files))
    (shard / SB.THEME_NOW).write_text("t\n")
    (shard / SB.STAND_INS).write_text("x.md\n")
    assert SB.changed_pages(shard) is None  # never rendered
    SB.rendered(shard)
    assert SB.changed_pages(shard) is None  # nothing changed: nothing to render
    (shard / SB.FILES_NOW).write_text(__import__("json").dumps({**files, "b.md": [2, 9]}))
    assert SB.changed_pages(shard) == ["b.md"]
    (shard / SB.THEME_NOW).write_text("another theme\n")
    assert SB.changed_pages(shard) is None
    (shard / SB.THEME_NOW).write_text("t\n")
    (shard / SB.STAND_INS).write_text("x.md\ny.md\n")
    assert SB.changed_pages(shard) is None
    (shard / SB.STAND_INS).write_text("x.md\n")
    (shard / SB.FILES_NOW).write_text(__import__("json").dumps({**files, "b.md": [2, 9], "c.md": [3, 9]}))
    assert SB.changed_pages(shard) is None  # more than a quarter of the pages
    assert SB.output_of("reports/ab/x/2023.md") == "reports/ab/x/2023/index.html"
    assert SB.output_of("index.md") == "index.html" and SB.output_of("en/index.md") == "en/index.html"


def test_a_change_inside_a_table_keeps_the_shards_search_index(local, tmp_path):
    """Tables are left out of the index: pages that changed only there leave Pagefind's output as it was, so
    it is not run, and the site still equals a whole render's."""
    import json

    from gongkai import paths as P

    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)
    page = root / "docs" / P.report_page(AGENCIES[0], 2023)
    _write(page, page.read_text(encoding="utf-8") + "\n| 项目 | 数量 |\n|---|---:|\n| 收到申请 | 17 |\n")
    assert sitebuild.build_site(root, log=lambda *_: None, scheduler="", per_shard=PER_SHARD) == 0
    (run,) = json.loads((root / sitebuild.SHARDS_DIR / sitebuild.SHARD_LOG).read_text())
    assert run["pages"] == 1 and run["steps"]["pagefind"]["output"].startswith("index kept")
    assert "<td" in (root / "site" / P.page_url(P.report_page(AGENCIES[0], 2023)) / "index.html").read_text()
    whole = tmp_path / "whole"
    shutil.copytree(root, whole, symlinks=True)
    assert sitebuild.build_site(whole, log=lambda *_: None, scheduler="", per_shard=PER_SHARD, force=True) == 0
    assert _tree(root / "site") == _tree(whole / "site")
    assert _searchable(root / "site") == _searchable(whole / "site")
    # Words outside the table: the index is made again.
    _write(page, page.read_text(encoding="utf-8") + "\n新的说明文字。\n")
    assert sitebuild.build_site(root, log=lambda *_: None, scheduler="", per_shard=PER_SHARD) == 0
    (run,) = json.loads((root / sitebuild.SHARDS_DIR / sitebuild.SHARD_LOG).read_text())
    assert run["pages"] == 1 and not run["steps"]["pagefind"]["output"].startswith("index kept")


def test_a_one_page_edit_neither_lists_nor_stats_nor_hashes_the_whole_site(local, tmp_path, monkeypatch):
    """What the assembly redoes for an edit: after a finished build, site/ is taken from the manifest's cache
    (no listing of site/, no walk of it), and only the files linked again, and a static file written in
    place, are hashed; the manifest is the one a full walk gives."""
    import hashlib

    from gongkai import mirror as MI
    from gongkai import paths as P
    from gongkai.pipeline import manifest as M

    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)
    page = root / "docs" / P.report_page(AGENCIES[0], 2023)
    asset = next(p for p in sorted((root / "docs").rglob("*.css")) if "downloads" not in p.parts)

    def edit(text):
        _write(page, page.read_text(encoding="utf-8") + f"\n{text}\n")

    edit("第一次修改。")
    logged = []
    # A copied project: its record names the original's site/, so this build lists the copy's.
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 0
    edit("第二次修改。")
    with asset.open("a", encoding="utf-8") as fh:  # an editor that saves in place: same inode, new bytes
        fh.write("\n/* 手改 */\n")
    listed, walked, hashed = [], [], []
    real_listing, real_walk, real_sha = MI._listing, M.walk, M.sha256_file
    monkeypatch.setattr(MI, "_listing", lambda base: listed.append(Path(base)) or real_listing(base))
    monkeypatch.setattr(M, "walk", lambda base, *a: walked.append(Path(base)) or real_walk(base, *a))
    monkeypatch.setattr(M, "sha256_file", lambda path: hashed.append(Path(path)) or real_sha(path))
    logged = []
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 0
    site = root / "site"
    assert site not in listed and not walked and not logged[-1].endswith("site/ listed")
    linked = int(__import__("re").search(r"\((\d+) linked", logged[-1]).group(1))
    rel_asset = asset.relative_to(root / "docs").as_posix()
    assert 0 < linked < 40 and site / rel_asset in hashed and len(hashed) <= linked + 1
    assert "第二次修改" in (site / P.page_url(P.report_page(AGENCIES[0], 2023)) / "index.html").read_text(
        encoding="utf-8")
    fresh = M.manifest_site(site, tmp_path / "fresh-cache").read_bytes()  # a walk, every file hashed
    assert (site / P.SITE_MANIFEST).read_bytes() == fresh
    assert M.read_manifest(site / P.SITE_MANIFEST)[rel_asset][0] == hashlib.sha256(asset.read_bytes()).hexdigest()


def test_changed_pages_are_searched_in_a_recent_layer_until_it_grows(local, tmp_path, monkeypatch):
    """A page changed outside its tables is indexed alone (gongkai/recent_index.py): the shard's whole index
    stays as it was, the search page drops its old copy, and what a search can return equals a whole
    build's.  Past RECENT_SHARE of the shard's pages, the shard is indexed whole again."""
    import json

    from gongkai import paths as P
    from gongkai import recent_index as RI

    monkeypatch.setattr(RI, "RECENT_SHARE", 1.0)  # these shards have five pages or fewer
    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)
    shard = next(n for n, files in S.assign([f for f in sitebuild.docs_files(root / "docs") if f.endswith(".md")],
                                             PER_SHARD).items() if P.report_page(AGENCIES[0], 2023) in files)
    whole_index = root / sitebuild.SHARDS_DIR / shard / "site" / SB.index_dir(shard)  # the shard's own output
    before = {p.name: p.stat().st_ino for p in whole_index.rglob("*") if p.is_file()}

    def edit(agency: str, words: str) -> dict:
        page = root / "docs" / P.report_page(agency, 2023)
        _write(page, page.read_text(encoding="utf-8") + f"\n{words}\n")
        assert sitebuild.build_site(root, log=lambda *_: None, scheduler="", per_shard=PER_SHARD) == 0
        (run,) = json.loads((root / sitebuild.SHARDS_DIR / sitebuild.SHARD_LOG).read_text())
        return run

    run = edit(AGENCIES[0], "新增的说明文字。")
    assert run["steps"]["pagefind"]["output"].startswith("recent layer: 1 page(s)")
    assert {p.name: p.stat().st_ino for p in whole_index.rglob("*") if p.is_file()} == before
    listing = json.loads((root / "site" / SB.PAGEFIND_DIR / "shards.json").read_text(encoding="utf-8"))
    assert f"recent/{shard}/" in listing["shards"] and len(listing["superseded"]) == 1
    url = "/" + P.page_url(P.report_page(AGENCIES[0], 2023))
    assert list(listing["superseded"]) == [RI.fragments(whole_index)[url][0]]
    (fid, _), = RI.fragments(root / "site" / RI.recent_dir(shard)).values()
    fragment = root / "site" / RI.recent_dir(shard) / "fragment" / f"{fid}.pf_fragment"
    assert "新增的说明文字" in __import__("gzip").decompress(fragment.read_bytes()).decode().replace("\u200b", "")
    whole = tmp_path / "whole"
    shutil.copytree(root, whole, symlinks=True)
    assert sitebuild.build_site(whole, log=lambda *_: None, scheduler="", per_shard=PER_SHARD, force=True) == 0
    assert _searchable(root / "site") == _searchable(whole / "site")
    assert "superseded" not in json.loads((whole / "site" / SB.PAGEFIND_DIR / "shards.json").read_text())
    # The layer keeps every page changed since the whole index, each at its latest.
    other = AGENCIES[1]  # the same shard's other agency (_agencies)
    assert edit(other, "又一句。")["steps"]["pagefind"]["output"].startswith("recent layer: 2 page(s)")
    assert edit(AGENCIES[0], "再改一次。")["steps"]["pagefind"]["output"].startswith("recent layer: 2 page(s)")
    shutil.rmtree(whole)
    shutil.copytree(root, whole, symlinks=True)
    assert sitebuild.build_site(whole, log=lambda *_: None, scheduler="", per_shard=PER_SHARD, force=True) == 0
    assert _searchable(root / "site") == _searchable(whole / "site")
    # Past the share, the whole shard is indexed again and the layer goes.
    monkeypatch.setattr(RI, "RECENT_SHARE", 0.1)
    assert not edit(other, "第三句。")["steps"]["pagefind"]["output"].startswith("recent layer")
    listing = json.loads((root / "site" / SB.PAGEFIND_DIR / "shards.json").read_text(encoding="utf-8"))
    assert not any(s.startswith("recent/") for s in listing["shards"]) and "superseded" not in listing
    assert not (root / "site" / RI.recent_dir(shard)).exists()


def test_an_edit_lists_prepares_reads_and_writes_only_what_it_touched(local, tmp_path, monkeypatch):
    """A one-page edit: docs/ is listed only where it changed (and where hand-written files are), one shard is
    prepared, and only the parts of the site it touched are listed, read and written (their records and
    manifest files); an untouched part's file keeps its inode.  The manifest is the one a walk gives."""
    from gongkai import docs_state as DS
    from gongkai import paths as P
    from gongkai.pipeline import manifest as M

    root = tmp_path / "p"
    shutil.copytree(local, root, symlinks=True)
    page = root / "docs" / P.report_page(AGENCIES[0], 2023)
    _write(page, page.read_text(encoding="utf-8") + "\n第一次修改。\n")
    assert sitebuild.build_site(root, log=lambda *_: None, scheduler="", per_shard=PER_SHARD) == 0  # a copy: all
    _write(page, page.read_text(encoding="utf-8") + "\n第二次修改。\n")
    bucket = P.bucket(AGENCIES[0])
    untouched = root / "site" / M.part_file(f"agencies/{bucket}")
    inode = untouched.stat().st_ino
    listed, prepared, read, written, wanted = [], [], [], [], []
    real_list, real_prepare, real_load, real_write = DS.DocsState._list, SB.prepare, M.load_record, M.write_part
    real_wanted = sitebuild.A.wanted
    monkeypatch.setattr(DS.DocsState, "_list", lambda self, rel, rec: listed.append(rel) or real_list(self, rel, rec))
    monkeypatch.setattr(SB, "prepare", lambda docs, files, shard, *a, **kw: prepared.append(shard.name)
                        or real_prepare(docs, files, shard, *a, **kw))
    monkeypatch.setattr(M, "load_record", lambda cache, part: read.append(part) or real_load(cache, part))
    monkeypatch.setattr(M, "write_part", lambda site, cache, part, files: written.append(part)
                        or real_write(site, cache, part, files))
    monkeypatch.setattr(sitebuild.A, "wanted", lambda root, plan, extra, part=None: wanted.append(part)
                        or real_wanted(root, plan, extra, part))
    logged = []
    assert sitebuild.build_site(root, log=logged.append, scheduler="", per_shard=PER_SHARD) == 0
    shard = S.shard_of(AGENCIES[0], 2)
    assert prepared == [shard]
    edited = P.report_page(AGENCIES[0], 2023).rpartition("/")[0]
    assert set(listed) <= {edited, ""} | {rel for rel in DS.DocsState(root).walk().entries
                                          if rel.split("/")[0] not in DS.GENERATED}
    assert None not in wanted and sorted(read) == sorted(written) == sorted(wanted)
    assert f"reports/{bucket}" in read and f"agencies/{bucket}" not in read
    assert not any(part.startswith(("downloads", "api", "pagefind/shards/s00")) and part != f"pagefind/shards/{shard}"
                   for part in read)
    assert untouched.stat().st_ino == inode and "part(s) of the site brought up to date" in logged[-1]
    assert "第二次修改" in (root / "site" / P.page_url(P.report_page(AGENCIES[0], 2023)) / "index.html").read_text(
        encoding="utf-8")
    index = (root / "site" / P.SITE_MANIFEST).read_bytes()
    monkeypatch.undo()
    assert M.manifest_site(root / "site", tmp_path / "fresh-cache").read_bytes() == index  # a walk, all hashed
