// The header's search box on every page: results while typing, and the `/` and `s` shortcuts.
// Without JavaScript the box is a plain form to the 搜索 page (overrides/partials/search.html); with it,
// Pagefind's JS API is loaded on the first keystroke (never before: pages that are only read pay
// nothing) and the first results are listed under the box, with a link to all of them.  Titles are set
// as text, never as markup: they come from the reports.
(function () {
  "use strict";
  var form = document.querySelector("form.gk-search");
  if (!form) return;
  var box = form.querySelector(".gk-search__input");
  var searchPage = new URL(form.getAttribute("action"), window.location.href);
  var bundle = new URL("../pagefind/", searchPage);
  var siteRoot = new URL("../", searchPage);
  var SHOWN = 8, DELAY = 250;
  var pagefind = null, timer = null, latest = 0;

  var panel = document.createElement("div");
  panel.className = "gk-live";
  panel.id = "gk-live";
  panel.hidden = true;
  panel.setAttribute("role", "listbox");
  panel.setAttribute("aria-label", "搜索结果");
  form.appendChild(panel);
  box.setAttribute("aria-controls", "gk-live");

  function load() {
    if (!pagefind) {
      // The hub's index, then each report shard's (pagefind/shards.json), merged into one search.
      var shards = fetch(new URL("shards.json", bundle).href)
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; });
      // Pagefind's API less the pages superseded by a recent layer (assets/search/pagefind.js).
      pagefind = import(new URL("../assets/search/pagefind.js", bundle).href).then(function (pf) {
        return pf.options({ baseUrl: siteRoot.pathname }).then(function () { return shards; })
          .then(function (list) {
            return Promise.all((Array.isArray(list.shards) ? list.shards : []).map(function (s) {
              return pf.mergeIndex(new URL(s, bundle).pathname, { baseUrl: siteRoot.pathname });
            }));
          }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function allResults(query) {
    var link = document.createElement("a");
    link.className = "gk-live__all";
    link.href = searchPage.pathname + "?q=" + encodeURIComponent(query);
    return link;
  }

  function show(query, search, data) {
    panel.textContent = "";
    if (!search.results.length) {
      var none = document.createElement("p");
      none.className = "gk-live__none";
      none.textContent = "未找到“" + query + "”";
      panel.appendChild(none);
    }
    data.forEach(function (d) {
      var a = document.createElement("a");
      a.className = "gk-live__hit";
      a.href = d.url;
      a.setAttribute("role", "option");
      a.textContent = (d.meta && d.meta.title) || d.url;
      panel.appendChild(a);
    });
    var all = allResults(query);
    all.textContent = search.results.length ? "全部 " + search.results.length + " 条结果 →" : "到搜索页查找 →";
    panel.appendChild(all);
    panel.hidden = false;
  }

  function run() {
    var query = box.value.trim();
    var ticket = ++latest;
    if (!query) { panel.hidden = true; return; }
    load().then(function (pf) { return pf.search(query); }).then(function (search) {
      if (!search || ticket !== latest) return null;
      return Promise.all(search.results.slice(0, SHOWN).map(function (r) { return r.data(); }))
        .then(function (data) { if (ticket === latest) show(query, search, data); });
    }).catch(function () { panel.hidden = true; });  // the form still works: Enter opens the 搜索 page
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, DELAY);
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { panel.hidden = true; box.blur(); }
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) panel.hidden = true;
  });

  // `/` and `s` focus the box, as on most sites with search, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (e.key !== "/" && e.key !== "s" && e.key !== "S") return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    box.focus();
    box.select();
  }, true);
})();
