"""Every failing check on the sample corpus is an error in the agency's own document, never ours.

Each entry below was verified by reading the source: the printed figures really disagree.
A failing check that is not listed points to an extraction error, and fails this test.
"""
from __future__ import annotations

VERIFIED_AGENCY_ERRORS = {
    # Table 四 prints 行政复议 总计 0 (and 复议后起诉 总计 0) beside 维持 10, 纠正 1 (page 4).
    ("001_huaian_hongzequ_2023.pdf", "review_total.review"),
    ("001_huaian_hongzequ_2023.pdf", "review_total.litigation_after_review"),
    # Section 一 says 区政府办代表区政府受理政府信息公开申请17件; table 三 prints 本年新收 95 (pages 1 and 3).
    ("002_huaian_hongzequ_2024.pdf", "prose.received"),
    # The crawled table prints （七）总计 "20 0 00 0 121" while its rows (6, 6, 4, 3, 3, 4) add up to 26,
    # and 7+6+4+3+3+4 = 27 in the 总计 column.
    ("043_fujian_pingtan_syq_2020.txt", "outcomes.natural_person"),
    ("043_fujian_pingtan_syq_2020.txt", "outcomes.total"),
    # 新收 "160 02 0 018" (16 自然人, 2 社会公益组织, 18) but （七）总计 "180 0 0 0 018" puts all 18 under 自然人;
    # the outcome rows 予以公开 "120 02 0 014" and 行政执法案卷 "40 0 0 0 04" give 自然人 16, 社会公益组织 2.
    ("117_pingtan_ziranziyuan_2021_crawl.txt", "balance.natural_person"),
    ("117_pingtan_ziranziyuan_2021_crawl.txt", "balance.public_interest"),
    ("117_pingtan_ziranziyuan_2021_crawl.txt", "outcomes.natural_person"),
    ("117_pingtan_ziranziyuan_2021_crawl.txt", "outcomes.public_interest"),
    # 新收 1, 上年结转 0, but （七）总计 1 (3.其他 1) and 结转下年度 1 as well: the pending case is counted twice.
    ("121_pingtan_gonganju_2021_crawl.txt", "balance.natural_person"),
    ("121_pingtan_gonganju_2021_crawl.txt", "balance.total"),
    # 新收 4 (保护第三方合法权益 1, 本机关不掌握 3) but （七）总计 printed "0000000".
    ("128_pingtan_haitanpianqu_2022_crawl.txt", "balance.natural_person"),
    ("128_pingtan_haitanpianqu_2022_crawl.txt", "balance.total"),
    ("128_pingtan_haitanpianqu_2022_crawl.txt", "outcomes.natural_person"),
    ("128_pingtan_haitanpianqu_2022_crawl.txt", "outcomes.total"),
    # 新收 0 and （七）总计 0, yet 本机关不掌握 prints "3000025" (3 自然人, 2 其他, 5): the 2021 report's row left in.
    ("134_pingtan_junshanpianqu_2022_crawl.txt", "outcomes.natural_person"),
    ("134_pingtan_junshanpianqu_2022_crawl.txt", "outcomes.other_organisation"),
    ("134_pingtan_junshanpianqu_2022_crawl.txt", "outcomes.total"),
}


def test_every_failing_check_is_a_verified_agency_error(built):
    _root, result, _proc = built
    failing = {(rep.source.name, c.check_id) for rep in result.reports for c in rep.checks if c.result == "fail"}
    assert failing - VERIFIED_AGENCY_ERRORS == set(), "failing checks not verified against the source"
    assert VERIFIED_AGENCY_ERRORS - failing == set(), "a verified agency error is no longer found"


def test_prose_figures_are_checked_against_the_tables(built):
    _root, result, _proc = built
    by_file = {rep.source.name: rep for rep in result.reports}
    seed = {c.check_id: c for c in by_file["000_8719cb9f3c2be4e4.txt"].checks}
    assert seed["prose.received"].result == "pass" and seed["prose.received"].lhs == 14  # 共受理信息公开申请14件
    shanghai = {c.check_id: c for c in by_file["041_shanghai_shizhengfu_bgt_2019.html"].checks}
    assert {k: (v.lhs, v.result) for k, v in shanghai.items() if k.startswith("prose.")} == {
        "prose.received": (859, "pass"), "prose.answered": (805, "pass"), "prose.carried_forward": (72, "pass"),
        "prose.rules": (13, "pass"), "prose.normative_documents": (60, "pass")}
