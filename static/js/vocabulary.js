/*
 * vocabulary.js — the same words for time and status as the server (apps/core/vocabulary.py).
 *
 * The duration rules are written twice, here and in Python; tests/core/test_vocabulary.py runs both
 * on the same inputs and compares. The symbol/word tables are not written twice: the page carries
 * them as JSON ({% vocabulary_json %}, <script id="ct-vocabulary">). Loaded before the screen scripts
 * (live.js, cases.js, approvals.js, wall.js), which use window.ControlTowerVocabulary.
 *
 * Words go through Django's JavaScript catalogue (/jsi18n/, loaded just before this file: gettext()
 * and interpolate()); outside a page (the tests run this file in node) they stay English. Times at
 * a site and numbers are written with Intl in the page's language (<html lang>): siteTime() is the
 * browser's twin of the `at_site` template filter (apps/core/templatetags/local_time.py).
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

  // gettext() / interpolate() from Django's catalogue when the page has loaded it; English otherwise.
  function gettext(text) { return typeof root.gettext === "function" ? root.gettext(text) : text; }
  function fill(translated, values) {
    if (typeof root.interpolate === "function") return root.interpolate(translated, values, true);
    return translated.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  function language() {
    return (typeof document !== "undefined" && document.documentElement.lang) || "en";
  }

  /** The city of an IANA zone, as a person names it: "Europe/Brussels" -> "Brussels". */
  function zoneCity(zone) {
    zone = String(zone || "UTC");
    return zone.split("/").pop().replace(/_/g, " ");
  }

  /** A moment as read at a site: "14:05 (Brussels)"; another day adds it ("Tue 01 Dec 14:05 (Brussels)").
   * options.seconds adds seconds (the wall clock). The same rules as the `at_site` filter. */
  function siteTime(moment, zone, options) {
    options = options || {};
    const date = moment instanceof Date ? moment : new Date(moment);
    if (Number.isNaN(date.getTime())) return "—";
    zone = zone || "UTC";
    const parts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
    if (options.seconds) parts.second = "2-digit";
    const day = { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone };
    const today = new Intl.DateTimeFormat("en-CA", day).format(new Date());
    if (new Intl.DateTimeFormat("en-CA", day).format(date) !== today) {
      parts.weekday = "short"; parts.day = "2-digit"; parts.month = "short";
    }
    return new Intl.DateTimeFormat(language(), parts).format(date) + " (" + zoneCity(zone) + ")";
  }

  /** A number as the page's language writes it: 1234.5 -> "1,234.5" (en) or "1 234,5" (fr). */
  function number(value, digits) {
    const options = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return new Intl.NumberFormat(language(), options).format(value);
  }

  function capitalize(text) { text = String(text || ""); return text.charAt(0).toUpperCase() + text.slice(1); }

  function durationWords(seconds) {
    let minutes = Math.floor(Math.abs(seconds) / 60);
    if (minutes < 1) return gettext("<1 min");
    if (minutes < 60) return fill(gettext("%(minutes)s min"), { minutes: minutes });
    let hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 24) {
      return minutes ? fill(gettext("%(hours)s h %(minutes)s min"), { hours: hours, minutes: minutes }) : fill(gettext("%(hours)s h"), { hours: hours });
    }
    const days = Math.floor(hours / 24);
    hours = hours % 24;
    return hours ? fill(gettext("%(days)s d %(hours)s h"), { days: days, hours: hours }) : fill(gettext("%(days)s d"), { days: days });
  }

  function timeLeftWords(seconds) {
    const duration = durationWords(seconds);
    return seconds < 0 ? fill(gettext("overdue by %(duration)s"), { duration: duration }) : fill(gettext("%(duration)s left"), { duration: duration });
  }

  function dueInWords(seconds) {
    const duration = durationWords(seconds);
    return seconds < 0 ? fill(gettext("overdue by %(duration)s"), { duration: duration }) : fill(gettext("in %(duration)s"), { duration: duration });
  }

  function agoWords(seconds) {
    seconds = Math.max(0, seconds);
    return seconds < 60 ? fill(gettext("%(seconds)s s ago"), { seconds: Math.floor(seconds) }) : fill(gettext("%(duration)s ago"), { duration: durationWords(seconds) });
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
    fill: fill,
    siteTime: siteTime,
    zoneCity: zoneCity,
    number: number,
    useTables: function (value) { table = value; }, // for tests that run this file outside a page
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.ControlTowerVocabulary = api;
})(typeof window !== "undefined" ? window : this);
