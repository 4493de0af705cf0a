"""Split a report's running text into the six sections of the form."""
from __future__ import annotations

import re

from gongkai.schema import registry as R
from gongkai.parse.labels import squash

_NUMERALS = "一二三四五六"


def _heading_pattern():
    alts = []
    for number, _canonical, variants in R.SECTIONS:
        numeral = _NUMERALS[int(number) - 1]
        names = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        alts.append(f"(?P<s{number}>{numeral}、\\s*(?:[^、。\\n]{{0,12}}?)(?:{names}))")
    return re.compile("|".join(alts))


_HEADING = _heading_pattern()


def split_sections(text: str) -> list[tuple[str, str, str]]:
    """[(section number, heading as printed, body)] in document order, first match of each."""
    hits = []
    seen = set()
    pos = 0
    for m in _HEADING.finditer(text):
        number = next(k[1:] for k, v in m.groupdict().items() if v)
        # Headings come in order; an earlier number later on is a table label, not a heading.
        if number in seen or (hits and int(number) < int(hits[-1][0])):
            continue
        if m.start() < pos:
            continue
        seen.add(number)
        hits.append((number, m.group(0).strip(), m.start(), m.end()))
        pos = m.end()
    out = []
    for i, (number, heading, _start, end) in enumerate(hits):
        stop = hits[i + 1][2] if i + 1 < len(hits) else len(text)
        body = text[end:stop].strip()
        out.append((number, squash(heading) if len(heading) < 40 else heading, body))
    return out
