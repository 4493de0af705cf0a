"""The combined package (datapackages/all/), assembled from the per-report files already on disk (the
everything-zip is everything_zip.py), one file at a time, so no package's bytes are held for the whole
corpus: memory stays bounded however many reports there are."""
from __future__ import annotations

import hashlib
import os
from contextlib import nullcontext
from pathlib import Path

from gongkai import paths as P
from gongkai.files import copy_range, file_stamp, temp_beside, write_if_changed
from gongkai.package.datapackage import descriptor_bytes
from gongkai.package.state import load_state, write_state
from gongkai.schema import registry as R

COMBINED_TITLE = "公开 Gongkai：全部政府信息公开工作年度报告"


COMBINED_DESCRIPTION = "All reports published by Gongkai: one table per resource across agencies and years."


def combined_errors(report_ids: list[str]) -> list[str]:
    """The combined package is every validated per-report package under one schema; what it adds is that
    keys must be unique across reports, which holds when report ids are (each key begins with one)."""
    seen, errors = set(), []
    for rid in report_ids:
        if rid in seen:
            errors.append(f"all: report_id '{rid}' is published by more than one package")
        seen.add(rid)
    return errors


# ---------------------------------------------------------------------------
# The combined package, streamed from the per-report CSVs
# ---------------------------------------------------------------------------
def package_names(json_forms: bool = True) -> list[str]:
    """The files package.package_files makes: a CSV (and JSON) per resource, and the descriptor."""
    names = [P.resource_csv(r) for r in R.RESOURCE_ORDER] + ["datapackage.json"]
    return names + ([f"{r}.json" for r in R.RESOURCE_ORDER] if json_forms else [])


def _csv_header(resource: str) -> bytes:
    # The same header package.to_csv writes: the registry's column names, which need no quoting.
    return (",".join(c.name for c in R.columns_of(resource)) + "\n").encode("utf-8")


def _csv_body(path: Path) -> bytes:
    data = path.read_bytes()
    return data[data.index(b"\n") + 1:]


def combined_descriptor(sources: list[dict]) -> bytes:
    return descriptor_bytes(P.COMBINED_NAME, COMBINED_TITLE, COMBINED_DESCRIPTION, sources, json_forms=False)


def _load_state(state: Path | None, target: Path) -> dict | None:
    """What the last build recorded about the combined CSVs now in place, while they are still those files
    (same inode, size and mtime: a CSV replaced or edited behind the build's back is never copied from)."""
    recorded = load_state(state)
    names = [P.resource_csv(r) for r in R.RESOURCE_ORDER]
    if recorded is None or not {"stamps", "keys", "ranges", "digests"} <= set(recorded) \
            or any(recorded["stamps"].get(n) != file_stamp(target / n) or n not in recorded["ranges"] for n in names):
        return None
    return recorded


def body_digest(body: bytes) -> str:
    """What a report's rows in a combined CSV are known by (sha256, 128 bits of it)."""
    return hashlib.sha256(body).hexdigest()[:32]


def _table_digest(name: str, ids: list[str], digests: dict[str, str]) -> str:
    """A combined CSV's digest: of its header and each report's rows' digest in order, so that it is known
    without reading the file (the bytes are those rows); the same for a whole build and an edit."""
    h = hashlib.sha256(_csv_header(name))
    for rid in ids:
        h.update(f"{rid}\0{digests[rid]}\n".encode("utf-8"))
    return h.hexdigest()


