"""scripts/bench.py writes BENCHMARKS.md's tables from the runs' records: a section with nothing measured
says so instead of printing a table without rows, and the hand-written analysis after the marker is kept."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from conftest import ROOT, load_synth

load_synth()  # bench.py imports scripts/synth.py as `synth`
_spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

RECORD = ROOT / "tests" / "fixtures" / "bench" / "n5000.json"  # the 5,000-report record of a real run


def _render(tmp_path: Path, record: dict, analysis: str = "") -> str:
    work = tmp_path / "work"
    work.mkdir()
    (work / "n5000.json").write_text(json.dumps(record), encoding="utf-8")
    (work / "machine.json").write_text(json.dumps({"cores": 2, "ram_gb": 23.5, "cpu": "x", "python": "3.11"}),
                                       encoding="utf-8")
    out = tmp_path / "BENCHMARKS.md"
    if analysis:
        out.write_text("old tables\n\n" + bench.MARKER + analysis, encoding="utf-8")
    bench.render_markdown(work, out)
    return out.read_text(encoding="utf-8")


def _section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_parallel_extraction_not_measured_is_said_not_an_empty_table(tmp_path):
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    assert not any(k.startswith("extract_jobs") for k in record)  # timed only at 1,000 reports or fewer
    section = _section(_render(tmp_path, record), "Parallel extraction")
    assert "| N | JOBS=1 |" not in section
    assert "Not measured in this run" in section and "1,000 reports or fewer" in section


def test_parallel_extraction_measured_is_a_row(tmp_path):
    record = {**json.loads(RECORD.read_text(encoding="utf-8")), "extract_jobs1_s": 42.1, "extract_jobs2_s": 23.0}
    section = _section(_render(tmp_path, record), "Parallel extraction")
    assert "| 5,000 | 42.1 s | 23.0 s | 1.83× |" in section
    assert "Not measured" not in section


def test_the_analysis_after_the_marker_is_kept_and_the_tables_replaced(tmp_path):
    text = _render(tmp_path, json.loads(RECORD.read_text(encoding="utf-8")), "\n\n## Hand-written\n\nkept.\n")
    tables, analysis = text.split(bench.MARKER, 1)
    assert "old tables" not in tables
    assert "| 5,000 | 964.7 s |" in tables  # the record's cold build: wall_s 964.74
    assert analysis == "\n\n## Hand-written\n\nkept.\n"
