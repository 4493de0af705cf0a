"""Validation of data packages: a fast validator compiled from the Table Schemas, plus the registry's rules.

Frictionless takes ~35-60 ms a package, most of it in its generic machinery; at thousands of
packages that was the largest phase of a build.  Our schemas use a small subset of Table Schema
(types string/integer/number/date, constraints required/enum/minimum, a primary key, missing
value ""), so `validate_files` checks exactly that subset, with Frictionless's casting rules, in
a few milliseconds.  A schema using anything outside the subset is reported as an error rather
than passed silently.  Frictionless itself stays: tests/package/test_validate.py checks both validators
flag the same rows, and `make validate-frictionless` runs it over datapackages/.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from gongkai.schema import registry as R

from gongkai import paths as P
from gongkai.files import link_or_copy
from gongkai.package.tableschema import (Schema, compile_schema, read_csv, read_json,
                                       table_errors)


def _schema_text(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True, ensure_ascii=False)


@lru_cache(maxsize=None)
def _registry_schema(resource: str) -> dict | None:
    from gongkai.package.datapackage import table_schema

    try:
        return table_schema(resource)
    except KeyError:
        return None


@lru_cache(maxsize=None)
def _registry_compiled(resource: str) -> Schema:
    return compile_schema(_schema_text(_registry_schema(resource)))


# ---------------------------------------------------------------------------
# Registry rules a Table Schema cannot say
# ---------------------------------------------------------------------------
def registry_rows_errors(table: str, rows: list[dict], where: str) -> list[str]:
    """Minimum 0 per measure (table 二 mixes measures), and value/status consistency."""
    errors = []
    measures = R.by_code(R.AD_MEASURES)
    for line, rec in enumerate(rows, 2):
        value, status = rec.get("value") or "", rec.get("status") or ""
        has_value = value != ""
        if has_value != R.carries_value(status):
            errors.append(f"{where}:{line}: status '{status}' with value '{value}'")
        if table == "active_disclosure" and has_value:
            measure = measures.get(rec.get("measure_code") or "")
            minimum = measure.minimum if measure else None
            try:
                below = minimum is not None and Decimal(value) < Decimal(str(minimum))
            except ArithmeticError:
                below = False  # not a number: the Table Schema check has already said so
            if below:
                errors.append(f"{where}:{line}: {rec['measure_code']} = {value} is below {minimum}")
    return errors


# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------
# The Data Package profile's pattern for package and resource names.
NAME = re.compile(r"[-a-z0-9._/]+")


def _strings(obj: dict, keys: tuple[str, ...]) -> bool:
    return all(isinstance(obj.get(k, ""), str) for k in keys)


def descriptor_shape_errors(desc) -> list[str]:
    """The parts of the Data Package profile that differ from one of our descriptors to the next.

    The rest of each descriptor comes from the same code, and the build has Frictionless check the
    combined package's whole descriptor (`descriptor_errors`)."""
    if not isinstance(desc, dict):
        return ["the descriptor is not a JSON object"]
    errors = []
    if not isinstance(desc.get("name"), str) or not NAME.fullmatch(desc["name"]):
        errors.append(f"package name {desc.get('name')!r} does not match '^([-a-z0-9._/])+$'")
    if not _strings(desc, ("title", "description", "version")):
        errors.append("title, description and version must be strings")
    resources = desc.get("resources")
    if not isinstance(resources, list) or not resources:
        return errors + ["the package has no resources"]
    for res in resources:
        if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not NAME.fullmatch(res["name"]):
            errors.append(f"resource name {res.get('name') if isinstance(res, dict) else res!r} does not match "
                          "'^([-a-z0-9._/])+$'")
        elif not isinstance(res.get("path"), str) or not _strings(res, ("title", "description", "format")):
            errors.append(f"resource {res['name']}: path, title, description and format must be strings")
    for key in ("sources", "licenses"):
        items = desc.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) and _strings(i, ("title", "path", "name"))
                                                  for i in items):
            errors.append(f"{key} must be a list of objects whose title, path and name are strings")
    if not all(_strings(src, ("url", "mirror_url", "sha256", "retrieved")) for src in desc.get("sources", [])
               if isinstance(src, dict)):
        errors.append("a source's url, mirror_url, sha256 and retrieved must be strings")
    return errors


