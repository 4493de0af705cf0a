"""Frictionless data packages: Table Schemas generated from the registry, CSV + JSON, byte-stable."""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from decimal import Decimal
from functools import lru_cache
from json.encoder import encode_basestring

from gongkai import EXTRACTOR_VERSION
from gongkai.schema import registry as R
from gongkai.parse.labels import format_decimal
from gongkai import paths as P

# The version every package, workbook and citation carries: the data release being built (`gongkai release`
# sets GONGKAI_RELEASE to its date-based version, pipeline/release.py), else the extractor's version for an
# unreleased build.  An input like SOURCE_DATE_EPOCH: the same inputs and version give the same bytes.
RELEASE_ENV = "GONGKAI_RELEASE"
RELEASE_VERSION = re.compile(r"\d{4}\.\d{2}\.\d{2}(\.\d+)?")


def data_version(environ=None) -> str:
    version = (os.environ if environ is None else environ).get(RELEASE_ENV, "")
    if not version:
        return EXTRACTOR_VERSION
    if not RELEASE_VERSION.fullmatch(version):
        raise ValueError(f"{RELEASE_ENV}={version!r} is not a release version (YYYY.MM.DD or YYYY.MM.DD.N)")
    return version


LICENSE = {"name": "ODC-PDDL-1.0", "path": "https://opendatacommons.org/licenses/pddl/1-0/",
           "title": "Open Data Commons Public Domain Dedication and License v1.0"}


def table_schema(resource: str) -> dict:
    fields = []
    for col in R.columns_of(resource):
        f = {"name": col.name, "type": col.type, "title": col.zh, "description": f"{col.en}. {col.description}"}
        constraints = {}
        if col.required:
            constraints["required"] = True
        if col.enum:
            constraints["enum"] = list(col.enum)
        if col.minimum is not None:
            constraints["minimum"] = int(col.minimum) if col.type == "integer" else col.minimum
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    return {"fields": fields, "primaryKey": list(R.key_of(resource)), "missingValues": [""]}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def _json_value(value):
    if isinstance(value, Decimal):
        text = format_decimal(value)
        return int(text) if "." not in text else float(text)
    return value


