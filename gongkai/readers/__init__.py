"""One reader per input format behind one dispatcher."""
from __future__ import annotations

from pathlib import Path

from gongkai.model import Document, ReadError
from gongkai.readers import docx, html, pdf, txt
from gongkai.readers.glyphs import normalize_glyphs
from gongkai.readers.script import to_simplified

READERS = {".txt": txt.read, ".md": txt.read, ".html": html.read, ".htm": html.read, ".pdf": pdf.read, ".docx": docx.read}
SUPPORTED = tuple(READERS)


def read(path: Path) -> Document:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(path, f"unsupported file type '{path.suffix}'; expected one of {', '.join(SUPPORTED)}")
    if path.stat().st_size == 0:
        raise ReadError(path, "the file is empty (0 bytes)")
    return to_simplified(normalize_glyphs(reader(path)))
