"""Headline measures of a report, defined once from the registry's codes.

Every page, chart and API file that shows a measure takes its definition, labels, unit
and formula from MEASURES.  A measure is computed only from cells whose status is
`reported` or `inferred`; if any input is blank, missing, unreadable or ambiguous the
measure is None (unknown), never 0.  A share whose denominator is 0 is None as well.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gongkai.schema import registry as R

KNOWN = R.VALUE_STATUSES
COUNT, SHARE = "count", "share"
SHARE_UNIT = ("比例", "share (0–1)")

_APP_ROWS = R.by_code(R.APP_ROWS)
_RL_CATS = R.by_code(R.RL_CATEGORIES)
_RL_RESULTS = R.by_code(R.RL_RESULTS)
_TOTAL_APPLICANT = R.by_code(R.APPLICANTS)["total"]


@dataclass(frozen=True)
class Cell:
    """One input cell: a table of the registry and its cell code (<row>.<column>)."""

    table: str
    code: str
    zh: str  # the printed labels, for the formula shown on the dictionary page


def app(row: str) -> Cell:
    """The 总计 column of a row of table 三."""
    dim = _APP_ROWS[row]
    label = f"{dim.group}{dim.zh}" if dim.group_code not in ("", "results") else dim.zh
    return Cell("applications", f"{row}.{_TOTAL_APPLICANT.code}", f"{label}（{_TOTAL_APPLICANT.zh}）")


def rl(category: str, result: str) -> Cell:
    cat, res = _RL_CATS[category], _RL_RESULTS[result]
    return Cell("reviews_litigation", f"{category}.{result}", f"{cat.group + '·' if cat.group else ''}{cat.zh}·{res.zh}")


@dataclass(frozen=True)
class Measure:
    code: str
    zh: str
    en: str
    kind: str  # COUNT: the sum of `num`; SHARE: sum(num) / sum(den)
    num: tuple[Cell, ...]
    den: tuple[Cell, ...] = ()
    group: str = ""  # applications | refused | reviews_litigation, for grouping on pages
    short: str = ""  # a column header that fits a phone; the full label is `zh`
    # A count read from printed 总计 cells: the code of the measure that adds up their printed parts, so
    # that a report whose total disagrees with its parts shows both (see TOTALS_RULE_ZH).
    parts: str = ""
    # A share computed from the parts of such a count: that count's code (its figures stand or fall together).
    follows: str = ""

    @property
    def short_zh(self) -> str:
        return self.short or self.zh

    @property
    def unit(self) -> tuple[str, str]:
        if self.kind == SHARE:
            return SHARE_UNIT
        return _APP_ROWS["total"].unit, "items"

    def formula_zh(self) -> str:
        num = " + ".join(c.zh for c in self.num)
        if self.kind == COUNT:
            return num
        den = " + ".join(c.zh for c in self.den)
        return f"（{num}）÷（{den}）"


REFUSED = tuple(d.code for d in R.APP_ROWS if d.group_code == "refused")
UNABLE = tuple(d.code for d in R.APP_ROWS if d.group_code == "unable")
NOT_PROCESSED = tuple(d.code for d in R.APP_ROWS if d.group_code == "not_processed")
LITIGATION = tuple(d.code for d in R.RL_CATEGORIES if d.group_code == "litigation")
DECIDED = ("upheld", "corrected", "other")  # results with a decision: pending cases are left out


def _measures() -> tuple[Measure, ...]:
    handled = (app("total"),)
    disclosed = (app("granted"), app("partial"))
    refused = tuple(app(r) for r in REFUSED)
    out = [
        Measure("received", "本年新收申请", "Requests received", COUNT, (app("new_received"),), group="applications",
                short="新收申请"),
        Measure("carried_over", "上年结转申请", "Requests carried over", COUNT, (app("carried_over"),),
                group="applications"),
        Measure("handled", "办理结果总计", "Requests handled", COUNT, handled, group="applications"),
        Measure("granted", "予以公开", "Disclosed in full", COUNT, (app("granted"),), group="applications"),
        Measure("partial", "部分公开", "Disclosed in part", COUNT, (app("partial"),), group="applications"),
        Measure("disclosed", "全部或部分公开", "Disclosed in full or in part", COUNT, disclosed,
                group="applications"),
        Measure("share_disclosed", "公开率（全部或部分公开）", "Share disclosed in full or in part", SHARE,
                disclosed, handled, group="applications", short="公开率"),
        Measure("refused", "不予公开", "Refused", COUNT, refused, group="applications"),
        Measure("share_refused", "不予公开率", "Share refused", SHARE, refused, handled, group="applications"),
        Measure("unable", "无法提供", "Unable to provide", COUNT, tuple(app(r) for r in UNABLE),
                group="applications"),
        Measure("not_processed", "不予处理", "Not processed", COUNT, tuple(app(r) for r in NOT_PROCESSED),
                group="applications"),
        Measure("carried_forward", "结转下年度", "Carried forward", COUNT, (app("carried_forward"),),
                group="applications"),
    ]
    for code in REFUSED:
        dim = _APP_ROWS[code]
        reason_zh = dim.zh.split(".", 1)[-1]
        reason_en = dim.en.split(": ", 1)[-1]
        out.append(Measure(f"share_{code}", f"不予公开率：{reason_zh}", f"Share refused: {reason_en}", SHARE,
                           (app(code),), handled, group="refused"))
    review_decided = tuple(rl("review", r) for r in DECIDED)
    results = tuple(r.code for r in R.RL_RESULTS[:-1])  # 维持, 纠正, 其他, 尚未审结: the parts of 总计
    lit_decided = tuple(rl(c, r) for c in LITIGATION for r in DECIDED)
    out += [
        Measure("reviews", "行政复议", "Administrative reviews", COUNT, (rl("review", "total"),),
                group="reviews_litigation", parts="reviews_parts"),
        Measure("reviews_parts", "行政复议（分项之和）", "Administrative reviews (sum of the printed parts)", COUNT,
                tuple(rl("review", r) for r in results), group="reviews_litigation"),
        Measure("lawsuits", "行政诉讼", "Lawsuits", COUNT, tuple(rl(c, "total") for c in LITIGATION),
                group="reviews_litigation", parts="lawsuits_parts"),
        Measure("lawsuits_parts", "行政诉讼（分项之和）", "Lawsuits (sum of the printed parts)", COUNT,
                tuple(rl(c, r) for c in LITIGATION for r in results), group="reviews_litigation"),
        Measure("review_corrected", "行政复议结果纠正", "Reviews corrected", COUNT, (rl("review", "corrected"),),
                group="reviews_litigation"),
        Measure("lawsuit_corrected", "行政诉讼结果纠正", "Lawsuits corrected", COUNT,
                tuple(rl(c, "corrected") for c in LITIGATION), group="reviews_litigation"),
        Measure("review_correction_rate", "行政复议纠错率", "Correction rate in reviews", SHARE,
                (rl("review", "corrected"),), review_decided, group="reviews_litigation",
                short="复议纠错率", follows="reviews"),
        Measure("lawsuit_correction_rate", "行政诉讼纠错率", "Correction rate in lawsuits", SHARE,
                tuple(rl(c, "corrected") for c in LITIGATION), lit_decided, group="reviews_litigation",
                short="诉讼纠错率", follows="lawsuits"),
    ]
    return tuple(out)


MEASURES = _measures()
BY_CODE = {m.code: m for m in MEASURES}
# The ones shown in year-by-year and ranking tables (the rest are in the API and the dictionary).
HEADLINE = ("received", "handled", "share_disclosed", "share_refused", "reviews", "lawsuits",
            "review_correction_rate", "lawsuit_correction_rate")


# ---------------------------------------------------------------------------
# The per-report measures as a table of the whole-corpus SQLite and Parquet downloads: one row per
# report, one column per measure, typed and described from the definitions above.
# ---------------------------------------------------------------------------
TABLE = "measures"
TITLE = ("指标", "Headline measures")
KEY = ("report_id",)


def _column(m: Measure) -> R.Column:
    unit_zh, unit_en = m.unit
    unknown = "Null (unknown, not 0) when an input cell is blank, missing, ambiguous or unreadable"
    if m.kind == SHARE:
        unknown += ", or when the denominator is 0"
    return R.Column(m.code, "integer" if m.kind == COUNT else "number", m.zh, m.en,
                    f"{m.en} ({unit_zh}, {unit_en}) = {m.formula_zh()}. {unknown}.", minimum=0)


COLUMNS = (R.REPORT_ID,) + tuple(_column(m) for m in MEASURES)


def table_row(report_id: str, records: dict[str, list[dict]]) -> dict:
    """One report's row of the measures table."""
    return {"report_id": report_id, **compute(records)}


