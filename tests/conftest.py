"""Shared fixtures: the project root, and one full build of the sample corpus per test session."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STATIC = ("mkdocs.yml", "hooks", "docs/methodology.md", "docs/search.md", "docs/assets", "overrides")


def load_synth():
    """scripts/synth.py (the synthetic corpus), imported once as the module `synth` (it is not a package)."""
    import importlib.util
    import sys

    if "synth" not in sys.modules:
        spec = importlib.util.spec_from_file_location("synth", ROOT / "scripts" / "synth.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["synth"] = module
        spec.loader.exec_module(module)
    return sys.modules["synth"]


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


def make_site(root: Path):
    """`python -m gongkai site --root ROOT`, in this process: the function the command line calls
    (pipeline/build.py run: the build with reports kept slim, then site.build_site: MkDocs --strict and
    Pagefind, swapped in).  Returns (root, the build's result, a CompletedProcess with the exit status;
    MkDocs' own messages are in the test's captured output).

    The build keeps only cell values of each report once its files are written; the tests compare
    outputs with full reports, so each comes back whole from the build's own extraction cache, with the
    build's decisions replayed (slim.full_report, as its publishing workers do)."""
    from gongkai import paths as P
    from gongkai.pipeline.build import run
    from gongkai.pipeline.slim import full_report

    status, result = run(root, site=True)
    result.reports = [full_report(rep, root / P.CACHE_DIR / "extract") for rep in result.reports]
    proc = subprocess.CompletedProcess(["gongkai", "site", "--root", str(root)], status, "",
                                       f"`gongkai site` exited with {status}; MkDocs' messages are in the captured output")
    return root, result, proc


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole pipeline (`make site`) on the sample corpus: packages, pages and the MkDocs site."""
    return make_site(copy_project(tmp_path_factory.mktemp("site")))
