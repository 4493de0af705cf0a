"""The combined package (datapackages/all/) and the everything-zip, assembled from the per-report files
already on disk, one file at a time, so no package's bytes are held for the whole corpus: memory stays
bounded however many reports there are."""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from gongkai import paths as P
from gongkai.files import CHUNK, stream_to, write_if_changed, zip_file_member, zip_info
from gongkai.package.datapackage import descriptor_bytes
from gongkai.package.licence import README_NAME, readme
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


def _csv_parts(name: str, report_ids: list[str], out_dir: Path):
    yield _csv_header(name)
    for rid in sorted(report_ids):
        yield _csv_body(out_dir / rid / P.resource_csv(name))


def combined_descriptor(sources: list[dict]) -> bytes:
    return descriptor_bytes(P.COMBINED_NAME, COMBINED_TITLE, COMBINED_DESCRIPTION, sources, json_forms=False)


def write_combined(report_ids: list[str], sources: list[dict], out_dir: Path) -> tuple[dict[str, str], list[Path]]:
    """datapackages/all/: each CSV is the header plus every report's CSV body in report_id order (what
    reference.combined_package makes from the records), written one report at a time.

    Returns ({file name: sha256 of its bytes}, paths whose bytes changed)."""
    target = out_dir / P.COMBINED
    hashes, changed = {}, []
    for name in R.RESOURCE_ORDER:
        path = target / P.resource_csv(name)
        sha = hashlib.sha256()

        def fill(fh, name=name, sha=sha):
            for part in _csv_parts(name, report_ids, out_dir):
                fh.write(part)
                sha.update(part)

        if stream_to(path, fill):
            changed.append(path)
        hashes[P.resource_csv(name)] = sha.hexdigest()
    data = combined_descriptor(sources)
    if write_if_changed(target / "datapackage.json", data):
        changed.append(target / "datapackage.json")
    hashes["datapackage.json"] = hashlib.sha256(data).hexdigest()
    return hashes, changed


def digest_of_hashes(hashes: dict[str, str]) -> str:
    """incremental.digest of files whose sha256 is already known (the same value, without the bytes)."""
    h = hashlib.sha256()
    for rel in sorted(hashes):
        h.update(rel.encode("utf-8") + b"\0" + bytes.fromhex(hashes[rel]))
    return h.hexdigest()


def write_everything_zip(out_dir: Path, report_ids: list[str], target: Path, chunk: int = CHUNK) -> bool:
    """The combined package plus every report's package under reports/<id>/, read from disk in chunks;
    the same names, order and bytes as files.zip_bytes on the whole dict.  True if the zip changed.
    A README.txt with the licence comes first among the members, by name order."""
    members: dict[str, Path | bytes] = {rel: out_dir / P.COMBINED / rel for rel in package_names(json_forms=False)}
    members[README_NAME] = readme(COMBINED_TITLE)
    for rid in report_ids:
        members.update({f"reports/{rid}/{rel}": out_dir / rid / rel for rel in package_names()})

    def fill(fh):
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for rel in sorted(members):
                name, member = f"{P.COMBINED_NAME}/{rel}", members[rel]
                if isinstance(member, bytes):
                    zf.writestr(zip_info(name), member)
                else:
                    zip_file_member(zf, name, member, chunk)

    return stream_to(target, fill)
