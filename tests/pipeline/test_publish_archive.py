"""Archived originals: every source file is published under its sha256, checked, and never as a live page."""
from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from gongkai import paths as P
from gongkai.pipeline.cleanup import prune_archive
from gongkai.pipeline.publish import Published, archive_source


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_archive_names_come_from_the_hash_and_html_is_never_served_as_html():
    sha = "ab" + "0" * 62
    assert P.archive_file(sha, "x.pdf") == f"archive/ab/{sha}.pdf"
    assert P.archive_file(sha, "x.DOCX") == f"archive/ab/{sha}.docx"
    for name in ("page.html", "page.HTM", "a.shtml", "b.svg"):
        assert P.archive_file(sha, name).endswith(".txt"), name
    assert P.archive_file(sha, "noext") == f"archive/ab/{sha}.bin"
    # A suffix is reduced to letters and digits: no path or markup can come through it.
    assert P.archive_file(sha, "a.p/d<f") == f"archive/ab/{sha}.pdf"
    for bad in ("../etc", sha.upper(), sha[:-1], "g" * 64):
        with pytest.raises(ValueError):
            P.archive_file(bad, "x.pdf")


def test_every_source_is_archived_byte_for_byte_under_its_hash(built):
    root, result, _ = built
    dl = root / "docs" / "downloads"
    assert result.reports
    for rep in result.reports:
        copy = dl / P.archive_file(rep.sha256, rep.source.name)
        data = (root / "reports" / rep.source.name).read_bytes()
        assert copy.read_bytes() == data, rep.source.name
        assert _sha(data) == rep.sha256 == copy.name.split(".")[0]
    html = [r for r in result.reports if r.source.suffix.lower() in (".html", ".htm")]
    assert html, "the sample corpus has an HTML report"
    for rep in html:
        assert P.archive_file(rep.sha256, rep.source.name).endswith(".html.txt")
    # Nothing in the archive is a page a browser would run.
    assert not [p for p in (dl / P.ARCHIVE).rglob("*") if p.suffix.lower() in P.LIVE_SUFFIXES]


def test_report_page_and_api_link_the_archived_copy(built):
    root, result, _ = built
    import json

    for rep in result.reports[:5]:
        rel = P.archive_file(rep.sha256, rep.source.name)
        page = (root / "docs" / P.report_page_of(rep)).read_text(encoding="utf-8")
        assert "原文存档" in page and f'href="../../../../downloads/{rel}"' in page
        api = json.loads((root / "docs" / "api" / P.report_api(rep.slug, rep.meta.year)).read_text(encoding="utf-8"))
        assert api["links"]["archive"] == f"downloads/{rel}"
        # The link resolves in the built site.
        assert (root / "site" / "downloads" / rel).read_bytes() == (root / "reports" / rep.source.name).read_bytes()
    downloads = (root / "docs" / "downloads.md").read_text(encoding="utf-8")
    assert "## 原文存档" in downloads and "SHA-256" in downloads


def _ctx(tmp_path):
    return SimpleNamespace(root=tmp_path, dl_dir=tmp_path / "docs" / "downloads")


def test_an_archived_copy_whose_hash_differs_is_an_error_naming_the_file(tmp_path):
    src = tmp_path / "reports" / "r.txt"
    src.parent.mkdir()
    src.write_bytes(b"one")
    rep = SimpleNamespace(source=src, sha256=_sha(b"one"))
    out = Published("x/2020", "")
    assert archive_source(rep, _ctx(tmp_path), out) == []
    assert out.written == [f"docs/downloads/{P.archive_file(rep.sha256, 'r.txt')}"]
    # The file changed after its data were extracted: the copy no longer has the hash the page shows.
    src.unlink()
    src.write_bytes(b"two")
    (tmp_path / "docs" / "downloads" / P.archive_file(rep.sha256, "r.txt")).unlink()
    errors = archive_source(rep, _ctx(tmp_path), Published("x/2020", ""))
    assert len(errors) == 1 and "r.txt" in errors[0] and _sha(b"two") in errors[0]


def test_a_missing_source_is_an_error_not_a_crash(tmp_path):
    rep = SimpleNamespace(source=tmp_path / "gone.pdf", sha256=_sha(b""))
    errors = archive_source(rep, _ctx(tmp_path), Published("x/2020", ""))
    assert len(errors) == 1 and "gone.pdf" in errors[0]


def test_prune_keeps_only_the_hashes_still_published(tmp_path):
    keep, drop = _sha(b"keep"), _sha(b"drop")
    for sha in (keep, drop):
        path = tmp_path / P.archive_file(sha, "a.pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    prune_archive(tmp_path / P.ARCHIVE, {keep})
    assert (tmp_path / P.archive_file(keep, "a.pdf")).exists()
    assert not (tmp_path / P.archive_file(drop, "a.pdf")).exists()
    assert not (tmp_path / P.archive_file(drop, "a.pdf")).parent.exists() or keep[:2] == drop[:2]
