/*
 * advisor.js — draws the delay-risk calibration chart (predicted vs observed per bin, one line per site,
 * the diagonal for perfect calibration) with plotly.js served from the installed package, from the JSON the
 * server put in the page. The same numbers are in the table next to it.
 */
(function () {
  "use strict";
  function draw() {
    const element = document.getElementById("calibration-chart");
    const data = document.getElementById("calibration-data");
    if (!element || !data || !window.Plotly) return;
    const series = JSON.parse(data.textContent);
    const traces = [{ x: [0, 1], y: [0, 1], mode: "lines", name: "perfect", line: { dash: "dot", color: "#9aa7b3" } }];
    series.forEach(function (site) {
      traces.push({ x: site.predicted, y: site.observed, mode: "lines+markers", name: site.site });
    });
    window.Plotly.newPlot(element, traces, {
      margin: { l: 48, r: 12, t: 8, b: 40 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      xaxis: { title: { text: gettext("predicted probability late") }, range: [0, 1] },
      yaxis: { title: { text: gettext("observed share late") }, range: [0, 1] },
      legend: { orientation: "h", y: -0.25 },
    }, { displayModeBar: false, responsive: true });
    element.dataset.drawn = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
