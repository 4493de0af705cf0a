"""The everything-zip (downloads/all/gongkai-all.zip): the combined package plus every report's package, written
by a small zip writer of its own so that after an edit the unchanged parts of the last zip are copied as byte
ranges in the kernel (files.copy_range), not member by member through Python.

What an edit costs, and why (issue 17): zipfile can neither read a zip's central directory without a Python
object per member (some 17 members a report) nor write one without the same, and the combined CSVs, which
every edit changes, were deflated again whole.  Here:
- each report's members are one block, recorded with its place in the zip and in the central directory; an
  unchanged block (and every neighbouring one) is one range copy, and its central-directory entries are copied
  with their offsets shifted by the bytes added or removed before them;
- a combined CSV is deflated as one segment per report (each from a fresh compressor, ended by a full flush,
  so its bytes depend on that report's rows alone): an unchanged report's segment is copied from the last zip.
  The member's CRC-32 is taken over the combined CSV on disk (zlib, in C).  A fresh build writes the same
  segments, so the bytes equal a fresh build's; the cost is a slightly larger member (no match reaches back
  into another report's rows).
Every other member is deflated whole, as zipfile does (same headers: zip_info's fixed time and mode, ZIP64
fields where zipfile writes them), so the zip reads the same in any unzip.
"""
from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

from gongkai import paths as P
from gongkai.files import CHUNK, Splice, copy_range, crc32_file, file_stamp, temp_beside, zip_info
from gongkai.package.combined import COMBINED_TITLE, _csv_body, _csv_header, package_names, replace_with
from gongkai.package.licence import README_NAME, readme
from gongkai.package.state import load_state, write_state
from gongkai.schema import registry as R

_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_END64 = struct.Struct("<4sQ2H2L4Q")  # zipfile.structEndArchive64
_LOCATOR64 = struct.Struct("<4sLQL")  # zipfile.structEndArchive64Locator
_FINAL_BLOCK = b"\x03\x00"  # an empty final deflate block (fixed codes, end of block): ends a segmented member
_REPORTS = "reports/"


def segment(data: bytes) -> bytes:
    """One report's rows of a combined CSV, deflated on their own: a fresh compressor (the level zipfile
    uses), ended by a full flush, so the bytes are byte-aligned and do not depend on what comes before."""
    if not data:
        return b""
    comp = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(zlib.Z_FULL_FLUSH)


def _limit() -> int:
    return zipfile.ZIP64_LIMIT  # read at call time, as zipfile does (the tests lower it)


def _info(name: str, crc: int, csize: int, size: int, offset: int) -> zipfile.ZipInfo:
    info = zip_info(name)
    info.CRC, info.compress_size, info.file_size, info.header_offset = crc, csize, size, offset
    return info


def _local(info: zipfile.ZipInfo) -> bytes:
    # zipfile writes a member's sizes as ZIP64 in its local header when the file is near the limit.
    return info.FileHeader(info.file_size * 1.05 > _limit())


def _central(info: zipfile.ZipInfo) -> bytes:
    """The member's central-directory entry, field for field as ZipFile._write_end_record writes it."""
    limit, extra = _limit(), []
    _local(info)  # sets the versions zipfile's FileHeader leaves on the ZipInfo
    file_size, compress_size, offset = info.file_size, info.compress_size, info.header_offset
    if file_size > limit or compress_size > limit:
        extra += [file_size, compress_size]
        file_size = compress_size = 0xFFFFFFFF
    if offset > limit:
        extra.append(offset)
        offset = 0xFFFFFFFF
    data, version = b"", 0
    if extra:
        data, version = struct.pack("<HH" + "Q" * len(extra), 1, 8 * len(extra), *extra), zipfile.ZIP64_VERSION
    name, flags = info._encodeFilenameFlags()
    dt = info.date_time
    return _CENTRAL.pack(b"PK\x01\x02", max(version, info.create_version), info.create_system,
                         max(version, info.extract_version), info.reserved, flags, info.compress_type,
                         dt[3] << 11 | dt[4] << 5 | dt[5] // 2, (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2], info.CRC,
                         compress_size, file_size, len(name), len(data), 0, 0, info.internal_attr,
                         info.external_attr, offset) + name + data


