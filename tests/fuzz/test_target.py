"""The fuzz target (tests/fuzz/target.py) runs on the corpus's text and HTML reports, so `make fuzz` cannot rot."""
from __future__ import annotations


import pytest

from conftest import ROOT
from gongkai.model import ReadError

from target import parse_bytes  # noqa: E402


@pytest.mark.parametrize("path", sorted(p for p in (ROOT / "reports").iterdir() if p.suffix in (".txt", ".html")),
                         ids=lambda p: p.name)
def test_the_fuzz_target_parses_every_seed(path):
    parse_bytes(path.read_bytes(), path.suffix == ".html")


def test_the_fuzz_target_refuses_with_read_errors_only():
    for data in (b"", b"\x00\x01", bytes(range(0x80, 0x100)) * 3):
        with pytest.raises(ReadError):
            parse_bytes(data, False)
