"""Golden values transcribed by READING the source documents (tests/golden/*.yml), and how to score a
report against them.

Every golden file is written by a person reading the document, never copied from the parser's output,
and starts with a comment saying so and how any run-together digits were resolved.

File format (one file per report in reports/, named after it: tests/golden/<file name>.yml):

    agency: 平潭综合实验区交通与建设局   # what the report must be published as
    year: 2021
    edition: "2021"                      # "2019", "2021" (the columns of table 二) or "pre-2019"
    family: crawl-run-together           # layout family, for the accuracy table (see FAMILIES)
    active_disclosure:                   # item -> values in the edition's printed column order
      rules: [0, 0, 0]
    applications:                        # row -> 7 values: 自然人, 商业企业, 科研机构, 社会公益组织,
      new_received: [5, 0, 0, 0, 0, 0, 5]  #        法律服务机构, 其他, 总计
    reviews_litigation: [0, 0, ...]      # 15 values: 复议, 直接起诉, 复议后起诉 × (维持 纠正 其他 尚未审结 总计)
    legacy_statistics:                   # pre-2019 统计表 (those reports have no three tables)
      - 主动公开文件数: [290, 872]          # indicator as printed (no list number) -> [本年度, 历年累计]

What each value means, and what the parser must publish for it:
- a number: the value printed.  The parser must publish exactly that value (status reported, or
  inferred when it recovered it from run-together digits).
- null: the cell is printed blank.  The parser must publish no value with status blank (blank is not 0).
- "?": the digits run together and the form's identities (../shared/format/README.md: row total = sum
  of the six applicant columns, 一 + 二 = （七）总计 + 四 per column, （七）总计 = sum of the outcome rows,
  each table 四 总计 = 维持 + 纠正 + 其他 + 尚未审结), the rule that a number of two or more digits does not
  start with 0, and section 一 stating that very figure in words (制发规范性文件34件) do not force the
  value.  The parser must publish NO value for it: null with status ambiguous, unreadable or missing.
  A value forced that way is written as a number, and the file's header comment says what forced it.
- "not printed" in place of a row's list: the report does not print that row at all; the parser must
  publish no value for its cells (status missing, ambiguous or unreadable).
Rows of table 三 follow what the report prints: a report printing （六）其他处理 as one row has
`other_total`, one printing its three sub-rows has `other_no_correction`, `other_unpaid_fee`, `other_other`.

Scoring, per cell: `exact` (as above), `flagged` (the parser published no value, or did not publish
the cell, where the golden has one: a coverage miss) or `wrong` (a value that differs from the golden,
a value where the golden says "?", "not printed" or blank, or a blank claimed where digits are printed).
Wrong must always be 0.  A cell the parser publishes that the golden does not have counts as wrong when
it carries a value, and is ignored when it carries none.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from gongkai.schema import registry as R

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
APPLICANT_CODES = [a.code for a in R.APPLICANTS]
RL_CODES = [f"{c.code}.{r.code}" for c in R.RL_CATEGORIES for r in R.RL_RESULTS]
UNKNOWN = "?"
NOT_PRINTED = "not printed"
FAMILIES = {
    "txt-tabs", "txt-pipes", "txt-lines", "crawl-run-together", "crawl-spaced", "html", "pdf-wps",
    "chromium-pdf", "libreoffice-pdf", "docx", "pdftotext-layout", "pdftotext-raw", "markdown", "scan",
}
NO_VALUE_STATUSES = {"ambiguous", "unreadable", "missing"}
_ENUM = re.compile(r"^(?:\d+[、.．]|[（(][一二三四五六七八九十]+[)）])")

Expected = Decimal | None | str  # a number, None (blank) or UNKNOWN / NOT_PRINTED


def golden_files() -> list[Path]:
    return sorted(GOLDEN_DIR.glob("*.yml"))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _value(v) -> Expected:
    if v is None or v in (UNKNOWN, NOT_PRINTED):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise ValueError(f"golden value {v!r} is not a number, null, {UNKNOWN!r} or {NOT_PRINTED!r}")
    return Decimal(str(v))


def _row(values, width: int, what: str) -> list[Expected]:
    if values == NOT_PRINTED:
        return [NOT_PRINTED] * width
    if not isinstance(values, list) or len(values) != width:
        raise ValueError(f"golden {what}: {values!r} is not {width} values")
    return [_value(v) for v in values]


def label_key(label: str) -> str:
    """A legacy indicator compared in NFKC form, without spaces, a leading 其中: and its list number (1. / 1、 / （一）)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", label or ""))
    return _ENUM.sub("", re.sub(r"^其中[:：]?", "", text))


