"""Download formats beyond the data packages: Excel-safe CSV, XLSX, SQLite and Parquet.

Every function here is pure: records in, bytes out.  The bytes depend only on the records, so
two builds of the same reports give identical files (no clocks, fixed zip times, sorted rows).
The canonical package CSVs are never touched: formula neutralisation is for Excel users only.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
from functools import lru_cache

from gongkai import paths as P
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.schema.places import province_or_unknown
from gongkai.package.datapackage import LICENSE, _cell_text, data_version
from gongkai.package.fulltext import add_fulltext, section_words
from gongkai.package.xlsx import Sheet, workbook_bytes

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab/CR, strips
# the whitespace and then does); a leading apostrophe makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
# The package resource `metadata` is one row per report: in SQLite it is the `reports` table.
SQL_NAMES = {"metadata": "reports"}
# The tables of the whole-corpus SQLite database and Parquet files, parents before children (foreign keys):
# the derived `agencies`, every package resource, and the per-report headline measures (schema/measures.py).
CORPUS_TABLES = ("agencies",) + R.RESOURCE_ORDER + (M.TABLE,)
# Tables with one Parquet file each (agencies lives in the database only).
PARQUET_TABLES = R.RESOURCE_ORDER + (M.TABLE,)


def columns(table: str) -> tuple[R.Column, ...]:
    """The columns of a corpus table: the registry's, or the measures table's (one column per measure)."""
    return M.COLUMNS if table == M.TABLE else R.columns_of(table)


def key(table: str) -> tuple[str, ...]:
    return M.KEY if table == M.TABLE else R.key_of(table)


def title(table: str) -> tuple[str, str]:
    return M.TITLE if table == M.TABLE else R.title_of(table)


def needs_neutralising(text: str) -> bool:
    """True for text a spreadsheet would run as a formula; a plain signed number stays a number."""
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def excel_text(text: str) -> str:
    return "'" + text if needs_neutralising(text) else text


def _text_columns(resource: str) -> set[str]:
    return {c.name for c in columns(resource) if c.type in ("string", "date")}


# ---------------------------------------------------------------------------
# Excel-safe CSV: UTF-8 with BOM (so Excel reads Chinese), CRLF, formulas neutralised
# ---------------------------------------------------------------------------
def excel_csv_head(table: str) -> str:
    """The BOM and the header line; excel_csv_lines then gives the rows, a report at a time for the corpus."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([c.name for c in columns(table)])
    return "\ufeff" + buf.getvalue()


def excel_csv_lines(table: str, records: list[dict]) -> str:
    return excel_lines(table, column_values(table, records))


def column_values(table: str, records: list[dict]) -> dict[str, list]:
    """Each column's values (None where a record lacks it): the corpus exports convert a report's rows for
    the database, the Excel CSV and Parquet a column at a time from these."""
    return {c.name: [rec.get(c.name) for rec in records] for c in columns(table)}


def _kinds(values: list) -> set:
    return set(map(type, values)) - {type(None)}


def _excel_column(values: list, text: bool) -> list[str]:
    """excel_text(_cell_text(v)) (text columns) or _cell_text(v) of every value; a column of plain str or
    int values (what JSON gives) without the per-value calls, since only text starting with a formula
    trigger can change."""
    kinds = _kinds(values)
    if kinds <= {str}:
        if text:
            return ["" if v is None else excel_text(v) if v.startswith(FORMULA_TRIGGERS) else v for v in values]
        return ["" if v is None else v for v in values]
    if kinds <= {int}:  # a number's text is never neutralised (a plain signed number stays a number)
        return ["" if v is None else str(v) for v in values]
    if text:
        return [excel_text(_cell_text(v)) for v in values]
    return [_cell_text(v) for v in values]


def excel_lines(table: str, cols: dict[str, list]) -> str:
    """The Excel CSV lines of a table's rows given as column_values."""
    texts = _text_columns(table)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        zip(*(_excel_column(cols[c.name], c.name in texts) for c in columns(table))))
    return buf.getvalue()


def excel_csv(resource: str, records: list[dict]) -> bytes:
    return (excel_csv_head(resource) + excel_csv_lines(resource, records)).encode("utf-8")


