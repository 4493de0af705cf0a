"""gongkai/package/combined.py: datapackages/all and the everything-zip, streamed from the per-report files.

The streamed files are compared with what the in-memory functions (reference.combined_package,
files.zip_bytes) make from the same reports: one byte of difference fails.
"""
from __future__ import annotations

from gongkai.files import zip_bytes
from gongkai.package.combined import combined_errors, package_names, write_everything_zip
from gongkai.package.datapackage import report_package
from gongkai.package.licence import README_NAME, readme
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


def test_everything_zip_streamed_from_disk_equals_the_in_memory_one(built):
    root, result, _ = built
    everything = dict(combined_package(result.reports))
    everything[README_NAME] = readme("公开 Gongkai：全部政府信息公开工作年度报告")
    for rep in result.reports:
        everything.update({f"reports/{rep.report_id}/{rel}": data for rel, data in report_package(rep).items()})
    zipped = (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()
    assert zipped == zip_bytes(everything, "gongkai-all")


def test_everything_zip_read_in_small_chunks_has_the_same_bytes(built, tmp_path):
    """Files are copied into the zip a chunk at a time (the combined CSVs grow with the corpus); chunks
    far smaller than the files must give the bytes zip_bytes gives from whole files."""
    root, result, _ = built


    ids = [rep.report_id for rep in result.reports]
    assert (root / "datapackages" / "all" / "applications.csv").stat().st_size > 50 * 997
    write_everything_zip(root / "datapackages", ids, tmp_path / "z.zip", chunk=997)
    assert (tmp_path / "z.zip").read_bytes() == (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()


def test_package_names_are_the_files_a_package_has(built):
    _, result, _ = built
    rep = result.reports[0]
    assert sorted(package_names()) == sorted(report_package(rep))


def test_every_resource_key_begins_with_the_report_id():
    # combined_errors relies on it: unique report ids make every key of the combined package unique.
    assert all(R.key_of(name)[0] == "report_id" for name in R.RESOURCE_ORDER)
    assert combined_errors(["a/2020", "b/2020"]) == []
    assert combined_errors(["a/2020", "a/2020"])


def _packages(out_dir, ids, version):
    """Package files for each report, their text made from the version each report is at."""
    from gongkai import paths as P

    for rel in package_names(json_forms=False):
        (out_dir / P.COMBINED).mkdir(parents=True, exist_ok=True)
        (out_dir / P.COMBINED / rel).write_text(f"{rel} of {sorted(version.items())}\n" * 50)
    for rid in ids:
        (out_dir / P.report_dir_of(rid)).mkdir(parents=True, exist_ok=True)
        for rel in package_names():
            (out_dir / P.report_dir_of(rid) / rel).write_text(f"{rid} {rel} version {version[rid]}\n" * 40)


def _keys(ids, version):
    keys = {rid: f"{rid}@{version[rid]}" for rid in ids}
    keys.update({rel: f"{rel}@{sorted(version.items())}" for rel in package_names(json_forms=False)})
    return keys


def test_an_incremental_everything_zip_copies_unchanged_members_and_equals_a_fresh_one(tmp_path, monkeypatch):
    from gongkai.package import combined as C

    out, ids = tmp_path / "dp", ["a/2022", "b/2022", "c/2023"]
    version = {rid: 1 for rid in ids}
    _packages(out, ids, version)
    target, state = tmp_path / "dl" / "all.zip", tmp_path / "cache" / "zip.json"
    target.parent.mkdir()
    assert write_everything_zip(out, ids, target, keys=_keys(ids, version), state=state)
    # b changes, c is gone, d is new.
    version.update({"b/2022": 2, "d/2024": 1})
    del version["c/2023"]
    ids = ["a/2022", "b/2022", "d/2024"]
    _packages(out, ids, version)
    deflated = []
    real = C.zip_file_member
    monkeypatch.setattr(C, "zip_file_member", lambda zf, name, path, chunk: deflated.append(name) or real(zf, name, path, chunk))
    assert write_everything_zip(out, ids, target, keys=_keys(ids, version), state=state)
    monkeypatch.undo()
    fresh = tmp_path / "fresh.zip"
    write_everything_zip(out, ids, fresh)
    assert target.read_bytes() == fresh.read_bytes()
    assert sorted(deflated) == sorted([f"gongkai-all/{rel}" for rel in package_names(json_forms=False)]
                                         + [f"gongkai-all/reports/{rid}/{rel}" for rid in ("b/2022", "d/2024")
                                            for rel in package_names()])
    assert zip_members_ok(target)


def zip_members_ok(path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.testzip() is None


def test_the_zip_state_of_another_file_is_not_trusted(tmp_path):
    """A zip replaced behind the build's back (another inode) is rebuilt whole, never copied from."""
    out, ids = tmp_path / "dp", ["a/2022"]
    _packages(out, ids, {"a/2022": 1})
    target, state = tmp_path / "all.zip", tmp_path / "zip.json"
    write_everything_zip(out, ids, target, keys=_keys(ids, {"a/2022": 1}), state=state)
    good = target.read_bytes()
    target.unlink()
    target.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip under the old name
    write_everything_zip(out, ids, target, keys=_keys(ids, {"a/2022": 1}), state=state)
    assert target.read_bytes() == good


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
    read = []
    real = C._csv_body
    monkeypatch.setattr(C, "_csv_body", lambda path: read.append(path.parent.name) or real(path))
    hashes, _ = C.write_combined(ids, [], out, keys={r: f"{r}@{v}" for r, v in version.items()}, state=state)
    monkeypatch.undo()
    assert sorted(read) == sorted(["2022", "2024"] * len(R.RESOURCE_ORDER))
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


def test_a_combined_csv_whose_rows_no_edit_changed_is_left_as_it_is(tmp_path):
    """A report's package changed (its key), but only its sections rows: the other tables' combined CSVs are
    not written again (same inode and mtime) and keep their hashes, and every file equals a fresh build's."""
    from gongkai import paths as P
    from gongkai.package import combined as C

    out, state, ids = tmp_path / "dp", tmp_path / "combined.json", ["a/2022", "b/2022", "c/2023"]
    _csv_packages(out, ids, {rid: 1 for rid in ids})
    first, _ = C.write_combined(ids, [], out, keys={rid: "1" for rid in ids}, state=state)
    sections = out / P.report_dir_of("b/2022") / P.resource_csv("sections")
    sections.write_bytes(sections.read_bytes() + b'b/2022,"edited",9\n')
    stamps = {n: (out / P.COMBINED / P.resource_csv(n)).stat() for n in R.RESOURCE_ORDER}
    keys = {rid: "1" for rid in ids} | {"b/2022": "2"}
    hashes, changed = C.write_combined(ids, [], out, keys=keys, state=state)
    assert [p.name for p in changed] == [P.resource_csv("sections")]
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
