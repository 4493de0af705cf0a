"""Every download link on a report page returns a file that parses, with the rows the form prints."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from gongkai import paths as P
from golden import GOLDEN_DIR, expected_cells, load

PAGE_SUFFIXES = ("/", ".html")


def _download_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if not href.startswith(base) or parts.path.endswith(PAGE_SUFFIXES):
            continue  # other sites, and pages of this one (the link crawl checks those)
        out.append(href.split("#")[0])
    return sorted(set(out))


def _csv_rows(data: bytes) -> tuple[list[str], list[dict]]:
    text = data.decode("utf-8-sig")  # the Excel-oriented CSV carries a BOM; both must decode
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return reader.fieldnames or [], list(reader)


def _parse(name: str, data: bytes, tmp: Path) -> dict:
    """Open one downloaded file the way a user's tool would; returns what it holds."""
    suffix = name.rsplit(".", 1)[-1].lower()
    stem = name.split(".", 1)[0]
    if len(stem) == 64 and all(c in "0123456789abcdef" for c in stem):
        # The archived original (原文存档): named by its sha256, which the bytes must have.
        return {"kind": "archive", "sha_ok": hashlib.sha256(data).hexdigest() == stem}
    if name == P.CITATION_FILE:
        text = data.decode("utf-8")
        assert "GB/T 7714" in text and "@dataset{" in text, name
        return {"kind": "citation"}
    if suffix == "csv":
        fields, rows = _csv_rows(data)
        return {"kind": "csv", "fields": fields, "rows": len(rows), "codes": [r.get("code") for r in rows]}
    if suffix == "json":
        value = json.loads(data.decode("utf-8"))
        return {"kind": "json", "value": value, "rows": len(value) if isinstance(value, list) else None}
    if suffix == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.testzip() is None, f"{name}: corrupt member"
            members = {n: zf.read(n) for n in zf.namelist()}
        return {"kind": "zip", "members": members}
    if suffix == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        sheets = {ws.title: max(0, sum(1 for _ in ws.iter_rows(values_only=True)) - 1) for ws in wb.worksheets}
        wb.close()
        return {"kind": "xlsx", "sheets": sheets}
    if suffix == "parquet":
        import pyarrow.parquet as pq

        return {"kind": "parquet", "rows": pq.read_table(io.BytesIO(data)).num_rows}
    if suffix == "txt":
        return {"kind": "text", "text": data.decode("utf-8")}
    if suffix in ("sqlite", "db", "sqlite3"):
        path = tmp / name
        path.write_bytes(data)
        con = sqlite3.connect(path)
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
        con.close()
        return {"kind": "sqlite", "tables": counts}
    raise AssertionError(f"download {name}: no parser for .{suffix}; teach this test to open it")


def _download_all(page, served, rel: str, tmp: Path) -> dict[str, dict]:
    """Open the page as a visitor would and fetch every file it links to: {file name: parsed}."""
    assert page.goto(served.url(rel)).status == 200, rel
    links = _download_links(page, served.base)
    assert links, f"{rel or 'home'} offers no downloads"
    parsed = {}
    for url in links:
        response = page.request.get(url)
        assert response.ok, f"{response.status} {url}"
        body = response.body()
        assert body, f"empty download {url}"
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        assert name not in parsed, f"two downloads named {name} on {rel}"
        parsed[name] = _parse(name, body, tmp)
        parsed[name]["bom"] = body.startswith(b"\xef\xbb\xbf")
    return parsed


def test_every_download_on_the_seed_report_page_parses(site, open_page, seed, tmp_path):
    page = open_page(site)
    parsed = _download_all(page, site, P.page_url(P.report_page(seed.slug, seed.meta.year)), tmp_path)
    kinds = Counter(p["kind"] for p in parsed.values())
    assert kinds["csv"] and kinds["json"] and kinds["zip"], f"expected CSV, JSON and zip downloads, got {kinds}"
    archives = [p for p in parsed.values() if p["kind"] == "archive"]
    assert len(archives) == 1 and archives[0]["sha_ok"], "the source file, archived under its sha256"
    # The Excel-oriented CSVs start with a BOM (Excel reads UTF-8 only then); the plain ones do not.
    for name, p in parsed.items():
        if p["kind"] == "csv":
            assert p["bom"] == ("excel" in name), name

    # The three statistical tables hold one row per printed cell of the form: the golden file,
    # transcribed from the source document, says which cells those are.
    golden = expected_cells(load(GOLDEN_DIR / f"{seed.source.name}.yml"))
    for table in ("active_disclosure", "applications", "reviews_litigation"):
        want = sorted(code for t, code in golden if t == table)
        csvs = [p for n, p in parsed.items() if p["kind"] == "csv" and n.startswith(table)]
        assert csvs, f"no CSV download for {table}"
        for p in csvs:  # the plain CSV and, once offered, the Excel CSV
            assert sorted(p["codes"]) == want, table
        if f"{table}.json" in parsed:
            assert parsed[f"{table}.json"]["rows"] == len(want), table

    # datapackage.json parses and describes exactly the per-table files offered next to it.
    package = parsed["datapackage.json"]["value"]
    for res in package["resources"]:
        name = res["path"]
        if name in parsed and parsed[name]["kind"] == "csv":
            assert parsed[name]["fields"] == [f["name"] for f in res["schema"]["fields"]], name
        elif name in parsed and parsed[name]["kind"] == "json":
            assert all(set(r) <= {f["name"] for f in res["schema"]["fields"]} for r in parsed[name]["value"]), name

    # The zip is the same package: its datapackage.json and every file it names are inside.
    for name, p in parsed.items():
        if p["kind"] != "zip":
            continue
        members = {Path(m).name: data for m, data in p["members"].items()}
        inner = json.loads(members["datapackage.json"])
        assert {r["path"] for r in inner["resources"]} <= set(members), name
        for res in inner["resources"]:
            if res["path"] in parsed and parsed[res["path"]]["kind"] == "csv":
                assert _csv_rows(members[res["path"]])[1].__len__() == parsed[res["path"]]["rows"], res["path"]

    # Spreadsheets hold as many data rows as the matching CSV (sheets named after the tables).
    for name, p in parsed.items():
        if p["kind"] == "xlsx":
            assert p["sheets"], name
            for sheet, rows in p["sheets"].items():
                if f"{sheet}.csv" in parsed:
                    assert rows == parsed[f"{sheet}.csv"]["rows"], (name, sheet)