# ---------------------------------------------------------------------------
# XLSX: a README sheet, then one sheet per resource
# ---------------------------------------------------------------------------
def _readme_rows(title: str, sources: list[dict], resources: tuple[str, ...]) -> list[list]:
    rows: list[list] = [["公开 Gongkai", title], ["版本 Version", data_version()],
                        ["许可 License", f"{LICENSE['title']} ({LICENSE['path']})"], []]
    for src in sources:
        rows += [["源文件 Source file", src.get("title", "")], ["来源网址 Source URL", src.get("url", "")],
                 ["副本网址 Mirror URL", src.get("mirror_url", "")], ["获取日期 Retrieved", src.get("retrieved", "")],
                 ["SHA-256", src.get("sha256", "")], []]
    rows.append(["说明 Note", "空白单元格表示报告中该格为空（不等于 0）。A blank cell is empty in the report, not 0."])
    rows.append([])
    rows.append(["工作表 Sheet", "字段 Field", "类型 Type", "中文", "English", "说明 Description"])
    for name in resources:
        for col in columns(name):
            rows.append([name, col.name, col.type, col.zh, col.en, col.description])
    rows += [[], ["状态 Status", "中文", "English"]]
    rows += [[code, zh, en] for code, (zh, en) in R.STATUSES.items()]
    return rows


def xlsx_bytes(title: str, sources: list[dict], records: dict[str, list[dict]],
               resources: tuple[str, ...] = R.RESOURCE_ORDER, notes: tuple[str, ...] = ()) -> bytes:
    """A README sheet, then one sheet per resource with its fields as a bold, frozen header.

    Text is stored as inline strings, never formulas; text a spreadsheet would run as a formula
    when edited is shown verbatim with a quote prefix (see gongkai/package/xlsx.py)."""
    sheets = [Sheet("README", None, _readme_rows(title, sources, resources) + ([[]] + [[n] for n in notes] if notes else []))]
    for name in resources:
        names = [c.name for c in columns(name)]
        sheets.append(Sheet(name, names, [[rec.get(n) for n in names] for rec in records.get(name, [])]))
    return workbook_bytes(sheets, quoted=needs_neutralising, creator="Gongkai", title=title)


# ---------------------------------------------------------------------------
# Whole corpus: SQLite and Parquet
# ---------------------------------------------------------------------------
def agency_records(metadata: list[dict]) -> list[dict]:
    """One row per agency; its name and place come from its latest report."""
    by_slug: dict[str, list[dict]] = {}
    for rec in metadata:
        by_slug.setdefault(rec["agency_slug"], []).append(rec)
    rows = []
    for slug in sorted(by_slug):
        recs = sorted(by_slug[slug], key=lambda r: r["year"])
        latest = recs[-1]
        rows.append({"agency_slug": slug, "agency": latest["agency"], "region": latest.get("region"),
                     "province": latest.get("province"), "level": latest.get("level"),
                     "first_year": recs[0]["year"], "last_year": latest["year"], "reports": len(recs)})
    return rows


def _sort_key(rec: dict, key: tuple[str, ...]) -> tuple:
    # Nulls last, and numbers compared as numbers (row 10 after row 9), so the order reads naturally.
    return tuple((rec.get(k) is None, rec.get(k) if rec.get(k) is not None else "") for k in key)


def measure_records(records: dict[str, list[dict]]) -> list[dict]:
    """One row of measures per report in `records["metadata"]`, computed from its cells."""
    by_report: dict[str, dict[str, list[dict]]] = {}
    for table in ("applications", "reviews_litigation"):
        for rec in records.get(table, ()):
            by_report.setdefault(rec["report_id"], {}).setdefault(table, []).append(rec)
    return [M.table_row(rec["report_id"], by_report.get(rec["report_id"], {})) for rec in records.get("metadata", ())]