def shifted(entries: bytes, delta: int) -> bytes:
    """Central-directory entries of members moved by `delta` bytes: each entry's offset changed (an entry is
    written again where its offset crosses the ZIP64 limit or carries ZIP64 fields)."""
    if not delta:
        return entries
    quick = _shifted_at_once(entries, delta)
    if quick is not None:
        return quick
    out, at, limit = bytearray(entries), 0, _limit()
    pieces, start = [], 0
    while at < len(out):
        fields = _CENTRAL.unpack_from(out, at)
        n, m, k, offset = fields[12], fields[13], fields[14], fields[18]
        end = at + _CENTRAL.size + n + m + k
        if not m and offset + delta <= limit:
            struct.pack_into("<L", out, at + 42, offset + delta)
        else:
            name = bytes(out[at + _CENTRAL.size:at + _CENTRAL.size + n])
            name = name.decode("utf-8" if fields[5] & 0x800 else "cp437")
            size, csize = fields[11], fields[10]
            values = list(struct.unpack_from(f"<{m // 8}Q", out, at + _CENTRAL.size + n + 4)) if m else []
            if size == 0xFFFFFFFF:
                size, csize = values.pop(0), values.pop(0)
            if offset == 0xFFFFFFFF:
                offset = values.pop(0)
            pieces += [out[start:at], _central(_info(name, fields[9], csize, size, offset + delta))]
            start = end
        at = end
    if not pieces:
        return bytes(out)
    return b"".join(pieces) + bytes(out[start:])


def _shifted_at_once(entries: bytes, delta: int) -> bytes | None:
    """shifted() for every entry at once, in numpy (an edit near the front of a zip of 10,000 reports moves some
    170,000 entries, too many for a Python loop): each place where an entry's signature occurs is taken for an
    entry's start, which holds when each such entry ends exactly where the next begins and the last at the
    end (a signature inside a field would break that chain).  None when it does not hold, or an entry carries
    ZIP64 fields or crosses the limit: the loop then does it."""
    import numpy as np

    a = np.frombuffer(entries, dtype=np.uint8)
    if len(a) < _CENTRAL.size:
        return None
    starts = np.flatnonzero((a[:-3] == 0x50) & (a[1:-2] == 0x4B) & (a[2:-1] == 1) & (a[3:] == 2))
    starts = starts[starts + _CENTRAL.size <= len(a)]

    def field(at: int, size: int):
        value = np.zeros(len(starts), dtype=np.int64)
        for i in range(size):
            value |= a[starts + at + i].astype(np.int64) << (8 * i)
        return value

    extra = field(30, 2)
    ends = starts + _CENTRAL.size + field(28, 2) + extra + field(32, 2)
    if not len(starts) or starts[0] != 0 or ends[-1] != len(a) or not np.array_equal(ends[:-1], starts[1:]) \
            or extra.any():
        return None
    offsets = field(42, 4) + delta
    if offsets.min() < 0 or offsets.max() > _limit():
        return None
    out = a.copy()
    for i in range(4):
        out[starts + 42 + i] = (offsets >> (8 * i)) & 0xFF
    return out.tobytes()


