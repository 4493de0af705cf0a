"""The published data as pandas DataFrames, typed from the registry.

    from gongkai import data
    apps = data.load("applications")                 # every report's table 三, one row per printed cell
    m = data.measures(base="https://example.org/")   # the headline measures, from the published site

`base` is a local directory laid out like `datapackages/` (or a site's `downloads/`, which has the same
layout), or the http(s) URL of a published site (its `downloads/` folder is read).  Nothing else is
fetched.  Types come from the registry that wrote the files:
- integer columns are pandas' nullable `Int64`, so a blank cell stays <NA>, never 0;
- number columns are nullable `Float64`;
- codes with a fixed list of values (status, row and column codes, edition, level, …) are categoricals
  in the registry's order;
- dates are `datetime64[s]`; other text is the `string` dtype (an empty field is <NA>).
A value that does not fit its type (a non-integer count, a code the registry does not know) raises
DataError naming the file and the column: it is never turned into NA or 0.
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pandas as pd

from gongkai.package.exports import agency_records, measure_records
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.schema.places import LEVELS
from gongkai import paths as P

DEFAULT_BASE = "datapackages"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")  # what slug.py produces; anything else never reaches a path
TABLES = R.RESOURCE_ORDER + ("agencies", M.TABLE)
# Identifying columns of the metadata that measures() puts before the measures.
MEASURE_CONTEXT = ("agency_slug", "agency", "region", "province", "level", "year")


class DataError(ValueError):
    """A published file that does not match the registry's schema."""


# ---------------------------------------------------------------------------
# Types from the registry
# ---------------------------------------------------------------------------
def _cell_codes(table: str) -> tuple[str, ...]:
    """Every cell code of a statistical table, over both editions, in form order."""
    codes: dict[str, None] = {}
    for edition in R.EDITIONS:
        for row, col in R.expected_cells(table, edition):
            codes[f"{row.code}.{col.code}"] = None
    return tuple(codes)


def categories(table: str, column: R.Column) -> tuple[str, ...] | None:
    """The fixed list of values of a code column, or None for free text."""
    if column.enum:
        return column.enum
    if column.name == "code" and table in R.TABLES:
        return _cell_codes(table)
    if column.name == "level":
        return tuple(LEVELS)
    if column.name == "section" and table == "sections":
        return tuple(code for code, _, _ in R.SECTIONS)
    return None


def columns_of(table: str) -> tuple[R.Column, ...]:
    if table == M.TABLE:
        return M.COLUMNS
    return R.columns_of(table)


def dtypes(table: str) -> dict[str, object]:
    """The pandas dtype of every column of a published table."""
    out = {}
    for col in columns_of(table):
        cats = categories(table, col)
        if cats is not None:
            out[col.name] = pd.CategoricalDtype(list(cats), ordered=False)
        elif col.type == "integer":
            out[col.name] = pd.Int64Dtype()
        elif col.type == "number":
            out[col.name] = pd.Float64Dtype()
        elif col.type == "date":
            out[col.name] = "datetime64[s]"
        else:
            out[col.name] = pd.StringDtype()
    return out


def typed(frame: pd.DataFrame, table: str, origin: str) -> pd.DataFrame:
    """Text columns as read from a CSV (empty = <NA>) cast to the registry's types, checked."""
    names = [c.name for c in columns_of(table)]
    if list(frame.columns) != names:
        raise DataError(f"{origin}: the header is {list(frame.columns)}, expected {names}")
    out = {}
    for name, dtype in dtypes(table).items():
        text = frame[name]
        try:
            if isinstance(dtype, pd.CategoricalDtype):
                unknown = text.notna() & ~text.isin(dtype.categories)
                if unknown.any():
                    raise DataError(f"{origin}: column {name}: {text[unknown].iloc[0]!r} is not one of the "
                                    "registry's codes")
                values = text.astype(dtype)
            elif dtype == "datetime64[s]":
                values = pd.to_datetime(text, format="%Y-%m-%d").astype(dtype)
            else:
                values = text.astype(dtype)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, DataError):
                raise
            raise DataError(f"{origin}: column {name}: {exc}") from None
        out[name] = values
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


