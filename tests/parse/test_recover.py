"""Run-together crawler text: cells recovered only where the identities admit exactly one split."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT
from gongkai.extract import extract
from gongkai.parse.recover import split_run


def D(*xs):
    return tuple(Decimal(x) for x in xs)


def test_split_run_lists_every_reading():
    assert split_run("000", 3) == [D(0, 0, 0)]
    assert set(split_run("123", 2)) == {D(1, 23), D(12, 3)}
    assert split_run("05", 2) == [D(0, 5)]            # no number starts with 0 unless it is 0
    assert split_run("2648-18538", 2) == [D(2648, -18538)]  # '-' starts a negative number
    assert split_run("500000 5", 7) == [D(5, 0, 0, 0, 0, 0, 5)]  # a space is a boundary
    assert split_run("4166.241619", 1) == [D("4166.241619")]
    # a fraction ends the run's last cell: 1|3575394432.52, 13|575394432.52, … all fit, so none is chosen
    assert len(split_run("13575394432.52", 2)) == 10
    assert split_run("135 75394432.52", 2) == [D(135, "75394432.52")]
    assert split_run("1.5 3", 2) is None                 # a fraction before the last cell: unreadable


def _cells(report, table):
    return {r["code"]: r for r in report.records[table]}


def test_pingtan_2025_recovered_as_read_by_hand():
    """Splits worked out by hand from 027's text; section 一 says 154 received, 148 done, 6 carried
    forward, 36 reviews and 9 lawsuits, which the recovered totals match."""
    rep = extract(ROOT / "reports" / "027_fujian_pingtan_syq_2025.txt")
    app = _cells(rep, "applications")
    by_hand = {
        "new_received": (151, 3, 0, 0, 0, 0, 154),      # 15130000154
        "granted": (33, 0, 0, 0, 0, 0, 33),              # 330000033; 3|30|… fits the row but not the columns
        "unable_not_held": (49, 1, 0, 0, 0, 0, 50),      # 4910000050
        "total": (147, 1, 0, 0, 0, 0, 148),              # 14710000148
        "carried_forward": (4, 2, 0, 0, 0, 0, 6),        # 4200006
    }
    cols = ("natural_person", "commercial", "research", "public_interest", "legal_services",
            "other_organisation", "total")
    for row, values in by_hand.items():
        for col, v in zip(cols, values):
            cell = app[f"{row}.{col}"]
            assert (cell["value"], cell["status"]) == (Decimal(v), "inferred"), (row, col)
    rl = _cells(rep, "reviews_litigation")
    assert [int(rl[f"review.{r}"]["value"]) for r in ("upheld", "corrected", "other", "pending", "total")] == \
        [25, 3, 8, 0, 36]
    assert rl["litigation_direct.total"]["value"] + rl["litigation_after_review.total"]["value"] == 9
    ad = _cells(rep, "active_disclosure")
    assert ad["licensing.decisions"]["value"] == 2418 and ad["licensing.decisions"]["status"] == "inferred"
    assert ad["rules.in_force"]["value"] == 0
    # 行政规范性文件5845546 fits many splits: no number is published.
    assert {ad[f"normative_documents.{m}"]["status"] for m in ("issued", "repealed", "in_force")} == {"ambiguous"}
    assert ad["normative_documents.issued"]["value"] is None


def test_pingtan_2020_spaced_totals_and_agency_inconsistency():
    """043 prints （七）总计 as '20 0 00 0 121'; only 20|0|0|0|0|1|21 fits.  Its outcome rows add up to
    more than 20 for 自然人: the report's own inconsistency, published as a failed check."""
    rep = extract(ROOT / "reports" / "043_fujian_pingtan_syq_2020.txt")
    app = _cells(rep, "applications")
    assert [int(app[f"total.{c}"]["value"]) for c in ("natural_person", "other_organisation", "total")] == [20, 1, 21]
    assert "outcomes.natural_person" in {c.check_id for c in rep.failed_checks}


