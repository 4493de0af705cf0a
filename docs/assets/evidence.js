/* The evidence view: where a number on a report page was printed in the source.

   Every number of a report page's tables becomes a link to #cell=<code>.  On the first one opened this script loads
   the report's evidence JSON (gongkai/pages/evidence.py; its address is on #gk-evidence) and shows, in a
   panel: the source lines with the value's characters marked (text files); the source table rebuilt from
   the cell texts the reader parsed, the cell marked and scrolled into view (HTML, DOCX); the PDF page drawn
   by PDF.js (vendored, loaded only here) with the cell's box (PDF); the digit run, the split chosen and the
   identities it had to satisfy, or every reading that fits (values inferred from digits run together).
   The address #cell=<code> opens the panel on load, so a cell's evidence can be linked and cited.
   Everything from the source is put on the page with textContent: never as markup. */
(function () {
  "use strict";

  var HASH = /^#cell=([A-Za-z0-9_.\-]+)$/;
  var SCRIPT = document.currentScript ? document.currentScript.src : "";
  var STATUS = { reported: "如实摘录", inferred: "从粘连文字推断", ocr: "OCR 识别", corrected: "已更正",
                 ambiguous: "存疑（多种读法）", unreadable: "无法读取", illegible: "无法辨认" };
  var RESULT = { pass: "通过", fail: "未通过", "not checked": "未核验" };
  var data = null;     // promise of the evidence JSON
  var panel = null;    // the panel element, made once
  var opener = null;   // the link that opened the panel (focus returns there)
  var pdfjs = null;    // promise of the PDF.js module
  var pdfDoc = null;   // promise of the report's PDF

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function host() { return document.getElementById("gk-evidence"); }

  function load() {
    if (!data) {
      var src = new URL(host().getAttribute("data-src"), location.href);
      data = fetch(src).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + src);
        return r.json();
      }).then(function (json) { json.base = src; return json; });
      data.catch(function () { data = null; });  // a later click tries again
    }
    return data;
  }

  // Only our own files are fetched or linked: an address in the data that leaves the site is dropped.
  function ownUrl(rel, base) {
    try {
      var url = new URL(rel, base);
      return url.origin === location.origin ? url : null;
    } catch (e) { return null; }
  }

  function makePanel() {
    panel = el("div", "gk-ev");
    panel.id = "gk-ev-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-labelledby", "gk-ev-title");
    panel.hidden = true;
    var head = el("div", "gk-ev-head");
    var title = el("h2", "gk-ev-title", "原文证据");
    title.id = "gk-ev-title";
    var close = el("button", "gk-ev-close", "关闭");
    close.type = "button";
    close.setAttribute("aria-label", "关闭原文证据（Esc）");
    close.addEventListener("click", closePanel);
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(el("div", "gk-ev-body"));
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); closePanel(); return; }
      if (ev.key !== "Tab") return;
      // Keep the keyboard inside the open panel.
      var items = panel.querySelectorAll("a[href], button, [tabindex='0']");
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
      else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
    });
    document.body.appendChild(panel);
  }

  function closePanel() {
    if (!panel || panel.hidden) return;
    panel.hidden = true;
    document.documentElement.classList.remove("gk-ev-open");
    if (HASH.test(location.hash)) history.replaceState(null, "", location.pathname + location.search);
    if (opener && document.body.contains(opener)) opener.focus();
  }

  function openCell(code) {
    if (!panel) makePanel();
    var body = panel.querySelector(".gk-ev-body");
    body.textContent = "";
    body.appendChild(el("p", "gk-ev-wait", "正在载入……"));
    panel.hidden = false;
    panel.setAttribute("data-cell", code);
    panel.removeAttribute("data-ready");
    document.documentElement.classList.add("gk-ev-open");
    panel.querySelector(".gk-ev-close").focus();
    load().then(function (ev) {
      if (panel.getAttribute("data-cell") !== code) return;
      var cell = ev.cells[code];
      body.textContent = "";
      if (!cell) {
        body.appendChild(el("p", null, "本报告没有代码为 " + code + " 的单元格。"));
        panel.setAttribute("data-ready", "missing");
        return;
      }
      render(body, ev, code, cell);
    }).catch(function (err) {
      body.textContent = "";
      body.appendChild(el("p", "gk-ev-error", "未能载入原文证据（" + err.message + "）。"));
      panel.setAttribute("data-ready", "error");
    });
  }

  function summary(body, ev, code, cell) {
    panel.querySelector(".gk-ev-title").textContent = cell.label;
    var dl = el("dl", "gk-ev-facts");
    function fact(k, v) { dl.appendChild(el("dt", null, k)); var dd = el("dd"); dd.appendChild(v); dl.appendChild(dd); }
    fact("数值", el("strong", "gk-ev-value", cell.value === "" ? "（不发布）" : cell.value));
    fact("状态", document.createTextNode(STATUS[cell.status] || cell.status));
    if (cell.raw) fact("原文", el("code", null, cell.raw));
    if (cell.confidence !== undefined) fact("识别置信度", document.createTextNode(String(cell.confidence)));
    var permalink = el("a", null, "#cell=" + code);
    permalink.href = "#cell=" + code;
    fact("本格地址", permalink);
    var archive = ownUrl(ev.archive, ev.base);
    if (archive) {
      var a = el("a", null, "下载源文件（原文存档）");
      a.href = archive.href;
      fact("源文件", a);
    }
    body.appendChild(dl);
    if (cell.correction) {
      var c = cell.correction;
      body.appendChild(el("p", "gk-ev-note", "公开更正：提取值 " + (c.extracted || "（无）") + "，更正为 " + cell.value
        + "。理由：" + (c.reason || "（未说明）") + "（" + c.who + "，" + c.when + "）"));
    }
  }

  function render(body, ev, code, cell) {
    summary(body, ev, code, cell);
    var kind = "none";
    if (cell.run && ev.runs && ev.runs[cell.run]) { kind = "run"; showRun(body, cell, ev.runs[cell.run]); }
    else if (cell.line && ev.lines) { kind = "text"; showLines(body, ev, cell); }
    else if (cell.t && ev.tables && ev.tables[String(cell.t)]) { kind = "table"; showTable(body, ev, cell); }
    else if (cell.box && cell.page) { kind = "pdf"; showPdf(body, ev, cell); return; }
    else if (cell.page) { body.appendChild(el("p", null, "读自源文件第 " + cell.page + " 页。")); }
    else { body.appendChild(el("p", null, "源文件中没有记录这个数字的确切位置。")); }
    panel.setAttribute("data-ready", kind);
  }

  function showLines(body, ev, cell) {
    body.appendChild(el("p", "gk-ev-where", "源文本第 " + cell.line + " 行，第 " + (cell.start + 1) + "–" + cell.end + " 个字符："));
    var box = el("div", "gk-ev-lines");
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "源文本");
    Object.keys(ev.lines).map(Number).sort(function (a, b) { return a - b; }).forEach(function (n) {
      if (Math.abs(n - cell.line) > 2) return;
      var text = ev.lines[String(n)];
      var row = el("div", "gk-ev-line" + (n === cell.line ? " gk-ev-here" : ""));
      row.appendChild(el("span", "gk-ev-no", n));
      var code = el("code");
      if (n === cell.line) {
        code.appendChild(document.createTextNode(text.slice(0, cell.start)));
        code.appendChild(el("mark", "gk-ev-hit", text.slice(cell.start, cell.end)));
        code.appendChild(document.createTextNode(text.slice(cell.end)));
      } else {
        code.textContent = text;
      }
      row.appendChild(code);
      box.appendChild(row);
    });
    reveal(body, box, "nearest");
  }

  // Put the view in the panel and scroll its marked place into sight.
  function reveal(body, node, block) {
    body.appendChild(node);
    var hit = node.querySelector(".gk-ev-hit");
    if (hit) hit.scrollIntoView({ block: block, inline: "center" });
  }

  function showTable(body, ev, cell) {
    body.appendChild(el("p", "gk-ev-where", "源文件第 " + cell.t + " 个表格，第 " + cell.r + " 行第 " + cell.c
      + " 格（按解析出的单元格文字重排，不含源文件的网页代码）："));
    var wrap = el("div", "gk-ev-table");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "源表格");
    var table = el("table");
    ev.tables[String(cell.t)].forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", "gk-ev-no", row[0]));
      row[1].forEach(function (text, i) {
        var td = el("td", null, text);
        if (row[0] === cell.r && i + 1 === cell.c) td.className = "gk-ev-hit";
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    reveal(body, wrap, "center");
  }

  function showRun(body, cell, run) {
    body.appendChild(el("p", "gk-ev-where", "源文本中这一行的数字连在一起，没有分隔："));
    body.appendChild(el("pre", "gk-ev-run", run.run));
    var wrap = el("div", "gk-ev-table");
    var table = el("table");
    var head = el("tr"), vals = el("tr");
    run.cells.forEach(function (c) {
      head.appendChild(el("th", null, c[0]));
      var td = el("td", c[1] === panel.getAttribute("data-cell") ? "gk-ev-hit" : null, c[2] === "" ? "?" : c[2]);
      vals.appendChild(td);
    });
    table.appendChild(head);
    table.appendChild(vals);
    wrap.appendChild(table);
    var n = run.readings_count;
    var fits = run.row_total ? "符合本行合计的读法" : "可能的读法";
    if (cell.status === "ambiguous") {
      body.appendChild(el("p", null, n ? fits + "有 " + n + " 种，无法确定是哪一种，因此不发布数字："
        : "找不到" + fits + "，因此不发布数字。"));
      if (n) {
        var list = el("table", "gk-ev-readings");
        run.readings.forEach(function (r, i) {
          var tr = el("tr");
          tr.appendChild(el("th", null, "读法 " + (i + 1)));
          r.forEach(function (v) { tr.appendChild(el("td", null, v)); });
          list.appendChild(tr);
        });
        var lw = el("div", "gk-ev-table");
        lw.appendChild(list);
        body.appendChild(lw);
        if (n > run.readings.length) body.appendChild(el("p", null, "（只列出前 " + run.readings.length + " 种。）"));
      }
    } else {
      body.appendChild(el("p", null, "选定的切分（本格已标出）：" + (n > 1 ? fits + "有 " + n + " 种，"
        + (run.identities.length ? "下列勾稽关系只允许其中一种。" : "报告正文第一部分写明的数字只允许其中一种。")
        : "这是唯一的" + fits + "。")));
      body.appendChild(wrap);
    }
    if (run.identities.length) {
      body.appendChild(el("p", null, "这一行所涉及的勾稽关系："));
      var ul = el("ul", "gk-ev-identities");
      run.identities.forEach(function (c) {
        ul.appendChild(el("li", null, c.name + "：" + c.identity + "（" + (RESULT[c.result] || c.result)
          + (c.lhs !== "" ? "，" + c.lhs + " = " + c.rhs : "") + "）"));
      });
      body.appendChild(ul);
    }
    if (cell.status === "ambiguous") body.appendChild(wrap);
  }

  function loadPdf(ev) {
    if (!pdfjs) {
      pdfjs = import(new URL("vendor/pdf.min.mjs", SCRIPT).href).then(function (lib) {
        lib.GlobalWorkerOptions.workerSrc = new URL("vendor/pdf.worker.min.mjs", SCRIPT).href;
        return lib;
      });
    }
    if (!pdfDoc) {
      var url = ownUrl(ev.archive, ev.base);
      pdfDoc = pdfjs.then(function (lib) {
        if (!url) throw new Error("no archived PDF");
        // isEvalSupported: false keeps PDF.js from compiling fonts with eval (the site's policy forbids it).
        return lib.getDocument({ url: url.href, isEvalSupported: false, enableXfa: false }).promise;
      });
      pdfDoc.catch(function () { pdfDoc = null; });
    }
    return pdfDoc;
  }

  function showPdf(body, ev, cell) {
    body.appendChild(el("p", "gk-ev-where", "源文件第 " + cell.page + " 页，方框内是这一格："));
    var frame = el("div", "gk-ev-pdf");
    frame.tabIndex = 0;
    frame.setAttribute("role", "region");
    frame.setAttribute("aria-label", "源文件第 " + cell.page + " 页");
    var status = el("p", "gk-ev-wait", "正在绘制 PDF 页面……");
    body.appendChild(status);
    body.appendChild(frame);
    var code = panel.getAttribute("data-cell");
    loadPdf(ev).then(function (doc) { return doc.getPage(cell.page); }).then(function (page) {
      if (panel.getAttribute("data-cell") !== code) return null;
      var width = Math.max(frame.clientWidth, 280);
      var scale = width / page.getViewport({ scale: 1 }).width;
      var viewport = page.getViewport({ scale: scale });
      var ratio = window.devicePixelRatio || 1;
      var canvas = el("canvas");
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = viewport.width + "px";
      canvas.style.height = viewport.height + "px";
      canvas.setAttribute("data-scale", String(scale));
      frame.appendChild(canvas);
      // The box is in points from the page's top-left corner (pdfplumber's x0, top, x1, bottom).
      var view = page.view;
      var a = viewport.convertToViewportPoint(view[0] + cell.box[0], view[3] - cell.box[3]);
      var b = viewport.convertToViewportPoint(view[0] + cell.box[2], view[3] - cell.box[1]);
      var r = [a[0], a[1], b[0], b[1]];
      var mark = el("div", "gk-ev-box");
      mark.style.left = Math.min(r[0], r[2]) + "px";
      mark.style.top = Math.min(r[1], r[3]) + "px";
      mark.style.width = Math.abs(r[2] - r[0]) + "px";
      mark.style.height = Math.abs(r[3] - r[1]) + "px";
      frame.appendChild(mark);
      return page.render({ canvasContext: canvas.getContext("2d"), canvas: canvas, viewport: viewport,
                           transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null }).promise.then(function () {
        status.remove();
        mark.scrollIntoView({ block: "center", inline: "nearest" });
        panel.setAttribute("data-ready", "pdf");
      });
    }).catch(function (err) {
      status.textContent = "未能绘制 PDF 页面（" + err.message + "）；可下载源文件查看第 " + cell.page + " 页。";
      panel.setAttribute("data-ready", "error");
    });
  }

  function route() {
    var m = HASH.exec(location.hash);
    if (m) openCell(decodeURIComponent(m[1]));
    else closePanel();
  }

  // The numbers become links here, from the codes the rows and tables carry (gongkai/pages/markup.py): a link
  // per cell in the HTML would add about 10 KB to every report page.
  function linkNumbers() {
    document.querySelectorAll("tr[data-cols], table[data-cols] tr[data-row]").forEach(function (tr) {
      var table = tr.closest("table");
      var cols = (tr.getAttribute("data-cols") || table.getAttribute("data-cols")).split(" ");
      var row = tr.getAttribute("data-row");
      var tds = tr.querySelectorAll(":scope > td");
      for (var i = 0; i < tds.length && i < cols.length; i++) {
        var td = tds[i];
        if (!td.classList.contains("gk-num") && !td.hasAttribute("data-ev")) continue;
        var a = el("a");
        a.href = "#cell=" + (row ? row + "." : "") + cols[i];
        while (td.firstChild) a.appendChild(td.firstChild);
        td.appendChild(a);
      }
    });
  }

  function init() {
    if (!host()) return;
    linkNumbers();
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest("a[href^='#cell=']");
      if (a && !(panel && panel.contains(a))) opener = a;
    });
    window.addEventListener("hashchange", route);
    route();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
