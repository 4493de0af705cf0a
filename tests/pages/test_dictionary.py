"""gongkai/pages/dictionary.py: the data dictionary and downloads pages."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.pages.dictionary import dictionary_page, downloads_page, human_size
from gongkai.schema import measures as M
from gongkai.schema import registry as R


def test_downloads_page_lists_known_corpus_files_with_sizes_and_skips_others():
    page = downloads_page({f"{P.COMBINED}/{P.EVERYTHING_ZIP}": 3 * (1 << 20), f"{P.COMBINED}/checks.csv": 2048,
                           f"{P.COMBINED}/notes.txt": 1}, built_on="2026-12-01")
    assert f"](downloads/all/{P.EVERYTHING_ZIP}) | zip |" in page  # the link text is escaped Markdown
    assert "| [checks\\.csv](downloads/all/checks.csv) | CSV（UTF\\-8） |" in page
    assert "| 3.0 MB | 2026\\-12\\-01 |" in page and "| 2.0 KB |" in page
    assert "notes.txt" not in page
    assert page.index(P.EVERYTHING_ZIP) < page.index("checks.csv")  # the zip first


def test_downloads_page_links_the_parquet_folder_to_its_file_list_and_says_how_to_read_it():
    page = downloads_page({f"{P.COMBINED}/{P.PARQUET_DIR}": 5 * (1 << 20)}, built_on="2026-12-01")
    assert f"](downloads/{P.COMBINED}/{P.PARQUET_LIST}) | Parquet |" in page and "| 5.0 MB |" in page
    for how in ('pandas.read_parquet("parquet/applications")', "pyarrow.dataset.dataset", "hive_partitioning=true",
                f"{P.PARQUET_YEAR}=2023/{P.PARQUET_PROVINCE}=beijingshi/part-0.parquet", "unknown`）按机关代码的散列分成至多 16 个文件"):
        assert how in page, how


def test_human_size():
    assert [human_size(n) for n in (0, 1023, 1024, 1536, 5 << 20)] == ["0 字节", "1023 字节", "1.0 KB", "1.5 KB",
                                                                          "5.0 MB"]


def test_dictionary_lists_every_code():
    page = dictionary_page()
    dims = R.AD_ITEMS + R.AD_MEASURES + R.APP_ROWS + R.APPLICANTS + R.RL_CATEGORIES + R.RL_RESULTS
    for d in dims:
        assert f"`{d.code}`" in page, d.code


def test_dictionary_documents_every_measure():
    page = dictionary_page()
    for m in M.MEASURES:
        assert f"`{m.code}`" in page
    assert "结果维持" in page and "不按 0 计" in page


def test_dictionary_documents_the_database_tables():
    page = dictionary_page()
    for col in R.columns_of("agencies"):
        assert col.description and col.zh and col.en
        assert f"| `{col.name}` | `{col.type}` | {col.zh} |" in page
    assert P.CORPUS_SQLITE in page
