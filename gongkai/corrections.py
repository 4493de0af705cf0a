"""Open corrections: a maintainer overrides a cell in the sidecar, in the open.

    corrections:
      - code: granted.total          # the cell code (unique within a report's three tables)
        table: applications          # optional; needed only when the code is in two tables
        value: 12
        reason: 报告第 3 页印作 21，与总计不符；按分项之和更正
        who: 张三
        when: 2026-11-30

A corrected cell is published with status `corrected` and the corrected value; the value the extractor
read stays in the `corrections` resource (the errata log) beside the reason, who and when, and the cell's
`raw` text keeps what was printed.  The identities are run on the corrected values (the caller runs the
checks after `apply`).  Mistakes are errors naming the sidecar, never silently skipped: a code that does
not exist, a cell of another edition of the form, a missing who/when/value, and overriding a `reported`
cell whose identities all pass without saying why.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from gongkai.model import CellValue
from gongkai.schema import registry as R

FIELDS = {"code", "table", "value", "reason", "who", "when"}
CORRECTED = "corrected"
MAX_VALUE = Decimal(10) ** 9  # as extract.MAX_PLAUSIBLE: no count of these forms comes near a billion


class CorrectionError(ValueError):
    """A correction that cannot be applied; the message names the sidecar and the entry."""


def _cell_key(table: str, rec: dict) -> tuple[str, str]:
    row, col = {"active_disclosure": ("item_code", "measure_code"), "applications": ("row_code", "applicant_code"),
                "reviews_litigation": ("category_code", "result_code")}[table]
    return rec[row], rec[col]


def _codes_in_any_edition(table: str) -> set[str]:
    return {f"{r.code}.{c.code}" for ed in R.EDITIONS for r, c in R.expected_cells(table, ed)}


def parse(entries, where: str) -> list[dict]:
    """The sidecar's `corrections:` as clean dicts; CorrectionError for an entry that is not complete."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise CorrectionError(f"{where}: corrections must be a list of entries (code, value, reason, who, when)")
    out = []
    for n, entry in enumerate(entries, 1):
        at = f"{where}: correction {n}"
        if not isinstance(entry, dict):
            raise CorrectionError(f"{at} is not a mapping of code, value, reason, who and when")
        unknown = sorted(map(str, set(entry) - FIELDS))
        if unknown:
            raise CorrectionError(f"{at} has unknown fields: {', '.join(unknown)}")
        for key in ("code", "value", "who", "when"):
            if entry.get(key) in (None, ""):
                raise CorrectionError(f"{at} has no '{key}' (every correction says the cell, the value, who and when)")
        try:
            value = Decimal(str(entry["value"]).strip())
        except InvalidOperation:
            raise CorrectionError(f"{at}: value '{entry['value']}' is not a number") from None
        if not value.is_finite():
            raise CorrectionError(f"{at}: value '{entry['value']}' is not a number")
        when = entry["when"]
        try:
            when = when.isoformat() if isinstance(when, dt.date) else dt.date.fromisoformat(str(when)).isoformat()
        except ValueError:
            raise CorrectionError(f"{at}: when '{entry['when']}' is not a date (YYYY-MM-DD)") from None
        table = str(entry.get("table") or "")
        if table and table not in R.TABLES:
            raise CorrectionError(f"{at}: table '{table}' is not one of {', '.join(R.TABLES)}")
        out.append({"n": n, "code": str(entry["code"]).strip(), "table": table, "value": value,
                    "reason": " ".join(str(entry.get("reason") or "").split()), "who": str(entry["who"]).strip(),
                    "when": when})
    return out


def _locate(corr: dict, records: dict[str, list[dict]], edition: str | None, where: str) -> tuple[str, dict]:
    at = f"{where}: correction {corr['n']} ({corr['code']})"
    tables = [corr["table"]] if corr["table"] else list(R.TABLES)
    found = [(t, rec) for t in tables for rec in records.get(t, ()) if rec["code"] == corr["code"]]
    if len(found) > 1:
        raise CorrectionError(f"{at}: the code is in {' and '.join(t for t, _ in found)}; say which with 'table:'")
    if found:
        return found[0]
    elsewhere = [t for t in tables if corr["code"] in _codes_in_any_edition(t)]
    if elsewhere:
        raise CorrectionError(f"{at}: this report follows the {edition or 'unknown'} edition of the form, which "
                              f"has no such cell in {elsewhere[0]} (it belongs to another edition)")
    if not any(records.get(t) for t in R.TABLES):
        raise CorrectionError(f"{at}: the report has no statistical tables to correct")
    raise CorrectionError(f"{at}: no cell has this code (see the data dictionary for the codes)")


def _integer_column(table: str) -> bool:
    return next(c for c in R.columns_of(table) if c.name == "value").type == "integer"


def apply(records: dict[str, list[dict]], edition: str | None, entries: list[dict], where: str,
          identities) -> list[dict]:
    """Correct the cells in `records` in place; returns the `corrections` resource's rows (without report_id).

    `identities(table, code)` -> the results ('pass'/'fail'/'not checked') of the identities the cell is
    part of, on the values as extracted: a `reported` cell whose identities all pass is overridden only
    with a reason."""
    rows, seen = [], set()
    for corr in entries:
        table, rec = _locate(corr, records, edition, where)
        at = f"{where}: correction {corr['n']} ({table} {corr['code']})"
        if (table, rec["code"]) in seen:
            raise CorrectionError(f"{at}: the cell is corrected twice")
        seen.add((table, rec["code"]))
        value = corr["value"]
        if _integer_column(table) and value != value.to_integral_value():
            raise CorrectionError(f"{at}: value {value} is not a whole number, and this table counts")
        minimum = (R.by_code(R.AD_MEASURES)[rec["measure_code"]].minimum if table == "active_disclosure"
                   else next(c for c in R.columns_of(table) if c.name == "value").minimum)
        if minimum is not None and value < Decimal(str(minimum)):
            raise CorrectionError(f"{at}: value {value} is below {minimum}, the least this cell can hold")
        if abs(value) >= MAX_VALUE:
            raise CorrectionError(f"{at}: value {value} is out of range")
        if rec["status"] == "reported" and not corr["reason"]:
            results = identities(table, rec["code"])
            if all(r == "pass" for r in results):
                raise CorrectionError(
                    f"{at}: the cell was read as printed ({rec['raw']}) and "
                    + ("every identity it is part of passes" if results else "no identity checks it")
                    + "; a correction overriding it needs a 'reason'")
        rows.append({"table": table, "code": rec["code"], "value": value,
                     "extracted_value": rec["value"], "extracted_status": rec["status"],
                     "reason": corr["reason"] or None, "who": corr["who"], "when": corr["when"]})
        rec["value"] = value
        rec["status"] = CORRECTED
    return rows


def perturbed(cells: dict, key: tuple[str, str]) -> dict:
    """The cells with one cell's value moved by one: the identities whose result changes are the cell's."""
    old = cells.get(key)
    base = old.value if old is not None and old.value is not None else Decimal(0)
    out = dict(cells)
    out[key] = CellValue(base + 1, "reported", str(base + 1))
    return out


def cell_key(table: str, rec: dict) -> tuple[str, str]:
    return _cell_key(table, rec)
