"""gongkai/pages/write.py: the report and agency pages."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.pages.write import neighbours, report_downloads
from gongkai.schema import registry as R


class _Meta:
    def __init__(self, year):
        self.year = year


class _Rep:
    def __init__(self, slug, year):
        self.slug, self.meta = slug, _Meta(year)

    @property
    def report_id(self):
        return P.report_id(self.slug, self.meta.year)


def test_a_report_page_links_every_file_of_its_package_from_four_levels_down():
    rep = _Rep("ningxiahuizuzizhiqu-sifating", 2021)
    md = report_downloads(rep)
    base = "../../../../downloads/e7/ningxiahuizuzizhiqu-sifating/2021/"  # e7: the slug's sha256
    assert f'href="{base}ningxiahuizuzizhiqu-sifating-2021.zip"' in md
    assert f'href="{base}ningxiahuizuzizhiqu-sifating-2021.xlsx"' in md
    for name in R.RESOURCE_ORDER:
        for rel in (P.resource_csv(name), P.excel_csv(name), P.resource_json(name)):
            assert f'href="{base}{rel}"' in md, rel


def test_neighbours_are_the_same_agencys_earlier_and_later_reports():
    a20, a21, a22, b21 = _Rep("a", 2020), _Rep("a", 2021), _Rep("a", 2022), _Rep("b", 2021)
    got = neighbours([a22, b21, a20, a21])
    assert got["a/2021"] == (a20, a22) and got["a/2020"] == (None, a21) and got["b/2021"] == (None, None)
