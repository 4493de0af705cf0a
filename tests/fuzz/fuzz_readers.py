"""Coverage-guided fuzzing of the text and HTML readers and the parsing behind them (atheris).

    make fuzz                       # 10 minutes, seeded with the corpus's text and HTML reports
    .venv/bin/python tests/fuzz/fuzz_readers.py -max_total_time=60 build/fuzz/corpus

Any exception other than ReadError (a file refused with a reason) is a bug: the build would
turn it into an "internal error" for that file.  libFuzzer writes the input that crashed to
crash-<hash> in the current directory; add it as a regression test in tests/test_fuzz_regressions.py.
"""
from __future__ import annotations

import sys

import atheris


with atheris.instrument_imports(include=["gongkai"]):
    from gongkai.model import ReadError
    from target import parse_bytes


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    as_html = fdp.ConsumeBool()
    try:
        parse_bytes(fdp.ConsumeBytes(fdp.remaining_bytes()), as_html)
    except ReadError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
