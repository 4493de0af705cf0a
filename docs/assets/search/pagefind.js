// Pagefind's search API over the site's indexes, less the pages that were changed since their shard was
// indexed whole.  Such a page is indexed again alone in its shard's recent layer (gongkai/recent_index.py),
// and its old copy, still in the whole index, is listed in pagefind/shards.json under "superseded" with its
// filters: it is dropped from every result here, and taken out of the filter counts.  The 搜索 page's
// Pagefind UI and the header's box load this module in place of pagefind/pagefind.js (same functions).
import * as pf from "../../pagefind/pagefind.js";

var listing = null;

function superseded() {
  if (!listing) {
    listing = fetch(new URL("../../pagefind/shards.json", import.meta.url).href)
      .then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (l) { return (l && typeof l.superseded === "object" && l.superseded) || {}; });
  }
  return listing;
}

function hasFilters(opts) {
  return !!(opts && opts.filters && Object.keys(opts.filters).length);
}

// The results without superseded copies (a `twin`, the same fragment in two indexes, is kept once), and
// the removed results' filter values.
function prune(results, gone) {
  var seen = {}, kept = [], dropped = [];
  results.forEach(function (r) {
    var old = gone[r.id];
    if (!old || (old.twin && !seen[r.id])) { seen[r.id] = true; kept.push(r); } else { dropped.push(old.filters || {}); }
  });
  return { kept: kept, dropped: dropped };
}

function uncount(counts, dropped) {
  if (!counts) return;
  dropped.forEach(function (filters) {
    Object.keys(filters).forEach(function (name) {
      (filters[name] || []).forEach(function (value) {
        if (counts[name] && counts[name][value] > 0) counts[name][value] -= 1;
      });
    });
  });
}

async function clean(response, term, opts) {
  if (!response) return response;
  var gone = await superseded();
  if (!Object.keys(gone).length) return response;
  var here = prune(response.results, gone);
  response.results = here.kept;
  uncount(response.filters, here.dropped);
  // The totals are over the search without filters: with filters set, its results are not these.
  var all = hasFilters(opts) ? prune((await pf.search(term, Object.assign({}, opts, { filters: {} }))).results, gone) : here;
  response.unfilteredResultCount = Math.max(0, response.unfilteredResultCount - all.dropped.length);
  uncount(response.totalFilters, all.dropped);
  return response;
}

export var options = pf.options;
export var init = pf.init;
export var mergeIndex = pf.mergeIndex;
export var preload = pf.preload;
export var destroy = pf.destroy;

export async function search(term, opts) {
  return clean(await pf.search(term, opts), term, opts);
}

export async function debouncedSearch(term, opts, ms) {
  return clean(await pf.debouncedSearch(term, opts, ms), term, opts);
}

export async function filters() {
  var counts = await pf.filters();
  var gone = await superseded();
  // Each superseded page is counted twice over the merged indexes (a twin too): once is taken away.
  uncount(counts, Object.keys(gone).map(function (id) { return gone[id].filters || {}; }));
  return counts;
}
