"""Metadata detection over the whole corpus with every sidecar ignored.

    .venv/bin/python tests/parse/metadata_survey.py     # prints the table (year x/N, agency x/N, official x/N)

The expected agency and year of each file are what people read in the document: the sidecars of
reports/ and ../shared/corpus/MANIFEST.tsv (when that directory is there).  Detection reads only
the document (`detect`), never the sidecar.
"""
from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpus"
if not SHARED.is_dir():  # a worktree sits one level deeper than the main checkout
    SHARED = ROOT.parent.parent / "shared" / "corpus"

# Files whose title area and opening name no agency: the report says only 我办, 区政府政务服务办,
# 市政府办公室 or 市自然资源和规划局 (names relative to a context the document does not give), or
# has no report text at all.  Read from each document's first lines.
NOT_NAMED = {
    "004_wuhan_hanyangqu_zfb_2022.txt": "no title; the opening says 我办 and 区政府办公室",
    "006_tianjin_hongqiaoqu_zwfwb_2022.txt": "no title; the opening says 区政府政务服务办",
    "014_jiangsu_liyangshi_zfb_2025.txt": "no title; the opening says 市政府办公室",
    "033_zhejiang_dongyang_zirangziyuanguihuaju_2023.txt": "no title; the opening says 市自然资源和规划局 and 我局",
}
# Reports that print no year at all (none in the corpus so far).
NO_YEAR: dict[str, str] = {}
# A place name in front of an official name: the part of a name a title may leave out (淮安市|洪泽区人民政府).
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,16}?(省|自治区|市|地区|州|盟|区|县|旗|自治县)$")


@dataclass
class Row:
    file: str
    want_agency: str
    want_year: int | None
    agency: str | None
    official: str | None
    year: int | None

    @property
    def named(self) -> bool:
        return self.file not in NOT_NAMED

    @property
    def year_ok(self) -> bool:
        return self.year == self.want_year

    @property
    def official_exact(self) -> bool:
        from gongkai.parse.agency_names import official_name
        return self.official is not None and self.official == official_name(self.want_agency)

    @property
    def official_ok(self) -> bool:
        """Exact, or exact but for a place the title leaves out (洪泽区人民政府 of 淮安市洪泽区人民政府)."""
        from gongkai.parse.agency_names import official_name
        want = official_name(self.want_agency)
        if self.official is None or not want:
            return False
        if self.official == want:
            return True
        return want.endswith(self.official) and bool(_PLACE_PREFIX.match(want[: -len(self.official)]))


def expected() -> dict[str, tuple[Path, str, int | None]]:
    """{file name: (path, agency, year)} over reports/ and the shared corpus, reports/ first."""
    out: dict[str, tuple[Path, str, int | None]] = {}
    manifest = SHARED / "MANIFEST.tsv"
    if manifest.exists():
        with manifest.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh, delimiter="\t"):
                path = SHARED / rec["file"]
                if rec["agency"].startswith("(") or not path.exists():
                    continue  # the blank form template names no agency
                out[rec["file"]] = (path, rec["agency"], int(rec["year"]) if rec["year"] else None)
    for sidecar in sorted((ROOT / "reports").glob("*.yml")):
        path = sidecar.with_name(sidecar.name[: -len(".yml")])
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
        if path.exists() and data.get("agency") and path.name not in out:
            out[path.name] = (path, data["agency"], data.get("year"))
    return out


def survey() -> list[Row]:
    from gongkai.parse.metadata import detect
    from gongkai.readers import read

    rows = []
    for name, (path, agency, year) in sorted(expected().items()):
        doc = read(path)
        meta = detect(doc.lines, doc.meta)
        rows.append(Row(name, agency, year, meta.agency, meta.agency_official, meta.year))
    return rows


def table(rows: list[Row]) -> str:
    with_year = [r for r in rows if r.file not in NO_YEAR]
    named = [r for r in rows if r.named]
    found = [r for r in named if r.agency]
    lines = [
        "| measure | found | of | share |",
        "|---|---|---|---|",
        f"| year (reports that print one) | {sum(r.year_ok for r in with_year)} | {len(with_year)} | "
        f"{_pct(sum(r.year_ok for r in with_year), len(with_year))} |",
        f"| agency (reports whose title area or opening names one) | {len(found)} | {len(named)} | "
        f"{_pct(len(found), len(named))} |",
        f"| official name exact | {sum(r.official_exact for r in named)} | {len(named)} | "
        f"{_pct(sum(r.official_exact for r in named), len(named))} |",
        f"| official name exact or for a place the title leaves out | {sum(r.official_ok for r in named)} | "
        f"{len(named)} | {_pct(sum(r.official_ok for r in named), len(named))} |",
    ]
    return "\n".join(lines)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def main() -> int:
    rows = survey()
    for r in rows:
        if not (r.year_ok and (r.official_exact or not r.named)):
            print(f"{r.file}: year {r.year} (want {r.want_year}); agency {r.agency} -> {r.official} "
                  f"(want {r.want_agency}){'' if r.named else ' [not named: ' + NOT_NAMED[r.file] + ']'}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
