"""gongkai/package/descriptor_check.py: the combined descriptor's Frictionless check in a child process."""
import json
import subprocess
import sys
from pathlib import Path

from gongkai.package.combined import combined_descriptor
from gongkai.package.descriptor_check import DescriptorCheck
from gongkai.package.validate import descriptor_errors

SOURCE = {"title": "a.txt", "path": "reports/a.txt", "sha256": "0" * 64}


def test_the_child_gives_the_in_process_answer_and_keeps_the_checked_copy(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(combined_descriptor([SOURCE]))
    desc = json.loads(good.read_bytes())
    desc["sources"] = [{"title": 3, "path": "reports/b.txt"}]  # a title must be a string
    bad.write_text(json.dumps(desc))
    checked = tmp_path / "checked.json"
    assert DescriptorCheck().errors(good, checked) == [] == descriptor_errors(good)
    assert json.loads(checked.read_bytes()) == json.loads(good.read_bytes())  # the copy that passed
    got = DescriptorCheck().errors(bad, tmp_path / "checked-bad.json")
    assert got and got == descriptor_errors(bad)
    assert not (tmp_path / "checked-bad.json").exists()


def test_a_child_that_does_not_answer_is_replaced_by_the_check_in_process(tmp_path, monkeypatch):
    good = tmp_path / "good.json"
    good.write_bytes(combined_descriptor([SOURCE]))
    check = DescriptorCheck()
    check.proc.kill()
    check.proc.wait()
    assert check.errors(good) == []
    DescriptorCheck().close()  # never asked: it ends on its own


def test_a_check_dropped_unasked_lets_its_child_end():
    # A build that raised between starting the check and asking it must not leave the child waiting for input.
    check = DescriptorCheck()
    proc = check.proc
    del check
    assert proc.wait(timeout=60) == 0


def test_the_build_process_does_not_import_frictionless(tmp_path):
    # What an edit no longer does in the build process: the import was ~0.5 CPU-s of every validate phase.
    good = tmp_path / "good.json"
    good.write_bytes(combined_descriptor([SOURCE]))
    code = ("import sys; from pathlib import Path; from gongkai.package.descriptor_check import DescriptorCheck; "
            f"assert DescriptorCheck().errors(Path({str(good)!r})) == []; "
            "print('frictionless' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