def validate_files(files: dict[str, bytes]) -> list[str]:
    """Every error of one package given as {relative path: bytes}; [] when it is valid.

    The descriptor's resources are checked against their own schemas (as Frictionless does),
    each schema must be the one the registry generates, and the registry's extra rules apply to
    the statistical tables."""
    try:
        desc = json.loads(files["datapackage.json"].decode("utf-8"))
    except KeyError:
        return ["datapackage.json: missing"]
    except (UnicodeDecodeError, ValueError) as exc:
        return [f"datapackage.json: not valid JSON: {exc}"]
    errors = [f"datapackage.json: {e}" for e in descriptor_shape_errors(desc)]
    if errors:
        return errors
    for res in desc["resources"]:
        path, schema = res.get("path", ""), res.get("schema")
        base = res.get("name", "").removesuffix("_json")
        if path not in files:
            errors.append(f"{path or res.get('name')}: the resource's file is missing")
            continue
        if not isinstance(schema, dict):
            errors.append(f"{path}: the resource has no Table Schema")
            continue
        registry_schema = _registry_schema(base)
        if schema == registry_schema:
            compiled = _registry_compiled(base)
        else:
            errors.append(f"{path}: its schema in datapackage.json is not the registry's schema for '{base}'")
            compiled = compile_schema(_schema_text(schema))
        is_json = res.get("format") == "json" or path.endswith(".json")
        table = (read_json if is_json else read_csv)(files[path])
        if isinstance(table, str):
            errors.append(f"{path}: {table}")
            continue
        labels, rows = table
        errors += [f"{path}: {e}" for e in table_errors(compiled, labels, rows, text=not is_json)]
        if base in R.TABLES and not is_json and labels:
            errors += registry_rows_errors(base, [dict(zip(labels, r)) for r in rows], path)
    return errors


def validate_package(directory: Path) -> list[str]:
    """The package in `directory` (datapackage.json and the files it names), validated fast."""
    directory = Path(directory)
    try:
        files = {"datapackage.json": (directory / "datapackage.json").read_bytes()}
        desc = json.loads(files["datapackage.json"])
    except (OSError, ValueError) as exc:
        return [f"{directory}/datapackage.json: {exc}"]
    for res in desc.get("resources", []):
        path = res.get("path", "")
        # Only plain relative paths inside the package: a descriptor must not reach elsewhere.
        if path and not path.startswith(("/", ".")) and "/" not in path and (directory / path).is_file():
            files[path] = (directory / path).read_bytes()
    return [f"{directory}/{e}" for e in validate_files(files)]


# ---------------------------------------------------------------------------
# Frictionless: the reference implementation, for tests and `make validate-frictionless`
# ---------------------------------------------------------------------------
def frictionless_report(descriptor: Path):
    from frictionless import Package, system

    with system.use_context(trusted=True):
        return Package(str(descriptor)).validate()


def frictionless_errors(descriptor: Path) -> list[str]:
    from frictionless import FrictionlessException

    try:
        report = frictionless_report(descriptor)
    except FrictionlessException as exc:  # a descriptor it cannot even open
        return [f"{descriptor}: {exc.error.message}"]
    if report.valid:
        return []
    out = []
    for task in report.tasks:
        for err in task.errors:
            out.append(f"{descriptor.parent}/{task.name}: {err.message}")
    for err in report.errors:
        out.append(f"{descriptor}: {err.message}")
    return out


