"""Property tests (hypothesis) for the number parser and the label matcher (gongkai/parse/labels.py).
Recovery's properties: test_recover_properties.py."""
from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongkai.schema import registry as R
from gongkai.parse.labels import BLANK_MARKS, LabelIndex, label_key, parse_cell

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- parse_cell -------------------------------------------------------------------------------------
@FAST
@given(st.text(max_size=30))
def test_parse_cell_never_raises_and_its_kind_matches_its_value(raw):
    cell = parse_cell(raw)
    assert cell.kind in ("number", "blank", "text")
    assert (cell.value is not None) == (cell.kind == "number")
    assert cell.raw == raw


@FAST
@given(st.integers(min_value=-10**12, max_value=10**12), st.booleans(), st.sampled_from(["", "件", "条", "万元"]),
       st.sampled_from(["", " ", "\u3000"]))
def test_a_printed_integer_reads_back_as_itself(n, grouped, unit, pad):
    text = (f"{n:,}" if grouped else str(n)) + unit
    cell = parse_cell(pad + text + pad)
    assert cell.kind == "number" and cell.value == Decimal(n)


@FAST
@given(st.integers(min_value=0, max_value=10**9))
def test_full_width_digits_read_like_ascii(n):
    wide = "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(n))
    assert parse_cell(wide).value == Decimal(n)


@FAST
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=9999))
def test_decimals_keep_their_value(whole, frac):
    text = f"{whole}.{frac:04d}"
    assert parse_cell(text).value == Decimal(text)


@given(st.sampled_from(sorted(BLANK_MARKS)), st.sampled_from(["", " ", "\u3000", "\u00a0"]))
def test_blank_marks_are_blank_never_zero(mark, pad):
    cell = parse_cell(pad + mark + pad)
    assert cell.kind == "blank" and cell.value is None


@FAST
@given(st.text(alphabet=st.characters(whitelist_categories=("Lo",)), min_size=1, max_size=8),
       st.integers(min_value=0, max_value=999))
def test_a_number_mixed_with_words_is_text_not_a_number(words, n):
    assume(not unicodedata.normalize("NFKC", words).strip().isdigit())
    assume(parse_cell(words).kind == "text")
    assert parse_cell(f"{n}{words}").kind in ("text", "number")  # a unit word may follow a number…
    assert parse_cell(f"{words}{n}").kind == "text"  # …but words before it make it text


# --- LabelIndex -----------------------------------------------------------------------------------
DIMS = R.AD_ITEMS + R.APP_ROWS
INDEX = LabelIndex(DIMS)


def _labels(d):
    return [d.zh, *d.aliases, *d.labels_by_edition.values()]


LABELS = [(d, label) for d in DIMS for label in _labels(d)]


def _keys(d):
    return {label_key(x) for x in _labels(d)}


@given(st.sampled_from(LABELS))
def test_every_registry_label_matches_a_dim_with_that_label(pair):
    _dim, label = pair
    found = INDEX.match(label)
    assert found is not None and label_key(label) in _keys(found)


@FAST
@given(st.sampled_from(LABELS), st.lists(st.sampled_from([" ", "\u3000", "\n", "\u00a0", "\u200b"]), max_size=6),
       st.data())
def test_white_space_anywhere_does_not_change_the_match(pair, spaces, data):
    _dim, label = pair
    chars = list(label)
    for sp in spaces:
        chars.insert(data.draw(st.integers(min_value=0, max_value=len(chars))), sp)
    assert INDEX.match("".join(chars)) is INDEX.match(label)


@FAST
@given(st.text(max_size=40))
def test_any_text_matches_nothing_or_a_close_label(text):
    found = INDEX.match(text)
    if found is not None:
        import difflib

        key = label_key(text)
        best = max(difflib.SequenceMatcher(None, key, k).ratio() for k in _keys(found))
        assert key in _keys(found) or best >= INDEX.cutoff
