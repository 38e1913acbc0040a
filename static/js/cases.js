/*
 * cases.js — the exception queue and case screens.
 *
 * Keyboard: j/k move, Enter opens the case, a acknowledges, s starts work, e escalates, r focuses
 * resolve, c focuses the comment, x selects for bulk, / searches. Live rows come from live.js (same
 * partial as the first load); here we refuse rows the queue's filters exclude (case-filter.js, the
 * same decision as the server's list), keep new ones in priority order,
 * keep the cursor and selection across swaps, refetch the panel of the case on screen when its
 * event arrives, refetch the rows after a missed message, and tick the aging column.
 */
(function () {
  "use strict";
  const V = window.ControlTowerVocabulary; // words (gettext), durations, times at a site

  const queue = document.getElementById("cases-queue");
  const pane = document.getElementById("case-pane");
  const rowsBody = document.getElementById("case-rows");
  const selected = new Set();
  let currentId = null;
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  const params = new URLSearchParams(queue ? queue.dataset.query : "");
  const filterScript = document.getElementById("case-filter");
  const liveFilter = filterScript ? JSON.parse(filterScript.textContent) : null;

  // --- rows --------------------------------------------------------------------------------
  function rows() { return rowsBody ? Array.from(rowsBody.querySelectorAll("tr.case-row")) : []; }

  function rank(row) {
    return [-Number(row.dataset.rank), -Number(row.dataset.priority), row.dataset.opened, Number(row.dataset.case)];
  }

  function before(a, b) {
    const x = rank(a), y = rank(b);
    for (let i = 0; i < x.length; i++) { if (x[i] < y[i]) return true; if (x[i] > y[i]) return false; }
    return false;
  }

  // A new row goes where its priority puts it; existing rows never move under the user's cursor.
  function place(row) {
    const others = rows().filter(function (r) { return r !== row; });
    const next = others.find(function (r) { return before(row, r); });
    if (next) rowsBody.insertBefore(row, next); else rowsBody.appendChild(row);
  }

  function restoreState() {
    rows().forEach(function (row) {
      const id = row.dataset.case;
      row.classList.toggle("is-current", id === currentId);
      row.classList.toggle("is-selected", selected.has(id));
      const box = row.querySelector(".case-select");
      if (box) box.checked = selected.has(id);
    });
    const empty = document.getElementById("queue-empty");
    if (empty) empty.hidden = rows().length > 0;
    updateBulk();
  }

  function updateBulk() {
    const count = document.getElementById("bulk-count");
    if (!count) return;
    count.textContent = interpolate(gettext("%(count)s selected"), { count: selected.size }, true);
    document.getElementById("bulk-cases").value = Array.from(selected).join(",");
  }

  // --- panel -------------------------------------------------------------------------------
  function panelCaseId() {
    const panel = pane && pane.querySelector(".case-panel");
    return panel ? panel.dataset.case : null;
  }

  function loadPanel(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "cases.js" } })
      .then(function (response) { if (!response.ok) throw new Error("panel " + response.status); return response.text(); })
      .then(function (html) {
        const before = panelStatus();
        pane.innerHTML = html;
        const after = panelStatus();
        // The case on screen changed state (here or elsewhere): said once, with its reference.
        if (before && after && before.id === after.id && before.status !== after.status && window.ControlTowerAnnounce) {
          window.ControlTowerAnnounce(after.reference + ": " + after.status);
        }
      });
  }

  function panelStatus() {
    const panel = pane && pane.querySelector(".case-panel");
    const status = panel && panel.querySelector(".panel-badges .status");
    return status ? { id: panel.dataset.case, status: status.textContent.trim(), reference: panel.getAttribute("aria-label") } : null;
  }

  function setCurrent(row, showPanel) {
    if (!row) return;
    currentId = row.dataset.case;
    restoreState();
    row.scrollIntoView({ block: "nearest" });
    if (showPanel && pane && panelCaseId() !== currentId) {
      loadPanel(row.dataset.panelUrl);
      const url = new URL(location.href);
      url.searchParams.set("case", currentId);
      history.replaceState(null, "", url);
    }
  }

  function move(step) {
    const list = rows();
    if (!list.length) return;
    let index = list.findIndex(function (r) { return r.dataset.case === currentId; });
    index = index < 0 ? 0 : Math.max(0, Math.min(list.length - 1, index + step));
    setCurrent(list[index], true);
  }

  // --- actions -------------------------------------------------------------------------------
  function post(url, data) {
    const body = new URLSearchParams(data || {});
    body.set("csrfmiddlewaretoken", csrf);
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-Requested-With": "cases.js", "X-CSRFToken": csrf },
    }).then(function (response) { return response.json(); }).then(function (result) {
      if (!result.ok && result.error) flash(result.error);
      return result;
    });
  }

  function flash(text) {
    let box = document.getElementById("cases-flash");
    if (!box) {
      box = document.createElement("div");
      box.id = "cases-flash";
      box.className = "flash flash--error";
      box.setAttribute("role", "alert");
      (queue || pane).prepend(box);
    }
    box.textContent = text;
  }

  function actOnCurrent(action) {
    const row = rows().find(function (r) { return r.dataset.case === currentId; });
    const panel = pane && pane.querySelector(".case-panel");
    const base = row ? row.dataset.url : panel ? panel.dataset.panelUrl.replace(/panel\/$/, "") : null;
    if (!base) return;
    const data = action === "escalate" ? { from_level: row ? row.dataset.escalation : "" } : {};
    post(base + action + "/", data).then(function (result) { if (result.ok) refreshPanel(); });
  }

  function refreshPanel() {
    const panel = pane && pane.querySelector(".case-panel");
    if (panel) loadPanel(panel.dataset.panelUrl);
  }

  // Forms in the panel submit in place (no reload); the live message updates the row.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("[data-case-action]")) return;
    event.preventDefault();
    post(form.action, new FormData(form)).then(function (result) { if (result.ok) refreshPanel(); });
  });

  // --- keyboard ----------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || event.target.isContentEditable || event.ctrlKey || event.metaKey || event.altKey) return;
    // Single-character keys are the user's to turn off (WCAG 2.1.4); Enter still opens the case.
    if (event.key.length === 1 && document.body.dataset.shortcuts === "off") return;
    const row = rows().find(function (r) { return r.dataset.case === currentId; });
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter": if (row) location.href = row.dataset.url; else return; break;
      case "a": actOnCurrent("acknowledge"); break;
      case "s": actOnCurrent("start"); break;
      case "e": actOnCurrent("escalate"); break;
      case "x":
        if (!row) return;
        if (selected.has(currentId)) selected.delete(currentId); else selected.add(currentId);
        restoreState();
        break;
      case "r": focus('select[name="reason_code"]'); break;
      case "c": focus('textarea[name="text"]'); break;
      case "/": focus("#case-search"); break;
      default: return;
    }
    event.preventDefault();
  });

  function focus(selector) {
    const element = document.querySelector(selector);
    if (element) { const details = element.closest("details"); if (details) details.open = true; element.focus(); }
  }

  if (rowsBody) {
    rowsBody.addEventListener("click", function (event) {
      const row = event.target.closest("tr.case-row");
      if (!row) return;
      if (event.target.matches(".case-select")) {
        if (event.target.checked) selected.add(row.dataset.case); else selected.delete(row.dataset.case);
        restoreState();
        return;
      }
      if (event.target.closest("a")) return;
      setCurrent(row, true);
      // On a phone the panel sits under the list: take the user to it.
      if (pane && window.matchMedia("(max-width: 600px)").matches) pane.scrollIntoView({ block: "start" });
    });
    const all = document.getElementById("select-all");
    if (all) all.addEventListener("change", function () {
      rows().forEach(function (r) { if (all.checked) selected.add(r.dataset.case); else selected.delete(r.dataset.case); });
      restoreState();
    });
  }

  const bulk = document.getElementById("bulk-form");
  if (bulk) bulk.addEventListener("submit", function (event) {
    event.preventDefault();
    const action = event.submitter ? event.submitter.value : "acknowledge";
    if (!selected.size) { flash(gettext("Select cases first (x, or the checkboxes).")); return; }
    const data = new FormData(bulk);
    data.set("action", action);
    post(bulk.action, data).then(function () { selected.clear(); restoreState(); refreshPanel(); });
  });

  const filters = document.getElementById("case-filters");
  if (filters) filters.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") filters.requestSubmit();
  });

  // --- live ----------------------------------------------------------------------------------
  function isCaseRow(message) {
    return message.container === "case-rows" && message.event && message.event.indexOf("case.") === 0;
  }
  const arriving = new Set(); // rows live.js is about to insert: placed by priority once in

  // Before live.js applies a row: refuse it when it does not match this queue's filters.
  document.addEventListener("live:accept", function (event) {
    const message = event.detail;
    if (!isCaseRow(message)) return;
    if (!rowsBody || !liveFilter || !window.ControlTowerCaseFilter.caseMatches(message.data || {}, liveFilter)) {
      event.preventDefault();
      return;
    }
    if (!document.getElementById(message.target)) arriving.add(message.target);
  });

  document.addEventListener("live:event", function (event) {
    const message = event.detail;
    if (message.event === "cases.refresh") { refetchRows(); refreshPanel(); return; }
    if (!message.event || message.event.indexOf("case.") !== 0) return;
    const id = String((message.data || {}).case || "");
    const row = rowsBody && document.getElementById("case-" + id);
    if (row && arriving.has(row.id)) place(row); // existing rows never move under the cursor
    arriving.delete("case-" + id);
    restoreState();
    if (id && id === panelCaseId()) refreshPanel();
  });

  let refetching = null;
  function refetchRows() {
    if (!queue || refetching) return;
    refetching = setTimeout(function () {
      fetch(queue.dataset.rowsUrl + "?" + params.toString(), { credentials: "same-origin", headers: { "X-Requested-With": "cases.js" } })
        .then(function (response) { if (!response.ok) throw new Error("rows " + response.status); return response.text(); })
        .then(function (html) { rowsBody.innerHTML = html; restoreState(); })
        .catch(function (error) { console.warn("cases: refetch failed", error); })
        .finally(function () { refetching = null; });
    }, 150);
  }
  document.addEventListener("live:resync", function () { refetchRows(); refreshPanel(); });

  // --- aging ticks between updates ---------------------------------------------------------
  // Same rules as the server's aging() (apps/cases/templatetags/cases.py), same words.
  const DUE_SOON_SHARE = 0.25;
  function tick() {
    const now = Date.now();
    rows().forEach(function (row) {
      const age = row.querySelector(".aging__age");
      const opened = Date.parse(row.dataset.opened);
      if (age && !Number.isNaN(opened)) age.textContent = V.durationWords(Math.max(0, (now - opened) / 1000));
      const due = Date.parse(row.dataset.slaDue);
      const sla = row.querySelector(".aging__sla");
      if (!sla || Number.isNaN(due)) return;
      const left = (due - now) / 1000;
      const total = Math.max(60, (due - opened) / 1000);
      const state = left < 0 ? "overdue" : left <= total * DUE_SOON_SHARE ? "soon" : "ok";
      sla.textContent = V.timeLeftWords(left);
      const badge = row.querySelector(".aging");
      if (badge && !badge.classList.contains("aging--" + state)) {
        badge.className = "aging aging--" + state;
        badge.querySelector(".aging__icon").textContent = V.statusLabel(state).symbol;
        badge.querySelector(".aging__word").textContent = V.statusLabel(state).word;
        row.classList.remove("aging--ok", "aging--soon", "aging--overdue");
        row.classList.add("aging--" + state);
      }
    });
  }
  setInterval(tick, 30000);

  // Start on the case in the panel (or the first row).
  const start = panelCaseId();
  currentId = start || (rows()[0] && rows()[0].dataset.case) || null;
  restoreState();
  window.ControlTowerCases = { selected: selected, current: function () { return currentId; } };
})();
