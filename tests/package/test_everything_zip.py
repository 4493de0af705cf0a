"""gongkai/package/everything_zip.py: the everything-zip, written by a writer of its own, and after an edit from
byte ranges of the last one.

The reference is what zipfile writes (files.zip_bytes) for every member but the combined CSVs, whose data is
one deflated segment per report (everything_zip.segment, a fresh compressor each, ended by a full flush),
built here from the reports' own CSVs."""
from __future__ import annotations

import struct
import zipfile
import zlib

import pytest

from gongkai import paths as P
from gongkai.files import zip_bytes
from gongkai.package import everything_zip as Z
from gongkai.package.combined import _csv_header, package_names, write_combined
from gongkai.package.datapackage import report_package
from gongkai.package.licence import README_NAME, readme
from gongkai.package.reference import combined_package
from gongkai.schema import registry as R

CSVS = {P.resource_csv(name): name for name in R.RESOURCE_ORDER}


def _raw(path) -> dict[str, tuple[bytes, bytes, zipfile.ZipInfo]]:
    """name -> (local header with the member's data, central-directory entry, ZipInfo), read by offsets."""
    data = path.read_bytes() if not isinstance(path, bytes) else path
    out = {}
    with zipfile.ZipFile(path if not isinstance(path, bytes) else __import__("io").BytesIO(path)) as zf:
        at = zf.start_dir
        for info in zf.infolist():
            n, m, k = struct.unpack_from("<3H", data, at + 28)
            entry = data[at:at + 46 + n + m + k]
            at += len(entry)
            ln, lm = struct.unpack_from("<2H", data, info.header_offset + 26)
            local = data[info.header_offset:info.header_offset + 30 + ln + lm + info.compress_size]
            out[info.filename] = (local, entry, info)
    return out


def _segmented(header: bytes, bodies: list[bytes]) -> bytes:
    return b"".join(Z.segment(b) for b in [header, *bodies]) + Z._FINAL_BLOCK


def test_the_zip_is_zipfiles_but_for_the_combined_csvs_which_are_segmented_by_report(built):
    """Names, order and every member's bytes as zipfile writes them (headers, data, directory entries), the
    combined CSVs' data as one segment per report; each member reads back as the file it is."""
    root, result, _ = built
    everything = dict(combined_package(result.reports))
    everything[README_NAME] = readme("公开 Gongkai：全部政府信息公开工作年度报告")
    bodies = {rep.report_id: report_package(rep) for rep in result.reports}
    for rid, files in bodies.items():
        everything.update({f"reports/{rid}/{rel}": data for rel, data in files.items()})
    path = root / "docs" / "downloads" / "all" / "gongkai-all.zip"
    ours, ref = _raw(path), _raw(zip_bytes(everything, "gongkai-all"))
    assert list(ours) == list(ref)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        for name, (local, entry, info) in ours.items():
            rel = name.removeprefix("gongkai-all/")
            assert zf.read(name) == everything[rel], name
            if rel in CSVS:
                header = _csv_header(CSVS[rel])
                data = _segmented(header, [bodies[rid][rel][len(header):] for rid in sorted(bodies)])
                assert local.endswith(data) and info.compress_size == len(data), name
                assert info.CRC == zlib.crc32(everything[rel])
            else:
                # The same header, data and entry; only the offset (bytes 42-45 of the entry) differs, as the
                # segmented members before it differ in size.
                ref_local, ref_entry, _ = ref[name]
                assert local == ref_local and entry[:42] + entry[46:] == ref_entry[:42] + ref_entry[46:], name


