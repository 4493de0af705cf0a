/* Gongkai's own script, no dependencies: sortable tables and the compare page.
   Both are progressive enhancements: without JavaScript the tables are plain and the
   compare page says where the data is. */
(function () {
  "use strict";

  var UNKNOWN = "—";

  // A cell's sort key: a number when the text is one ("1,234", "64.3%", "12（3）"), else the text.
  function sortKey(cell) {
    var text = (cell.getAttribute("data-sort") || cell.textContent || "").trim();
    if (text === "" || text === UNKNOWN) return null;
    var m = text.replace(/,/g, "").match(/^-?\d+(\.\d+)?/);
    if (m) return { n: parseFloat(m[0]) };
    return { s: text };
  }

  function compare(a, b) {
    // Unknown values always go last, whatever the direction.
    if (a === null || b === null) return 0;
    if ("n" in a && "n" in b) return a.n - b.n;
    return String(a.s || a.n).localeCompare(String(b.s || b.n), "zh");
  }

  function makeSortable(table) {
    if (table.getAttribute("data-gk-sortable")) return;
    table.setAttribute("data-gk-sortable", "1");
    var head = table.tHead ? table.tHead.rows[0] : table.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "gk-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        // The total row (bold first cell) stays at the bottom.
        var fixed = rows.filter(function (r) { return r.cells[0] && r.cells[0].querySelector("strong"); });
        rows = rows.filter(function (r) { return fixed.indexOf(r) < 0; });
        var keyed = rows.map(function (r, i) { return { row: r, key: sortKey(r.cells[col]), i: i }; });
        keyed.sort(function (x, y) {
          if (x.key === null && y.key === null) return x.i - y.i;
          if (x.key === null) return 1;
          if (y.key === null) return -1;
          var c = compare(x.key, y.key);
          return (asc ? c : -c) || x.i - y.i;
        });
        keyed.forEach(function (k) { body.appendChild(k.row); });
        fixed.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function initSortable(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".gk-sortable table"), makeSortable);
  }

  // ---------------------------------------------------------------- compare page
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text; // textContent: report text is never parsed as HTML
    return node;
  }

  function fmt(measure, value) {
    if (value === null || value === undefined) return UNKNOWN;
    if (measure.kind === "share") return (value * 100).toFixed(1) + "%";
    return Number(value).toLocaleString("en-US");
  }

  function initCompare(root) {
    var box = root.querySelector("#gk-compare");
    if (!box || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var site = box.getAttribute("data-site") || "./";
    var max = parseInt(box.getAttribute("data-max") || "4", 10);
    var status = box.querySelector("#gk-compare-status");
    var options = box.querySelector("#gk-compare-options");
    var filter = box.querySelector("#gk-compare-filter");
    var result = box.querySelector("#gk-compare-result");
    var wanted = Array.prototype.map.call(
      box.querySelector("#gk-compare-measures").content.querySelectorAll("option"),
      function (o) { return o.value; });
    var chosen = [];
    var data = null;

    // The choice lives in the address (#a=slug1,slug2) so that a comparison can be shared.
    function readHash() {
      var m = /(?:^#|&)a=([^&]*)/.exec(window.location.hash || "");
      if (!m) return [];
      return decodeURIComponent(m[1]).split(",").filter(function (s, i, all) {
        return /^[a-z0-9-]+$/.test(s) && all.indexOf(s) === i;
      });
    }

    function writeHash() {
      var url = window.location.pathname + window.location.search + (chosen.length ? "#a=" + chosen.join(",") : "");
      if (window.history && window.history.replaceState) window.history.replaceState(null, "", url);
    }

    function agencies() {
      var seen = {}, list = [];
      data.reports.forEach(function (r) {
        if (!seen[r.agency_slug]) {
          // The agency page's URL comes from the API (links.agency): its folder is the build's to choose.
          seen[r.agency_slug] = { slug: r.agency_slug, name: r.agency, region: r.region || "", page: r.links.agency,
                                  reports: [] };
          list.push(seen[r.agency_slug]);
        }
        seen[r.agency_slug].name = r.agency; // reports are sorted by year within an agency: keep the latest name
        seen[r.agency_slug].reports.push(r);
      });
      list.sort(function (a, b) { return a.name.localeCompare(b.name, "zh"); });
      return list;
    }

    function render() {
      var list = agencies().filter(function (a) { return chosen.indexOf(a.slug) >= 0; });
      result.textContent = "";
      status.textContent = chosen.length < 2
        ? "已选 " + chosen.length + " 个机关，请至少选择 2 个（最多 " + max + " 个）。"
        : "已选 " + chosen.length + " 个机关。";
      if (chosen.length < 2) return;
      var measures = data.measures.filter(function (m) { return wanted.indexOf(m.code) >= 0; });
      var years = [];
      list.forEach(function (a) {
        a.reports.forEach(function (r) { if (years.indexOf(r.year) < 0) years.push(r.year); });
      });
      years.sort();
      var table = el("table", { "class": "gk-list gk-compare-table" });
      var thead = el("thead"), tr = el("tr");
      tr.appendChild(el("th", { scope: "col" }, "指标 / 年度"));
      list.forEach(function (a) {
        var th = el("th", { scope: "col" });
        th.appendChild(el("a", { href: site + a.page }, a.name));
        tr.appendChild(th);
      });
      thead.appendChild(tr);
      table.appendChild(thead);
      var tbody = el("tbody");
      measures.forEach(function (m) {
        var group = el("tr", { "class": "gk-compare-group" });
        group.appendChild(el("th", { colspan: String(list.length + 1), scope: "colgroup" }, m.zh + "（" + m.en + "）"));
        tbody.appendChild(group);
        years.forEach(function (y) {
          var row = el("tr");
          row.appendChild(el("th", { scope: "row" }, y + " 年"));
          list.forEach(function (a) {
            var rep = a.reports.filter(function (r) { return r.year === y; })[0];
            var td = el("td", { "class": "gk-num" });
            if (rep) {
              td.appendChild(el("a", { href: site + rep.links.page }, fmt(m, rep.measures[m.code])));
            } else {
              td.textContent = "";
              td.title = "无该年度报告";
            }
            row.appendChild(td);
          });
          tbody.appendChild(row);
        });
      });
      table.appendChild(tbody);
      result.appendChild(table);
    }

    function renderOptions() {
      var q = (filter.value || "").trim();
      options.textContent = "";
      agencies().forEach(function (a) {
        if (q && (a.name + a.region).indexOf(q) < 0 && chosen.indexOf(a.slug) < 0) return;
        var id = "gk-cmp-" + a.slug;
        var label = el("label", { "for": id, "class": "gk-compare-option" });
        var box_ = el("input", { type: "checkbox", id: id, value: a.slug });
        box_.checked = chosen.indexOf(a.slug) >= 0;
        box_.disabled = !box_.checked && chosen.length >= max;
        box_.addEventListener("change", function () {
          if (box_.checked) { if (chosen.length < max) chosen.push(a.slug); }
          else chosen = chosen.filter(function (s) { return s !== a.slug; });
          writeHash();
          renderOptions();
          render();
        });
        label.appendChild(box_);
        label.appendChild(document.createTextNode(" " + a.name + (a.region ? "（" + a.region + "）" : "")));
        options.appendChild(label);
      });
    }

    status.textContent = "正在读取数据……";
    fetch(box.getAttribute("data-index"))
      .then(function (resp) {
        if (!resp.ok) throw new Error(resp.status);
        return resp.json();
      })
      .then(function (json) {
        data = json;
        var known = {};
        data.reports.forEach(function (r) { known[r.agency_slug] = true; });
        chosen = readHash().filter(function (s) { return known[s]; }).slice(0, max);
        filter.addEventListener("input", renderOptions);
        renderOptions();
        render();
      })
      .catch(function () {
        status.textContent = "未能读取 api/index.json（若直接从文件打开本站，请改用 `make serve` 等本地服务器）。";
      });
  }

  // ---------------------------------------------------------------- wide tables
  // A table wider than its scrolling box gets a line above it saying it scrolls (a phone shows no scrollbar
  // until one swipes); the line goes when the window grows wide enough.
  var SCROLLERS = ".gk-table-wrap, .md-typeset__scrollwrap";

  function markWide(root) {
    Array.prototype.forEach.call(root.querySelectorAll(SCROLLERS), function (box) {
      if (box.parentElement && box.parentElement.closest(SCROLLERS)) return;  // an inner box of one already seen
      var hint = box.previousElementSibling;
      if (!hint || !hint.classList.contains("gk-scroll-hint")) {
        hint = el("p", { "class": "gk-scroll-hint", "aria-hidden": "true" }, "表格较宽，可左右滑动查看全部列 →");
        box.parentNode.insertBefore(hint, box);
      }
      hint.hidden = box.scrollWidth <= box.clientWidth + 1;
    });
  }

  function init() {
    initSortable(document);
    initCompare(document);
    markWide(document);
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { markWide(document); }, 150);
  });

  // Material's instant navigation swaps pages without a reload; it announces each page on document$.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
