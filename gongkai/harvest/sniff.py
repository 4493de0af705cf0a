"""What a downloaded file is, from its bytes alone, and how an HTML page is encoded.

Government sites serve PDFs as text/html, name Word files .html and send GBK pages as UTF-8, so neither
the URL's extension nor the Content-Type header decides anything: the magic bytes do, then the text.
"""
from __future__ import annotations

import io
import re
import zipfile

# kind -> file extension in reports/ (the readers dispatch on it).
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html", "text": ".txt",
              "png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp", "bmp": ".bmp"}
IMAGES = ("png", "jpeg", "gif", "webp", "bmp")
REPORT_KINDS = ("pdf", "docx", "html", "text")  # what the build reads as a report on its own

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|table|p)\b",
                         re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> str:
    """'pdf', 'docx', 'doc', 'html', 'text', one of IMAGES, 'zip' (an archive that is not a Word file),
    'empty' or 'binary'."""
    if not data:
        return "empty"
    head = data[:2048]
    if b"%PDF-" in head[:1024]:  # some servers prepend whitespace or a BOM before the PDF header
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2 compound file: Word 97-2003 (the readers do not read it)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(data) > 26:
        return "bmp"
    body = _strip_bom(head)
    if _HTML_START.match(body):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    text = head.lower()
    if b"<html" in text or b"<body" in text:
        return "html"
    return "text" if _decodes(data[:65536]) else "binary"


def _strip_bom(data: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf",):
        if data.startswith(bom):
            return data[len(bom):]
    return data


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _decodes(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    for codec in ("utf-8", "gb18030"):
        try:
            data.decode(codec)
            return True
        except UnicodeDecodeError as exc:
            # A chunk cut in the middle of a multi-byte character still counts as text.
            if exc.start >= len(data) - 4:
                return True
    return False


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Names pages use for encodings Python knows under another name (or knows only as a subset).
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "cp936": "gb18030", "utf8": "utf-8", "unicode": "utf-8", "big5": "big5hkscs"}


def html_encoding(data: bytes, header_charset: str | None = None) -> str:
    """The encoding to decode an HTML page with: BOM, then <meta charset>, then the HTTP header, then
    whichever of UTF-8 and GB18030 decodes it.  GBK and GB2312 are read as GB18030, their superset."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for declared in (_meta_charset(data), header_charset):
        codec = _known(declared)
        if codec and _fits(data, codec):
            return codec
    return "utf-8" if _fits(data, "utf-8") else "gb18030"


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _known(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        import codecs
        return codecs.lookup(name).name
    except LookupError:
        return None


def _fits(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
        return True
    except UnicodeDecodeError:
        return False


def decode_html(data: bytes, header_charset: str | None = None) -> str:
    return data.decode(html_encoding(data, header_charset), errors="replace")


def header_charset(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None
