from gongkai.package.state import STATE_MAGIC, load_state, write_state


def test_a_state_file_that_is_missing_broken_or_not_an_object_is_none(tmp_path):
    path = tmp_path / "state"
    assert load_state(None) is None and load_state(path) is None
    write_state(path, {"keys": {"a/2023": "k"}, "ranges": {"x.csv": {"a/2023": [3, 4]}}, "stamp": [1, 2, 3]})
    assert load_state(path) == {"keys": {"a/2023": "k"}, "ranges": {"x.csv": {"a/2023": [3, 4]}}, "stamp": [1, 2, 3]}
    whole = path.read_bytes()
    path.write_bytes(whole[:-3])  # torn
    assert load_state(path) is None
    path.write_bytes(STATE_MAGIC + b"{broken")
    assert load_state(path) is None
    path.write_text('{"keys": {}}')  # the JSON an older build wrote: not this format
    assert load_state(path) is None
    write_state(path, [1, 2])  # type: ignore[arg-type]
    assert load_state(path) is None


def test_the_state_format_is_not_part_of_the_extraction_key():
    # The extraction cache is keyed by the code extraction imports: the records' format must not be in it.
    from gongkai.pipeline.fingerprint import closure_files

    assert "state.py" not in {p.name for p in closure_files("extract")}