def expected_cells(golden: dict) -> dict[tuple[str, str], Expected]:
    """{(table, cell code): expected} for every cell the golden file describes."""
    out: dict[tuple[str, str], Expected] = {}
    edition = str(golden["edition"])
    for item, values in (golden.get("active_disclosure") or {}).items():
        measures = R.AD_LAYOUT[edition][item]
        for m, v in zip(measures, _row(values, len(measures), item)):
            out[("active_disclosure", f"{item}.{m}")] = v
    rows = {r.code for r in R.APP_ROWS}
    for row, values in (golden.get("applications") or {}).items():
        if row not in rows:
            raise ValueError(f"golden applications row {row!r} is not a row of the form")
        for col, v in zip(APPLICANT_CODES, _row(values, 7, row)):
            out[("applications", f"{row}.{col}")] = v
    if "reviews_litigation" in golden:
        for code, v in zip(RL_CODES, _row(golden["reviews_litigation"], 15, "reviews_litigation")):
            out[("reviews_litigation", code)] = v
    for entry in golden.get("legacy_statistics") or []:
        (label, values), = entry.items()
        for col, v in zip(("this_year", "cumulative"), _row(values, 2, label)):
            out[("legacy_statistics", f"{label_key(label)}.{col}")] = v
    return out


def published_cells(report) -> dict[tuple[str, str], dict]:
    """{(table, cell code): record} as the parser published them, legacy rows keyed like the golden."""
    got = {(t, r["code"]): r for t in R.TABLES for r in report.records[t]}
    for r in report.records.get("legacy_statistics", []):
        for col in ("this_year", "cumulative"):
            got[("legacy_statistics", f"{label_key(r['indicator'])}.{col}")] = {
                "value": r[col], "status": r["status"], "raw": r["raw"]}
    return got


@dataclass
class Score:
    exact: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)   # coverage misses: no value where the golden has one
    wrong: list[str] = field(default_factory=list)     # must stay empty
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.exact) + len(self.flagged) + len(self.wrong)


def _classify(want: Expected, rec: dict | None) -> str:
    if rec is None:
        return "flagged"
    value, status = rec["value"], rec["status"]
    if want in (UNKNOWN, NOT_PRINTED):
        return "exact" if value is None and status in NO_VALUE_STATUSES else "wrong"
    if want is None:
        if value is not None:
            return "wrong"
        return "exact" if status == "blank" else "flagged"
    if value is None:
        return "wrong" if status == "blank" else "flagged"
    return "exact" if Decimal(str(value)) == want and status in ("reported", "inferred") else "wrong"


def cell_name(key: tuple[str, str]) -> str:
    table, code = key
    return f"legacy:{code}" if table == "legacy_statistics" else code


def score(report, golden: dict) -> Score:
    want = expected_cells(golden)
    got = published_cells(report)
    out = Score()
    for key, expected in want.items():
        rec = got.get(key)
        kind = _classify(expected, rec)
        name = cell_name(key)
        getattr(out, kind).append(name)
        if kind != "exact":
            out.detail[name] = (f"golden {expected}, published " + ("nothing" if rec is None else
                                f"{rec['value']} ({rec['status']}, raw {rec['raw']!r})"))
    for key in sorted(set(got) - set(want)):
        if got[key]["value"] is not None:  # a number where the report prints no such cell
            name = cell_name(key)
            out.wrong.append(name)
            out.detail[name] = f"not in the golden (not printed), published {got[key]['value']}"
    return out
