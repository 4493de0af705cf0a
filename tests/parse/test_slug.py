"""gongkai/parse/slug.py: any agency name gives a slug that cannot leave its folder."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.parse.slug import slugify


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40))
def test_any_agency_name_gives_a_slug_that_cannot_leave_its_folder(name):
    slug = slugify(name)
    assert slug and len(slug) <= 80
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug) and slug == slug.lower()
    assert not slug.startswith("-") and ".." not in slug and "/" not in slug
