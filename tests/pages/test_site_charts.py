"""gongkai/pages/site_charts.py: the site's charts from the measures, with values that match the source
documents, one kind of value per chart, and the same files from the same reports."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from types import SimpleNamespace

from golden import GOLDEN_DIR, load
from gongkai import paths as P
from gongkai.pages import site_charts as C
from gongkai.schema import registry as R

def _app_record(code: str, value, status="reported") -> dict:
    return {"code": code, "status": status, "value": value}


def _rep(year: int, agency: str, cells: dict[str, tuple]) -> SimpleNamespace:
    records = {"applications": [_app_record(f"{row}.total", *v) for row, v in cells.items()],
               "reviews_litigation": []}
    return SimpleNamespace(meta=SimpleNamespace(year=year, agency=agency), records=records)


def test_agency_trend_uses_the_measures_and_leaves_blank_cells_unknown():
    reps = [_rep(2022, "某局", {"new_received": (5,), "total": (4,), "granted": (1,), "partial": (1,)}),
            _rep(2023, "某局", {"new_received": (None, "blank"), "total": (10,), "granted": (3,), "partial": (2,)})]
    charts = {c.id.rsplit("/", 1)[-1]: c for c in C.agency_charts("mou-ju", reps)}
    apps = charts["applications"]
    by_code = dict(zip((s.code for s in apps.series), apps.values))
    assert by_code["received"] == (5, None)
    assert by_code["handled"] == (4, 10)
    assert by_code["disclosed"] == (2, 5)
    shares = dict(zip((s.code for s in charts["shares"].series), charts["shares"].values))
    assert shares["share_disclosed"] == (0.5, 0.5)
    assert "reviews" not in charts  # no review cells at all: no empty chart
    assert C.agency_charts("mou-ju", reps[:1]) == []  # one year is no trend


def _golden_total(name: str, row: str) -> int:
    return load(GOLDEN_DIR / name)["applications"][row][6]  # column 7 = 总计


def test_agency_chart_data_matches_the_source_documents(built):
    """洪泽区 2023 and 2024: values read by hand from the PDFs (tests/golden), not from our parser."""
    root, result, _ = built
    slug = next(r.slug for r in result.reports if r.source.name.startswith("001_huaian_hongzequ"))
    base = root / "docs" / "charts" / "agencies" / P.agency_dir(slug)
    data = json.loads((base / "applications.json").read_text(encoding="utf-8"))
    assert data["x"]["values"] == [2023, 2024]
    series = {s["code"]: s["values"] for s in data["series"]}
    g23, g24 = "001_huaian_hongzequ_2023.pdf.yml", "002_huaian_hongzequ_2024.pdf.yml"
    assert series["received"] == [_golden_total(g23, "new_received"), _golden_total(g24, "new_received")]
    assert series["handled"] == [_golden_total(g23, "total"), _golden_total(g24, "total")]
    refused_rows = [d.code for d in R.APP_ROWS if d.group_code == "refused"]
    assert series["refused"] == [sum(_golden_total(g, r) for r in refused_rows) for g in (g23, g24)]
    rows = list(csv.DictReader((base / "applications.csv").open(encoding="utf-8")))
    assert [int(r["received"]) for r in rows] == series["received"]


def test_home_chart_data_matches_the_pooled_measures(built):
    from gongkai.schema import measures as M

    root, result, _ = built
    data = json.loads((root / "docs" / "charts" / "home" / "outcomes.json").read_text(encoding="utf-8"))
    values = dict(zip(data["x"]["values"], data["series"][0]["values"]))
    covered = dict(zip(data["x"]["values"], data["series"][1]["values"]))
    for code in ("granted", "partial", "refused"):
        pooled = M.pooled(M.BY_CODE[code], [r.records for r in result.reports])
        assert values[code] == pooled.value and covered[code] == pooled.covered


def test_chart_files_are_byte_identical_across_builds(built):
    """Rendering the same reports again gives the same files (no timestamps, stable order)."""
    root, result, _ = built
    by_agency = defaultdict(list)
    for rep in sorted(result.reports, key=lambda r: (r.slug, r.meta.year)):
        by_agency[rep.slug].append(rep)
    pages = {str(p.relative_to(root / "docs").as_posix()) for p in (root / "docs").rglob("*.md")}
    _, files = C.site_charts(result.reports, by_agency, pages)
    assert files
    for rel, text in files.items():
        assert (root / "docs" / rel).read_text(encoding="utf-8") == text, rel


def test_every_chart_plots_one_kind_of_value(built):
    """Counts and shares never share an axis (the correction-rate chart once drew case counts on a % axis)."""
    root, _, _ = built
    files = sorted((root / "docs" / "charts").rglob("*.json"))
    assert any("years/" in f.as_posix() for f in files) and any("regions/" in f.as_posix() for f in files)
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        kinds = {s["kind"] for s in data["series"] if s["plot"]}
        assert len(kinds) == 1, path
        assert any(v is not None for s in data["series"] if s["plot"] for v in s["values"]), f"{path}: empty chart"