def corpus_tables(records: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Every table of the corpus, rows sorted by primary key; agencies and measures derived from the rest."""
    derived = {"agencies": agency_records(records.get("metadata", [])), M.TABLE: measure_records(records)}
    tables = {}
    for name in CORPUS_TABLES:
        rows = derived[name] if name in derived else records.get(name, [])
        tables[name] = sorted(rows, key=lambda rec, k=key(name): _sort_key(rec, k))
    return tables


def _sql_name(resource: str) -> str:
    return SQL_NAMES.get(resource, resource)


def _sql_value(col: R.Column, value):
    if value is None:
        return None
    if col.type == "integer":
        return int(value)
    if col.type == "number":
        return float(value)
    return str(value)


# The Python types a column's values are stored as unchanged (_sql_value would return them as they are).
_SQL_AS_IS = {"string": {str}, "integer": {int}, "number": {float}, "date": {str}}


def sql_column(col: R.Column, values: list) -> list:
    """_sql_value of every value of a column; a column already of its stored type is taken as it is."""
    if _kinds(values) <= _SQL_AS_IS[col.type]:
        return values
    return [_sql_value(col, v) for v in values]


def create_table_sql(resource: str) -> str:
    """CREATE TABLE from the registry: types, NOT NULL, primary key and the foreign keys between tables."""
    lines = []
    for col in columns(resource):
        null = " NOT NULL" if col.required else ""
        # The comment survives in sqlite_master, so `.schema` shows each column's labels.
        lines.append(f'  "{col.name}" {R.SQLITE_TYPES[col.type]}{null}, -- {col.zh} / {col.en}')
    lines.append("  PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key(resource)) + ")")
    names = {c.name for c in columns(resource)}
    if resource == "metadata":
        lines[-1] += ","
        lines.append('  FOREIGN KEY ("agency_slug") REFERENCES agencies ("agency_slug")')
    elif "report_id" in names:
        lines[-1] += ","
        lines.append('  FOREIGN KEY ("report_id") REFERENCES reports ("report_id")')
    zh, en = title(resource)
    return f'CREATE TABLE "{_sql_name(resource)}" ( -- {zh} / {en}\n' + "\n".join(lines) + "\n)"


def field_rows() -> list[tuple]:
    """The rows of the `fields` table: every column of every corpus table, with its labels."""
    return [(_sql_name(name), c.name, i, c.type, c.zh, c.en, c.description)
            for name in CORPUS_TABLES for i, c in enumerate(columns(name), start=1)]


FIELDS_SQL = ('CREATE TABLE "fields" ( -- 字段说明 / Field definitions\n'
              '  "table_name" TEXT NOT NULL, "field" TEXT NOT NULL, "position" INTEGER NOT NULL,\n'
              '  "type" TEXT NOT NULL, "title_zh" TEXT, "title_en" TEXT, "description" TEXT,\n'
              '  PRIMARY KEY ("table_name", "field")\n)')


def sqlite_bytes(records: dict[str, list[dict]]) -> bytes:
    """One database with every table; inserts in key order then VACUUM, so the file is reproducible."""
    tables = corpus_tables(records)
    con = sqlite3.connect(":memory:")
    try:
        con.execute("PRAGMA foreign_keys = ON")
        for name in CORPUS_TABLES:
            con.execute(create_table_sql(name))
        con.execute(FIELDS_SQL)
        for name in CORPUS_TABLES:
            cols = columns(name)
            marks = ", ".join("?" for _ in cols)
            con.executemany(f'INSERT INTO "{_sql_name(name)}" VALUES ({marks})',
                            ([_sql_value(c, rec.get(c.name)) for c in cols] for rec in tables[name]))
        con.executemany('INSERT INTO "fields" VALUES (?, ?, ?, ?, ?, ?, ?)', field_rows())
        con.commit()
        con.execute("VACUUM")
        by_report: dict[str, list[dict]] = {}
        for rec in tables["sections"]:
            by_report.setdefault(rec["report_id"], []).append(rec)
        add_fulltext(con, lambda rid: section_words(by_report.get(rid, [])))
        return con.serialize()
    finally:
        con.close()


def _arrow_type(col: R.Column):
    import pyarrow as pa

    return getattr(pa, R.ARROW_TYPES[col.type])()


def _arrow_value(col: R.Column, value):
    if value is None:
        return None
    if col.type == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return _sql_value(col, value)


def arrow_array(col: R.Column, values: list):
    """A column as an Arrow array of its type: _arrow_value of each value, or, for values JSON gives (text,
    whole numbers, ISO dates as text), the same array converted by Arrow without a Python call per value."""
    import pyarrow as pa

    kinds, kind = _kinds(values), _arrow_type(col)
    try:
        if col.type == "date" and kinds <= {str}:
            return pa.array(values, pa.string()).cast(kind)  # ISO 8601 text, parsed as fromisoformat would
        if kinds <= _SQL_AS_IS[col.type] or (col.type == "number" and kinds <= {int, float}):
            return pa.array(values, type=kind)  # an int not exactly a double raises, and goes the long way
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    return pa.array([_arrow_value(col, v) for v in values], type=kind)


def parquet_schema(resource: str):
    """The Arrow schema of one table; each field carries its registry labels as metadata."""
    import pyarrow as pa

    fields = [pa.field(c.name, _arrow_type(c), nullable=not c.required,
                       metadata={"title_zh": c.zh, "title_en": c.en, "description": c.description})
              for c in columns(resource)]
    zh, en = title(resource)
    return pa.schema(fields, metadata={"title_zh": zh, "title_en": en, "primary_key": ",".join(key(resource)),
                                       "license": f"{LICENSE['name']} {LICENSE['path']}"})


# Rows per Parquet row group, for the in-memory writer and corpus.ParquetStream alike (so both give the
# same bytes).  pyarrow's default (1,048,576) would make the streaming writer buffer ~300 MB of rows at
# 10,000 reports; at this size it holds a few tens of MB, and readers still get large groups.
PARQUET_ROW_GROUP = 65536


def parquet_bytes(resource: str, records: list[dict]) -> bytes:
    """One table as Parquet; each field carries its registry labels as metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = columns(resource)
    schema = parquet_schema(resource)
    arrays = [pa.array([_arrow_value(c, rec.get(c.name)) for rec in records], type=_arrow_type(c)) for c in cols]
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buf, compression="zstd",
                   row_group_size=PARQUET_ROW_GROUP)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# What each build publishes, by file name
