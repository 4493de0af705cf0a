// The 搜索 page: Pagefind's UI over the index that `make site` writes to pagefind/ beside the pages.
// Paths are derived from this page's own address, so the site works from any sub-path; the query
// comes from the header's search form as ?q=….  Pagefind fetches only the index chunks a query needs.
(function () {
  "use strict";
  var mount = document.getElementById("gk-search");
  if (!mount || typeof window.PagefindUI !== "function") return;
  var bundle = new URL(mount.getAttribute("data-bundle"), window.location.href);
  var ui = new window.PagefindUI({
    element: "#gk-search",
    bundlePath: bundle.pathname,
    baseUrl: new URL("../", bundle).pathname,  // result links: Pagefind stores them from the site's root
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
})();
