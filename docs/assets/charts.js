/* Gongkai charts: draws every <div class="gk-chart" data-src="charts/….json"> on the page.
 *
 * For browser tests: the selector is `div.gk-chart[data-src]`.  When a chart is drawn the div holds
 * an <svg> (ECharts' SVG renderer) and gets data-gk-state="ready"; on failure data-gk-state="error"
 * and the text alternative (caption and <details> table, both in the page) remains.
 *
 * ECharts is vendored by the build into assets/vendor/ (never a CDN) and loaded only on pages that
 * have a chart.  Both it and data-src are resolved from this script's own URL, which MkDocs writes
 * as a relative path, so the site works offline and under any base path.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var assets = new URL(".", script.src);          // …/assets/
  var siteRoot = new URL("..", assets);           // the site root: data-src is relative to it
  var ECHARTS = new URL("vendor/echarts.min.js", assets).href;
  var loading = null;

  function loadEcharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = ECHARTS;
        s.onload = function () { resolve(window.echarts); };
        s.onerror = function () { reject(new Error("cannot load " + ECHARTS)); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  // Text that reaches ECharts' HTML tooltip is escaped, though it only comes from our own JSON.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function formatValue(kind, v) {
    if (v === null || v === undefined) return "—";
    if (kind === "share") return (v * 100).toFixed(1) + "%";
    return v.toLocaleString("zh-CN") + " 件";
  }

  function option(data) {
    var plotted = data.series.filter(function (s) { return s.plot; });
    var shares = plotted.length > 0 && plotted.every(function (s) { return s.kind === "share"; });
    var valueAxis = {
      type: "value",
      // Bars have their unit in the tick labels and the title; a name at the end of the axis would be clipped.
      name: data.type === "line" ? (shares ? "比例" : "件") : "",
      minInterval: shares ? 0 : 1,
      axisLabel: { formatter: shares ? function (v) { return +(v * 100).toFixed(1) + "%"; } : undefined }
    };
    // A share over time is read against the whole 0–100% scale; bars of small shares would vanish on it.
    if (shares && data.type === "line") { valueAxis.min = 0; valueAxis.max = 1; }
    var labels = data.x.labels.zh;
    var tooltip = {
      trigger: data.type === "line" ? "axis" : "item",
      confine: true,
      formatter: function (params) {
        var list = Array.isArray(params) ? params : [params];
        if (!list.length) return "";
        var idx = list[0].dataIndex;
        var lines = [escapeHtml(labels[idx])];
        list.forEach(function (p) {
          var s = plotted[p.seriesIndex];
          lines.push(p.marker + escapeHtml(s.zh) + "：" + escapeHtml(formatValue(s.kind, s.values[idx])));
        });
        return lines.join("<br>");
      }
    };
    var common = {
      animation: false,
      tooltip: tooltip,
      // Legend below the plot: on a phone it would otherwise cover the axis name.
      legend: { show: plotted.length > 1, bottom: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 28, bottom: plotted.length > 1 ? 36 : 8, containLabel: true }
    };
    if (data.type === "line") {
      // Years on a value axis: a gap between reports shows as distance, not as a neighbouring point.
      common.xAxis = {
        type: "value", min: "dataMin", max: "dataMax", minInterval: 1,
        axisLabel: { formatter: function (v) { return String(v); } }
      };
      common.yAxis = valueAxis;
      common.series = plotted.map(function (s) {
        return {
          type: "line", name: s.zh, connectNulls: false, showSymbol: true, symbolSize: 7,
          data: data.x.values.map(function (year, i) { return [year, s.values[i]]; })
        };
      });
    } else {
      // Long Chinese category labels read best as horizontal bars.
      common.yAxis = { type: "category", data: labels, inverse: true, axisLabel: { width: 160, overflow: "break" } };
      common.xAxis = valueAxis;
      common.series = plotted.map(function (s) { return { type: "bar", name: s.zh, data: s.values }; });
    }
    return common;
  }

  // The chart's data table (a <details> after it) is open in the page, for readers without JavaScript;
  // once the chart is drawn it is closed, and opened again if the chart cannot be drawn.
  function dataTable(el) { return document.getElementById(el.id + "-data"); }

  function fileName(el, ext) {
    // charts/agencies/ab/x/reviews.json -> gongkai-agencies-ab-x-reviews.png
    return "gongkai-" + el.getAttribute("data-src").replace(/^charts\//, "").replace(/\.json$/, "")
      .replace(/[^A-Za-z0-9_-]+/g, "-") + "." + ext;
  }

  function saveBlob(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  // PNG: the chart's SVG drawn on a canvas at twice its size, on white (a transparent PNG is unreadable in
  // dark viewers).  The SVG goes through a data: URL, which the Content-Security-Policy's img-src allows.
  function savePng(svg, el, name) {
    var img = new Image();
    var w = el.clientWidth, h = el.clientHeight, scale = 2;
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = w * scale;
      canvas.height = h * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { saveBlob(blob, name); }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }

  function offerImages(el, chart) {
    var box = document.querySelector('.gk-chart-images[data-chart="' + el.id + '"]');
    if (!box || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    Array.prototype.forEach.call(box.querySelectorAll("button.gk-chart-save"), function (button) {
      button.addEventListener("click", function () {
        var svg = chart.renderToSVGString();
        if (button.getAttribute("data-format") === "svg") {
          saveBlob(new Blob([svg], { type: "image/svg+xml" }), fileName(el, "svg"));
        } else {
          savePng(svg, el, fileName(el, "png"));
        }
      });
    });
    box.hidden = false;
  }

  function draw(el, echarts) {
    return fetch(new URL(el.getAttribute("data-src"), siteRoot).href)
      .then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.url);
        return r.json();
      })
      .then(function (data) {
        var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
        chart.setOption(option(data), true);
        el.setAttribute("data-gk-state", "ready");
        offerImages(el, chart);
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }

  function failed(el, err) {
    el.setAttribute("data-gk-state", "error");
    el.classList.add("gk-chart-failed");
    el.textContent = "图表未能加载；数据见下方的表格和下载文件。";
    var table = dataTable(el);
    if (table) table.open = true;
    if (window.console) console.error("gk-chart", err);
  }

  function init() {
    var els = Array.prototype.slice.call(document.querySelectorAll("div.gk-chart[data-src]"));
    if (!els.length) return;
    els.forEach(function (el) {
      var table = dataTable(el);
      if (table) table.open = false;
    });
    loadEcharts().then(function (echarts) {
      els.forEach(function (el) {
        draw(el, echarts).catch(function (err) { failed(el, err); });
      });
    }, function (err) {
      els.forEach(function (el) { failed(el, err); });
    });
  }

  // Material's instant navigation swaps pages without reloading scripts; document$ announces each page.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
