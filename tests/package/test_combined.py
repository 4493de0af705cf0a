"""gongkai/package/combined.py: datapackages/all, streamed from the per-report files (the everything-zip:
test_everything_zip.py).

The streamed files are compared with what the in-memory function (reference.combined_package) makes from
the same reports: one byte of difference fails.
"""
from __future__ import annotations

from gongkai.package.combined import combined_errors, package_names
from gongkai.package.datapackage import report_package
from gongkai.package.reference import combined_package
from gongkai.schema import registry as R


def test_combined_package_streamed_from_disk_equals_the_in_memory_one(built):
    root, result, _ = built
    expected = combined_package(result.reports)
    on_disk = {p.name: p.read_bytes() for p in (root / "datapackages" / "all").iterdir()}
    assert on_disk == expected
    # The downloads copy holds the same bytes.
    for name, data in expected.items():
        assert (root / "docs" / "downloads" / "all" / name).read_bytes() == data


def test_package_names_are_the_files_a_package_has(built):
    _, result, _ = built
    rep = result.reports[0]
    assert sorted(package_names()) == sorted(report_package(rep))


def test_every_resource_key_begins_with_the_report_id():
    # combined_errors relies on it: unique report ids make every key of the combined package unique.
    assert all(R.key_of(name)[0] == "report_id" for name in R.RESOURCE_ORDER)
    assert combined_errors(["a/2020", "b/2020"]) == []
    assert combined_errors(["a/2020", "a/2020"])


def _csv_packages(out_dir, ids, version):
    """Per-report CSVs (the header, then rows naming the report and its version; a report may have none)."""
    from gongkai import paths as P
    from gongkai.package.combined import _csv_header

    for rid in ids:
        (out_dir / P.report_dir_of(rid)).mkdir(parents=True, exist_ok=True)
        for k, name in enumerate(R.RESOURCE_ORDER):
            rows = "".join(f'{rid},"v{version[rid]}",{i}\n' for i in range((k + len(rid)) % 4))
            (out_dir / P.report_dir_of(rid) / P.resource_csv(name)).write_bytes(_csv_header(name) + rows.encode("utf-8"))


def test_an_incremental_combined_csv_copies_unchanged_reports_and_equals_a_fresh_one(tmp_path, monkeypatch):
    """A removed, an added and a changed report, and the ids handed over in another order: the unchanged
    reports' bytes come from the last CSVs, only the changed and new reports' CSVs are opened, and every
    file and hash is what a whole build writes."""
    from gongkai import paths as P
    from gongkai.package import combined as C

    out, state = tmp_path / "dp", tmp_path / "cache" / "combined.json"
    version = {"a/2022": 1, "b/2022": 1, "c/2023": 1, "e/2024": 1}
    _csv_packages(out, list(version), version)
    C.write_combined(list(version), [], out, keys={r: f"{r}@{v}" for r, v in version.items()}, state=state)
    # a changes, c (between b and e, which come together now) is gone, f is new.
    version.update({"a/2022": 2, "f/2024": 1})
    del version["c/2023"]
    _csv_packages(out, list(version), version)
    ids = ["f/2024", "e/2024", "b/2022", "a/2022"]
    read, kernel = [], []
    real, real_copy = C._csv_body, C.copy_range
    monkeypatch.setattr(C, "_csv_body", lambda path: read.append(path.parent.name) or real(path))
    monkeypatch.setattr(C, "copy_range", lambda src, dst, start, n: kernel.append(n) or real_copy(src, dst, start, n))
    hashes, written = C.write_combined(ids, [], out, keys={r: f"{r}@{v}" for r, v in version.items()}, state=state)
    monkeypatch.undo()
    assert sorted(read) == sorted(["2022", "2024"] * len(R.RESOURCE_ORDER))
    # The kept reports' rows (b's and e's) were copied in the kernel (b and e, neighbours now, as one range),
    # never read into Python.
    rewritten = [n for n in R.RESOURCE_ORDER if out / "all" / P.resource_csv(n) in written]
    kept_rows = sum((out / P.report_dir_of(rid) / P.resource_csv(n)).stat().st_size - len(C._csv_header(n))
                    for rid in ("b/2022", "e/2024") for n in rewritten)
    assert sum(kernel) == kept_rows > 0
    fresh = tmp_path / "fresh"
    _csv_packages(fresh, ids, version)
    fresh_hashes, _ = C.write_combined(sorted(ids), [], fresh)
    assert hashes == fresh_hashes
    for name in R.RESOURCE_ORDER:
        rel = f"all/{name}.csv"
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    text = b"".join((out / f"all/{n}.csv").read_bytes() for n in R.RESOURCE_ORDER).decode("utf-8")
    assert '"v2"' in text and "f/2024" in text and "c/2023" not in text


