"""The fast validator flags exactly what Frictionless (plus the registry rules) flags, package by package, row by row."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from gongkai import paths as P
from gongkai.files import atomic_write
from gongkai.package import validate as V

SEED = "000_8719cb9f3c2be4e4.txt"
_ROW = re.compile(r'[Rr]ow(?: at position)? "(\d+)"')
_REGISTRY = re.compile(r"^(.*/)?([^/:]+\.csv):(\d+): ")


def _packages(root: Path) -> list[Path]:
    return sorted(p.parent for p in (root / "datapackages").rglob("datapackage.json"))


def _fast_flags(directory: Path) -> set[tuple[str, int]]:
    """(file, row) of every error the fast validator reports; row 1 is the header."""
    flags = set()
    for err in V.validate_package(directory):
        m = _REGISTRY.match(err)
        if m:
            flags.add((m.group(2), int(m.group(3))))
            continue
        path, _, message = err[len(f"{directory}/"):].partition(": ")
        row = _ROW.search(message)
        flags.add((path, int(row.group(1)) if row else 1))
    return flags


def _frictionless_flags(directory: Path) -> set[tuple[str, int]]:
    desc = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in desc["resources"]}
    from frictionless import FrictionlessException

    try:
        report = V.frictionless_report(directory / "datapackage.json")
    except FrictionlessException:
        return {("datapackage.json", 1)}  # it refuses the descriptor as a whole
    assert not report.errors, [e.message for e in report.errors]
    flags = set()
    for task in report.tasks:
        for err in task.errors:
            flags.add((paths[task.name], getattr(err, "row_number", None) or 1))
    for err in V.registry_errors(directory):
        m = _REGISTRY.match(err)
        flags.add((m.group(2), int(m.group(3))))
    return flags


def _rewrite_csv(path: Path, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _set(table: str, row: int, column: str, value: str):
    """A change: the cell of `column` in data row `row` (1 = first under the header) becomes `value`."""
    def change(rows):
        rows[row][rows[0].index(column)] = value
    return table, change


def _first_row(rows, column, pred) -> int:
    i = rows[0].index(column)
    return next(n for n, r in enumerate(rows[1:], 1) if pred(r[i]))


def _value_row(table: str, value: str):
    """A change: the first row with a value gets `value` in its value column."""
    def change(rows):
        rows[_first_row(rows, "value", bool)][rows[0].index("value")] = value
    return table, change


def _duplicate_key(rows):
    rows[3][rows[0].index("code")] = rows[2][rows[0].index("code")]


def _status_mismatch(rows):
    rows[_first_row(rows, "value", bool)][rows[0].index("status")] = "blank"


def _json_value(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in data if r["value"] is not None)["value"] = "fourteen"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


MUTATIONS = {
    "bad integer": _value_row("applications", "14x"),
    "negative where minimum 0": _value_row("applications", "-14"),
    "missing required": _set("applications", 5, "row_label", ""),
    "outside enum": _set("reviews_litigation", 2, "status", "no-such-status"),
    "duplicate primary key": ("applications", _duplicate_key),
    "wrong header": ("checks", lambda rows: rows[0].__setitem__(2, "identity_x")),
    "bad number": _value_row("active_disclosure", "1.2.3"),
    "status mismatch": ("applications", _status_mismatch),
    "bad date": _set("metadata", 1, "retrieved", "2020-13-01"),
    "extra cell": ("sections", lambda rows: rows[1].append("x")),
    "missing cell": ("checks", lambda rows: rows[2].pop()),
    "blank row": ("checks", lambda rows: rows.insert(3, [""] * len(rows[0]))),
    "negative measure (registry minimum)": _value_row("active_disclosure", "-3"),
}


def _kinds(directory: Path) -> tuple:
    """What makes two packages different inputs for a validator: their resources and the cell statuses
    and value types they hold (a null, a zero, a number, each status)."""
    desc = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    seen = set()
    for res in desc["resources"]:
        if not res["path"].endswith(".csv"):
            continue
        rows = list(csv.DictReader(io.StringIO((directory / res["path"]).read_text(encoding="utf-8"))))
        for row in rows:
            seen.add((row.get("status"), (row.get("value") or "")[:1].isdigit()))
    return tuple(sorted(r["name"] for r in desc["resources"])), frozenset(seen)


def test_fast_and_frictionless_agree_on_every_kind_of_sample_package(built):
    """The fast validator passes every sample package; Frictionless (tens of ms a package) checks one
    package of each kind (see _kinds), which covers every resource, status and value form the sample has."""
    root, _, _ = built
    packages = _packages(root)
    assert len(packages) > 20
    kinds: dict[tuple, Path] = {}
    for d in packages:
        assert _fast_flags(d) == set(), d
        kinds.setdefault(_kinds(d), d)
    assert len(kinds) > 3
    for d in kinds.values():
        assert _frictionless_flags(d) == set(), d


@pytest.fixture(scope="module")
def seed_package(built, tmp_path_factory):
    root, result, _ = built
    rep = next(r for r in result.reports if r.source.name == SEED)
    return root / "datapackages" / P.report_dir_of(rep.report_id)


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_fast_and_frictionless_agree_on_a_broken_package(seed_package, tmp_path, kind):
    broken = tmp_path / "pkg"
    shutil.copytree(seed_package, broken)
    table, change = MUTATIONS[kind]
    _rewrite_csv(broken / f"{table}.csv", change)
    fast, slow = _fast_flags(broken), _frictionless_flags(broken)
    assert fast, kind  # the mutation is an error
    assert fast == slow, kind


def _edit_descriptor(change):
    def edit(path: Path) -> None:
        desc = json.loads(path.read_text(encoding="utf-8"))
        change(desc)
        path.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    return edit


DESCRIPTOR_MUTATIONS = {
    "resource name outside the pattern": _edit_descriptor(lambda d: d["resources"][2].update(name="Active Disclosure")),
    "source path not a string": _edit_descriptor(lambda d: d["sources"][0].update(path=5)),
    "license not an object": _edit_descriptor(lambda d: d.update(licenses=["PDDL"])),
}


@pytest.mark.parametrize("kind", sorted(DESCRIPTOR_MUTATIONS))
def test_fast_and_frictionless_agree_on_a_broken_descriptor(seed_package, tmp_path, kind):
    broken = tmp_path / "pkg"
    shutil.copytree(seed_package, broken)
    DESCRIPTOR_MUTATIONS[kind](broken / "datapackage.json")
    assert _fast_flags(broken) == _frictionless_flags(broken) == {("datapackage.json", 1)}


def test_json_forms_are_checked_although_frictionless_skips_them(seed_package, tmp_path):
    """Frictionless 5 reads a `format: json` resource as plain JSON, not as a table: its schema goes unchecked.

    The fast validator checks the JSON rows against the same schema; if Frictionless starts doing so
    too, this test fails and the two can be compared on JSON as well."""
    broken = tmp_path / "pkg"
    shutil.copytree(seed_package, broken)
    _json_value(broken / "applications.json")
    fast = _fast_flags(broken)
    assert len(fast) == 1 and next(iter(fast))[0] == "applications.json"
    assert _frictionless_flags(broken) == set()


def test_messages_name_the_file_row_and_field(seed_package, tmp_path):
    broken = tmp_path / "pkg"
    shutil.copytree(seed_package, broken)
    _rewrite_csv(broken / "applications.csv", _value_row("applications", "14x")[1])
    [err] = V.validate_package(broken)
    assert err.startswith(f"{broken}/applications.csv: Type error in the cell \"14x\" in row \"")
    assert 'field "value"' in err


def test_descriptor_schema_must_be_the_registrys(seed_package):
    files = {p.name: p.read_bytes() for p in seed_package.iterdir()}
    assert V.validate_files(files) == []
    desc = json.loads(files["datapackage.json"])
    desc["resources"][0]["schema"]["fields"][0]["constraints"] = {}
    files["datapackage.json"] = json.dumps(desc).encode()
    assert any("not the registry's schema" in e for e in V.validate_files(files))


def _source(i: int) -> dict:
    return {"title": f"r{i}.txt", "path": f"reports/r{i}.txt", "sha256": f"{i:064x}"}


def test_the_combined_descriptor_checks_only_sources_it_has_not_passed_before(tmp_path, monkeypatch):
    """The combined descriptor names every report's source and the profile checks each entry: after one edit,
    only the edited report's entry (and the rest of the descriptor) is checked again, and a bad entry is
    still caught."""
    from frictionless import Package

    from gongkai.package.combined import combined_descriptor

    desc, checked = tmp_path / "datapackage.json", tmp_path / "cache" / "checked.json"
    checked.parent.mkdir()
    seen = []
    real = Package.metadata_validate
    monkeypatch.setattr(Package, "metadata_validate",
                        lambda d, **k: seen.append(len(d.get("sources", []))) or real(d, **k))
    desc.write_bytes(combined_descriptor([_source(i) for i in range(5)]))
    assert V.descriptor_errors(desc, checked) == [] and seen == [5]
    # The build replaces the file (files.write_if_changed), so the kept copy is the old one.
    atomic_write(desc, combined_descriptor([_source(i) for i in range(4)] + [_source(9)]))  # one source edited
    assert V.descriptor_errors(desc, checked) == [] and seen == [5, 1]
    bad = json.loads(desc.read_bytes())
    bad["sources"].append({"title": "x", "path": 5})
    atomic_write(desc, json.dumps(bad).encode())
    errors = V.descriptor_errors(desc, checked)
    assert seen[-2:] == [1, 6]  # the new entry failed: checked whole again, so the error names its real place
    assert len(errors) == 1 and "sources/5/path" in errors[0]
    # Failed, so the copy is still the last descriptor that passed; without a copy every entry is checked.
    assert len(json.loads(checked.read_bytes())["sources"]) == 5
    assert V.descriptor_errors(desc) != [] and seen[-1] == 6
