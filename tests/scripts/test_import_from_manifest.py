"""scripts/import_from_manifest.py writes provenance the manifest states, and nothing it does not."""
from __future__ import annotations

import importlib.util

import yaml

from conftest import ROOT
from gongkai.extract import load_sidecar

_spec = importlib.util.spec_from_file_location("import_from_manifest", ROOT / "scripts" / "import_from_manifest.py")
importer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(importer)

ROW = {"agency": "某某局", "region": "福建省", "level": "township(片区管理局; inferred)", "year": "2022",
       "notes": "FULL"}


def _sidecar(source: str) -> dict:
    return importer.sidecar_for({**ROW, "source": source})


def test_no_invented_retrieval_date():
    """The manifest records no retrieval date: the sidecar must not claim one (it used to write today's)."""
    for source in ("github:o/r:a/b.txt@abc123", "https://www.example.gov.cn/r.html", "example.gov.cn"):
        assert "retrieved" not in _sidecar(source)


def test_archive_and_mirror_addresses_are_mirror_url_not_source_url():
    side = _sidecar("github:changwu/archive:pingtan/a 2022年度/page.txt@91d094a4")
    assert "source_url" not in side
    # a space in an archive folder is encoded so the address stays one link
    assert side["mirror_url"] == "https://github.com/changwu/archive/blob/91d094a4/pingtan/a%202022年度/page.txt"
    for note in ("(third-party mirror)", "(third-party repost of nhc.gov.cn)", "(proxy of www.gd.gov.cn)"):
        side = _sidecar(f"https://copy.example.com/x.html {note}")
        assert side["mirror_url"] == "https://copy.example.com/x.html" and "source_url" not in side
        assert side["source"].endswith(note)


def test_the_agency_address_is_source_url_and_plain_text_stays_source():
    side = _sidecar("https://www.example.gov.cn/r.html")
    assert side["source_url"] == "https://www.example.gov.cn/r.html"
    assert "source" not in side and "mirror_url" not in side  # the address alone says it all
    side = _sidecar("text converted from the published report (original at sft.nx.gov.cn)")
    assert side["source"].startswith("text converted") and "source_url" not in side and "mirror_url" not in side
    assert _sidecar("example.gov.cn")["level"] == "township"


def test_mirror_url_is_a_sidecar_field_and_only_http_is_linked(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("x", encoding="utf-8")
    (tmp_path / "r.txt.yml").write_text(yaml.safe_dump({"mirror_url": "https://github.com/o/r/blob/c/p.txt"}),
                                        encoding="utf-8")
    side, problems = load_sidecar(report)
    assert side["mirror_url"] == "https://github.com/o/r/blob/c/p.txt" and problems == []
    (tmp_path / "r.txt.yml").write_text("mirror_url: javascript:alert(1)\n", encoding="utf-8")
    _side, problems = load_sidecar(report)
    assert problems == ["sidecar mirror_url 'javascript:alert(1)' is not an http(s) address; it is not published "
                        "as a link"]


def test_no_sample_sidecar_states_a_date_its_notes_say_was_not_recorded():
    for side in sorted((ROOT / "reports").glob("*.yml")) + sorted((ROOT / "tests/fixtures/derived").glob("*.yml")):
        data = yaml.safe_load(side.read_text(encoding="utf-8"))
        if "not recorded" in str(data.get("notes", "")):
            assert "retrieved" not in data, side.name


def test_a_mirrored_report_publishes_its_mirror_and_no_retrieval_date():
    from gongkai.extract import extract
    from gongkai.package.datapackage import source_entry

    report = extract(ROOT / "reports" / "113_pingtan_jiaotongjianshe_2021_crawl.txt")
    meta = report.records["metadata"][0]
    assert meta["mirror_url"].startswith("https://github.com/changwu/pingtan-gov-zwgk-archive/blob/")
    assert meta["source_url"] is None and meta["retrieved"] is None
    entry = source_entry(report)
    assert entry["mirror_url"] == meta["mirror_url"] and "url" not in entry and "retrieved" not in entry