def test_a_combined_csv_changed_behind_the_builds_back_is_written_whole(tmp_path):
    """The state holds only for the files it was recorded with: an edited CSV is never copied from."""
    from gongkai import paths as P
    from gongkai.package import combined as C

    out, state, ids = tmp_path / "dp", tmp_path / "combined.json", ["a/2022", "b/2022"]
    keys = {rid: rid for rid in ids}
    _csv_packages(out, ids, {rid: 1 for rid in ids})
    C.write_combined(ids, [], out, keys=keys, state=state)
    path = out / P.COMBINED / P.resource_csv(R.RESOURCE_ORDER[0])
    good = path.read_bytes()
    path.write_bytes(good.replace(b"\"v1\"", b"\"v1x\""))  # same inode, another size
    C.write_combined(ids, [], out, keys=keys, state=state)
    assert path.read_bytes() == good


def test_a_combined_csv_whose_rows_no_edit_changed_is_left_as_it_is(tmp_path, monkeypatch):
    """A report's package changed (its key), but only its sections rows: the other tables' combined CSVs are
    not written again (same inode and mtime) and keep their hashes, taken from the state (no digest over every
    report of a table the edit left), and every file equals a fresh build's."""
    from gongkai import paths as P
    from gongkai.package import combined as C

    out, state, ids = tmp_path / "dp", tmp_path / "combined.json", ["a/2022", "b/2022", "c/2023"]
    _csv_packages(out, ids, {rid: 1 for rid in ids})
    first, _ = C.write_combined(ids, [], out, keys={rid: "1" for rid in ids}, state=state)
    sections = out / P.report_dir_of("b/2022") / P.resource_csv("sections")
    sections.write_bytes(sections.read_bytes() + b'b/2022,"edited",9\n')
    stamps = {n: (out / P.COMBINED / P.resource_csv(n)).stat() for n in R.RESOURCE_ORDER}
    keys = {rid: "1" for rid in ids} | {"b/2022": "2"}
    digested, real_digest = [], C._table_digest
    monkeypatch.setattr(C, "_table_digest", lambda name, *a: digested.append(name) or real_digest(name, *a))
    hashes, changed = C.write_combined(ids, [], out, keys=keys, state=state)
    monkeypatch.undo()
    assert [p.name for p in changed] == [P.resource_csv("sections")] and digested == ["sections"]
    for name in R.RESOURCE_ORDER:
        st = (out / P.COMBINED / P.resource_csv(name)).stat()
        same = (st.st_ino, st.st_mtime_ns) == (stamps[name].st_ino, stamps[name].st_mtime_ns)
        assert same == (name != "sections"), name
        assert (hashes[P.resource_csv(name)] == first[P.resource_csv(name)]) == (name != "sections"), name
    fresh = tmp_path / "fresh"
    for rid in ids:
        (fresh / P.report_dir_of(rid)).mkdir(parents=True)
        for name in R.RESOURCE_ORDER:
            (fresh / P.report_dir_of(rid) / P.resource_csv(name)).write_bytes(
                (out / P.report_dir_of(rid) / P.resource_csv(name)).read_bytes())
    fresh_hashes, _ = C.write_combined(ids, [], fresh)
    assert hashes == fresh_hashes
    for name in R.RESOURCE_ORDER:
        rel = f"{P.COMBINED}/{P.resource_csv(name)}"
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    # A later build with no change trusts the recorded state: the same files and hashes again.
    again, changed = C.write_combined(ids, [], out, keys=keys, state=state)
    assert again == hashes and changed == []
