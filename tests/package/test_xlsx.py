"""The XLSX writer, read back with openpyxl: values, types, sheet names, hostile text and Excel's limits."""
from __future__ import annotations

import csv
from gongkai.files import FIXED_ZIP_TIME
import io
import os
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongkai.package import exports as E
from gongkai.package import xlsx as X


def _book(*sheets, quoted=E.needs_neutralising):
    return load_workbook(io.BytesIO(X.workbook_bytes(list(sheets), quoted=quoted)))


def test_values_and_types_read_back():
    rows = [["a", 1, Decimal("125.132"), Decimal("-15"), 2.5, True, None, ""],
            ["行政处罚", 0, Decimal("0.10"), Decimal("1E+3"), -0.0, False, "x", "y"]]
    ws = _book(X.Sheet("data", ["t", "i", "d", "n", "f", "b", "none", "empty"], rows))["data"]
    got = [[c.value for c in r] for r in ws.iter_rows()]
    assert got[0] == ["t", "i", "d", "n", "f", "b", "none", "empty"]
    assert got[1] == ["a", 1, 125.132, -15, 2.5, True, None, None]
    assert got[2] == ["行政处罚", 0, 0.1, 1000, -0.0, False, "x", "y"]
    assert isinstance(got[1][1], int) and isinstance(got[1][3], int) and isinstance(got[1][2], float)
    assert [c.data_type for c in ws[2]][:6] == ["s", "n", "n", "n", "n", "b"]


def test_values_without_a_number_form_are_written_as_their_text():
    ws = _book(X.Sheet("s", None, [[float("nan"), Decimal("Infinity"), ["a"], 1], [float("nan"), ["a"], 2, 1]]))["s"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["nan", "Infinity", "['a']", 1], ["nan", "['a']", 2, 1]]


def test_hostile_text_stays_text_and_verbatim():
    texts = ["=1+1", "@SUM(A1:A3)", "+cmd|' /C calc'!A0", "-2+3", '=HYPERLINK("http://x")', "\t=1", "a=b",
             "-15", "<b>&amp;</b>", "  two spaces  ", "line\nbreak", "cr\r\nlf", "😀 emoji 𠀀", "_x0041_"]
    data = X.workbook_bytes([X.Sheet("s", ["text"], [[t] for t in texts])], quoted=E.needs_neutralising)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet  # no formula anywhere
    ws = load_workbook(io.BytesIO(data))["s"]
    cells = [r[0] for r in ws.iter_rows(min_row=2)]
    for text, cell in zip(texts, cells):
        assert cell.data_type == "s", text
        assert cell.quotePrefix == E.needs_neutralising(text), text
        if text == "_x0041_":
            # Excel reads _xHHHH_ as an escaped character; the writer escapes the "_" so Excel shows it as typed.
            assert cell.value == "_x005F_x0041_"
        else:
            assert cell.value == text, text


def test_control_characters_become_replacement_characters():
    text = "".join(chr(i) for i in range(32)) + "\ud800\ufffe\uffff ok"
    ws = _book(X.Sheet("s", None, [[text]]))["s"]
    expected = "".join("\ufffd" if i not in (9, 10, 13) else chr(i) for i in range(32)) + "\ufffd\ufffd\ufffd ok"
    assert ws["A1"].value == expected


def test_long_cells_are_cut_to_excels_limit():
    long_ascii, long_cjk = "x" * 40000, "长" * 10000
    emoji = "😀" * 20000  # two UTF-16 units each: Excel counts 40,000
    ws = _book(X.Sheet("s", None, [[long_ascii], [long_cjk], [emoji], ["y" * X.CELL_MAX]]))["s"]
    assert len(ws["A1"].value) == X.CELL_MAX and ws["A1"].value.endswith("…")
    assert ws["A2"].value == long_cjk  # 10,000 characters fit untouched
    cut = ws["A3"].value
    assert cut.endswith("…") and set(cut[:-1]) == {"😀"}
    assert len(cut.encode("utf-16-le")) // 2 <= X.CELL_MAX
    assert ws["A4"].value == "y" * X.CELL_MAX  # exactly at the limit: kept


