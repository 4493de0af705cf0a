"""A validator for the part of Table Schema our schemas use, compiled once per schema.

Types string/integer/number/date, constraints required/enum/minimum, a primary key, missing value "";
cells are cast with Frictionless's own rules (default format, bareNumber true) and errors are worded like
Frictionless's (row, field).  A schema using anything else is reported as an error, never passed.
"""
from __future__ import annotations

import csv
import io
import json
import operator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any, Callable

from gongkai.schema import registry as R

SUPPORTED_TYPES = R.COLUMN_TYPES
SUPPORTED_CONSTRAINTS = ("required", "enum", "minimum")
# Frictionless stops a table after this many errors; so do we, so a broken file cannot flood the log.
ERROR_LIMIT = 1000


# ---------------------------------------------------------------------------
# Casting: the same rules as frictionless.fields.* (default format, bareNumber true)
# ---------------------------------------------------------------------------
def _read_string(cell: Any):
    return cell if isinstance(cell, str) else None


def _read_integer(cell: Any):
    if isinstance(cell, str):
        try:
            return int(cell.strip())
        except ValueError:
            return None
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell.is_finite() and cell % 1 == 0:
        return int(cell)
    return None


def _read_number(cell: Any):
    if isinstance(cell, str):
        try:
            return Decimal(cell.strip())
        except ArithmeticError:
            return None
    if isinstance(cell, Decimal):
        return cell
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return Decimal(str(cell))
    return None


def _read_date(cell: Any):
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else None
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    try:
        return datetime.strptime(cell, "%Y-%m-%d").date()
    except ValueError:
        return None


def _is_nan(value) -> bool:
    # Decimal("sNaN") raises on any comparison, even !=; Frictionless fails NaN against a minimum.
    return value.is_nan() if isinstance(value, Decimal) else value != value


READERS: dict[str, Callable[[Any], Any]] = {
    "string": _read_string, "integer": _read_integer, "number": _read_number, "date": _read_date}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    read: Callable[[Any], Any]
    required: bool
    enum: tuple | None
    minimum: Any
    enum_set: frozenset | None = None


@dataclass(frozen=True)
class Schema:
    fields: tuple[Field, ...]
    primary_key: tuple[int, ...]  # positions of the key fields
    missing: frozenset[str]
    problems: tuple[str, ...]  # what the schema asks that this validator does not implement


@lru_cache(maxsize=64)
def compile_schema(text: str) -> Schema:
    """A Table Schema (as canonical JSON text, so it can be cached) -> the checks it asks for."""
    schema = json.loads(text)
    problems = [f"schema property '{k}' is not supported by the fast validator"
                for k in sorted(schema) if k not in ("fields", "primaryKey", "missingValues")]
    fields = []
    for f in schema.get("fields", []):
        ftype = f.get("type", "string")
        if ftype not in SUPPORTED_TYPES or f.get("format", "default") != "default":
            problems.append(f"field '{f.get('name')}': type '{ftype}/{f.get('format', 'default')}' "
                            "is not supported by the fast validator")
            ftype = "string"
        c = f.get("constraints", {})
        problems += [f"field '{f.get('name')}': constraint '{k}' is not supported by the fast validator"
                     for k in sorted(c) if k not in SUPPORTED_CONSTRAINTS]
        read = READERS[ftype]
        # Frictionless casts the constraint values with the field's own reader, then compares.
        enum = tuple(read(v) for v in c["enum"]) if "enum" in c else None
        minimum = read(c["minimum"]) if "minimum" in c else None
        fields.append(Field(f["name"], ftype, read, bool(c.get("required")), enum, minimum,
                            None if enum is None else frozenset(enum)))
    names = [f.name for f in fields]
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    problems += [f"primary key field '{k}' is not in the schema" for k in key if k not in names]
    return Schema(tuple(fields), tuple(names.index(k) for k in key if k in names),
                  frozenset(schema.get("missingValues", [""])), tuple(problems))


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------
def _cell_errors(schema: Schema, cells: list, row: int) -> tuple[list, list[str]]:
    """(typed values, error messages) of one row, with Frictionless's order and wording."""
    values, errors = [], []
    blank = 0
    for pos, field in enumerate(schema.fields, start=1):
        raw = cells[pos - 1] if pos <= len(cells) else None
        value = None if raw is None or str(raw) in schema.missing else raw
        if value is not None:
            value = field.read(value)
            if value is None:
                errors.append(f'Type error in the cell "{raw}" in row "{row}" and field "{field.name}" '
                              f'at position "{pos}": type is "{field.type}/default"')
                values.append(None)
                continue
        else:
            blank += 1
        broken = []
        if field.required and value is None:
            broken.append(("required", True))
        if value is not None and field.minimum is not None and (_is_nan(value) or value < field.minimum):
            broken.append(("minimum", field.minimum))
        if value is not None and field.enum is not None and value not in field.enum:
            broken.append(("enum", list(field.enum)))
        for name, constraint in broken:
            errors.append(f'The cell "{"" if raw is None else raw}" in row at position "{row}" and field '
                          f'"{field.name}" at position "{pos}" does not conform to a constraint: '
                          f'constraint "{name}" is "{constraint}"')
        values.append(value)
    n = len(schema.fields)
    errors += [f'Row at position "{row}" has an extra value in field at position "{pos}"'
               for pos in range(n + 1, len(cells) + 1)]
    errors += [f'Row at position "{row}" has a missing cell in field "{schema.fields[pos - 1].name}" '
               f'at position "{pos}"' for pos in range(len(cells) + 1, n + 1)]
    if blank == n:
        errors = [f'Row at position "{row}" is completely blank']
    return values, errors


