"""A page changed since its shard was indexed whole is searched in a recent layer, and its old copy in the
whole index is listed as superseded in pagefind/shards.json (gongkai/recent_index.py).  Here the built site's
listing is served with one of the seed report's copies marked superseded, as a layer would list it: the
search page and the API module (docs/assets/search/pagefind.js) drop it from results and from the counts."""
from __future__ import annotations

import json

from gongkai import paths as P
from gongkai import recent_index as RI

RESULTS = ".pagefind-ui__results"

PROBE = """async (query) => {
  const bundle = new URL("pagefind/", location.href);
  const pf = await import(new URL("assets/search/pagefind.js", location.href).href);
  const base = new URL("./", location.href).pathname;
  await pf.options({ baseUrl: base });
  const list = await (await fetch(new URL("shards.json", bundle))).json();
  for (const s of list.shards) await pf.mergeIndex(new URL(s, bundle).pathname, { baseUrl: base });
  const totals = await pf.filters();  // loads the filter indexes: a search counts by filter only after
  const r = await pf.search(query);
  return { ids: r.results.map((x) => x.id), count: r.unfilteredResultCount, filters: r.filters, totals };
}"""


def _superseding(page, site, fid: str, filters: dict) -> None:
    listing = json.loads((site.root / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    listing["superseded"] = {fid: {"filters": filters}}
    page.route("**/pagefind/shards.json", lambda r: r.fulfill(status=200, content_type="application/json",
                                                             body=json.dumps(listing)))


def _seed_copy(site, seed) -> tuple[str, dict]:
    bundles = [site.root / "pagefind", *(p for p in (site.root / "pagefind" / "shards").iterdir() if p.is_dir())]
    pages = {url: found for b in bundles for url, found in RI.fragments(b).items()}
    return pages["/" + P.page_url(P.report_page(seed.slug, seed.meta.year))]


def test_a_superseded_copy_is_dropped_from_results_and_counts(site, open_page, seed):
    fid, filters = _seed_copy(site, seed)
    assert filters, "the report page carries its year, region and level filters"
    plain = open_page(site)
    plain.goto(site.url())
    before = plain.evaluate(PROBE, "司法")
    layered = open_page(site)
    _superseding(layered, site, fid, filters)
    layered.goto(site.url())
    after = layered.evaluate(PROBE, "司法")
    assert fid in before["ids"] and fid not in after["ids"]
    assert after["ids"] == [i for i in before["ids"] if i != fid] and after["count"] == before["count"] - 1
    for name, values in filters.items():
        for value in values:
            assert after["filters"][name][value] == before["filters"][name][value] - 1
            assert after["totals"][name][value] == before["totals"][name][value] - 1


def test_the_search_page_lists_no_superseded_copy(site, open_page, seed):
    fid, filters = _seed_copy(site, seed)
    page = open_page(site)
    _superseding(page, site, fid, filters)
    page.goto(site.url("search/?q=" + "司法厅"))
    agency = P.page_url(P.agency_page(seed.slug))
    page.locator(f"{RESULTS} .pagefind-ui__result-title a[href$='{agency}']").first.wait_for(state="visible",
                                                                                          timeout=30_000)
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')",
                           timeout=30_000)
    report = P.page_url(P.report_page(seed.slug, seed.meta.year))
    assert page.locator(f"{RESULTS} a[href$='{report}']").count() == 0
