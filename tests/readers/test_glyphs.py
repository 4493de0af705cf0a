"""gongkai/readers/glyphs.py: radical code points some PDF printers emit are mapped back to ideographs.

Chromium prints 人民 as ⼈ (U+2F08, Kangxi) ⺠ (U+2EA0, Supplement); both must read as 人民."""
from __future__ import annotations

from gongkai.model import Document, Row
from gongkai.readers.glyphs import fix_radicals, normalize_glyphs


def test_kangxi_and_supplement_radicals_become_the_unified_ideographs():
    assert fix_radicals("\u2f08\u2ea0政府") == "人民政府"
    assert fix_radicals("\u2ecb\u2f3e") == "车\u6236"  # ⻋ (Supplement) 车; ⼾ (Kangxi) decomposes to 戶 U+6236
    assert fix_radicals("人民政府 123") == "人民政府 123"


def test_a_document_is_fixed_in_lines_cells_and_meta_and_left_alone_when_clean():
    doc = Document(lines=["\u2f08\u2ea0政府"], rows=[Row(("\u2f08\u2ea0", "1"), page=2)], format="pdf",
                   meta={"title": "\u2ea0政", "pages": 3})
    fixed = normalize_glyphs(doc)
    assert fixed.lines == ["人民政府"]
    assert fixed.rows == [Row(("人民", "1"), page=2)]
    assert fixed.meta == {"title": "民政", "pages": 3}
    clean = Document(lines=["人民政府"], rows=[], format="pdf")
    assert normalize_glyphs(clean) is clean
