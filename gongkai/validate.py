"""Validation of written packages: frictionless for the Table Schemas, the registry for the rest."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from . import registry as R


def frictionless_errors(descriptor: Path) -> list[str]:
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(descriptor)).validate()
    if report.valid:
        return []
    out = []
    for task in report.tasks:
        for err in task.errors:
            out.append(f"{descriptor.parent}/{task.name}: {err.message}")
    for err in report.errors:
        out.append(f"{descriptor}: {err.message}")
    return out


def registry_errors(directory: Path) -> list[str]:
    """Rules a Table Schema cannot say: minimum 0 per measure, and value/status consistency."""
    errors = []
    measures = R.by_code(R.AD_MEASURES)
    for table in R.TABLES:
        path = directory / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            for line, rec in enumerate(csv.DictReader(fh), 2):
                has_value = rec["value"] != ""
                if has_value != (rec["status"] in ("reported", "inferred")):
                    errors.append(f"{path}:{line}: status '{rec['status']}' with value '{rec['value']}'")
                if table == "active_disclosure" and has_value:
                    minimum = measures[rec["measure_code"]].minimum
                    if minimum is not None and Decimal(rec["value"]) < Decimal(str(minimum)):
                        errors.append(f"{path}:{line}: {rec['measure_code']} = {rec['value']} is below {minimum}")
    return errors


def validate_package(directory: Path) -> list[str]:
    return frictionless_errors(directory / "datapackage.json") + registry_errors(directory)
