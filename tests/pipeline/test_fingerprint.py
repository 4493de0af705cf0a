"""The extraction cache's fingerprint follows the code extraction imports, and only that code."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from gongkai.pipeline import fingerprint as F


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    dest = tmp_path_factory.mktemp("pkg") / "gongkai"
    shutil.copytree(ROOT / "gongkai", dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_the_closure_holds_what_extraction_reads():
    names = {p.relative_to(F.PACKAGE_DIR).as_posix() for p in F.extraction_files()}
    # The two modules the old hand-written list forgot, and the readers.
    assert {"extract.py", "checks/prose.py", "parse/legacy.py", "readers/pdf.py", "readers/txt.py",
            "parse/tables.py", "schema/registry.py", "model.py"} <= names
    # Writers of pages and packages are not part of it.
    assert not any(n.startswith(("pages/", "package/", "pipeline/")) for n in names)


def test_editing_any_module_extraction_imports_changes_the_fingerprint(copy):
    base = F.code_hash(copy)
    files = F.extraction_files(copy)
    assert len(files) > 15
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        try:
            assert F.code_hash(copy) != base, path.relative_to(copy).as_posix()
        finally:
            path.write_bytes(original)
    assert F.code_hash(copy) == base


def test_editing_a_page_writer_keeps_the_fingerprint(copy):
    base = F.code_hash(copy)
    page = copy / "pages" / "overview.py"
    original = page.read_bytes()
    page.write_bytes(original + b"\n# edited\n")
    try:
        assert F.code_hash(copy) == base
    finally:
        page.write_bytes(original)


def test_a_build_parses_only_the_modules_whose_source_changed_since_the_last(copy, tmp_path, monkeypatch):
    """Every build hashes the closure of extract.py; parsing every module for its imports was 0.7 CPU-s of each
    build's start.  What an earlier build found is kept by the source's sha256 (keep, remember): an unchanged
    module is not parsed again, an edited one is, and the fingerprint is the one a fresh parse gives."""
    parsed = []
    real = F.ast.parse
    monkeypatch.setattr(F.ast, "parse", lambda source, *a, **k: parsed.append(1) or real(source, *a, **k))
    monkeypatch.setattr(F, "_KNOWN", {})
    F.import_statements.cache_clear()
    fresh = F.code_hash(copy)
    assert parsed  # nothing known: every module parsed
    F.keep(tmp_path / "imports.json")
    monkeypatch.setattr(F, "_KNOWN", {})
    F.import_statements.cache_clear()
    parsed.clear()
    F.remember(tmp_path / "imports.json")
    assert F.code_hash(copy) == fresh and not parsed
    path = copy / "parse" / "slug.py"
    original = path.read_bytes()
    path.write_bytes(original + b"\n# edited\n")
    try:
        edited = F.code_hash(copy)
        assert len(parsed) == 1 and edited != fresh
    finally:
        path.write_bytes(original)
    (tmp_path / "damaged.json").write_text("{not json")
    F.remember(tmp_path / "damaged.json")  # parsed again, module by module
    assert F.code_hash(copy) == fresh
