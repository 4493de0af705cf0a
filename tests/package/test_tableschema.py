"""gongkai/package/tableschema.py: Table Schema casting as Frictionless casts, compiled schemas, and the
column-at-a-time check, which may only say "valid" where the row-by-row check finds nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai import paths as P
from gongkai.package import tableschema as T
from gongkai.package.datapackage import table_schema
from gongkai.schema import registry as R

SEED = "000_8719cb9f3c2be4e4.txt"


@pytest.fixture(scope="module")
def seed_package(built):
    root, result, _ = built
    rep = next(r for r in result.reports if r.source.name == SEED)
    return root / "datapackages" / P.report_dir_of(rep.report_id)


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
    return root / "datapackages" / P.report_dir_of(rep.report_id)



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