class _Writer(Splice):
    """The new zip, written to an unbuffered file: new bytes, or ranges of the old zip copied in the kernel
    (files.Splice); the central directory gathered in a scratch file, in member order."""

    def __init__(self, fh, old, scratch_dir: Path, old_cd: int = 0):
        super().__init__(fh, old)
        self.old, self.old_cd, self.count = old, old_cd, 0
        self.cd = tempfile.TemporaryFile(dir=scratch_dir)
        self.cd_pending = None  # [start, length, delta] of old central-directory entries not yet added

    def copy_entries(self, start: int, length: int, count: int, delta: int) -> None:
        """The old central directory's entries [start, start + length) (count of them; offsets from the start
        of that directory), moved by delta."""
        self.count += count
        pending = self.cd_pending
        if pending is not None and pending[0] + pending[1] == start and pending[2] == delta:
            pending[1] += length
            return
        self._flush_entries()
        self.cd_pending = [start, length, delta]

    def _flush_entries(self) -> None:
        if self.cd_pending is not None:
            start, length, delta = self.cd_pending
            self.cd_pending = None
            start += self.old_cd
            self.old.seek(start)
            while length:
                block = self.old.read(min(length, CHUNK * 8))
                if not block:
                    raise zipfile.BadZipFile(f"{self.old.name}: ends inside its central directory")
                cut = _whole_entries(block) if len(block) < length else len(block)
                self.cd.write(shifted(block[:cut], delta))
                self.old.seek(start + cut)
                start, length = start + cut, length - cut

    def entry(self, info: zipfile.ZipInfo) -> int:
        self._flush_entries()
        data = _central(info)
        self.cd.write(data)
        self.count += 1
        return len(data)

    def reuse(self, was: list[int], count: int = 1) -> list[int]:
        """A part of the old zip kept as it is: `was` its [key, offset, length, central offset, central length]
        there, count its members.  Returns its [offset, length, central offset, central length] here."""
        place = [self.pos, was[2], self.cd_tell(), was[4]]
        self.copy(was[1], was[2])
        self.copy_entries(was[3], was[4], count, place[0] - was[1])
        return place

    def cd_tell(self) -> int:
        return self.cd.tell() + (self.cd_pending[1] if self.cd_pending else 0)

    def finish(self) -> int:
        """The central directory, then the end records (ZIP64 ones where zipfile writes them).  Returns where
        the central directory starts (the entries' places are recorded from there)."""
        self.flush()
        self._flush_entries()
        start, size = self.pos, self.cd.tell()
        self.cd_size = size
        self.cd.flush()
        copy_range(self.cd, self.fh, 0, size)
        self.cd.close()
        self.pos += size
        count, limit = self.count, _limit()
        tail = b""
        if count > zipfile.ZIP_FILECOUNT_LIMIT or start > limit or size > limit:
            tail = _END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start)
            tail += _LOCATOR64.pack(b"PK\x06\x07", 0, start + size, 1)
            count, size, start = min(count, 0xFFFF), min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF)
        self.write(tail + _END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
        return self.pos - len(tail) - _END.size - self.cd_size


def _whole_entries(block: bytes) -> int:
    """The length of the whole central-directory entries at the start of block."""
    at = 0
    while at + _CENTRAL.size <= len(block):
        n, m, k = struct.unpack_from("<3H", block, at + 28)
        if at + _CENTRAL.size + n + m + k > len(block):
            break
        at += _CENTRAL.size + n + m + k
    return at


def _deflated_member(out: _Writer, name: str, source, chunk: int) -> list[int]:
    """A member deflated whole from bytes or a file; returns [offset, length, central offset, central length]."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    info = _info(name, 0, 0, size, out.pos)
    at, cd_at = out.pos, out.cd_tell()
    head = len(_local(info))
    out.write(bytes(head))  # the header's place; written once the CRC and compressed size are known
    comp, crc, csize = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15), 0, 0
    with (open(source, "rb") if not isinstance(source, bytes) else io.BytesIO(source)) as src:
        while block := src.read(chunk):
            crc = zlib.crc32(block, crc)
            data = comp.compress(block)
            csize += len(data)
            out.write(data)
    data = comp.flush()
    out.write(data)
    info.CRC, info.compress_size = crc, csize + len(data)
    os.pwrite(out.fh.fileno(), _local(info), at)
    return [at, out.pos - at, cd_at, out.entry(info)]


def _bodies(out_dir: Path, table: str, rids) -> dict[str, bytes]:
    return {rid: _csv_body(out_dir / P.report_dir_of(rid) / P.resource_csv(table)) for rid in rids}


def _old_body(old, member_at: int, seg: list[int] | None) -> bytes:
    """A report's rows as the last zip holds them in a combined CSV's member (b"" when it has none)."""
    if not seg or not seg[1]:
        return b""
    old.seek(member_at + seg[0])
    return zlib.decompressobj(-15).decompress(old.read(seg[1]))


def _segmented_member(out: _Writer, name: str, csv: Path, table: str, ids: list[str], out_dir: Path,
                      fresh: dict[str, bytes] | None,
                      old_place: list[int] | None, old_segs: dict | None) -> tuple[list[int], dict]:
    """A combined CSV as one deflated segment per report (segment()): the segment of a report not in `fresh`
    copied from the old zip, the others deflated from `fresh` (report_id -> its rows; None: every report's,
    read from its own CSV in turn).  Returns the member's place and, per report, [its segment's offset from
    the member's start, its length, its rows' length]."""
    size = csv.stat().st_size
    info = _info(name, crc32_file(csv), 0, size, out.pos)
    at, cd_at = out.pos, out.cd_tell()
    header = _local(info)
    out.write(bytes(len(header)))
    out.write(segment(_csv_header(table)))
    raw, segments = len(_csv_header(table)), {}
    for rid in ids:
        if fresh is None or rid in fresh:
            body = _csv_body(out_dir / P.report_dir_of(rid) / P.resource_csv(table)) if fresh is None else fresh[rid]
            data = segment(body)
            segments[rid] = [out.pos - at, len(data), len(body)]
            out.write(data)
        else:
            was = old_segs[rid]
            segments[rid] = [out.pos - at, was[1], was[2]]
            out.copy(old_place[1] + was[0], was[1])
        raw += segments[rid][2]
    out.write(_FINAL_BLOCK)
    if raw != size:
        raise ValueError(f"{csv}: {size} bytes, but its header and reports' rows make {raw}: not the combined CSV "
                         "of these reports")
    info.compress_size = out.pos - at - len(header)
    out.flush()
    os.pwrite(out.fh.fileno(), _local(info), at)
    return [at, out.pos - at, cd_at, out.entry(info)], segments


def _block_name(rid: str) -> str:
    return f"{_REPORTS}{rid}/"


def write_everything_zip(out_dir: Path, report_ids: list[str], target: Path, chunk: int = CHUNK,
                         keys: dict[str, str] | None = None, state: Path | None = None) -> bool:
    """The combined package (datapackages/all/) and every report's package under reports/<report_id>/, members
    in name order under the folder gongkai-all/, written to a temporary file and renamed over target (True:
    it is written only when some part changed, and not compared with the last one, which would read both).

    keys: what each part's bytes depend on: report_id -> its package digest (its members, and its segment of
    each combined CSV), a combined file's name -> its digest; state: a file where they are kept with where
    each part sits in the zip now at target.  A part whose key is the recorded one is copied from that zip."""
    keys = keys or {}
    ids = sorted(report_ids)
    singles: dict[str, Path | bytes] = {README_NAME: readme(COMBINED_TITLE)}
    singles.update((rel, out_dir / P.COMBINED / rel) for rel in package_names(json_forms=False))
    single_keys = {rel: keys.get(rel, "") for rel in singles}
    single_keys[README_NAME] = hashlib.sha256(singles[README_NAME]).hexdigest()
    tables = {P.resource_csv(name): name for name in R.RESOURCE_ORDER}
    prev = _load(state, target) if state is not None and keys else None
    record = {"singles": {}, "reports": {}, "segments": {}}
    fd, tmp = temp_beside(target)
    try:
        with os.fdopen(fd, "wb", buffering=0) as fh, (open(target, "rb") if prev else io.BytesIO()) as old:
            if prev and os.fstat(old.fileno()).st_ino != prev["zip"][0]:
                prev = None
            out = _Writer(fh, old if prev else None, target.parent, prev["cd"] if prev else 0)

            old_keys = {rid: was[0] for rid, was in prev["reports"].items()} if prev else {}
            # Reports whose segment of a combined CSV may differ: changed, new, or gone.
            replaced = sorted({rid for rid in ids if not keys.get(rid) or old_keys.get(rid) != keys[rid]}
                              | (set(old_keys) - set(ids)))

            def single(rel):
                name, was = f"{P.COMBINED_NAME}/{rel}", (prev or {}).get("singles", {}).get(rel)
                if rel in tables:
                    segs = (prev or {}).get("segments", {}).get(rel)
                    if prev is None or segs is None or was is None:
                        place, record["segments"][rel] = _segmented_member(
                            out, name, singles[rel], tables[rel], ids, out_dir, None, None, None)
                        record["singles"][rel] = ["", *place]
                        return
                    fresh = _bodies(out_dir, tables[rel], [rid for rid in replaced if rid in keys_of_ids])
                    if all(fresh.get(rid, b"") == _old_body(old, was[1], segs.get(rid)) for rid in replaced):
                        # No replaced report's rows differ in this table: the member is the one in the last zip.
                        place = out.reuse(was)
                        record["segments"][rel] = {rid: seg for rid, seg in segs.items() if rid in keys_of_ids}
                        record["segments"][rel].update((rid, segs.get(rid) or [0, 0, 0]) for rid in fresh)
                    else:
                        place, record["segments"][rel] = _segmented_member(out, name, singles[rel], tables[rel], ids,
                                                                           out_dir, fresh, was, segs)
                elif was is not None and single_keys[rel] and was[0] == single_keys[rel]:
                    place = out.reuse(was)
                else:
                    place = _deflated_member(out, name, singles[rel], chunk)
                record["singles"][rel] = [single_keys[rel], *place]

            keys_of_ids = set(ids)
            rels = sorted(singles)
            for rel in rels:
                if rel < _REPORTS:
                    single(rel)
            members = sorted(package_names())
            for rid in sorted(ids, key=_block_name):
                was = (prev or {}).get("reports", {}).get(rid)
                if was is not None and keys.get(rid) and was[0] == keys[rid]:
                    place = [*out.reuse(was, was[5]), was[5]]
                else:
                    at, cd_at, cd_len = out.pos, out.cd_tell(), 0
                    folder = out_dir / P.report_dir_of(rid)
                    for rel in members:
                        cd_len += _deflated_member(out, f"{P.COMBINED_NAME}/{_block_name(rid)}{rel}",
                                                   folder / rel, chunk)[3]
                    place = [at, out.pos - at, cd_at, cd_len, len(members)]
                record["reports"][rid] = [keys.get(rid, ""), *place]
            for rel in rels:
                if rel > _REPORTS:
                    single(rel)
            record["cd"] = out.finish()
        # Not compared with the last zip first (that would read both): it is written only when some part changed.
        replace_with(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    if state is not None:
        # Recorded with the zip's inode, size and mtime: a zip replaced by anything else is never copied from.
        if keys:
            record["zip"] = file_stamp(target)
            write_state(state, record)
        else:
            state.unlink(missing_ok=True)
    return True


def _load(state: Path, target: Path) -> dict | None:
    recorded = load_state(state)
    if recorded is None or not {"zip", "cd", "singles", "reports", "segments"} <= set(recorded) \
            or recorded["zip"] != file_stamp(target):
        return None
    return recorded