def replace_with(tmp: str, target: Path) -> None:
    """Rename a finished temporary file over target without comparing their bytes (files.commit_temp does):
    for a file over the whole corpus that is known to have changed, the comparison would read both."""
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def _fill_csv(fh, name: str, ids: list[str], out_dir: Path, old: Path | None, reuse: dict[str, list[int]],
              bodies: dict[str, bytes], digests: dict[str, str]) -> dict[str, list[int]]:
    """One combined CSV, to the unbuffered file fh: the header, then each report's body in report_id order, a
    report in `reuse` copied from the old file by its [offset, length] there (neighbouring ranges as one, in
    the kernel: files.copy_range), the others from `bodies` or their own CSV, their digests put in `digests`.
    Returns report_id -> [offset, length] in the new file."""
    ranges, pending = {}, None  # pending: [start, length] in the old file not yet copied

    def write(data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[fh.write(view):]

    with (old.open("rb") if reuse else nullcontext()) as src:
        head = _csv_header(name)
        write(head)
        pos = len(head)
        for rid in ids:
            if rid in reuse:
                start, length = reuse[rid]
                if pending is not None and pending[0] + pending[1] == start:
                    pending[1] += length
                else:
                    if pending is not None:
                        copy_range(src, fh, *pending)
                    pending = [start, length]
            else:
                if pending is not None:
                    copy_range(src, fh, *pending)
                    pending = None
                body = bodies.get(rid)
                if body is None:
                    body = _csv_body(out_dir / P.report_dir_of(rid) / P.resource_csv(name))
                write(body)
                digests[rid] = body_digest(body)
                length = len(body)
            ranges[rid] = [pos, length]
            pos += length
        if pending is not None:
            copy_range(src, fh, *pending)
    return ranges


def write_combined(report_ids: list[str], sources: list[dict], out_dir: Path, keys: dict[str, str] | None = None,
                   state: Path | None = None) -> tuple[dict[str, str], list[Path]]:
    """datapackages/all/: each CSV is the header plus every report's CSV body in report_id order (what
    reference.combined_package makes from the records), written one report at a time.

    keys: report_id -> what its per-report CSVs depend on (its package digest); state: a file where they are
    kept with each report's byte range in the CSVs they describe.  Given both, a report whose key is the
    recorded one has its range copied from the last combined CSV in the kernel, so only changed and new
    reports' CSVs are opened and only their bytes pass through Python; the bytes are those of a whole build.
    A CSV in which no changed, new or removed report's rows differ is not written at all: a one-report edit
    rewrites only the tables whose rows it changed.

    Returns ({file name: its digest}, paths whose bytes changed).  A CSV's digest is _table_digest (the same
    value for the same bytes, taken without reading the file), the descriptor's its sha256."""
    target = out_dir / P.COMBINED
    ids = sorted(report_ids)
    prev = _load_state(state, target) if keys is not None else None
    kept = set() if prev is None else {rid for rid in ids if rid in prev["keys"] and prev["keys"][rid] == keys[rid]}
    if state is not None:
        state.unlink(missing_ok=True)  # the CSVs are about to change: the old record no longer holds
    # The same reports as last time (an edit): a table whose file stays keeps its record and its digest as they
    # are, instead of a new dict and a digest over every report (~0.2 CPU-s at 10,000 reports).
    same_ids = prev is not None and len(prev["keys"]) == len(ids) and set(prev["keys"]) == set(ids)
    tables = prev.get("tables", {}) if same_ids else {}
    hashes, changed, ranges, digests = {}, [], {}, {}
    for name in R.RESOURCE_ORDER:
        csv = P.resource_csv(name)
        path = target / csv
        was_digests = prev["digests"][csv] if prev is not None else {}
        bodies = {} if prev is None else _replaced_bodies(path, prev["ranges"][csv], ids, kept, out_dir, name)
        if bodies is None:
            # No replaced report's rows changed in this table (an edit of the text leaves the cell tables
            # as they were): the file stays, unread.
            was = prev["ranges"][csv]
            if same_ids:
                ranges[csv], digests[csv] = was, was_digests
                if csv in tables:
                    hashes[csv] = tables[csv]
                    continue
            else:
                ranges[csv] = {rid: was.get(rid, [0, 0]) for rid in ids}
                digests[csv] = {rid: was_digests.get(rid) or body_digest(b"") for rid in ids}
        else:
            digests[csv] = {rid: was_digests[rid] for rid in kept}
            reuse = {rid: prev["ranges"][csv][rid] for rid in kept} if prev is not None else {}
            fd, tmp = temp_beside(path)
            try:
                with os.fdopen(fd, "wb", buffering=0) as fh:
                    ranges[csv] = _fill_csv(fh, name, ids, out_dir, path, reuse, bodies, digests[csv])
                replace_with(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            changed.append(path)
        hashes[csv] = _table_digest(name, ids, digests[csv])
    data = combined_descriptor(sources)
    if write_if_changed(target / "datapackage.json", data):
        changed.append(target / "datapackage.json")
    hashes["datapackage.json"] = hashlib.sha256(data).hexdigest()
    if state is not None and keys is not None:
        write_state(state, {"stamps": {n: file_stamp(target / n) for n in ranges},
                            "keys": {rid: keys[rid] for rid in ids}, "ranges": ranges, "digests": digests,
                            "tables": {n: hashes[n] for n in ranges}})
    return hashes, changed


def _replaced_bodies(path: Path, was: dict[str, list[int]], ids: list[str], kept: set[str], out_dir: Path,
                     name: str) -> dict[str, bytes] | None:
    """The CSV bodies of the reports not kept (changed or new) that are still published, or None when each of
    them, and each report gone, has the body it has in the last combined CSV (none for a report new or gone):
    the file would come out as it is."""
    present, same, bodies = set(ids), True, {}
    with path.open("rb") as old:
        for rid in sorted((present | set(was)) - kept):
            body = _csv_body(out_dir / P.report_dir_of(rid) / P.resource_csv(name)) if rid in present else b""
            if rid in present:
                bodies[rid] = body
            start, length = was.get(rid, (0, 0))
            if same and length == len(body) and length:
                old.seek(start)
                same = old.read(length) == body
            elif length != len(body):
                same = False
    return None if same else bodies


def digest_of_hashes(hashes: dict[str, str]) -> str:
    """One digest of the combined files' digests (write_combined)."""
    h = hashlib.sha256()
    for rel in sorted(hashes):
        h.update(rel.encode("utf-8") + b"\0" + bytes.fromhex(hashes[rel]))
    return h.hexdigest()
