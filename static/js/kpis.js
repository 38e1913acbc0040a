/*
 * kpis.js — draws the KPI screens' charts with plotly.js (served from the installed plotly
 * package), from JSON the server put in the page (json_script): no inline script, no CDN.
 *
 * Durations arrive in seconds and are plotted in hours, with hover text in the shared vocabulary's
 * words. Colours come from the page's CSS variables, so the dark wall theme reads as well as the
 * desk. When a snapshot of a shown site changes ("kpis.snapshot" on the live socket), the charts
 * section is refetched (same template as the first load) and redrawn.
 */
(function () {
  "use strict";

  const vocabulary = window.ControlTowerVocabulary;
  const state = { drawn: 0, refreshes: 0 };
  window.ControlTowerKpis = state; // read by browser tests

  function css(name, fallback) {
    const value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function palette() {
    return [css("--accent", "#0b63c5"), "#7b3fb2", "#0f8a8a", "#c4572a", "#5b6b79", "#a15c00"];
  }

  const SEVERITY_COLOURS = { critical: "--sev-critical", high: "--sev-high", medium: "--sev-medium", low: "--sev-low" };

  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function scaled(unit, value) {
    if (value === null || value === undefined) return null;
    return unit === "duration" ? value / 3600 : value;
  }

  function words(unit, value) {
    if (value === null || value === undefined) return "—";
    if (unit === "duration") return vocabulary.durationWords(value);
    if (unit === "percent") return vocabulary.number(value, 1) + " %";
    return vocabulary.number(value);
  }

  function axisTitle(unit) {
    return unit === "duration" ? gettext("hours") : unit === "percent" ? "%" : gettext("count");
  }

  function layout(chart, compact) {
    const ink = css("--ink", "#14202b");
    const line = css("--line", "#d9e0e6");
    return {
      margin: compact ? { l: 4, r: 4, t: 4, b: 4 } : { l: 56, r: 16, t: 12, b: 48 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: ink, family: getComputedStyle(document.body).fontFamily },
      showlegend: !compact && chart.series.length > 1,
      legend: { orientation: "h", y: -0.2 },
      barmode: chart.kind === "stacked" ? "stack" : "group",
      xaxis: {
        visible: !compact, gridcolor: line, type: chart.x_type || undefined, automargin: true,
        title: compact ? undefined : { text: chart.x_title, standoff: 8 },
      },
      yaxis: { visible: !compact, gridcolor: line, rangemode: "tozero", title: compact ? undefined : { text: axisTitle(chart.unit) } },
      height: compact ? 60 : 320,
    };
  }

  function traces(chart) {
    const colours = palette();
    let colourIndex = 0;
    return chart.series.map(function (serie) {
      const isTarget = Boolean(serie.target);
      const colour = SEVERITY_COLOURS[serie.severity] ? css(SEVERITY_COLOURS[serie.severity], "#888") : colours[colourIndex++ % colours.length];
      const trace = {
        name: serie.name,
        x: chart.x,
        y: serie.values.map(function (value) { return scaled(chart.unit, value); }),
        text: serie.values.map(function (value) { return words(chart.unit, value); }),
        hovertemplate: "%{x}: %{text}<extra>" + serie.name + "</extra>",
      };
      if (chart.kind === "line" || isTarget) {
        trace.type = "scatter";
        trace.mode = isTarget ? "lines" : "lines+markers";
        trace.connectgaps = false;
        trace.line = { color: isTarget ? css("--muted", "#5b6b79") : colour, dash: isTarget ? "dash" : "solid", width: isTarget ? 2 : 3 };
      } else {
        trace.type = "bar";
        trace.marker = { color: colour };
      }
      return trace;
    });
  }

  const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  function drawCharts() {
    const charts = readJson("kpi-charts-data") || [];
    charts.forEach(function (chart) {
      const element = document.getElementById("plot-" + chart.key);
      if (element) {
        window.Plotly.react(element, traces(chart), layout(chart, false), CONFIG);
        state.drawn += 1;
      }
    });
  }

  function drawSparks() {
    const sparks = readJson("kpi-sparks") || {};
    Object.keys(sparks).forEach(function (id) {
      const element = document.getElementById(id);
      if (!element) return;
      const spark = sparks[id];
      const chart = { kind: "line", unit: spark.unit, x: spark.x, x_title: "", series: [{ name: "value", values: spark.values }] };
      const data = traces(chart);
      data[0].mode = "lines";
      data[0].line.width = 2;
      window.Plotly.react(element, data, layout(chart, true), { staticPlot: true, responsive: true });
      state.drawn += 1;
    });
  }

  function refresh() {
    const section = document.getElementById("kpi-charts");
    if (!section || !section.dataset.snapshotUrl) return;
    fetch(section.dataset.snapshotUrl, { credentials: "same-origin", headers: { "X-Requested-With": "kpis.js" } })
      .then(function (response) {
        if (!response.ok) throw new Error("charts " + response.status);
        return response.text();
      })
      .then(function (html) {
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        const replacement = template.content.firstElementChild;
        const current = document.getElementById("kpi-charts");
        if (!replacement || !current) return;
        current.replaceWith(replacement);
        replacement.classList.add("live-flash");
        setTimeout(function () { replacement.classList.remove("live-flash"); }, 1300);
        drawCharts();
        state.refreshes += 1;
      })
      .catch(function (error) { console.warn("kpis: refresh failed", error); });
  }

  function start() {
    if (!window.Plotly) return;
    drawSparks();
    drawCharts();
    document.addEventListener("live:event", function (event) {
      if (event.detail && event.detail.event === "kpis.snapshot") refresh();
    });
    document.addEventListener("live:resync", refresh);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