# --- Issue 14, families 3 and 6: variants of 027's run-together text, each compared with what the
# unchanged text gives (test_pingtan_2025_recovered_as_read_by_hand checks that against the document).
SOURCE_027 = ROOT / "reports" / "027_fujian_pingtan_syq_2025.txt"


def _variant(tmp_path, old: str, new: str):
    text = SOURCE_027.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / SOURCE_027.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return extract(path)


def _values(report, table="applications"):
    return {r["code"]: (r["value"], r["status"]) for r in report.records[table]}


def test_next_rows_ordinal_glued_to_the_digits_and_a_label_worded_otherwise(tmp_path):
    """'…属于国家秘密00000002.其他法律和行政法规禁止公开00000003.危及…': the 2. and 3. are the next rows'
    numbers, and 其他法律和行政法规 is a wording of 其他法律行政法规 seen in crawled reports."""
    original = _values(extract(SOURCE_027))
    variant = _values(_variant(tmp_path, "2.其他法律行政法规禁止公开", "2.其他法律和行政法规禁止公开"))
    assert variant == original
    for col in ("natural_person", "total"):
        assert variant[f"refused_state_secret.{col}"] == (Decimal(0), "inferred")
        assert variant[f"refused_law_prohibited.{col}"] == (Decimal(0), "inferred")


def test_an_unknown_wording_loses_only_its_own_row(tmp_path):
    """A label no registry wording matches: its row is not published, and its number glued to the row
    before ('00000002.') is still not read as a digit of that row."""
    original = _values(extract(SOURCE_027))
    variant = _values(_variant(tmp_path, "2.其他法律行政法规禁止公开", "2.某某法规不准公开的"))
    assert variant["refused_state_secret.total"] == original["refused_state_secret.total"] == (Decimal(0), "inferred")
    assert {variant[f"refused_law_prohibited.{c}"][1] for c in ("natural_person", "total")} == {"unreadable"}
    assert all(v is None for k, (v, _s) in variant.items() if k.startswith("refused_law_prohibited."))


def test_a_row_printed_without_digits_is_blank_not_zero(tmp_path):
    """124/125 print （六）2. with no digits at all ('…政府信息公开申请3.其他'): blank cells, never 0."""
    report = _variant(tmp_path, "政府信息公开申请 20000023.其他", "政府信息公开申请3.其他")
    cells = _values(report)
    assert {cells[f"other_unpaid_fee.{c}"] for c in ("natural_person", "commercial", "total")} == {(None, "blank")}
    assert cells["other_other.total"] == (Decimal(1), "inferred")
    assert cells["total.total"] == (Decimal(148), "inferred")


def test_a_row_with_one_cell_lost_is_recovered_only_where_the_identities_force_it(tmp_path):
    """'四、结转下年度继续办理420006': six digits for seven cells.  一 + 二 = （七） + 四 per column gives
    4|2|0|0|0|0|6, whose digits less one cell are the printed ones: recovered.  Printed digits that are
    not that (42016) leave the row unpublished."""
    cells = _values(_variant(tmp_path, "继续办理4200006", "继续办理420006"))
    assert [cells[f"carried_forward.{c}"] for c in ("natural_person", "commercial", "research", "total")] == \
        [(Decimal(4), "inferred"), (Decimal(2), "inferred"), (Decimal(0), "inferred"), (Decimal(6), "inferred")]
    cells = _values(_variant(tmp_path, "继续办理4200006", "继续办理42016"))
    assert {cells[f"carried_forward.{c}"] for c in ("natural_person", "total")} == {(None, "ambiguous")}


def test_a_cell_every_reading_agrees_on_is_published_and_the_others_are_not():
    from gongkai.parse.recover import _agreed
    # 119's 行政许可4500 (上一年项目数量, 本年增/减, 处理决定数量): 45|0|0 or 4|50|0
    assert _agreed(split_run("4500", 3)) == (None, None, Decimal(0))
    assert _agreed(split_run("000", 3)) == D(0, 0, 0)
    assert _agreed([]) is None


