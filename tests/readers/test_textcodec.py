"""gongkai/readers/textcodec.py: undeclared encodings of text reports, and clear refusals."""
from __future__ import annotations

import pytest

from conftest import ROOT
from gongkai.model import ReadError
from gongkai.readers.textcodec import decode

SEED = ROOT / "reports" / "000_8719cb9f3c2be4e4.txt"


def test_utf8_gbk_and_utf16_copies_of_the_seed_decode_to_the_same_text():
    text = SEED.read_text(encoding="utf-8")
    assert decode(text.encode("utf-8"), SEED) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), SEED) == text
    assert decode(text.encode("gb18030"), SEED) == text
    assert decode(text.encode("utf-16"), SEED) == text  # with its BOM, as Notepad writes it


@pytest.mark.parametrize("data,reason", [
    (b"abc\x00def", "binary data (NUL bytes)"),
    ("一\n二\n三\n".encode() + "四行\n".encode("gbk"), "mixes encodings: 3 lines are UTF-8 and 1 are not"),
    (b"\xff\xfe\x00\xd8", "starts with a UTF-16 mark but is not UTF-16"),
    (b"\x81\x30\x81", "neither UTF-8 nor GB18030"),
])
def test_undecodable_text_is_refused_naming_the_file_and_why(data, reason):
    with pytest.raises(ReadError) as info:
        decode(data, "reports/x.txt")
    assert reason in info.value.reason and info.value.path == "reports/x.txt"
