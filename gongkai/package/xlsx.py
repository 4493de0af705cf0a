"""A small XLSX writer: sheets of rows in, workbook bytes out.  Pure, deterministic and fast.

openpyxl builds an object per cell and took ~36 ms for one report's workbook; this writes the
SpreadsheetML strings directly.  Only what our downloads need:
- text as inline strings (no shared-string table), so no cell is ever a formula; text a
  spreadsheet would run as a formula when edited gets `quotePrefix` (the stored form of a typed
  apostrophe), shown verbatim;
- int, float and Decimal as numbers, bool as a boolean, None as an empty cell;
- a bold, frozen header row when a sheet has one.
The bytes depend only on the input: fixed zip times and member order, no clock.

Excel's limits, and what happens at each:
- a cell holds at most 32,767 characters (UTF-16 units): longer text is cut and ends with "…";
- characters XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD;
- a sheet name of 1-31 characters without : \\ / ? * [ ], not starting or ending with ', unique
  regardless of case, not "History"; 1,048,576 rows and 16,384 columns a sheet: anything else raises
  XlsxLimitError, since cutting a table or renaming a sheet silently would lose data.
"""
from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Sequence

from gongkai.files import zip_info
from gongkai.parse.labels import format_decimal

CELL_MAX = 32767
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
SHEET_NAME_MAX = 31

FIXED_W3CDTF = "1980-01-01T00:00:00Z"

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads _xHHHH_ in a string as the character HHHH; its own escape for a literal "_x" is _x005F_.
_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_SHEET_NAME_FORBIDDEN = re.compile(r"[:\\/?*\[\]\x00-\x1f]")

# cellXfs indices in styles.xml
_PLAIN, _BOLD, _QUOTED, _BOLD_QUOTED = 0, 1, 2, 3


class XlsxLimitError(ValueError):
    """The workbook would break one of Excel's limits that cannot be met without losing data."""


@dataclass(frozen=True)
class Sheet:
    name: str
    header: Sequence[str] | None  # bold and frozen when given
    rows: Iterable[Sequence]


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(1, 257)]


def _letter(i: int) -> str:
    return _LETTERS[i] if i < len(_LETTERS) else column_letter(i + 1)


def check_sheet_names(names: Sequence[str]) -> None:
    seen = set()
    for name in names:
        if not isinstance(name, str) or not 1 <= len(name) <= SHEET_NAME_MAX:
            raise XlsxLimitError(f"sheet name {name!r}: Excel allows 1 to {SHEET_NAME_MAX} characters")
        if _SHEET_NAME_FORBIDDEN.search(name) or name[0] == "'" or name[-1] == "'" or _XML_ILLEGAL.search(name):
            raise XlsxLimitError(f"sheet name {name!r}: Excel forbids : \\ / ? * [ ], a leading or trailing ' "
                                 "and control characters")
        if name.casefold() == "history":
            raise XlsxLimitError("sheet name 'History' is reserved by Excel")
        if name.casefold() in seen:
            raise XlsxLimitError(f"sheet name {name!r} is used twice (Excel ignores case)")
        seen.add(name.casefold())


def clean_text(text: str) -> str:
    """Text Excel can hold: XML-illegal characters replaced, cut to the cell limit."""
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub("\ufffd", text)
    if len(text) > CELL_MAX // 2 and len(text.encode("utf-16-le")) // 2 > CELL_MAX:
        units = text.encode("utf-16-le")[:(CELL_MAX - 1) * 2]
        text = units.decode("utf-16-le", errors="ignore") + "…"  # "ignore" drops a split surrogate pair
    return text


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")  # a literal CR would be read back as LF
    if "_x" in text:
        text = _OOXML_ESCAPE.sub("_x005F_", text)
    return text


def _text_body(text: str, bold: bool, quoted: Callable[[str], bool]) -> str:
    """A text cell after its reference: `<c r="A1"` + this."""
    text = clean_text(text)
    style = (_BOLD if bold else _PLAIN) + (_QUOTED if quoted(text) else 0)
    s = f' s="{style}"' if style else ""
    return f' t="inlineStr"{s}><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def _value_body(value, bold: bool, quoted: Callable[[str], bool]) -> str:
    """Any cell after its reference."""
    if isinstance(value, str):
        return _text_body(value, bold, quoted)
    s = ' s="1"' if bold else ""
    if value is True or value is False:
        return f' t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'{s}><v>{value}</v></c>'
    if isinstance(value, Decimal) and value.is_finite():
        return f'{s}><v>{format_decimal(value)}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'{s}><v>{value!r}</v></c>'
    # NaN, infinities and anything else have no number form in a workbook: their text is shown.
    return _text_body(str(value), bold, quoted)


