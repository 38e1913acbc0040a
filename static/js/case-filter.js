/*
 * case-filter.js — does a live case row belong in this queue? The same decision as the server's
 * case_matches (apps/cases/live_rows.py), on the facts the row is published with and the filter
 * object the page was rendered with (<script id="case-filter">). tests/cases/test_live_rows.py
 * runs both on the same cases and filters and compares.
 */
(function (root) {
  "use strict";

  const STATUS_GROUPS = ["active", "closed"];
  const OWNER_SPECIALS = ["me", "unassigned"];

  function caseMatches(facts, live) {
    if (live.site && facts.site !== live.site) return false;
    if (live.kind && facts.kind !== live.kind) return false;
    if (live.severity && facts.severity !== live.severity) return false;
    const status = live.status;
    if (status === "active" && !facts.is_open) return false;
    if (status === "closed" && facts.is_open) return false;
    if (status && STATUS_GROUPS.indexOf(status) < 0 && facts.status !== status) return false;
    const owner = live.owner;
    if (owner === "me" && (live.user === null || live.user === undefined || facts.assignee !== live.user)) return false;
    if (owner === "unassigned" && facts.assignee !== null && facts.assignee !== undefined) return false;
    if (owner && OWNER_SPECIALS.indexOf(owner) < 0 && facts.owner_role !== owner) return false;
    if (live.q) {
      const title = String(facts.title || "").toLowerCase();
      const record = String(facts.record_name || "").toLowerCase();
      if (title.indexOf(live.q) < 0 && record.indexOf(live.q) < 0) return false;
    }
    return true;
  }

  const api = { caseMatches: caseMatches };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.ControlTowerCaseFilter = api;
})(typeof window !== "undefined" ? window : this);
