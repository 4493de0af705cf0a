"""Reference implementations the tests and benchmarks hold the fast paths against; the build never calls
them.  combined_package builds datapackages/all/ in memory from the records, the simple way; the build
streams it from the per-report files on disk (package/combined.py), and the tests check the bytes agree.
write_parquet writes one corpus table in a single pass, without the SQLite file beside it, for the tests
that hold the row groups against pyarrow's own writer."""
from __future__ import annotations

from pathlib import Path

from gongkai import paths as P
from gongkai.package.combined import COMBINED_DESCRIPTION, COMBINED_TITLE
from gongkai.package.corpus import PARQUET_ROW_GROUP, ParquetStream, report_rows
from gongkai.package.datapackage import package_files, source_entry
from gongkai.schema import registry as R


def combined_package(reports) -> dict[str, bytes]:
    records = {r: [] for r in R.RESOURCE_ORDER}
    sources = []
    for rep in sorted(reports, key=lambda x: x.report_id):
        for r in R.RESOURCE_ORDER:
            records[r].extend(rep.records[r])
        sources.append(source_entry(rep))
    return package_files(
        name=P.COMBINED_NAME,
        title=COMBINED_TITLE,
        description=COMBINED_DESCRIPTION,
        sources=sources,
        records=records,
        json_forms=False,
    )


def write_parquet(out_dir: Path, report_ids: list[str], resource: str, path: Path,
                  row_group: int = PARQUET_ROW_GROUP) -> None:
    stream = ParquetStream(resource, path, row_group)
    for rows in report_rows(out_dir, report_ids, resource):
        stream.add(rows)
    stream.close()
