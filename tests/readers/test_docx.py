"""gongkai/readers/docx.py: Word paragraphs become lines and Word tables rows of printed cells.

The fixture is 041 saved as .docx by LibreOffice (tests/fixtures/derived); its first table prints
规章 13 | 13 | 524 as in the HTML original (the 本年新公开数量 cell spans two grid columns)."""
from __future__ import annotations

import zipfile

import pytest

from conftest import ROOT
from gongkai.model import ReadError
from gongkai.readers.docx import docx_to_document, read

DOCX = ROOT / "tests" / "fixtures" / "derived" / "041_shanghai_shizhengfu_bgt_2019_libreoffice.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_the_libreoffice_copy_of_041_reads_like_the_html():
    doc = read(DOCX)
    assert doc.format == "docx"
    assert doc.lines[:2] == ["2019年上海市人民政府办公厅政府信息公开工作年度报告", "发布日期：2020-01-31"]
    rows = [r.cells for r in doc.rows]
    assert ("规章", "13", "13", "524") in rows and ("规范性文件", "60", "60", "368") in rows


def test_a_vertically_merged_cell_prints_once_and_content_controls_are_read():
    xml = f"""<w:document {W}><w:body>
      <w:sdt><w:sdtContent><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:sdtContent></w:sdt>
      <w:tbl>
        <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>（三）不予公开</w:t></w:r></w:p></w:tc>
              <w:tc><w:p><w:r><w:t>1.属于国家秘密</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
              <w:tc><w:p><w:r><w:t>2.其他法律</w:t></w:r><w:br/><w:r><w:t>行政法规禁止公开</w:t></w:r></w:p></w:tc>
              <w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>
      </w:tbl></w:body></w:document>""".encode()
    doc = docx_to_document(xml)
    assert doc.lines[0] == "一、总体情况"
    assert [r.cells for r in doc.rows] == [("（三）不予公开", "1.属于国家秘密", "0"),
                                           ("2.其他法律\n行政法规禁止公开", "1")]


def test_damaged_or_empty_documents_are_refused_with_the_reason(tmp_path):
    with pytest.raises(ReadError, match="not well-formed XML"):
        docx_to_document(b"<w:document", "x.docx")
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("word/document.xml", f"<w:document {W}><w:body/></w:document>")
    with pytest.raises(ReadError, match="contains no text") as info:
        read(empty)
    assert "empty.docx" in str(info.value)
    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("content.xml", "<x/>")
    with pytest.raises(ReadError, match="no word/document.xml"):
        read(other)
