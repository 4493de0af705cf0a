"""package.records_json and package.descriptor_json write exactly what json.dumps writes."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.schema import registry as R
from gongkai.package.datapackage import descriptor, descriptor_json, records_json

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=2))
rows = st.lists(st.dictionaries(st.text(max_size=12), values, max_size=6), max_size=6)


@settings(max_examples=400, deadline=None)
@given(rows)
def test_records_json_is_json_dumps(rs):
    assert records_json(rs) == json.dumps(rs, ensure_ascii=False, indent=1)


def test_records_json_on_every_published_json_form(built):
    root = built[0]
    """Every JSON form of the sample build, read back and written again, as json.dumps would write it."""
    forms = sorted((root / "datapackages").glob("*/*/*/*.json"))  # <bucket>/<slug>/<year>/
    assert len(forms) > 100
    for path in forms:
        if path.name == "datapackage.json":
            continue
        rows_ = json.loads(path.read_text(encoding="utf-8"))
        assert records_json(rows_) == json.dumps(rows_, ensure_ascii=False, indent=1), path
        assert path.read_text(encoding="utf-8") == records_json(rows_) + "\n", path


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30), st.lists(st.dictionaries(st.sampled_from(["title", "path", "url"]), st.text(max_size=20)),
                                      max_size=3), st.booleans())
def test_descriptor_json_is_json_dumps(title, sources, json_forms):
    resources = tuple(R.RESOURCE_ORDER)
    full = descriptor("gongkai-x", title, "d", sources, list(resources), json_forms)
    head = descriptor("gongkai-x", title, "d", sources, [], json_forms)
    assert descriptor_json(head, resources, json_forms) == json.dumps(full, ensure_ascii=False, indent=2)
