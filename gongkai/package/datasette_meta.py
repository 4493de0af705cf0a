"""Datasette's metadata for the whole-corpus SQLite database, generated from the registry.

`make datasette` (`python -m gongkai datasette`) serves docs/downloads/all/gongkai-all.sqlite on
127.0.0.1 with it: every table and column described in Chinese and English, with its unit, the
licence and the source, and the full-text tables (package/fulltext.py) wired to the tables they index,
so the search box of `sections` and `agencies` works.  Units are written into the descriptions: they
are counts (件, 项) and amounts (万元), which Datasette's own `units` (a physical-units library) does not
know.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from gongkai import paths as P
from gongkai.package import exports as E
from gongkai.package import fulltext
from gongkai.package.datapackage import LICENSE
from gongkai.schema import registry as R

DATABASE = Path(P.CORPUS_SQLITE).stem
TITLE = "公开 Gongkai：政府信息公开工作年度报告开放数据"
DESCRIPTION = ("中国各级政府机关政府信息公开工作年度报告的开放数据：逐格摘录、勾稽核验。"
               "China's government information-disclosure annual reports as open data. "
               "空白单元格为 NULL（状态 blank），不是 0。A blank cell is NULL (status blank), never 0. "
               "全文搜索 Full-text search: sections、agencies 表的搜索框，词之间用空格 (words separated by spaces).")
SOURCE = ("各机关网站公布的年度报告；每份报告的来源网址和 SHA-256 见 reports 表。"
          "The annual reports as published on each agency's website; reports.source_url and reports.sha256 "
          "name each one.")
# The unit a value column is in, where the registry's type does not say it.
_UNIT_NOTE = {
    "value": "单位见 unit 列（件、项、万元……）/ unit in the `unit` column",
    "this_year": "单位见 unit 列 / unit in the `unit` column",
    "cumulative": "单位见 unit 列 / unit in the `unit` column",
}


def column_description(col: R.Column) -> str:
    text = f"{col.zh} / {col.en}: {col.description}"
    if col.name in _UNIT_NOTE:
        text += f" ({_UNIT_NOTE[col.name]})"
    return text


def metadata() -> dict:
    tables = {}
    for name in E.CORPUS_TABLES:
        zh, en = E.title(name)
        table = {"title": f"{zh} / {en}",
                 "description": f"{zh} / {en}. 主键 Primary key: {', '.join(E.key(name))}.",
                 "columns": {c.name: column_description(c) for c in E.columns(name)}}
        tables[E._sql_name(name)] = table
    tables["sections"].update(fts_table=fulltext.SECTIONS_FTS, fts_pk="rowid")
    tables["agencies"].update(fts_table=fulltext.AGENCIES_FTS, fts_pk="rowid")
    tables["fields"] = {
        "title": "字段说明 / Field definitions",
        "description": "每个表的每个字段 / every column of every table",
        "columns": {"table_name": "表名 / Table name", "field": "字段名 / Column name", "position": "列序 / Position",
                    "type": "类型 / Type (Table Schema)", "title_zh": "中文标题 / Chinese title",
                    "title_en": "英文标题 / English title", "description": "说明 / Description"},
    }
    for fts in (fulltext.SECTIONS_FTS, fulltext.AGENCIES_FTS):
        tables[fts] = {"hidden": True}
    return {
        "title": TITLE, "description": DESCRIPTION,
        "license": LICENSE["title"], "license_url": LICENSE["path"],
        "source": SOURCE,
        "databases": {DATABASE: {"tables": tables}},
    }


def metadata_bytes() -> bytes:
    return (json.dumps(metadata(), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Write the metadata beside the build cache and replace this process with Datasette."""
    db = root / P.DOCS_DIR / P.DOWNLOADS / P.COMBINED / P.CORPUS_SQLITE
    if not db.is_file():
        print(f"error: {db} not found: run `make packages` (or `make site`) first", file=sys.stderr)
        return 2
    meta = root / "build" / "datasette" / "metadata.json"  # beside build/cache/, never published
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_bytes(metadata_bytes())
    args = [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(meta),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50"]
    print(f"Datasette on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    os.execv(sys.executable, args)
    return 0  # not reached