def cell_values(records: dict[str, list[dict]]) -> dict[tuple[str, str], Decimal | None]:
    """(table, code) -> value for every cell the measures read; None unless reported/inferred."""
    out = {}
    for table in ("applications", "reviews_litigation"):
        for rec in records.get(table, ()):
            known = rec["status"] in KNOWN and rec["value"] is not None
            out[(table, rec["code"])] = Decimal(rec["value"]) if known else None
    return out


# Every cell some measure reads, once, in a fixed order: the inputs of a report's measures as one tuple
# (CellVector), which the build keeps per report instead of its rows (gongkai/index.py).
CELLS = tuple(dict.fromkeys((c.table, c.code) for m in MEASURES for c in m.num + m.den))
_POSITION = {cell: i for i, cell in enumerate(CELLS)}


class CellVector(tuple):
    """cell_values() of one report as a tuple in CELLS order: the same `.get` for the functions below, in a
    few hundred bytes instead of a dict of every cell of two tables."""

    __slots__ = ()

    def get(self, key, default=None):
        i = _POSITION.get(key)
        return default if i is None else self[i]


def _compact(value: Decimal | None):
    # A whole number printed without decimals is kept as an int: Python shares the small ones, and
    # Decimal(0) + n gives the same Decimal as Decimal(0) + Decimal(n) (exponent 0 either way), so every
    # sum, measure and page is unchanged.  Anything else stays the Decimal it was.
    if value is not None and value.as_tuple().exponent == 0:
        return int(value)
    return value


