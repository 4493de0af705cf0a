// The 搜索 page: Pagefind's UI over the site's search indexes: the hub's in pagefind/ and one per report
// shard, listed in pagefind/shards.json and merged here (each merged index loads its page list and the
// chunks a query needs, not a second copy of the search engine).  Paths are derived from this page's own
// address, so the site works from any sub-path; the query comes from the header's search form as ?q=….
(function () {
  "use strict";
  var mount = document.getElementById("gk-search");
  if (!mount || typeof window.PagefindUI !== "function") return;
  var bundle = new URL(mount.getAttribute("data-bundle"), window.location.href);
  var baseUrl = new URL("../", bundle).pathname;  // result links: Pagefind stores them from the site's root
  var layered = new URL("../assets/search/", bundle);  // Pagefind's API less superseded pages (search/pagefind.js)

  function start(shards) {
    var ui = new window.PagefindUI({
      element: "#gk-search",
      bundlePath: layered.pathname,
      baseUrl: baseUrl,
      mergeIndex: shards.map(function (s) { return { bundlePath: new URL(s, bundle).pathname, baseUrl: baseUrl }; }),
      showImages: false,
      showSubResults: true,
      autofocus: true
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      var box = document.querySelector(".gk-search__input");
      if (box) box.value = query;
      ui.triggerSearch(query);
    }
  }

  fetch(new URL("shards.json", bundle).href)
    .then(function (r) { return r.ok ? r.json() : {}; })
    .catch(function () { return {}; })
    .then(function (list) { start(Array.isArray(list.shards) ? list.shards : []); });
})();
