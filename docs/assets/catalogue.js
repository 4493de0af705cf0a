// The 报告总表 page (gongkai/pages/catalogue.py): filters by province, level and year over the table's rows
// (their data-province, data-level and data-year), a count of the rows shown, and the rows shown exported as
// CSV in the order on screen.  Sorting is gongkai.js's, as on every sortable table.  Without JavaScript the
// filter form stays hidden and the whole table is there.
(function () {
  "use strict";
  var form = document.querySelector("form.gk-catalogue-filters");
  var table = document.querySelector("table.gk-catalogue");
  if (!form || !table || !table.tBodies[0]) return;
  var body = table.tBodies[0];
  var count = form.querySelector(".gk-catalogue-count");
  var FIELDS = ["province", "level", "year"];

  function chosen() {
    var out = {};
    FIELDS.forEach(function (name) { out[name] = form.elements[name].value; });
    return out;
  }

  function apply() {
    var want = chosen();
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var keep = FIELDS.every(function (name) { return !want[name] || row.getAttribute("data-" + name) === want[name]; });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = "显示 " + shown + " / " + body.rows.length + " 份报告";
  }

  // A cell a spreadsheet would run as a formula (= + - @, tab, CR at the start) gets a leading ', as the
  // site's *_excel.csv files do; numbers such as -1 are numbers, not formulas.
  function cellText(cell) {
    var text = (cell.textContent || "").replace(/\s+/g, " ").trim();
    if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d[\d,.]*%?$/.test(text)) text = "'" + text;
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function exportCsv() {
    var lines = [Array.prototype.map.call(table.tHead.rows[0].cells, cellText).join(",")];
    Array.prototype.forEach.call(body.rows, function (row) {
      if (!row.hidden) lines.push(Array.prototype.map.call(row.cells, cellText).join(","));
    });
    // BOM and CRLF: Excel opens the file by double-click with the Chinese text intact.
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var want = chosen();
    var name = ["gongkai-reports"].concat(FIELDS.map(function (f) { return want[f]; }).filter(Boolean)).join("-");
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  FIELDS.forEach(function (name) { form.elements[name].addEventListener("change", apply); });
  form.querySelector(".gk-catalogue-export").addEventListener("click", exportCsv);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
