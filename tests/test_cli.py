"""gongkai/cli.py: argument parsing only: which pipeline function each command calls, and with what."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT
from gongkai import cli
from gongkai.pipeline import build as build_mod

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


def test_build_and_site_run_the_pipeline_for_the_given_root(monkeypatch, tmp_path, capsys):
    calls = []

    def run(root, site=False, force=False):
        calls.append((root, site, force))
        return 0, None

    monkeypatch.setattr(build_mod, "run", run)
    assert cli.main(["build", "--root", str(tmp_path)]) == 0
    assert cli.main(["site", "--root", str(tmp_path), "--force"]) == 0
    assert calls == [(tmp_path, False, False), (tmp_path, True, True)]
    assert "peak memory" in capsys.readouterr().out


def test_a_failing_build_gives_its_exit_status(monkeypatch, tmp_path):
    monkeypatch.setattr(build_mod, "run", lambda root, site=False, force=False: (1, None))
    assert cli.main(["site", "--root", str(tmp_path)]) == 1


@pytest.mark.parametrize("argv", [[], ["extract", str(SEED)], ["publish"], ["build", "--jobs", "2"]])
def test_bad_arguments_exit_2_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2 and "usage: gongkai" in capsys.readouterr().err


def test_extract_of_an_unreadable_file_says_why_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert cli.main(["extract", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "empty.txt" in err and "empty" in err
    assert not (tmp_path / "out").exists()


def test_python_m_gongkai_extract_writes_a_package(tmp_path):
    out = tmp_path / "pkg"
    proc = subprocess.run([sys.executable, "-m", "gongkai", "extract", str(SEED), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1 and "complete" in proc.stdout
    assert (out / "datapackage.json").is_file() and (out / "applications.csv").is_file()
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "gongkai", "extract", str(bad), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "empty.txt" in proc.stderr
