"""gongkai/pipeline/runner.py and parse/slug.py: the slug memo kept between builds (issue 17).

A slug needs jieba's and pypinyin's dictionaries (~2 CPU-s to load); the warm-up before the extraction fork
loaded both on every edit.  Each test runs a fresh interpreter, as a build does, so what it loads is its own."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import load_synth
from gongkai.parse import slug as S
from gongkai.pipeline import runner

synth = load_synth()

# Extracts the files given (jobs=1, no cache, as a one-report edit does) after loading the memo at MEMO, saves
# the memo back, and prints one JSON line: the slugs, and whether the build process and the extraction's child
# had jieba's dictionary or pypinyin loaded.
SCRIPT = """
import json, sys
from pathlib import Path
from gongkai import extract as E
from gongkai.pipeline import runner

memo, out, files = Path(sys.argv[1]), Path(sys.argv[2]), [Path(a) for a in sys.argv[3:]]

def loaded():
    jieba = sys.modules.get("jieba")
    return {"pypinyin": "pypinyin" in sys.modules, "jieba": bool(jieba and jieba.dt.initialized)}

real = E.extract
def spy(path, today=None):  # runs in the forked child
    rep = real(path, today=today)
    out.write_text(json.dumps(loaded()))
    return rep
E.extract = spy

runner.load_slugs(memo)
outcomes, _ = runner.extract_many(files, jobs=1)
reps = [o.report for o in outcomes]
runner.save_slugs(memo, [r.meta.agency for r in reps], [r.slug for r in reps])
print(json.dumps({"slugs": {r.meta.agency: r.slug for r in reps}, "parent": loaded(),
                  "child": json.loads(out.read_text())}))
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[Path]:
    """Synthetic text reports: two agencies, three years each."""
    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(out, 6, ["txt"], seed=5, log=lambda *_: None)
    return sorted(out.glob("*.txt"))


def _extract(memo: Path, files: list[Path], tmp_path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(memo), str(tmp_path / "child.json"), *map(str, files)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "深入推进\n", encoding="utf-8")


def test_an_edit_of_a_known_agencys_report_loads_neither_dictionary(reports, tmp_path):
    memo = tmp_path / "slugs.json"
    first = _extract(memo, reports[:1], tmp_path)
    _edit(reports[0])
    second = _extract(memo, reports[:1], tmp_path)
    assert second["slugs"] == first["slugs"]
    assert second["parent"] == second["child"] == {"pypinyin": False, "jieba": False}
    # The slugs are those of the full computation.
    assert all(slug == S.compute(name) for name, slug in first["slugs"].items())


def test_a_new_agency_gets_the_full_computations_slug_and_is_remembered(reports, tmp_path):
    memo = tmp_path / "slugs.json"
    first = _extract(memo, reports[:1], tmp_path)
    [known] = first["slugs"]
    other = next(p for p in reports if known not in p.read_text(encoding="utf-8"))
    second = _extract(memo, [other], tmp_path)
    [(name, slug)] = second["slugs"].items()
    assert name != known and slug == S.compute(name)
    assert second["child"]["pypinyin"]  # the child computed it
    kept = json.loads(memo.read_text(encoding="utf-8"))
    assert kept["salt"] == S.memo_salt() and kept["slugs"] == {name: slug}


def test_a_memo_kept_under_other_code_is_not_used(reports, tmp_path):
    """The memo is a cache: slugs kept under another salt (another slug.py, jieba or pypinyin) are ignored."""
    memo = tmp_path / "slugs.json"
    first = _extract(memo, reports[:1], tmp_path)
    [(name, slug)] = first["slugs"].items()
    memo.write_text(json.dumps({"salt": "other code", "slugs": {name: "wrong-slug"}}), encoding="utf-8")
    again = _extract(memo, reports[:1], tmp_path)
    assert again["slugs"] == {name: slug} and again["child"]["pypinyin"]


def test_save_keeps_the_current_reports_and_the_names_asked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "_MEMO", {"甲": "jia", "乙": "yi", "丙": "bing", "丁": "ding"})
    monkeypatch.setattr(S, "_ASKED", {"丙"})
    memo = tmp_path / "slugs.json"
    assert runner.save_slugs(memo, ["甲"], ["ding"])
    assert json.loads(memo.read_text(encoding="utf-8"))["slugs"] == {"甲": "jia", "丙": "bing", "丁": "ding"}
    assert not runner.save_slugs(memo, ["甲"], ["ding"])  # unchanged: not written again


def test_slugify_answers_from_the_memo_what_compute_gives():
    name = "宁夏回族自治区司法厅"
    assert S.slugify(name) == S.compute(name) == S.known()[name]