def test_header_is_bold_and_frozen_only_when_given():
    wb = _book(X.Sheet("with", ["a", "b"], [[1, 2]]), X.Sheet("without", None, [[1, 2]]))
    assert wb.sheetnames == ["with", "without"]
    assert wb["with"].freeze_panes == "A2" and wb["with"]["A1"].font.b and not wb["with"]["A2"].font.b
    assert wb["without"].freeze_panes is None and not wb["without"]["A1"].font.b


@pytest.mark.parametrize("names", [["x" * 32], [""], ["a/b"], ["a[1]"], ["'quoted'"], ["Data", "data"],
                                   ["History"], ["a:b"], ["a?"], ["tab\t"]])
def test_sheet_names_excel_refuses_raise(names):
    with pytest.raises(X.XlsxLimitError):
        X.workbook_bytes([X.Sheet(n, None, []) for n in names])


def test_sheet_names_excel_accepts_read_back():
    names = ["x" * 31, "公开 & <数据>", "legacy_statistics", "A'B"]
    assert _book(*[X.Sheet(n, None, [[1]]) for n in names]).sheetnames == names


def test_too_many_rows_or_columns_raise():
    class Rows(list):
        pass

    with pytest.raises(X.XlsxLimitError, match="1,048,576"):
        X.workbook_bytes([X.Sheet("s", ["h"], [[1]] * X.MAX_ROWS)])  # header + 1,048,576 rows
    with pytest.raises(X.XlsxLimitError, match="16,384"):
        X.workbook_bytes([X.Sheet("s", None, [[1] * (X.MAX_COLUMNS + 1)])])
    # Exactly at the column limit is fine; the last column is XFD.
    data = X.workbook_bytes([X.Sheet("s", None, [[None] * (X.MAX_COLUMNS - 1) + [7]])])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b'<c r="XFD1"><v>7</v></c>' in zf.read("xl/worksheets/sheet1.xml")


def test_column_letters():
    assert [X.column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_bytes_are_deterministic_and_undated():
    sheets = [X.Sheet("s", ["a"], [["x"], [1]])]
    one, two = X.workbook_bytes(sheets), X.workbook_bytes([X.Sheet("s", ["a"], [["x"], [1]])])
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        assert zf.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in zf.infolist()} == {FIXED_ZIP_TIME}
        assert re.findall(rb"\d{4}-\d\d-\d\dT", zf.read("docProps/core.xml")) == [b"1980-01-01T"] * 2


def test_workbook_parts_are_well_formed_xml():
    from xml.etree import ElementTree

    data = X.workbook_bytes([X.Sheet("公开 & <数据>", ["a&b"], [["<x>", 1]])], title="标题 & <t>")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            ElementTree.fromstring(zf.read(name))  # raises on malformed XML


def _calc() -> str | None:
    import shutil as sh

    soffice = sh.which("soffice")
    if soffice is None:
        return None
    # libsclo is Calc's core library; Debian's libreoffice-writer alone does not ship it.
    return soffice if (Path(os.path.realpath(soffice)).parent / "libsclo.so").exists() else None


@pytest.mark.skipif(_calc() is None, reason="LibreOffice Calc is not installed (CI installs Writer only)")
def test_libreoffice_calc_reads_the_workbook_as_written(tmp_path):
    """A real spreadsheet application, not only openpyxl: formulas stay text, escapes decode, numbers are numbers."""
    texts = ["=1+1", "@SUM(A1:A3)", "-2+3", "a=b", "<b>&amp;</b>", "😀 𠀀", "_x0041_", "行政处罚"]
    rows = [[t, i, Decimal("125.132")] for i, t in enumerate(texts)]
    (tmp_path / "h.xlsx").write_bytes(X.workbook_bytes([X.Sheet("s", ["text", "i", "d"], rows)],
                                                       quoted=E.needs_neutralising))
    subprocess.run([_calc(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(tmp_path / "h.xlsx")],
                   check=True, capture_output=True, timeout=180)
    got = list(csv.reader(io.StringIO((tmp_path / "h.csv").read_text(encoding="utf-8"))))
    assert got == [["text", "i", "d"]] + [[t, str(i), "125.132"] for i, t in enumerate(texts)]
