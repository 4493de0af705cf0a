"""The registry is the one definition: schemas and the dictionary come from it, completely."""
from __future__ import annotations

from gongkai.schema import registry as R
from gongkai.package.datapackage import table_schema


def test_every_column_is_described():
    for name in R.RESOURCE_ORDER:
        for col in R.columns_of(name):
            assert col.description and col.zh and col.en, (name, col.name)


def test_schemas_are_generated_from_the_registry():
    for name in R.RESOURCE_ORDER:
        schema = table_schema(name)
        assert [f["name"] for f in schema["fields"]] == [c.name for c in R.columns_of(name)]
        assert schema["primaryKey"] == list(R.key_of(name))
    counts = {f["name"]: f for f in table_schema("applications")["fields"]}
    assert counts["value"]["constraints"]["minimum"] == 0
    ad_fields = {f["name"]: f for f in table_schema("active_disclosure")["fields"]}
    assert "minimum" not in ad_fields["value"].get("constraints", {})  # table 二 mixes measures (amounts)


def test_cell_codes_are_unique_per_edition():
    for table in R.TABLES:
        for edition in R.EDITIONS:
            codes = [(r.code, c.code) for r, c in R.expected_cells(table, edition)]
            assert len(codes) == len(set(codes))