def cell_vector(records: dict[str, list[dict]]) -> CellVector:
    """The measures' input cells of one report (cell_values, restricted to CELLS), compact."""
    values = cell_values(records)
    return CellVector(_compact(values.get(cell)) for cell in CELLS)


def _sum(cells: dict, refs: tuple[Cell, ...]) -> Decimal | None:
    total = Decimal(0)
    for ref in refs:
        value = cells.get((ref.table, ref.code))
        if value is None:
            return None
        total += value
    return total


def parts(measure: Measure, cells: dict) -> tuple[Decimal | None, Decimal | None]:
    """Numerator and denominator (None for counts); None where an input is unknown."""
    num = _sum(cells, measure.num)
    den = _sum(cells, measure.den) if measure.kind == SHARE else None
    return num, den


def _value(kind: str, num: Decimal | None, den: Decimal | None):
    if num is None:
        return None
    if kind == COUNT:
        return int(num) if num == num.to_integral_value() else num
    if den is None or den == 0:
        return None
    # Rounded so that JSON and pages are byte-stable across platforms.
    return float(round(num / den, 6))


def compute(records: dict[str, list[dict]]) -> dict[str, int | float | None]:
    """Every measure of one report (rep.records), by code, in MEASURES order."""
    return compute_cells(cell_values(records))


