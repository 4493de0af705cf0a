"""Shared fixtures: the project root, and one full build of the sample corpus per test session."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STATIC = ("mkdocs.yml", "hooks", "docs/methodology.md", "docs/search.md", "docs/assets", "overrides")


def copy_project(dest: Path, reports: list[Path] | None = None) -> Path:
    """A throw-away copy of the project's inputs (reports, static docs, config) to build in."""
    (dest / "reports").mkdir(parents=True)
    (dest / "docs").mkdir()
    for src in reports if reports is not None else sorted((ROOT / "reports").iterdir()):
        shutil.copy2(src, dest / "reports" / src.name)
    for rel in STATIC:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        else:
            shutil.copy2(src, dest / rel)
    return dest


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    """MkDocs, then Pagefind's search index into site/pagefind/, as `make site` does."""
    from gongkai.site import index_site

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--quiet"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    return index_site(root / "site") if proc.returncode == 0 else proc


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole pipeline (`make site`) on the sample corpus: packages, pages and the MkDocs site."""
    from gongkai.pipeline.build import build

    root = copy_project(tmp_path_factory.mktemp("site"))
    result = build(root, log=lambda *_: None)
    proc = mkdocs_build(root)
    return root, result, proc
