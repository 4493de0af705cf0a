"""What the fuzzer (tests/fuzz/fuzz_readers.py) and its regression tests run: bytes of a text or HTML
report through every pure step of extraction, with no file system.  Raises only ReadError."""
from __future__ import annotations

from gongkai.schema import registry as R
from gongkai.model import ReadError
from gongkai.parse.metadata import detect
from gongkai.readers.html import html_to_document
from gongkai.readers.script import to_simplified
from gongkai.readers.textcodec import decode
from gongkai.readers.txt import text_to_document
from gongkai.parse.recover import recover
from gongkai.parse.sections import split_sections
from gongkai.parse.tables import cells_run_together, parse_tables


def parse_bytes(data: bytes, as_html: bool) -> None:
    if not data:
        raise ReadError("fuzz", "the file is empty (0 bytes)")
    text = decode(data, "fuzz")
    doc = to_simplified(html_to_document(text) if as_html else text_to_document(text))
    detect(doc.lines, doc.meta)
    tables = parse_tables(doc.rows, doc.lines)
    if not any(tables.found(t) for t in R.TABLES) and cells_run_together(doc.lines):
        recover(doc.text, tables.edition, tables.other_layout)
    split_sections(doc.text)