def _never(_: str) -> bool:
    return False


def sheet_xml(sheet: Sheet, selected: bool = False, quoted: Callable[[str], bool] = _never) -> bytes:
    rows = []
    if sheet.header is not None:
        rows.append((True, sheet.header))
    rows.extend((False, r) for r in sheet.rows)
    if len(rows) > MAX_ROWS:
        raise XlsxLimitError(f"sheet {sheet.name!r} has {len(rows)} rows; Excel holds at most {MAX_ROWS:,}")
    width = max((len(r) for _, r in rows), default=0)
    if width > MAX_COLUMNS:
        raise XlsxLimitError(f"sheet {sheet.name!r} has {width} columns; Excel holds at most {MAX_COLUMNS:,}")
    out = []
    # The same texts (ids, units, statuses, labels) fill most cells: each is cleaned and escaped once.
    bodies: dict[tuple, str] = {}
    for n, (bold, values) in enumerate(rows, start=1):
        cells = []
        for i, v in enumerate(values):
            if v is None or v == "":
                continue  # an empty text looks the same as no cell
            key = (type(v), v, bold)
            try:
                body = bodies.get(key)
                if body is None:
                    body = bodies[key] = _value_body(v, bold, quoted)
            except TypeError:  # unhashable: written as its text, uncached
                body = _value_body(v, bold, quoted)
            cells.append(f'<c r="{_letter(i)}{n}"{body}')
        if cells:
            out.append(f'<row r="{n}">{"".join(cells)}</row>')
    dimension = f"A1:{_letter(width - 1)}{len(rows)}" if width and rows else "A1"
    tab = ' tabSelected="1"' if selected else ""
    if sheet.header is not None:
        view = (f'<sheetView{tab} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
    else:
        view = f'<sheetView{tab} workbookViewId="0"/>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
            f'<dimension ref="{dimension}"/><sheetViews>{view}</sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><sheetData>{"".join(out)}</sheetData>'
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '</worksheet>').encode("utf-8")


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = (_HEAD + f'<styleSheet xmlns="{_MAIN}">'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="4">'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/>'
          '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          '</styleSheet>').encode("utf-8")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _package_parts(names: list[str], creator: str, title: str) -> dict[str, bytes]:
    n = len(names)
    content_types = (
        _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, n + 1))
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    root_rels = (
        _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        '</Relationships>')
    core = (
        _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dc:title>{_escape(clean_text(title))}</dc:title><dc:creator>{_escape(clean_text(creator))}</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_W3CDTF}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_W3CDTF}</dcterms:modified>'
        '</cp:coreProperties>')
    app = (_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           f'<Application>{_escape(clean_text(creator))}</Application></Properties>')
    workbook = (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
        '<sheets>' + "".join(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
                             for i, name in enumerate(names, start=1))
        + '</sheets></workbook>')
    workbook_rels = (
        _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
    return {"[Content_Types].xml": content_types.encode("utf-8"), "_rels/.rels": root_rels.encode("utf-8"),
            "docProps/app.xml": app.encode("utf-8"), "docProps/core.xml": core.encode("utf-8"),
            "xl/workbook.xml": workbook.encode("utf-8"), "xl/_rels/workbook.xml.rels": workbook_rels.encode("utf-8"),
            "xl/styles.xml": STYLES}


def workbook_bytes(sheets: Sequence[Sheet], quoted: Callable[[str], bool] = _never, creator: str = "Gongkai",
                   title: str = "") -> bytes:
    """The .xlsx file of these sheets, in order; `quoted(text)` says which text cells get quotePrefix."""
    if not sheets:
        raise XlsxLimitError("a workbook needs at least one sheet")
    names = [s.name for s in sheets]
    check_sheet_names(names)
    parts = _package_parts(names, creator, title)
    for i, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(sheet, selected=i == 1, quoted=quoted)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():  # [Content_Types].xml first, as Office writes it
            zf.writestr(zip_info(name), data)
    return buf.getvalue()
