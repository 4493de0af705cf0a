"""The fast validator flags exactly what Frictionless (plus the registry rules) flags, package by package, row by row."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from gongkai.schema import registry as R
from gongkai.package import tableschema as T
from gongkai.package import validate as V
from gongkai.package.datapackage import table_schema

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


def test_fast_and_frictionless_agree_on_every_sample_package(built):
    root, _, _ = built
    packages = _packages(root)
    assert len(packages) > 20
    for d in packages:
        assert _fast_flags(d) == _frictionless_flags(d) == set(), d


@pytest.fixture(scope="module")
def seed_package(built, tmp_path_factory):
    root, result, _ = built
    rep = next(r for r in result.reports if r.source.name == SEED)
    return root / "datapackages" / rep.report_id


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


def test_casting_follows_frictionless():
    ints, nums = T.READERS["integer"], T.READERS["number"]
    assert ints(" 5 ") == 5 and ints("+3") == 3 and ints("1.0") is None and ints(True) is None
    assert ints(3.0) == 3 and ints(3.5) is None
    assert str(nums("1.50")) == "1.50" and nums("1,5") is None and nums(False) is None
    assert T.READERS["date"]("2020-02-30") is None and T.READERS["string"](5) is None


def test_a_schema_feature_the_validator_lacks_is_an_error_not_a_pass():
    schema = table_schema("checks")
    schema["fields"][0]["constraints"]["pattern"] = "[a-z]+"
    compiled = T.compile_schema(json.dumps(schema, sort_keys=True))
    errors = T.table_errors(compiled, [f["name"] for f in schema["fields"]], [], text=True)
    assert errors and "pattern" in errors[0]


def test_descriptor_schema_must_be_the_registrys(seed_package):
    files = {p.name: p.read_bytes() for p in seed_package.iterdir()}
    assert V.validate_files(files) == []
    desc = json.loads(files["datapackage.json"])
    desc["resources"][0]["schema"]["fields"][0]["constraints"] = {}
    files["datapackage.json"] = json.dumps(desc).encode()
    assert any("not the registry's schema" in e for e in V.validate_files(files))


def test_every_registry_resource_schema_compiles_cleanly():
    for name in R.RESOURCE_ORDER:
        assert T.compile_schema(json.dumps(table_schema(name), sort_keys=True)).problems == (), name


# Cells chosen to sit on the edges of Frictionless's casting rules.
_TEXT_CELLS = ["", " ", "0", "1", "-1", "+3", " 7 ", "1.5", "-0.0", "1e3", "1_000", "NaN", "Infinity", "sNaN",
               "٣", "\u30001", "abc", "2020-02-29", "2021-02-29", "2020-1-5", "reported", "blank", "inferred",
               "pass", "fail", "review", "upheld", "a/2020", "x.y"]
_JSON_CELLS = _TEXT_CELLS + [None, 0, 1, -1, 2.0, 2.5, True, False, float("nan"), [], {}]


def _real_tables(package: Path, limit: int | None = None) -> list[tuple]:
    """(compiled schema, rows, is text) of every resource of a real package."""
    files = {p.name: p.read_bytes() for p in package.iterdir()}
    out = []
    for res in json.loads(files["datapackage.json"])["resources"]:
        text = res["path"].endswith(".csv")
        _, rows = (T.read_csv if text else T.read_json)(files[res["path"]])
        out.append((T.compile_schema(json.dumps(res["schema"], sort_keys=True)), [list(r) for r in rows[:limit]], text))
    return out


def _variants(schema, rows: list[list], text: bool):
    """Every single-cell swap for an edge value, and each change of a row's shape."""
    pool = _TEXT_CELLS if text else _JSON_CELLS
    for r in range(len(rows)):
        for c in range(len(schema.fields)):
            for value in pool:
                changed = [list(row) for row in rows]
                changed[r][c] = value
                yield changed
    blank = "" if text else None
    yield rows[:-1] + [rows[-1][:-1]]  # a cell short
    yield rows[:-1] + [rows[-1] + [blank]]  # a cell too many
    yield rows + [list(rows[0])]  # a repeated row: its key too
    yield rows + [[blank] * len(schema.fields)]  # a blank row


@pytest.fixture(scope="module")
def legacy_package(built):
    """A pre-2019 report's package: the only one with rows in legacy_statistics (number fields with a minimum)."""
    root, result, _ = built
    rep = next(r for r in result.reports if r.records["legacy_statistics"])
    return root / "datapackages" / rep.report_id


def test_column_check_agrees_with_the_row_by_row_check(seed_package, legacy_package):
    """The column-at-a-time check may only say "valid" where the rows one by one find nothing.

    Real tables (a few rows each) with every cell in turn swapped for values on the edges of the
    casting rules, and rows cut, lengthened, repeated or blank: both answers must be identical."""
    seen = {"valid": 0, "invalid": 0}
    tables = _real_tables(seed_package, limit=3)
    tables += [t for t in _real_tables(legacy_package, limit=3) if "this_year" in [f.name for f in t[0].fields]]
    assert len(tables) == 2 * len(R.RESOURCE_ORDER) + 2
    for schema, rows, text in tables:
        if not rows:
            continue
        labels = [f.name for f in schema.fields]
        for variant in _variants(schema, rows, text):
            slow = T.table_errors(schema, labels, variant, text=text, fast=False)
            assert T.table_errors(schema, labels, variant, text=text) == slow, (labels, variant)
            seen["invalid" if slow else "valid"] += 1
    assert seen["valid"] > 100 and seen["invalid"] > 100, seen


def test_column_check_passes_real_valid_tables(seed_package):
    """And it does say "valid" for real tables, or it would save nothing."""
    for schema, rows, text in _real_tables(seed_package):
        assert T._table_valid(schema, rows, text)
