/*
 * vocabulary.js — the same words for time and status as the server (apps/core/vocabulary.py).
 *
 * The duration rules are written twice, here and in Python; tests/core/test_vocabulary.py runs both
 * on the same inputs and compares. The symbol/word tables are not written twice: the page carries
 * them as JSON ({% vocabulary_json %}, <script id="ct-vocabulary">). Loaded before the screen scripts
 * (live.js, cases.js, approvals.js, wall.js), which use window.ControlTowerVocabulary.
 */
(function (root) {
  "use strict";

  let table = null;
  function tables() {
    if (table === null) {
      const element = typeof document !== "undefined" ? document.getElementById("ct-vocabulary") : null;
      table = element ? JSON.parse(element.textContent) : { severity: {}, status: {}, unknown: { symbol: "•", word: "", tone: "muted" } };
    }
    return table;
  }

  function capitalize(text) { text = String(text || ""); return text.charAt(0).toUpperCase() + text.slice(1); }

  function durationWords(seconds) {
    let minutes = Math.floor(Math.abs(seconds) / 60);
    if (minutes < 1) return "<1 min";
    if (minutes < 60) return minutes + " min";
    let hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 24) return minutes ? hours + " h " + minutes + " min" : hours + " h";
    const days = Math.floor(hours / 24);
    hours = hours % 24;
    return hours ? days + " d " + hours + " h" : days + " d";
  }

  function timeLeftWords(seconds) {
    return seconds < 0 ? "overdue by " + durationWords(seconds) : durationWords(seconds) + " left";
  }

  function dueInWords(seconds) {
    return seconds < 0 ? "overdue by " + durationWords(seconds) : "in " + durationWords(seconds);
  }

  function agoWords(seconds) {
    seconds = Math.max(0, seconds);
    return seconds < 60 ? Math.floor(seconds) + " s ago" : durationWords(seconds) + " ago";
  }

  function label(kind, level) {
    const found = tables()[kind] && tables()[kind][level];
    if (found) return found;
    const unknown = tables().unknown;
    return { symbol: unknown.symbol, word: capitalize(level), tone: unknown.tone };
  }

  function severityLabel(level) { return label("severity", level); }
  function statusLabel(state) { return label("status", state); }
  function severityText(level) { const l = severityLabel(level); return l.symbol + " " + l.word; }
  function statusText(state) { const l = statusLabel(state); return l.symbol + " " + l.word; }

  const api = {
    durationWords: durationWords,
    timeLeftWords: timeLeftWords,
    dueInWords: dueInWords,
    agoWords: agoWords,
    severityLabel: severityLabel,
    statusLabel: statusLabel,
    severityText: severityText,
    statusText: statusText,
    useTables: function (value) { table = value; }, // for tests that run this file outside a page
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.ControlTowerVocabulary = api;
})(typeof window !== "undefined" ? window : this);
