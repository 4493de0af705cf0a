"""Small pure functions, each on inputs seen in the real corpus."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.schema import registry as R
from gongkai.parse.labels import LabelIndex, label_key, parse_cell
from gongkai.parse.metadata import agency_from_title, detect, find_title, level_from, merge
from gongkai.readers.html import html_to_document
from gongkai.readers.txt import split_line, text_to_document
from gongkai.parse.tables import detect_edition, fit_values, parse_tables


@pytest.mark.parametrize("raw,value,kind", [
    ("14", Decimal(14), "number"),
    ("125.132", Decimal("125.132"), "number"),
    ("251000元", Decimal(251000), "number"),          # 041: unit inside the cell
    ("1,571", Decimal(1571), "number"),
    ("１５７１", Decimal(1571), "number"),             # full-width digits
    ("-18", Decimal(-18), "number"),                  # 2019 本年增/减 may be negative
    ("", None, "blank"),
    ("\u00a0", None, "blank"),                        # &nbsp; is blank, not zero
    ("行政许可", None, "text"),
])
def test_parse_cell(raw, value, kind):
    cell = parse_cell(raw)
    assert (cell.value, cell.kind) == (value, kind)


def test_label_key_ignores_numbering_spaces_and_notes():
    assert label_key("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）") == "部分公开"
    assert label_key("三\n、\n本\n年\n度\n办\n理\n结\n果") == "本年度办理结果"
    assert label_key("1.属于国家秘密") == "属于国家秘密"


def test_label_index_tolerates_the_typo_in_001():
    index = LabelIndex([d for d in R.APP_ROWS if d.group_code == "refused"])
    assert index.match("2.其他法律行政止公开").code == "refused_law_prohibited"
    assert index.match("2.其他法律行政法规禁止公开").code == "refused_law_prohibited"
    assert index.match("保护") is None


def test_fit_values_trims_layout_only_empty_cells():
    # seed: '一、本年新收…\t\t14\t0\t0\t0\t0\t0\t14\t'
    vals, problem = fit_values(["", "14", "0", "0", "0", "0", "0", "14", ""], 7)
    assert vals == ["14", "0", "0", "0", "0", "0", "14"] and problem is None
    vals, problem = fit_values(["1571", "", ""], 1)
    assert vals == ["1571"] and problem is None
    vals, problem = fit_values(["0", "0", "0", "0"], 7)  # a truncated row
    assert len(vals) == 4 and problem == "4 of 7 cells"


def test_split_line_pipe_rows():
    assert split_line("规章 | 0 | 0 | 0 |") == ("规章", "0", "0", "0")
    assert split_line("一段正文。") is None


def test_edition_from_labels_not_year():
    assert detect_edition(["信息内容 本年制发件数 本年废止件数 现行有效件数"]) == R.EDITION_2021
    assert detect_edition(["信息内容 本年新 制作数量 本年新 公开数量 对外公开总数量"]) == R.EDITION_2019
    assert detect_edition(["一、概述"]) is None


def test_html_blank_cells_are_cells():
    doc = html_to_document("<table><tr><td>（六）其他处理</td>" + "<td>&nbsp;</td>" * 7 + "</tr></table>")
    tables = parse_tables(doc.rows, ["规范性文件 本年新制作数量"])
    cells = tables.cells["applications"]
    assert len(cells) == 7 and all(c.status == "blank" for c in cells.values())


def test_truncated_text_keeps_what_it_has():
    doc = text_to_document("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n行政规范性文件 | 0 | 0")
    tables = parse_tables(doc.rows, doc.lines)
    found = tables.cells["active_disclosure"]
    assert found[("rules", "in_force")].value == 0
    assert ("normative_documents", "in_force") not in found
    assert any("2 of 3 cells" in w for w in tables.warnings)


def test_title_split_over_two_lines_in_pdf():
    lines = ["洪泽区人民政府", "2023 年政府信息公开工作年度报告", "本报告由淮安市洪泽区人民政府办公室…"]
    title = find_title(lines, {})
    assert title == "洪泽区人民政府2023 年政府信息公开工作年度报告"
    assert agency_from_title(title) == "洪泽区人民政府"
    assert detect(lines, {}).year == 2023


def test_year_is_the_report_year_not_the_publication_year():
    meta = detect(["2019年上海市人民政府办公厅政府信息公开工作年度报告", "发布日期：2020-01-31"], {})
    assert (meta.agency, meta.year, meta.publication_date) == ("上海市人民政府办公厅", 2019, "2020-01-31")


def test_sidecar_conflicts_are_reported():
    detected = detect(["泰州市人民政府2017年政府信息公开工作年度报告"], {})
    merged = merge(detected, {"agency": "扬州市人民政府", "year": 2018})
    assert merged.agency == "扬州市人民政府" and merged.year == 2018
    assert len(merged.warnings) == 2
    agrees = merge(detect(["自治区司法厅 2021 年政府信息公开工作年度报告"], {}), {"agency": "宁夏回族自治区司法厅"})
    assert agrees.warnings == []


@pytest.mark.parametrize("agency,level", [
    ("淮安市洪泽区人民政府", "county"), ("上海市人民政府办公厅", "province"), ("江苏省公安厅", "province-dept"),
    ("故城县教育局", "county-dept"), ("重庆市九龙坡区二郎街道办事处", "township"), ("自然资源部", "national-ministry"),
])
def test_level_from_name(agency, level):
    assert level_from(agency) == level


def test_traditional_character_report_is_converted_and_read():
    """031 is a mirror in traditional characters: '行政許可 | 76', '行政事業性收費 | 26.55'."""
    from conftest import ROOT
    from gongkai.extract import extract

    rep = extract(ROOT / "reports" / "031_heilongjiang_fuyuanshi_zirangziyuanju_2022.txt")
    cells = {r["code"]: r for r in rep.records["active_disclosure"]}
    assert cells["licensing.decisions"]["value"] == 76
    assert cells["fees.fee_amount"]["value"] == Decimal("26.55")
    assert any("traditional" in w for w in rep.warnings)
    assert rep.status == "tables incomplete"  # the excerpt stops inside （三）不予公开


def test_simplified_text_is_left_alone():
    from gongkai.readers.script import is_traditional

    assert not is_traditional("本年度办理结果 收到和处理政府信息公开申请情况 自治区司法厅" * 5)
    assert is_traditional("本年度辦理結果 收到和處理政府信息公開申請情況 撫遠市自然資源局" * 5)


def _ad(name):
    from conftest import ROOT
    from gongkai.extract import extract

    rep = extract(ROOT / "reports" / name)
    return rep, {r["code"]: r for r in rep.records["active_disclosure"]}


def test_one_cell_per_line_text():
    """032 prints table 二 one cell per line: 规章 0 0 0, 行政规范性文件 0 0 0, 行政许可 182, 行政处罚 10,
    行政强制 0, 行政事业性收费 18.8710."""
    _rep, ad = _ad("032_neimenggu_abagaqi_zirangziyuanju_2023.txt")
    want = {"rules.issued": 0, "rules.repealed": 0, "rules.in_force": 0, "normative_documents.issued": 0,
            "normative_documents.repealed": 0, "normative_documents.in_force": 0, "licensing.decisions": 182,
            "penalty.decisions": 10, "enforcement.decisions": 0, "fees.fee_amount": Decimal("18.8710")}
    assert {k: ad[k]["value"] for k in want} == want
    assert {ad[k]["status"] for k in want} == {"reported"}


def test_dropped_blank_cell_makes_the_row_ambiguous_not_shifted():
    """004's 规章 row prints two cells for three columns (its 现行有效件数 is empty and vanished from the
    text): which column each 0 belongs to cannot be known, so none is published."""
    rep, ad = _ad("004_wuhan_hanyangqu_zfb_2022.txt")
    assert {ad[f"rules.{m}"]["status"] for m in ("issued", "repealed", "in_force")} == {"ambiguous"}
    assert [ad[f"normative_documents.{m}"]["value"] for m in ("issued", "repealed", "in_force")] == [5, 12, 8]
    app = {r["code"]: r for r in rep.records["applications"]}
    assert app["new_received.natural_person"]["value"] == 8 and app["new_received.total"]["value"] == 8


def test_one_cell_per_paragraph_2019_edition():
    """010: paragraph per cell, 2019 edition; its 行政事业性收费 row prints one value for two columns."""
    rep, ad = _ad("010_heilongjiang_jiamusi_qianjinqu_jiaoyuju_2020.txt")
    assert rep.edition == "2019"
    assert ad["rules.made"]["value"] == 0 and ad["rules.made"]["status"] == "reported"
    assert {ad["fees.prev_items"]["status"], ad["fees.change"]["status"]} == {"ambiguous"}


def test_renamed_labels_still_give_the_edition_and_columns():
    # Variants seen in real 2021-edition reports: half-width brackets, a renamed in-force column.
    texts = ["第二十条(一)项", "信息内容 本年制发件数 本年废止件数 现行有效件数 (历史累计)"]
    assert detect_edition(texts) == "2021"
    from gongkai.schema import registry as R
    from gongkai.parse.labels import LabelIndex
    assert LabelIndex(R.AD_MEASURES).match("现行有效件数 (历史累计)").code == "in_force"
    assert detect_edition(["本年新制作数量 本年新公开数量 对外公开总数量"]) == "2019"