def test_every_download_on_the_downloads_page_parses(site, open_page, tmp_path):
    """The whole-corpus files agree with each other and with the per-report packages."""
    page = open_page(site)
    parsed = _download_all(page, site, "downloads/", tmp_path)
    kinds = Counter(p["kind"] for p in parsed.values())
    assert kinds["csv"] and kinds["zip"], kinds
    n_reports = len(site.result.reports)
    assert parsed["metadata.csv"]["rows"] == n_reports
    for table in ("active_disclosure", "applications", "reviews_litigation"):
        # The combined table is the union of the reports' own tables (files published next to each page).
        per_report = sum(len(_csv_rows(p.read_bytes())[1])
                         for p in (site.root / "downloads").glob(f"*/*/*/{table}.csv"))  # <bucket>/<slug>/<year>/
        assert parsed[f"{table}.csv"]["rows"] == per_report, table
    for name, p in parsed.items():
        if p["kind"] == "sqlite":
            tables = p["tables"]
            assert {"agencies", "reports"} <= set(tables), tables
            assert tables["reports"] == n_reports
            assert tables["agencies"] == len({r.slug for r in site.result.reports})
            for t in ("active_disclosure", "applications", "reviews_litigation"):
                assert tables[t] == parsed[f"{t}.csv"]["rows"], t
        if p["kind"] == "zip":
            members = {Path(m).name for m in p["members"]}
            assert "datapackage.json" in members, name
    # The Parquet datasets: the page links their file list (a static site lists no folder); every file listed
    # is served with the size listed, and each table's partitions together hold its CSV's rows.
    import pyarrow.parquet as pq

    listing = parsed[P.PARQUET_LIST.rsplit("/", 1)[-1]]["text"]
    base = f"{site.base.rstrip('/')}/downloads/{P.COMBINED}/"
    rows: Counter = Counter()
    for line in listing.splitlines():
        rel, size = line.split("\t")
        body = page.request.get(base + rel).body()
        assert len(body) == int(size), rel
        rows[rel.split("/")[1]] += pq.read_table(io.BytesIO(body)).num_rows
    from gongkai.package.exports import PARQUET_TABLES

    assert set(rows) == set(PARQUET_TABLES)
    for table, n in rows.items():
        # measures: one row per report, like metadata; every other table has its CSV's rows
        assert n == parsed["metadata.csv" if table == "measures" else f"{table}.csv"]["rows"], table


def test_chart_data_on_the_home_page_parses(site, open_page, tmp_path):
    """Every chart offers its data next to it; the CSV and the JSON downloads open."""
    page = open_page(site)
    parsed = _download_all(page, site, "", tmp_path)
    assert {p["kind"] for p in parsed.values()} >= {"csv", "json"}, sorted(parsed)


def test_seed_report_in_the_json_api(site, open_page, seed):
    """api/<bucket>/<agency>/<year>.json, fetched by a page script, carries the seed's figures; its links resolve."""
    page = open_page(site)
    page.goto(site.url())
    api = page.evaluate(f"fetch('{P.API_DIR}/{P.report_api(seed.slug, seed.meta.year)}').then(r => r.json())")
    golden = expected_cells(load(GOLDEN_DIR / f"{seed.source.name}.yml"))
    # 一、本年新收 and 予以公开, 总计 column, as printed in the source document.
    assert api["measures"]["received"] == golden[("applications", "new_received.total")]
    assert api["measures"]["granted"] == golden[("applications", "granted.total")]
    index = page.evaluate("fetch('api/index.json').then(r => r.json())")
    agencies = page.evaluate("fetch('api/agencies.json').then(r => r.json())")
    assert seed.slug in json.dumps(index) and seed.slug in json.dumps(agencies)

    def paths(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from paths(v)
        elif isinstance(value, str):
            yield value

    for rel in paths(api["links"]):
        assert page.request.get(site.url(rel)).ok, rel


def test_an_html_source_is_archived_as_plain_text_and_opens_inert(site, open_page):
    """原文存档 of a web page: its bytes, served as text, so its scripts never run on this site (the page
    guard fails the test on any dialog, page error or request off the site)."""
    html = [r for r in site.result.reports if r.source.suffix.lower() in (".html", ".htm")]
    assert html, "the sample corpus has an HTML report"
    for rep in html:
        rel = f"{P.DOWNLOADS}/{P.archive_file(rep.sha256, rep.source.name)}"
        page = open_page(site)
        response = page.goto(site.url(rel))
        assert response.status == 200, rel
        assert response.headers["content-type"].startswith("text/plain"), response.headers["content-type"]
        assert hashlib.sha256(page.request.get(site.url(rel)).body()).hexdigest() == rep.sha256
        # Shown as text: the page's markup is characters, not elements.
        assert page.locator("script, iframe, img, a").count() == 0