def test_other_handling_as_printed_in_run_together_text():
    from gongkai.parse.recover import other_layout_in_text
    # 129: a 2021 table 二 with the 2019 single （六）其他处理 row
    assert other_layout_in_text("一、本年新收…（六）其他处理0000000（七）总计0000000", "split") == "single"
    # 135: the three sub-rows; the 1. after 其他处理 is a list number, not a digit
    assert other_layout_in_text("一、本年新收…（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
                                "00000002.申请人逾期未按收费通知…", "single") == "split"
    assert other_layout_in_text("no table here", "split") == "split"


# --- Issue 14, family 5: the 2019 edition's 政府集中采购 row in crawled text (count, then the amount
# with its unit).  Variants of 028, whose own row '政府集中采购13575394432.52元' fits ten readings.
SOURCE_028 = ROOT / "reports" / "028_fujian_pingtan_syq_2019.txt"


def test_procurement_count_and_amount_with_unit(tmp_path):
    original = _cells(extract(SOURCE_028), "active_disclosure")
    assert {original[f"procurement.{m}"]["status"] for m in ("procurement_items", "procurement_amount")} == \
        {"ambiguous"}
    assert original["procurement.procurement_amount"]["value"] is None
    text = SOURCE_028.read_text(encoding="utf-8")
    for printed, items, amount, unit_raw in (("135 75394432.52元", 135, "75394432.52", "元"),
                                             ("5 47.9659万元", 5, "47.9659", "万元"),
                                             ("00元", 0, "0", "元")):
        path = tmp_path / SOURCE_028.name
        path.write_text(text.replace("政府集中采购13575394432.52元", "政府集中采购" + printed), encoding="utf-8")
        ad = _cells(extract(path), "active_disclosure")
        got = (ad["procurement.procurement_items"]["value"], ad["procurement.procurement_amount"]["value"])
        assert got == (Decimal(items), Decimal(amount)), printed
        assert ad["procurement.procurement_amount"]["status"] == "inferred"
        assert ad["procurement.procurement_amount"]["raw"].endswith(unit_raw)  # the printed unit is kept


def test_a_row_printed_inconsistently_is_read_only_where_the_columns_pin_it(tmp_path):
    """Family 6: '（一）予以公开330000034' (33 in 自然人, total printed 34): no split adds up to its own total.
    The column identity (（七）总计 = the outcome rows) gives its applicant cells 33|0|0|0|0|0, and one split
    of the digits starts so: 33|0|0|0|0|0|34.  The six applicant cells are published; the printed total is
    not, since the same digits arise when the crawl lost one of the row's cells (then the split's last
    cell is not the total).  With a second row changed too, nothing pins either: flagged."""
    report = _variant(tmp_path, "（一）予以公开330000033", "（一）予以公开330000034")
    cells = _values(report)
    assert [cells[f"granted.{c}"] for c in ("natural_person", "commercial", "total")] == \
        [(Decimal(33), "inferred"), (Decimal(0), "inferred"), (None, "ambiguous")]
    assert "applicants.granted" not in {c.check_id for c in report.checks if c.result == "pass"}
    text = SOURCE_027.read_text(encoding="utf-8").replace("（一）予以公开330000033", "（一）予以公开330000034")
    path = tmp_path / "two.txt"
    path.write_text(text.replace("6.属于四类过程性信息2000002", "6.属于四类过程性信息2000003"), encoding="utf-8")
    cells = _values(extract(path))
    assert {cells[f"granted.{c}"][1] for c in ("natural_person", "total")} == {"ambiguous"}
    assert {cells[f"refused_process_info.{c}"][1] for c in ("natural_person", "total")} == {"ambiguous"}