@pytest.mark.parametrize("limit", [1 << 10, 1 << 16])
def test_directory_entries_and_zip64_fields_are_zipfiles(tmp_path, monkeypatch, limit):
    """The end records and each entry as zipfile writes them, also past the ZIP64 limits (lowered here: a zip
    over 2 GiB or 65,535 members is the national corpus's, too big for a test), and after a shift."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", limit)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)
    files = {f"d/{i:02d}.txt": (f"{i} " * (40 * i)).encode() for i in range(12)}
    ref = zip_bytes(files)
    raw = _raw(ref)
    for name, (_, entry, info) in raw.items():
        assert Z._central(Z._info(name, info.CRC, info.compress_size, info.file_size, info.header_offset)) == entry
        moved = Z._central(Z._info(name, info.CRC, info.compress_size, info.file_size, info.header_offset + 3000))
        assert Z.shifted(entry, 3000) == moved
        assert Z.shifted(moved, -3000) == entry
    entries = b"".join(entry for _, entry, _ in raw.values())
    assert Z.shifted(entries, 0) == entries


def _project(out, version: dict[str, int]) -> list[str]:
    """Per-report package files (CSVs: the header, then rows naming the report and its version; a report may
    have none in a table), the combined CSVs made from them, and a combined descriptor."""
    ids = sorted(version)
    for rid in ids:
        folder = out / P.report_dir_of(rid)
        folder.mkdir(parents=True, exist_ok=True)
        for rel in package_names():
            if rel in CSVS:
                k = R.RESOURCE_ORDER.index(CSVS[rel])
                rows = "".join(f'{rid},"v{version[rid]} {"长文本" * 30}",{i}\n' for i in range((k + len(rid)) % 4))
                (folder / rel).write_bytes(_csv_header(CSVS[rel]) + rows.encode("utf-8"))
            else:
                (folder / rel).write_text(f"{rid} {rel} version {version[rid]}\n" * 40)
    write_combined(ids, [], out)
    (out / P.COMBINED / "datapackage.json").write_text(f"{sorted(version.items())}\n" * 30)
    return ids


def _keys(version):
    keys = {rid: f"{rid}@{v}" for rid, v in version.items()}
    keys["datapackage.json"] = str(sorted(version.items()))
    return keys


def _edit(tmp_path):
    """Twelve reports zipped, then b changed, c gone, d new: what the second write redid."""
    out, target, state = tmp_path / "dp", tmp_path / "dl" / "all.zip", tmp_path / "cache" / "zip.json"
    version = {f"{c}/2022": 1 for c in "abcefghijklm"}
    ids = _project(out, version)
    target.parent.mkdir()
    state.parent.mkdir()
    assert Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    version.update({"b/2022": 2, "d/2024": 1})
    del version["c/2022"]
    (out / P.report_dir_of("c/2022")).rename(tmp_path / "gone")
    ids = _project(out, version)
    return out, ids, target, state, version


def test_an_edit_deflates_only_the_changed_reports_members_and_segments(tmp_path, monkeypatch):
    out, ids, target, state, version = _edit(tmp_path)
    deflated, segments, through_python = [], [], []
    real_member, real_segment, real_write = Z._deflated_member, Z.segment, Z._Writer.write
    monkeypatch.setattr(Z, "_deflated_member", lambda o, name, *a: deflated.append(name) or real_member(o, name, *a))
    monkeypatch.setattr(Z, "segment", lambda data: segments.append(data) or real_segment(data))
    monkeypatch.setattr(Z._Writer, "write",
                        lambda self, data: through_python.append(len(data)) or real_write(self, data))
    assert Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    monkeypatch.undo()
    assert sorted(deflated) == sorted(["gongkai-all/datapackage.json"]
                                      + [f"gongkai-all/reports/{rid}/{rel}" for rid in ("b/2022", "d/2024")
                                         for rel in package_names()])
    # Only b's and d's rows (and each rewritten CSV's header) are deflated again.
    assert all(b"b/2022" in s or b"d/2024" in s or s.endswith(b"\n") and b"/20" not in s for s in segments)
    fresh = tmp_path / "fresh.zip"
    Z.write_everything_zip(out, ids, fresh)
    assert target.read_bytes() == fresh.read_bytes()
    # What went through Python: the new members, the rewritten CSVs' new segments, the headers and end records;
    # the rest (most of the zip) was copied in the kernel.
    new = sum(len(_raw(fresh)[f"gongkai-all/reports/{rid}/{rel}"][0]) for rid in ("b/2022", "d/2024")
              for rel in package_names())
    assert sum(through_python) < new + 3 * len(_raw(fresh)["gongkai-all/datapackage.json"][0]) + 4000
    assert sum(through_python) < fresh.stat().st_size / 4
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None


def test_an_edit_leaves_a_combined_csv_whose_rows_it_did_not_change_as_copied(tmp_path, monkeypatch):
    """The edited report has no rows in this table before or after: its member is copied whole, its CRC-32
    not taken again (the combined CSV is not read)."""
    out, ids, target, state, version = _edit(tmp_path)
    read = []
    real = Z.crc32_file
    monkeypatch.setattr(Z, "crc32_file", lambda path: read.append(path) or real(path))
    Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    monkeypatch.undo()
    folders = [out / P.report_dir_of("b/2022"), out / P.report_dir_of("d/2024"), tmp_path / "gone"]
    empty = [rel for rel in CSVS if all((f / rel).stat().st_size == len(_csv_header(CSVS[rel])) for f in folders)]
    assert empty and len(read) == len(CSVS) - len(empty)


def test_a_killed_write_leaves_the_last_zip_and_the_next_write_gives_a_fresh_ones_bytes(tmp_path, monkeypatch):
    out, ids, target, state, version = _edit(tmp_path)
    before = target.read_bytes()
    calls = []

    def dies(data):
        calls.append(1)
        if len(calls) > 3:
            raise KeyboardInterrupt
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15).compress(data)

    monkeypatch.setattr(Z, "segment", dies)
    with pytest.raises(KeyboardInterrupt):
        Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    fresh = tmp_path / "fresh.zip"
    Z.write_everything_zip(out, ids, fresh)
    assert target.read_bytes() == fresh.read_bytes()


def test_the_zip_state_of_another_file_is_not_trusted(tmp_path):
    """A zip replaced behind the build's back (another inode) is rebuilt whole, never copied from."""
    out, version = tmp_path / "dp", {"a/2022": 1}
    ids = _project(out, version)
    target, state = tmp_path / "all.zip", tmp_path / "zip.json"
    Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    good = target.read_bytes()
    target.unlink()
    target.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip under the old name
    Z.write_everything_zip(out, ids, target, keys=_keys(version), state=state)
    assert target.read_bytes() == good


