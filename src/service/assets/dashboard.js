// lapor-bridge dashboard charts: plain SVG from the figures embedded in the page
// (<script id="report-data">), no library, no network. Embedded in the binary.
// The page's words and number format come with the figures (data.strings), so the charts
// speak the page's language; every bar carries its value as text, and each series has a
// pattern as well as a colour, so nothing needs hovering or colour vision.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2f6fb0", "#e07b39", "#3c9d5d", "#8e5ea2", "#c0392b", "#7f8c8d", "#d4a017"];
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var S = data.strings;

  // 1.367 / 1,367: the page's thousands separator (integers only: the charts count).
  function fmt(n) {
    var s = String(Math.round(n));
    return s.replace(/\B(?=(\d{3})+(?!\d))/g, S.thousands);
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Series i: its colour with white marks (solid, stripes, dots, cross-hatch, ...).
  function pattern(id, i) {
    var c = COLORS[i % COLORS.length];
    var p = el("pattern", { id: id, patternUnits: "userSpaceOnUse", width: 8, height: 8 });
    p.appendChild(el("rect", { width: 8, height: 8, fill: c }));
    var mark = { stroke: "#fff", "stroke-width": 1.5 };
    function line(x1, y1, x2, y2) {
      var a = { x1: x1, y1: y1, x2: x2, y2: y2 };
      for (var k in mark) a[k] = mark[k];
      p.appendChild(el("line", a));
    }
    switch (i % 7) {
      case 1: line(0, 8, 8, 0); break;
      case 2: p.appendChild(el("circle", { cx: 4, cy: 4, r: 1.6, fill: "#fff" })); break;
      case 3: line(0, 8, 8, 0); line(0, 0, 8, 8); break;
      case 4: line(0, 4, 8, 4); break;
      case 5: line(4, 0, 4, 8); break;
      case 6: line(0, 0, 8, 8); break;
    }
    return p;
  }

  // The axis maximum: 5 gridlines at round values.
  function niceMax(v) {
    if (v <= 5) return 5;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  // Stacked bars: one bar per category, one segment per series; the total above each bar.
  function bars(container, key, labels, series, opts) {
    var W = 600, H = 270, L = 44, B = 46, T = 18, R = 10;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": opts.title });
    var defs = el("defs", {});
    series.forEach(function (se, s) { defs.appendChild(pattern(key + "-p" + s, s)); });
    svg.appendChild(defs);
    var totals = labels.map(function (_, i) {
      return series.reduce(function (s, se) { return s + se.values[i]; }, 0);
    });
    var max = niceMax(Math.max.apply(null, totals.concat([1])));
    var plotW = W - L - R, plotH = H - T - B;
    for (var g = 0; g <= 5; g++) {
      var y = T + plotH - (plotH * g) / 5;
      svg.appendChild(el("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#d9e2ec" }));
      svg.appendChild(el("text", { x: L - 4, y: y + 4, "text-anchor": "end", "font-size": 10, fill: "#52606d" }, fmt((max * g) / 5)));
    }
    var bw = plotW / Math.max(labels.length, 1);
    var every = Math.ceil(labels.length / 14);
    var drawn = 0;
    labels.forEach(function (label, i) {
      var y0 = T + plotH;
      series.forEach(function (se, s) {
        var v = se.values[i];
        if (!v) return;
        var h = (plotH * v) / max;
        y0 -= h;
        var r = el("rect", { x: L + i * bw + bw * 0.12, y: y0, width: bw * 0.76, height: h, fill: "url(#" + key + "-p" + s + ")", stroke: "#fff", "stroke-width": 0.5, "data-series": se.name, "data-value": v });
        r.appendChild(el("title", {}, label + " · " + se.name + ": " + fmt(v)));
        svg.appendChild(r);
        drawn++;
      });
      var cx = L + i * bw + bw / 2;
      if (totals[i] > 0) {
        // Narrow bars get their label turned upright, so it never overlaps the next one.
        var attrs = { x: cx, y: y0 - 3, "text-anchor": "middle", "font-size": 9, fill: "#1f2933", "class": "bar-label" };
        if (bw < 16) {
          attrs["text-anchor"] = "start";
          attrs.x = cx + 3;
          attrs.transform = "rotate(-90 " + (cx + 3) + " " + (y0 - 3) + ")";
        }
        svg.appendChild(el("text", attrs, fmt(totals[i])));
      }
      if (i % every === 0) {
        svg.appendChild(el("text", { x: cx, y: H - B + 14, "text-anchor": "middle", "font-size": 9, fill: "#52606d" }, label));
      }
    });
    svg.appendChild(el("text", { x: L + plotW / 2, y: H - 6, "text-anchor": "middle", "font-size": 11, fill: "#52606d" }, opts.xTitle));
    container.appendChild(svg);
    if (series.length > 1) {
      var legend = document.createElement("div");
      legend.className = "legend";
      series.forEach(function (se, s) {
        var item = document.createElement("span");
        var sw = el("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true" });
        sw.appendChild(el("rect", { width: 14, height: 14, fill: "url(#" + key + "-p" + s + ")", stroke: "#52606d", "stroke-width": 0.5 }));
        item.appendChild(sw);
        item.appendChild(document.createTextNode(se.name));
        legend.appendChild(item);
      });
      container.appendChild(legend);
    }
    container.setAttribute("data-bars", String(drawn));
    container.setAttribute("data-total", String(totals.reduce(function (a, b) { return a + b; }, 0)));
    container.setAttribute("data-rendered", "true");
  }

  var weekly = document.querySelector('[data-chart="weekly"]');
  if (weekly) {
    var channels = [];
    data.weekly.forEach(function (w) {
      Object.keys(w.channels).forEach(function (c) { if (channels.indexOf(c) < 0) channels.push(c); });
    });
    channels.sort();
    bars(weekly, "weekly", S.week_labels,
      channels.map(function (c) {
        return { name: c, values: data.weekly.map(function (w) { return w.channels[c] || 0; }) };
      }),
      { title: S.weekly_title, xTitle: S.weekly_axis });
  }

  var dist = document.querySelector('[data-chart="response_times"]');
  if (dist) {
    bars(dist, "response", S.bucket_labels,
      [{ name: S.series, values: data.response_times.map(function (b) { return b.count; }) }],
      { title: S.response_title, xTitle: S.response_axis });
  }

  // Printing shows every table, the weekly figures included.
  function openAll() {
    document.querySelectorAll("details.values").forEach(function (d) { d.open = true; });
  }
  window.addEventListener("beforeprint", openAll);
  document.querySelectorAll('[data-action="print"]').forEach(function (b) {
    b.addEventListener("click", function () { openAll(); window.print(); });
  });
})();
