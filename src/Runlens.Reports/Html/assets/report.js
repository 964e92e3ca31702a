// Runlens report: draws every chart of the page with uPlot from the JSON in #runlens-data.
// window.runlens.charts lists the drawn charts ({ id, title, plot, points, markers }) for tests and for the console.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("runlens-data").textContent);
  var css = getComputedStyle(document.documentElement);
  function color(name) { return css.getPropertyValue(name).trim() || "#888"; }
  function split(key) { var i = key.indexOf("/"); return i < 0 ? "" : key.slice(0, i); }
  function seriesColor(key) { var s = split(key); return s === "train" ? color("--train") : s === "val" ? color("--val") : color("--other"); }
  function fmt(v) { return v == null ? "–" : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : +v.toPrecision(5); }
  var charts = [];
  window.runlens = { charts: charts };

  // The view is kept in the URL so it can be shared: zoom=CHART:MIN:MAX and hide=CHART:SERIES (repeatable).
  var query = new URLSearchParams(location.search);
  var zooms = {}, hidden = {};
  query.getAll("zoom").forEach(function (z) { var p = z.split(":"); if (p.length === 3 && isFinite(+p[1]) && isFinite(+p[2])) { zooms[p[0]] = [+p[1], +p[2]]; } });
  query.getAll("hide").forEach(function (h) { var p = h.split(":"); (hidden[p[0]] = hidden[p[0]] || {})[+p[1]] = true; });
  function writeUrl() {
    var q = new URLSearchParams(location.search);
    q.delete("zoom"); q.delete("hide");
    Object.keys(zooms).forEach(function (id) { q.append("zoom", id + ":" + zooms[id][0] + ":" + zooms[id][1]); });
    Object.keys(hidden).forEach(function (id) { Object.keys(hidden[id]).forEach(function (i) { if (hidden[id][i]) { q.append("hide", id + ":" + i); } }); });
    try { history.replaceState(null, "", (q.toString() ? "?" + q : location.pathname) + location.hash); } catch (e) { /* file:// may refuse */ }
  }

  function allPositive(chart) {
    return chart.series.every(function (s) { return s.y.every(function (v) { return v == null || v > 0; }); });
  }

  function build(chart, host, log) {
    var seriesOpts = [{ label: "step" }];
    var rows = [chart.x];
    var bands = [];
    chart.series.forEach(function (s) {
      var c = s.color || seriesColor(s.key);
      seriesOpts.push({ label: (s.label || s.key) + (s.downsampled ? " (mean of " + s.points.toLocaleString() + " points)" : ""), stroke: c, width: 1.5, spanGaps: true, value: function (u, v) { return fmt(v); } });
      rows.push(s.y);
      if (s.downsampled) {
        var hi = rows.length; seriesOpts.push({ label: s.key + " max", stroke: c, width: 0.5, alpha: 0.5, spanGaps: true, value: function (u, v) { return fmt(v); } }); rows.push(s.hi);
        var lo = rows.length; seriesOpts.push({ label: s.key + " min", stroke: c, width: 0.5, alpha: 0.5, spanGaps: true, value: function (u, v) { return fmt(v); } }); rows.push(s.lo);
        bands.push({ series: [hi, lo], fill: c + "33" });
      }
    });
    var width = Math.max(300, host.clientWidth - 12);
    var opts = {
      width: width, height: 260, bands: bands,
      scales: { x: { time: false }, y: { distr: log ? 3 : 1 } },
      axes: [{ stroke: color("--muted"), grid: { stroke: color("--grid") } }, { stroke: color("--muted"), grid: { stroke: color("--grid") }, size: 60 }],
      series: seriesOpts,
      cursor: { drag: { x: true, y: false } },
      hooks: {
        draw: [function (u) { placeMarkers(u, chart.markers); }],
        setScale: [function (u, key) {
          if (key !== "x" || u._restoring) { return; }
          var x = chart.x, min = u.scales.x.min, max = u.scales.x.max;
          if (min <= x[0] && max >= x[x.length - 1]) { delete zooms[chart.id]; } else { zooms[chart.id] = [Math.round(min), Math.round(max)]; }
          writeUrl();
          detail(chart, u);
        }],
        setSeries: [function (u, i, o) {
          if (u._restoring || !o || o.show === undefined) { return; }
          (hidden[chart.id] = hidden[chart.id] || {})[i] = !o.show;
          writeUrl();
        }],
      },
    };
    var u = new uPlot(opts, rows, host);
    u._restoring = true;
    if (zooms[chart.id]) { u.setScale("x", { min: zooms[chart.id][0], max: zooms[chart.id][1] }); }
    Object.keys(hidden[chart.id] || {}).forEach(function (i) { if (hidden[chart.id][i] && +i < u.series.length) { u.setSeries(+i, { show: false }); } });
    u._restoring = false;
    return u;
  }

  // Served by `runlens serve` (window.runlensDetail set), a zoomed chart asks the server for the points inside its range
  // (reduced with the same extremes-keeping rule), so every zoom level shows detail and no spike is hidden.
  var pending = {};
  function detail(chart, u) {
    if (!window.runlensDetail || chart.series.some(function (s) { return s.downsampled; })) { return; }
    clearTimeout(pending[chart.id]);
    pending[chart.id] = setTimeout(function () {
      var min = Math.floor(u.scales.x.min), max = Math.ceil(u.scales.x.max);
      Promise.all(chart.series.map(function (s) {
        return fetch(window.runlensDetail + "/series/" + s.key + "?max_points=2000&from=" + min + "&to=" + max).then(function (r) { return r.ok ? r.json() : null; });
      })).then(function (answers) {
        var now = charts.filter(function (c) { return c.id === chart.id; })[0];
        var current = now ? now.plot : u;
        // the view moved on while this was asked for: the newer request brings its own detail
        if (answers.some(function (a) { return !a; }) || Math.floor(current.scales.x.min) !== min || Math.ceil(current.scales.x.max) !== max) { return; }
        // each series: its points outside the range as they were, the detailed ones inside it
        var merged = chart.series.map(function (s, i) {
          var points = {};
          chart.x.forEach(function (x, j) { if ((x < min || x > max) && s.y[j] != null) { points[x] = s.y[j]; } });
          answers[i].steps.forEach(function (x, j) { var v = answers[i].values[j]; points[x] = typeof v === "number" ? v : null; });
          return points;
        });
        var xs = {};
        merged.forEach(function (p) { Object.keys(p).forEach(function (x) { xs[x] = true; }); });
        chart.x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
        chart.series.forEach(function (s, i) { s.y = chart.x.map(function (x) { return merged[i].hasOwnProperty(x) ? merged[i][x] : null; }); });
        var entry = charts.filter(function (c) { return c.id === chart.id; })[0];
        var plot = entry ? entry.plot : u;
        plot._restoring = true;
        plot.setData([chart.x].concat(chart.series.map(function (s) { return s.y; })), false);
        plot.setScale("x", { min: min, max: max });
        plot._restoring = false;
        if (entry) { entry.points = chart.x.length; entry.detailed = [min, max]; }
      });
    }, 150);
  }

  // Keys on a focused chart: l log scale, + and - zoom, arrows pan, r or Escape resets.
  function keys(entry, chart, toggle) {
    return function (e) {
      var u = entry.plot, x = chart.x, min = u.scales.x.min, max = u.scales.x.max, span = max - min, mid = (min + max) / 2;
      var next = null;
      if (e.key === "l") { if (!toggle.disabled) { toggle.click(); } }
      else if (e.key === "+" || e.key === "=") { next = [mid - span / 4, mid + span / 4]; }
      else if (e.key === "-") { next = [Math.max(x[0], mid - span), Math.min(x[x.length - 1], mid + span)]; }
      else if (e.key === "ArrowLeft") { next = [min - span / 10, max - span / 10]; }
      else if (e.key === "ArrowRight") { next = [min + span / 10, max + span / 10]; }
      else if (e.key === "r" || e.key === "Escape") { next = [x[0], x[x.length - 1]]; }
      else { return; }
      e.preventDefault();
      if (next) { u.setScale("x", { min: next[0], max: next[1] }); }
    };
  }

  // Markers are elements over the plot: one per finding step, the best checkpoint and non-finite values, placed at
  // their step, with their label as tooltip.
  function placeMarkers(u, markers) {
    var layer = u.over.querySelector(".rl-markers");
    if (!layer) { layer = document.createElement("div"); layer.className = "rl-markers"; u.over.appendChild(layer); }
    layer.textContent = "";
    var min = u.scales.x.min, max = u.scales.x.max;
    // markers at one step (several findings) become one, with every label
    var byStep = {};
    markers.forEach(function (m) {
      if (m.step < min || m.step > max) { return; }
      var id = m.step + "/" + m.kind;
      var g = byStep[id] || (byStep[id] = { step: m.step, kind: m.kind, severity: m.severity, labels: [], rules: [] });
      g.labels.push(m.label);
      if (m.rule && g.rules.indexOf(m.rule) < 0) { g.rules.push(m.rule); }
      if (m.severity === "critical" || (m.severity === "error" && g.severity !== "critical")) { g.severity = m.severity; }
    });
    // labels of markers close together go on rows below each other
    var rowEnds = [];
    Object.keys(byStep).map(function (id) { return byStep[id]; }).sort(function (a, b) { return a.step - b.step; }).forEach(function (m) {
      var x = u.valToPos(m.step, "x");
      var row = 0;
      while (rowEnds[row] !== undefined && rowEnds[row] > x) { row++; }
      rowEnds[row] = x + 8 + 7 * (m.kind === "best" ? 4 : Math.max(6, m.rules.join(" ").length));
      var el = document.createElement("div");
      el.className = "rl-marker rl-" + m.kind + (m.severity ? " rl-" + m.severity : "");
      el.style.left = x + "px";
      el.style.setProperty("--row", row);
      if (x > u.over.clientWidth - 80) { el.classList.add("rl-flip"); }
      el.title = m.labels.join("\n");
      el.dataset.step = m.step;
      el.dataset.kind = m.kind;
      el.dataset.label = m.kind === "best" ? "best" : m.rules.join(" ");
      layer.appendChild(el);
    });
  }

  data.runs.forEach(function (run, r) {
    var host = document.querySelector('.charts[data-run-index="' + r + '"]');
    if (!host) { return; }
    run.charts.forEach(function (chart) {
      var box = document.createElement("figure");
      box.className = "chart"; box.id = chart.id; box.style.margin = "0"; box.tabIndex = 0;
      box.setAttribute("aria-label", chart.title + " chart; keys: l log scale, + and - zoom, arrows pan, r reset");
      var tools = document.createElement("div"); tools.className = "tools";
      var title = document.createElement("strong"); title.textContent = chart.title; tools.appendChild(title);
      var positive = allPositive(chart);
      var toggle = document.createElement("button"); toggle.type = "button"; toggle.textContent = "log scale";
      toggle.setAttribute("aria-pressed", "false"); toggle.disabled = !positive;
      if (!positive) { toggle.title = "a log scale needs values above zero"; }
      tools.appendChild(toggle);
      var note = document.createElement("span"); note.className = "note";
      var reduced = chart.series.filter(function (s) { return s.downsampled; });
      note.textContent = reduced.length ? "band: lowest to highest value of each bucket, so spikes stay visible" : "";
      tools.appendChild(note);
      box.appendChild(tools);
      var plotHost = document.createElement("div"); box.appendChild(plotHost);
      host.appendChild(box);
      var entry = { id: chart.id, title: chart.title, markers: chart.markers, points: chart.x.length, log: false, plot: null, chart: chart };
      entry.plot = build(chart, plotHost, false);
      box.addEventListener("keydown", keys(entry, chart, toggle));
      toggle.addEventListener("click", function () {
        entry.log = !entry.log;
        toggle.setAttribute("aria-pressed", String(entry.log));
        entry.plot.destroy();
        entry.plot = build(chart, plotHost, entry.log);
      });
      charts.push(entry);
    });
  });
  // charts opened zoomed (from the address) get their detail once the page knows where to ask
  window.runlens.refine = function () { charts.forEach(function (e) { if (zooms[e.id]) { detail(e.chart, e.plot); } }); };
  document.documentElement.dataset.chartsReady = String(charts.length);
  document.documentElement.dataset.readyMs = performance.now().toFixed(1);
})();