def descriptor_errors(descriptor: Path, checked: Path | None = None) -> list[str]:
    """Frictionless's check of a datapackage.json itself (the Data Package profile), without reading data.

    The build runs it on the combined package: every package's descriptor comes from the same code, and
    validate_files checks each schema against the registry.  The combined descriptor lists every report's
    source, and the profile checks each entry on its own: 0.5 s per 1,000 reports.  checked: where a copy of
    the last descriptor that passed is kept (a hard link, files.link_or_copy); the sources it already had
    are not checked again, so an edit checks the rest of the descriptor and its changed sources only.  The
    copy is made when this one passes."""
    from frictionless import FrictionlessException, Package

    try:
        desc = json.loads(Path(descriptor).read_text(encoding="utf-8"))
        sources = desc.get("sources") if isinstance(desc, dict) else None
        errors = None
        if checked is not None and isinstance(sources, list):
            fresh = _unchecked(sources, _checked_sources(checked))
            errors = list(Package.metadata_validate({**desc, "sources": fresh}))
        if errors is None or errors:  # checked whole: an error names the entry by its place in the whole list
            errors = list(Package.metadata_validate(desc))
        errors = [f"{descriptor}: {e.message}" for e in errors]
    except (OSError, ValueError) as exc:
        return [f"{descriptor}: {exc}"]
    except FrictionlessException as exc:
        return [f"{descriptor}: {exc.error.message}"]
    if checked is not None and not errors:
        link_or_copy(Path(descriptor), checked)
    return errors


def _canonical(source) -> str:
    return json.dumps(source, ensure_ascii=False, sort_keys=True)


def _checked_sources(checked: Path) -> list:
    """The sources of the descriptor that passed last (none when there is no readable copy)."""
    try:
        sources = json.loads(checked.read_bytes()).get("sources")
    except (OSError, ValueError, AttributeError):
        return []
    return sources if isinstance(sources, list) else []


def _unchecked(sources: list, checked: list) -> list:
    """Entries of `sources` to check: at least those not among `checked` (checking one more is never wrong).
    Both lists are in report order and an edit changes a few entries in place, so they are compared place by
    place (a dict comparison) and the few that differ are checked; when many differ (reports added or removed
    shift the rest), those are looked up among the checked ones as canonical JSON."""
    differ = [s for i, s in enumerate(sources) if i >= len(checked) or s != checked[i]]
    if len(differ) <= 64:
        return differ
    seen = {_canonical(s) for s in checked}
    return [s for s in differ if _canonical(s) not in seen]


def registry_errors(directory: Path) -> list[str]:
    """The registry's extra rules alone, read from a package directory."""
    errors = []
    for table in R.TABLES:
        path = directory / P.resource_csv(table)
        table_ = read_csv(path.read_bytes())
        if not isinstance(table_, str) and table_[0]:
            errors += registry_rows_errors(table, [dict(zip(table_[0], r)) for r in table_[1]], str(path))
    return errors


def validate_package_frictionless(directory: Path) -> list[str]:
    """The slow, reference validation: Frictionless for the Table Schemas, the registry for the rest."""
    directory = Path(directory)
    return frictionless_errors(directory / "datapackage.json") + registry_errors(directory)


def main(argv: list[str]) -> int:
    """`python -m gongkai.package.validate --frictionless DIR`: every package under DIR, with Frictionless."""
    import sys

    slow = "--frictionless" in argv
    roots = [Path(a) for a in argv if not a.startswith("--")] or [Path("datapackages")]
    dirs = sorted(p.parent for root in roots for p in root.rglob("datapackage.json"))
    check = validate_package_frictionless if slow else validate_package
    bad = 0
    for d in dirs:
        errs = check(d)
        bad += bool(errs)
        for e in errs:
            print(e, file=sys.stderr)
    print(f"{len(dirs)} package(s) validated with {'Frictionless' if slow else 'the fast validator'}; "
          f"{bad} invalid")
    return 1 if bad or not dirs else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