# ---------------------------------------------------------------------------
# Where the files are
# ---------------------------------------------------------------------------
def _is_url(base: str) -> bool:
    return urllib.parse.urlsplit(base).scheme in ("http", "https")


def location(base: str | Path | None, *parts: str) -> str:
    """The path or URL of a published file: `base` is a local tree or a site's root URL."""
    base = DEFAULT_BASE if base is None else base
    if isinstance(base, str) and _is_url(base):
        root = base if base.endswith("/") else base + "/"
        return urllib.parse.urljoin(root, "downloads/" + "/".join(urllib.parse.quote(p) for p in parts))
    return str(Path(base).joinpath(*parts))


def _read_csv(where: str, table: str) -> pd.DataFrame:
    try:
        # Everything as text first; an empty field is the only missing value (the schemas' missingValues),
        # so text such as "NA" or "null" stays text.
        frame = pd.read_csv(where, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{where}: not found (is the base a datapackages/ tree or a site URL?)") from None
    except OSError as exc:  # urllib's HTTPError and URLError are OSErrors
        raise DataError(f"{where}: {exc}") from None
    return typed(frame, table, where)


def _check_slug(agency_slug: str, year: int) -> str:
    if not isinstance(agency_slug, str) or not SLUG.fullmatch(agency_slug):
        raise ValueError(f"not an agency slug: {agency_slug!r} (lower-case letters, digits and '-')")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"not a year: {year!r}")
    return f"{agency_slug}/{year}"


# ---------------------------------------------------------------------------
# The public API
# ---------------------------------------------------------------------------
def load(table: str, base: str | Path | None = None) -> pd.DataFrame:
    """One table of every report (the combined package's CSV), typed from the registry.

    `agencies` and `measures` are derived as the build derives them for the SQLite database."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; one of {', '.join(TABLES)}")
    if table == "agencies":
        return _records_frame("agencies", agency_records(_records(load("metadata", base))), "agencies")
    if table == M.TABLE:
        return measures(base, context=False)
    return _read_csv(location(base, "all", P.resource_csv(table)), table)


def load_report(agency_slug: str, year: int, base: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of one report's package: {resource name: DataFrame}."""
    _check_slug(agency_slug, year)
    folder = P.report_dir(agency_slug, year).split("/")
    return {name: _read_csv(location(base, *folder, P.resource_csv(name)), name) for name in R.RESOURCE_ORDER}


def measures(base: str | Path | None = None, context: bool = True) -> pd.DataFrame:
    """The headline measures of every report (gongkai/schema/measures.py), one row per report.

    Computed from the published cells with the same definitions as the site and the `measures` table of
    the SQLite and Parquet downloads.  With `context`, the report's agency, place and year come first."""
    tables = {name: load(name, base) for name in ("metadata", "applications", "reviews_litigation")}
    rows = measure_records({name: _records(frame) for name, frame in tables.items()})
    frame = _records_frame(M.TABLE, rows, "measures")
    if not context:
        return frame
    meta = tables["metadata"].set_index("report_id")[list(MEASURE_CONTEXT)]
    return frame[["report_id"]].join(meta, on="report_id").join(frame.drop(columns="report_id"))


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for <NA> and plain Python numbers, as the build's records hold them."""
    plain = frame.astype(object).where(frame.notna(), None)
    return plain.to_dict("records")


def _records_frame(table: str, rows: list[dict], origin: str) -> pd.DataFrame:
    names = [c.name for c in columns_of(table)]
    text = pd.DataFrame([[None if rec.get(n) is None else str(rec[n]) for n in names] for rec in rows],
                        columns=names, dtype=pd.StringDtype())
    return typed(text, table, origin)