def test_a_combined_csv_that_is_not_its_reports_rows_is_an_error(tmp_path):
    out, version = tmp_path / "dp", {"a/2022": 1, "b/2022": 1}
    ids = _project(out, version)
    csv = out / P.COMBINED / "metadata.csv"
    csv.write_bytes(csv.read_bytes() + b"x,y\n")
    with pytest.raises(ValueError, match="metadata.csv"):
        Z.write_everything_zip(out, ids, tmp_path / "all.zip")


def test_everything_zip_read_in_small_chunks_has_the_same_bytes(built, tmp_path):
    """Files are deflated a chunk at a time (the combined descriptor grows with the corpus); chunks far smaller
    than the files give the same bytes."""
    root, result, _ = built
    ids = [rep.report_id for rep in result.reports]
    Z.write_everything_zip(root / "datapackages", ids, tmp_path / "z.zip", chunk=997)
    assert (tmp_path / "z.zip").read_bytes() == (root / "docs" / "downloads" / "all" / "gongkai-all.zip").read_bytes()



def test_a_signature_inside_an_entrys_fields_does_not_mislead_the_shift():
    """shifted() finds the entries by their signature at once; a CRC-32 whose bytes spell the signature
    (0x02014b50) breaks the chain of entries, and the entry-by-entry walk gives the right offsets."""
    crcs = [0x12345678, 0x02014B50, 0x0BADF00D]
    entries = b"".join(Z._central(Z._info(f"a/{i}.csv", crc, 10, 20, 100 * i)) for i, crc in enumerate(crcs))
    moved = b"".join(Z._central(Z._info(f"a/{i}.csv", crc, 10, 20, 100 * i + 7)) for i, crc in enumerate(crcs))
    assert b"PK\x01\x02" in entries[47:]
    assert Z._shifted_at_once(entries, 7) is None
    assert Z.shifted(entries, 7) == moved
    plain = b"".join(Z._central(Z._info(f"a/{i}.csv", 1, 10, 20, 100 * i)) for i in range(3))
    assert Z._shifted_at_once(plain, 7) == Z.shifted(plain, 7) == b"".join(
        Z._central(Z._info(f"a/{i}.csv", 1, 10, 20, 100 * i + 7)) for i in range(3))


_MEMORY_PROBE = r"""
import resource, sys
from pathlib import Path
from gongkai.package import everything_zip as Z
out_dir, csv, table = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
ids = sys.argv[4].split(",")
with open(out_dir / "zip", "wb", buffering=0) as fh:
    writer = Z._Writer(fh, None, out_dir)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Z._segmented_member(writer, "x.csv", csv, table, ids, out_dir, None, None, None)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""


def test_a_combined_csvs_member_is_written_without_holding_the_csv_in_memory(tmp_path):
    """Its CRC was taken over the CSV mapped whole: the build process's resident memory then grew by the size of
    the largest combined CSV, which grows with the corpus (issue 17: memory flat in N). 48 reports of 1 MB of
    rows each: the writer may hold a report's rows, not the file."""
    import subprocess
    import sys

    table = R.RESOURCE_ORDER[0]
    ids = [f"agency-{i:02d}/2023" for i in range(48)]
    row = b"x" * 1023 + b"\n"
    with (tmp_path / "combined.csv").open("wb") as combined:
        combined.write(_csv_header(table))
        for rid in ids:
            body = row * 1024
            folder = tmp_path / P.report_dir_of(rid)
            folder.mkdir(parents=True)
            (folder / P.resource_csv(table)).write_bytes(_csv_header(table) + body)
            combined.write(body)
    out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(tmp_path), str(tmp_path / "combined.csv"), table,
                          ",".join(ids)], capture_output=True, text=True, check=True)
    assert int(out.stdout) < 12  # MB above the peak before the member: 0 here, 22 with the CSV mapped (measured)