def _header_errors(schema: Schema, labels: list[str]) -> list[str]:
    names = [f.name for f in schema.fields]
    errors = [f'There is an extra label "{label}" in header at position "{pos}"'
              for pos, label in enumerate(labels, start=1) if pos > len(names)]
    errors += [f'There is a missing label in the header\'s field "{names[pos - 1]}" at position "{pos}"'
               for pos in range(len(labels) + 1, len(names) + 1)]
    for pos, (name, label) in enumerate(zip(names, labels), start=1):
        if not label:
            errors.append(f'Label in the header in field at position "{pos}" is blank')
        elif label in labels[:pos - 1]:
            errors.append(f'Label "{label}" in the header at position "{pos}" is duplicated')
        elif label != name:
            errors.append(f'Label "{label}" in field {name} at position "{pos}" does not match the field name '
                          'in the schema')
    return errors


def _column_ok(field: Field, column: tuple, text: bool) -> list | None:
    """The typed values present in a column when none of its cells can fail, else None.

    Only for schemas whose one missing value is "" (the caller checks); JSON also has null."""
    blanks = column.count("") + (0 if text else column.count(None))
    if field.required and blanks:
        return None
    if not text and not set(map(type, column)) <= _JSON_TYPES[field.type]:
        return None  # e.g. a JSON number in a string field: rows one by one say where
    if not blanks:
        present = column
    elif text:
        present = list(filter(None, column))
    else:
        present = [v for v in filter(partial(operator.is_not, None), column) if v != ""]
    if field.type == "string":
        values = present
    elif field.type == "integer" and (text or not blanks):
        try:
            # int() strips the same whitespace as str.strip(), so this is _read_integer in C.
            values = list(map(int, present))
        except (TypeError, ValueError):
            return None
    else:
        values = list(map(field.read, present))
        if None in values:
            return None
        if field.minimum is not None and any(map(_is_nan, values)):
            return None  # NaN has no order, so it fails a minimum; rows one by one say so
    if field.minimum is not None and values and min(values) < field.minimum:
        return None
    if field.enum_set is not None and not field.enum_set.issuperset(values):
        return None
    return values


_NONE = type(None)
# The Python types json.loads gives that a field's reader accepts without question.
_JSON_TYPES = {"string": {str, _NONE}, "integer": {int, _NONE}, "number": {int, float, _NONE},
               "date": {str, _NONE}}


def _table_valid(schema: Schema, rows: list, text: bool) -> bool:
    """True only when the row-by-row check would find nothing; a column at a time, mostly in C."""
    n = len(schema.fields)
    if schema.problems or schema.missing != {""}:
        return False
    if not rows:
        return True
    if set(map(len, rows)) != {n}:
        return False
    columns = list(zip(*rows))
    keys = []
    for i, (field, column) in enumerate(zip(schema.fields, columns)):
        values = _column_ok(field, column, text)
        if values is None:
            return False
        if i in schema.primary_key:
            if len(values) != len(column):
                return False  # a key cell is missing: rows one by one decide
            keys.append(values)
    # A row whose every cell is missing is an error of its own.  A truthy cell is never missing
    # when only "" is, so map(any) settles it in C; otherwise the rows are checked one by one.
    if not all(map(any, rows)):
        return False
    if keys:  # (the order of a key's parts does not change whether the keys are unique)
        key_rows = list(zip(*keys))
        if len(set(key_rows)) != len(key_rows):
            return False
    return True


def table_errors(schema: Schema, labels: list | None, rows: list, text: bool = False, first_row: int = 2,
                 fast: bool = True) -> list[str]:
    """Errors of one table: its header (None when the source has none, e.g. an empty JSON list), then rows.

    `text`: every cell is a str (CSV).  A table is first checked a column at a time (`fast`); only
    when that finds something are the rows checked one by one, for the messages."""
    errors = list(schema.problems)
    if labels is not None:
        errors += _header_errors(schema, labels)
    if fast and not errors and _table_valid(schema, rows, text):
        return []
    seen: dict[tuple, int] = {}
    for row, cells in enumerate(rows, start=first_row):
        values, errs = _cell_errors(schema, cells, row)
        if schema.primary_key:
            key = tuple(values[i] for i in schema.primary_key)
            if all(v is None for v in key):
                errs.append(f'Row at position "{row}" violates the primary key: cells composing the primary '
                            'keys are all "None"')
            else:
                match = seen.get(key)
                seen[key] = row
                if match:
                    errs.append(f'Row at position "{row}" violates the primary key: the same as in the row at '
                                f'position {match}')
        errors += errs
        if len(errors) >= ERROR_LIMIT:
            return errors[:ERROR_LIMIT]
    return errors


def read_csv(data: bytes) -> tuple[list | None, list[list]] | str:
    """(header, rows) of a CSV file, or why it cannot be read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"The data source could not be decoded as UTF-8: {exc}"
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return f"The data source could not be parsed as CSV: {exc}"
    return (rows[0], rows[1:]) if rows else (None, [])


def read_json(data: bytes) -> tuple[list | None, list[list]] | str:
    """A JSON resource is a list of objects; as in Frictionless, the first object's keys are the header."""
    try:
        records = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"The data source could not be read as JSON: {exc}"
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return "The data source is not a list of objects"
    if not records:
        return None, []
    labels = list(records[0])
    if not labels:
        return labels, [[] for _ in records]
    pick = operator.itemgetter(*labels)
    try:
        rows = list(map(pick, records)) if len(labels) > 1 else [[pick(r)] for r in records]
    except KeyError:  # a later object lacks a key: that cell is missing, as Frictionless reads it
        rows = [[r.get(k) for k in labels] for r in records]
    return labels, rows