def compute_cells(cells: dict) -> dict[str, int | float | None]:
    """`compute` from a report's cell_values(), for callers that reuse them."""
    return measures_of_parts({m.code: parts(m, cells) for m in MEASURES})


def measures_of_parts(parts_by_code: dict) -> dict[str, int | float | None]:
    """`compute` from each measure's parts (code -> (numerator, denominator)), for a caller that keeps them."""
    return {m.code: _value(m.kind, *parts_by_code[m.code]) for m in MEASURES}


@dataclass(frozen=True)
class Pooled:
    value: int | float | None
    covered: int   # reports whose inputs are all known
    excluded: int  # reports left out because an input is blank, missing or unreadable
    num: Decimal | None = None
    den: Decimal | None = None


def pooled(measure: Measure, records_list) -> Pooled:
    """The measure over many reports: counts summed; shares as sum(num) / sum(den) (weighted by size)."""
    return pooled_cells(measure, [cell_values(records) for records in records_list])


def pooled_cells(measure: Measure, cells_list) -> Pooled:
    """`pooled` over reports' cell_values(), computed once by a caller that pools many measures."""
    return pooled_parts(measure, [parts(measure, cells) for cells in cells_list])


def pooled_parts(measure: Measure, parts_list) -> Pooled:
    """`pooled` from each report's parts(measure, ...), for a caller that keeps them (pages/measured.py)."""
    num_total, den_total, covered, excluded = Decimal(0), Decimal(0), 0, 0
    for num, den in parts_list:
        if num is None or (measure.kind == SHARE and den is None):
            excluded += 1
            continue
        covered += 1
        num_total += num
        den_total += den or 0
    if not covered:
        return Pooled(None, 0, excluded)
    den_out = den_total if measure.kind == SHARE else None
    return Pooled(_value(measure.kind, num_total, den_out), covered, excluded, num_total, den_out)


def fmt(measure: Measure | str, value) -> str:
    """A value for display: shares as a percentage with one decimal, counts with thousands separators."""
    m = BY_CODE[measure] if isinstance(measure, str) else measure
    if value is None:
        return "—"
    if m.kind == SHARE:
        return f"{value * 100:.1f}%"
    return f"{value:,}"


# One rule per measure for a printed total and its printed parts (methodology page, 总计与分项):
# a count of cases is the printed 总计; a rate needs the parts (a correction rate is 纠正 over the decided
# cases), so it is computed from them.  Where a report's 总计 disagrees with the sum of its parts, both
# figures are shown, marked, and the rates computed from those parts are marked with them.
TOTALS_RULE_ZH = ("件数取报告印出的“总计”；比率需要分项（纠错率 = 纠正 ÷ 已审结），按分项计算。"
                  "报告印出的总计与其分项之和不一致时，两个数都显示并以 ※ 标明，按这些分项计算的比率也标 ※。")
DISPUTED_NOTE_ZH = ("※ 报告印出的总计与其分项之和不一致：件数是报告印出的总计，括号内为分项之和；"
                    "纠错率按分项计算。")


def disputed(values: dict) -> dict[str, str]:
    """{measure code: code of its parts measure} for one report's measures (`compute`) whose printed total
    disagrees with the sum of its printed parts, and for the rates computed from those parts."""
    out = {}
    for m in MEASURES:
        if m.parts and values.get(m.code) is not None and values.get(m.parts) is not None \
                and values[m.code] != values[m.parts]:
            out[m.code] = m.parts
    for m in MEASURES:
        if m.follows in out:
            out[m.code] = out[m.follows]
    return out


def fmt_report(code: str, values: dict, flags: dict | None = None) -> str:
    """One report's measure for display, with the sum of the parts and ※ where its total is disputed."""
    flags = disputed(values) if flags is None else flags
    text = fmt(code, values[code])
    if code not in flags:
        return text
    if BY_CODE[code].kind == COUNT:
        text += f"（分项之和 {fmt(flags[code], values[flags[code]])}）"
    return text + "※"
