/* Analysis dashboard: draws every [data-chart] canvas from its JSON (the attribute's value), again after each
   htmx refresh of a section. Clicking a bar, slice or point drills down (same links as the data
   tables, which are the keyboard route). No inline scripts: the page is CSP-friendly. */
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en-MY" : "ms-MY";
  var number = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  var SCORES = ["#15803d", "#4d7c0f", "#a16207", "#c2410c", "#b91c1c"]; // 5 .. 1
  var PRIMARY = "#1d4ed8", ACCENT = "#0f766e";
  var drawn = {};

  function go(d, index) {
    var url = d.links && d.links[index];
    if (url) { window.location.href = url; }
  }

  function base(d) {
    return {
      animation: false, responsive: true, maintainAspectRatio: false,
      onClick: function (event, elements) { if (elements.length) { go(d, elements[0].index); } },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length && d.links && d.links[elements[0].index] ? "pointer" : "default";
      },
      plugins: { legend: { display: false }, tooltip: { callbacks: {} } }
    };
  }

  function integerTicks(count) {
    return function (axis) { axis.ticks = []; for (var i = 0; i < count; i++) { axis.ticks.push({ value: i }); } };
  }

  function config(d) {
    var options = base(d);
    if (d.type === "bar" || d.type === "hbar") {
      if (d.type === "hbar") { options.indexAxis = "y"; }
      options.scales = {};
      options.scales[d.type === "hbar" ? "x" : "y"] = { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return number.format(v); } } };
      return { type: "bar", options: options, data: { labels: d.labels, datasets: [{
        label: d.label, data: d.values, borderWidth: 1, borderColor: "#18181b",
        backgroundColor: d.palette === "scores" ? SCORES : PRIMARY }] } };
    }
    if (d.type === "doughnut") {
      options.plugins.legend = { display: true, position: "bottom" };
      return { type: "doughnut", options: options, data: { labels: d.labels, datasets: [{
        label: d.label, data: d.values, backgroundColor: [PRIMARY, ACCENT], borderColor: "#fff", borderWidth: 2 }] } };
    }
    if (d.type === "trend") {
      options.plugins.legend = { display: true, position: "bottom", labels: { usePointStyle: true } };
      options.scales = {
        y: { beginAtZero: true, position: "left", title: { display: true, text: d.label }, ticks: { precision: 0, callback: function (v) { return number.format(v); } } },
        y2: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: d.label2 } }
      };
      return { data: { labels: d.labels, datasets: [
        { type: "bar", label: d.label, data: d.values, backgroundColor: "#93c5fd", borderColor: PRIMARY, borderWidth: 1, yAxisID: "y", pointStyle: "rect" },
        { type: "line", label: d.label2, data: d.csat, borderColor: "#b45309", backgroundColor: "#b45309", borderDash: [6, 3],
          pointStyle: "rectRot", pointRadius: 4, spanGaps: true, yAxisID: "y2" }] }, options: options };
    }
    if (d.type === "heatmap") {
      var max = Math.max.apply(null, d.cells.map(function (c) { return c.v; }).concat([1]));
      options.scales = {
        x: { type: "linear", offset: false, min: -0.5, max: 23.5, afterBuildTicks: integerTicks(24), grid: { display: false },
             ticks: { autoSkip: true, maxRotation: 0, callback: function (v) { return d.hours[v] || ""; } } },
        y: { type: "linear", offset: false, min: -0.5, max: 6.5, reverse: true, afterBuildTicks: integerTicks(7), grid: { display: false },
             ticks: { autoSkip: false, callback: function (v) { return (d.days[v] || "").slice(0, 3); } } }
      };
      options.plugins.tooltip.callbacks = {
        title: function () { return ""; },
        label: function (ctx) { var c = ctx.raw; return d.days[c.y] + " " + d.hours[c.x] + ":00 — " + number.format(c.v) + " " + d.label; }
      };
      return { type: "matrix", options: options, data: { datasets: [{
        label: d.label, data: d.cells,
        backgroundColor: function (ctx) { var v = ctx.raw ? ctx.raw.v : 0; return v ? "rgba(29, 78, 216, " + (0.12 + 0.88 * v / max).toFixed(3) + ")" : "#f4f4f5"; },
        borderColor: "#fff", borderWidth: 1,
        width: function (ctx) { var a = ctx.chart.chartArea; return a ? a.width / 24 - 1 : 10; },
        height: function (ctx) { var a = ctx.chart.chartArea; return a ? a.height / 7 - 1 : 10; } }] } };
    }
    return null;
  }

  function draw(root) {
    if (!window.Chart) { return; }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var d = JSON.parse(canvas.dataset.chart);
      var cfg = config(d);
      if (!cfg) { return; }
      if (drawn[canvas.id]) { drawn[canvas.id].destroy(); }
      drawn[canvas.id] = new window.Chart(canvas, cfg);
      canvas.dataset.drawn = "1";
    });
  }

  function foldFilters() {
    // On a phone the filters fold away under their summary line; open on larger screens.
    var details = document.getElementById("an-filter-details");
    if (details && window.matchMedia("(max-width: 640px)").matches) { details.open = false; }
  }

  function customPeriod() {
    var period = document.getElementById("f-period");
    ["f-start", "f-end"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input && period) { input.addEventListener("change", function () { period.value = "custom"; }); }
    });
  }

  function presetDropsDates() {
    // A preset names its own dates: the old "From" and "To" must not ride along in the URL.
    var form = document.querySelector("form.an-filters");
    var period = document.getElementById("f-period");
    if (!form || !period) { return; }
    form.addEventListener("submit", function () {
      if (period.value === "custom") { return; }
      ["f-start", "f-end"].forEach(function (id) {
        var input = document.getElementById(id);
        if (input) { input.disabled = true; }
      });
    });
    // Back to this page from history: the dates are usable again.
    window.addEventListener("pageshow", function () {
      ["f-start", "f-end"].forEach(function (id) {
        var input = document.getElementById(id);
        if (input) { input.disabled = false; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document); customPeriod(); presetDropsDates(); foldFilters();
  });
  document.body.addEventListener("htmx:afterSettle", function (event) { draw(event.detail.target); });
  window.eratingAnalysis = { draw: draw, percent: percent };
}());