# ---------------------------------------------------------------------------
def report_exports(title: str, slug: str, year: int, sources: list[dict],
                   records: dict[str, list[dict]]) -> dict[str, bytes]:
    """The per-report files published beside the report's package: Excel CSVs and one workbook."""
    files = {P.excel_csv(r): excel_csv(r, records.get(r, [])) for r in R.RESOURCE_ORDER}
    files[P.report_xlsx(slug, year)] = xlsx_bytes(title, sources, records)
    return files


@lru_cache(maxsize=None)
def _province_folder(province: str | None) -> str:
    return P.region_slug(province_or_unknown(province))  # a slug segments with jieba: once per province


def partition_of(metadata: dict) -> tuple[int, str, str]:
    """(report year, province folder, agency group) of the Parquet file a report's rows are in
    (paths.parquet_part): the reports of unknown province are split by their agency's group, a province's are
    one file (paths.PARQUET_SPLIT)."""
    province = _province_folder(metadata.get("province"))
    group = P.parquet_group(metadata["agency_slug"]) if province in P.PARQUET_SPLIT else P.PARQUET_WHOLE
    return int(metadata["year"]), province, group


def parquet_list(sizes: dict[str, int]) -> bytes:
    """paths.PARQUET_LIST: every Parquet file (relative to downloads/all/) and its size, a line each, so the
    datasets can be fetched over HTTP, which lists no folders (`wget -x -nH -B <base> -i`)."""
    return "".join(f"{rel}\t{sizes[rel]}\n" for rel in sorted(sizes)).encode("utf-8")


def corpus_exports(records: dict[str, list[dict]]) -> dict[str, bytes]:
    """The whole-corpus files beside the combined package: one SQLite database, and a Parquet dataset (a file
    per partition) and an Excel-safe CSV per table.  No workbook: a national corpus has more reports than a
    sheet has rows (1,048,576), and metadata_excel.csv and measures_excel.csv open in Excel."""
    tables = corpus_tables(records)
    files = {P.CORPUS_SQLITE: sqlite_bytes(records)}
    parts = {rec["report_id"]: partition_of(rec) for rec in records.get("metadata", ())}
    for name in PARQUET_TABLES:
        by_part: dict[tuple, list[dict]] = {part: [] for part in parts.values()}
        for rec in tables[name]:
            by_part[parts[rec["report_id"]]].append(rec)
        for part, rows in by_part.items():
            files[P.parquet_part(name, *part)] = parquet_bytes(name, rows)
        files[P.excel_csv(name)] = excel_csv(name, tables[name])
    files[P.PARQUET_LIST] = parquet_list({rel: len(data) for rel, data in files.items()
                                          if rel.startswith(P.PARQUET_DIR + "/")})
    return files


def build_date(environ) -> str:
    """The declared build date shown on the downloads page (never inside a package).

    SOURCE_DATE_EPOCH, the reproducible-builds convention, pins it; otherwise it is today (UTC).
    """
    epoch = environ.get("SOURCE_DATE_EPOCH", "")
    when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit()
            else dt.datetime.now(dt.timezone.utc))
    return when.date().isoformat()