def to_csv(resource: str, records: list[dict], bom: bool = False) -> bytes:
    names = [c.name for c in R.columns_of(resource)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for rec in records:
        writer.writerow([_cell_text(rec.get(n)) for n in names])
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def to_json(resource: str, records: list[dict]) -> bytes:
    names = [c.name for c in R.columns_of(resource)]
    rows = [{n: _json_value(rec.get(n)) for n in names} for rec in records]
    return (records_json(rows) + "\n").encode("utf-8")


def _scalar_json(value) -> str | None:
    """A scalar as json.dumps(ensure_ascii=False) writes it, or None for anything else."""
    if value.__class__ is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    if value.__class__ is float and math.isfinite(value):
        return float.__repr__(value)
    return None


def records_json(rows: list[dict]) -> str:
    """json.dumps(rows, ensure_ascii=False, indent=1), byte for byte, for a list of flat records.

    With an indent, json.dumps runs its pure-Python encoder, and the packages' JSON forms were a quarter
    of the per-report work; rows of scalars are laid out here directly, with the C string encoder.
    Anything else (nested values, NaN) takes json.dumps itself."""
    if not rows:
        return "[]"
    out = []
    for row in rows:
        if row.__class__ is not dict or not row:
            return json.dumps(rows, ensure_ascii=False, indent=1)
        items = []
        for key, value in row.items():
            text = _scalar_json(value)
            if text is None or key.__class__ is not str:
                return json.dumps(rows, ensure_ascii=False, indent=1)
            items.append(f"  {encode_basestring(key)}: {text}")
        out.append(" {\n" + ",\n".join(items) + "\n }")
    return "[\n" + ",\n".join(out) + "\n]"


@lru_cache(maxsize=8)
def _resources_json(resources: tuple[str, ...], json_forms: bool) -> str:
    """The descriptor's resources as they sit inside it (indent 2, one level deep): the same for every
    package, so serialised once."""
    text = json.dumps(resource_entries(list(resources), json_forms), ensure_ascii=False, indent=2)
    return text.replace("\n", "\n  ")


def descriptor_json(desc: dict, resources: tuple[str, ...], json_forms: bool) -> str:
    """json.dumps(desc, ensure_ascii=False, indent=2) for a descriptor() whose resources are
    resource_entries(resources, json_forms): the shared part comes from the cache."""
    head = {k: v for k, v in desc.items() if k != "resources"}
    text = json.dumps(head, ensure_ascii=False, indent=2)
    return text[:-2] + ',\n  "resources": ' + _resources_json(resources, json_forms) + "\n}"


def resource_entries(resources: list[str], json_forms: bool) -> list[dict]:
    res = []
    for r in resources:
        zh, en = R.title_of(r)
        schema = table_schema(r)
        res.append({"name": r, "path": P.resource_csv(r), "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                    "title": zh, "description": en, "schema": schema})
        if json_forms:
            res.append({"name": f"{r}_json", "path": f"{r}.json", "format": "json",
                        "mediatype": "application/json", "encoding": "utf-8", "title": f"{zh}（JSON）",
                        "description": f"{en} (JSON records; the same rows as {r}.csv)", "schema": schema})
    return res


def descriptor(name: str, title: str, description: str, sources: list[dict], resources: list[str],
               json_forms: bool) -> dict:
    res = resource_entries(resources, json_forms)
    return {
        "profile": "data-package",
        "name": name,
        "title": title,
        "description": description,
        "version": data_version(),
        "licenses": [LICENSE],
        "sources": sources,
        "resources": res,
    }


def package_files(name: str, title: str, description: str, sources: list[dict],
                  records: dict[str, list[dict]], json_forms: bool = True) -> dict[str, bytes]:
    """All files of one package, as {relative path: bytes}."""
    files: dict[str, bytes] = {}
    for r in R.RESOURCE_ORDER:
        files[P.resource_csv(r)] = to_csv(r, records.get(r, []))
        if json_forms:
            files[f"{r}.json"] = to_json(r, records.get(r, []))
    files["datapackage.json"] = descriptor_bytes(name, title, description, sources, json_forms)
    return files


def descriptor_bytes(name: str, title: str, description: str, sources: list[dict], json_forms: bool) -> bytes:
    """datapackage.json of a package with every resource of the registry."""
    # The resources are the same in every package: descriptor_json splices in their cached text.
    head = descriptor(name, title, description, sources, [], json_forms)
    return (descriptor_json(head, tuple(R.RESOURCE_ORDER), json_forms) + "\n").encode("utf-8")


def source_entry(report) -> dict:
    """The package's `sources` entry: the file in reports/, its checksum, and its http(s) URL if known."""
    source = {"title": report.source.name, "path": f"reports/{report.source.name}", "sha256": report.sha256}
    url = report.sidecar.get("source_url", "")
    if url.startswith(("http://", "https://")):
        source["url"] = url
    mirror = report.sidecar.get("mirror_url", "")
    if mirror.startswith(("http://", "https://")):
        source["mirror_url"] = mirror
    if report.sidecar.get("retrieved"):
        source["retrieved"] = report.sidecar["retrieved"]
    return source


def report_package(report) -> dict[str, bytes]:
    m = report.meta
    name = f"gongkai-{report.slug}-{m.year}"
    return package_files(
        name=name,
        title=f"{m.agency} {m.year} 年政府信息公开工作年度报告",
        description=f"Statistical tables, identity checks and text of the {m.year} government information "
                    f"disclosure annual report of {m.agency}. Extraction status: {report.status}.",
        sources=[source_entry(report)],
        records=report.records,
    )


