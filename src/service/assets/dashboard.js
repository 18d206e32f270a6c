// lapor-bridge dashboard charts: plain SVG from the figures embedded in the page
// (<script id="report-data">), no library, no network. Embedded in the binary.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2f6fb0", "#e07b39", "#3c9d5d", "#8e5ea2", "#c0392b", "#7f8c8d", "#d4a017"];

  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The axis maximum: 5 gridlines at round values.
  function niceMax(v) {
    if (v <= 5) return 5;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  // Stacked bars: one bar per category, one segment per series.
  function bars(container, categories, series, opts) {
    var W = 600, H = 260, L = 40, B = 46, T = 10, R = 10;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": opts.title });
    var totals = categories.map(function (_, i) {
      return series.reduce(function (s, se) { return s + se.values[i]; }, 0);
    });
    var max = niceMax(Math.max.apply(null, totals.concat([1])));
    var plotW = W - L - R, plotH = H - T - B;
    for (var g = 0; g <= 5; g++) {
      var y = T + plotH - (plotH * g) / 5;
      svg.appendChild(el("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#d9e2ec" }));
      svg.appendChild(el("text", { x: L - 4, y: y + 4, "text-anchor": "end", "font-size": 10, fill: "#616e7c" }, String(Math.round((max * g) / 5))));
    }
    var bw = plotW / Math.max(categories.length, 1);
    var drawn = 0;
    categories.forEach(function (cat, i) {
      var y0 = T + plotH;
      series.forEach(function (se, s) {
        var v = se.values[i];
        if (!v) return;
        var h = (plotH * v) / max;
        y0 -= h;
        var r = el("rect", { x: L + i * bw + bw * 0.12, y: y0, width: bw * 0.76, height: h, fill: se.color, "data-series": se.name, "data-value": v });
        r.appendChild(el("title", {}, cat + " · " + se.name + ": " + v));
        svg.appendChild(r);
        drawn++;
      });
      var every = Math.ceil(categories.length / 14);
      if (i % every === 0) {
        svg.appendChild(el("text", { x: L + i * bw + bw / 2, y: H - B + 14, "text-anchor": "middle", "font-size": 9, fill: "#616e7c" }, opts.label(cat)));
      }
    });
    svg.appendChild(el("text", { x: L + plotW / 2, y: H - 6, "text-anchor": "middle", "font-size": 11, fill: "#616e7c" }, opts.xTitle));
    container.appendChild(svg);
    if (series.length > 1) {
      var legend = document.createElement("div");
      legend.className = "legend";
      series.forEach(function (se) {
        var s = document.createElement("span");
        s.style.setProperty("--c", se.color);
        s.textContent = se.name;
        legend.appendChild(s);
      });
      container.appendChild(legend);
    }
    container.setAttribute("data-bars", String(drawn));
    container.setAttribute("data-total", String(totals.reduce(function (a, b) { return a + b; }, 0)));
    container.setAttribute("data-rendered", "true");
  }

  var data = JSON.parse(document.getElementById("report-data").textContent);

  var weekly = document.querySelector('[data-chart="weekly"]');
  if (weekly) {
    var channels = [];
    data.weekly.forEach(function (w) {
      Object.keys(w.channels).forEach(function (c) { if (channels.indexOf(c) < 0) channels.push(c); });
    });
    channels.sort();
    bars(weekly, data.weekly.map(function (w) { return w.week_start; }),
      channels.map(function (c, i) {
        return { name: c, color: COLORS[i % COLORS.length], values: data.weekly.map(function (w) { return w.channels[c] || 0; }) };
      }),
      { title: "Complaints per week per channel", xTitle: "week starting (Monday, WIB)", label: function (d) { return d.slice(5); } });
  }

  var dist = document.querySelector('[data-chart="response_times"]');
  if (dist) {
    bars(dist, data.response_times.map(function (b) { return b.label; }),
      [{ name: "complaints", color: COLORS[0], values: data.response_times.map(function (b) { return b.count; }) }],
      { title: "Response time distribution", xTitle: "working days from report to first tanggapan", label: function (l) { return l; } });
  }
})();
