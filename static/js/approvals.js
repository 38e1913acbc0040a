/*
 * approvals.js — the inbox's keyboard and live behaviour.
 *
 * j/k move through the list and open the request in the right-hand pane; a approves; r puts the
 * cursor in the reason box in "reject" mode (Enter sends, Escape cancels); i does the same to ask
 * for information; x marks a low-risk request, b approves the marked ones in bulk. Live events
 * ("approval.changed") refetch the list; the selected request stays selected while it is there.
 */
(function () {
  "use strict";

  const app = document.getElementById("approvals-app");
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const state = { selectedId: null, marked: new Set(), pendingAction: null, refetchTimer: null, loadingId: null };
  window.ControlTowerApprovals = state; // read by browser tests

  function rows() { return Array.from(document.querySelectorAll("#approvals-inbox-list .ap-row")); }
  function list() { return document.getElementById("approvals-inbox-list"); }
  function panel() { return document.getElementById("approvals-detail"); }

  // --- SLA countdowns, ticking in the browser between server updates ------------------------
  // Same rules as the server's sla_state (apps/approvals/templatetags/approvals.py), same words.
  const V = window.ControlTowerVocabulary;
  // Whole sentences per action, so each language can word them its own way.
  const REASON_PROMPTS = {
    approve: gettext("Reason for approve, then Enter (Esc cancels)"),
    reject: gettext("Reason for reject, then Enter (Esc cancels)"),
    request_info: gettext("Reason for request info, then Enter (Esc cancels)"),
  };
  const WARN_SECONDS = 15 * 60;
  function tick() {
    document.querySelectorAll(".ap-sla[data-due]").forEach(function (el) {
      if (!el.dataset.due) return;
      const seconds = (Date.parse(el.dataset.due) - Date.now()) / 1000;
      const kind = seconds < 0 ? "overdue" : seconds < WARN_SECONDS ? "soon" : "ok";
      el.className = "ap-sla ap-sla--" + kind;
      el.firstChild.textContent = V.statusLabel(kind).symbol + " ";
      el.querySelector(".ap-sla__text").textContent = V.timeLeftWords(seconds);
      const row = el.closest(".ap-row");
      if (row) { row.classList.remove("ap-row--ok", "ap-row--soon", "ap-row--overdue"); row.classList.add("ap-row--" + kind); }
    });
  }
  setInterval(tick, 30000);

  // Showing a request acknowledges it (a POST: opening the pane by GET changes nothing).
  function acknowledge(root) {
    const detail = root.querySelector("[data-acknowledge-url]");
    if (!detail || detail.dataset.canDecide !== "1") return;
    fetch(detail.dataset.acknowledgeUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf, "X-Requested-With": "approvals.js" } });
  }

  // Selects that submit their filter form when changed (no inline handlers: the CSP forbids them).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  if (!app) { bindForms(document); acknowledge(document); return; } // a request's own page: the decision forms

  // --- selection and the detail pane --------------------------------------------------------
  function select(row, focus) {
    rows().forEach(function (r) { r.classList.toggle("is-selected", r === row); if (r === row) r.setAttribute("aria-current", "true"); else r.removeAttribute("aria-current"); }); // a list item takes aria-current, not aria-selected
    if (!row) { state.selectedId = null; return; }
    // Choosing the request already shown (or on its way) keeps its pane: reloading it would wipe a
    // reason being typed and take the focus away mid-word.
    const same = state.selectedId === row.dataset.id &&
      (state.loadingId === row.dataset.id || panel().querySelector("#approval-panel-" + row.dataset.id));
    state.selectedId = row.dataset.id;
    reapplySelection();
    if (focus !== false) row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    if (!same) loadPanel(row);
  }

  function loadPanel(row) {
    const url = row.querySelector("[data-panel]").dataset.panel;
    const id = row.dataset.id;
    state.loadingId = id;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (state.loadingId === id) state.loadingId = null;
        if (state.selectedId !== id) return; // the user moved on meanwhile
        panel().innerHTML = html;
        bindForms(panel());
        acknowledge(panel());
      })
      .catch(function () { if (state.loadingId === id) state.loadingId = null; panel().innerHTML = '<p class="error">This request could not be loaded; it may have been decided.</p>'; });
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.findIndex(function (r) { return r.dataset.id === state.selectedId; });
    const next = index < 0 ? all[0] : all[Math.max(0, Math.min(all.length - 1, index + step))];
    select(next);
  }

  function reapplySelection() {
    const row = state.selectedId && document.getElementById("approval-" + state.selectedId);
    rows().forEach(function (r) {
      r.classList.toggle("is-selected", r === row);
      r.classList.toggle("is-marked", state.marked.has(r.dataset.id));
    });
    const mark = document.getElementById("ap-mark");
    if (mark) {
      mark.disabled = !(row && row.dataset.lowRisk === "1");
      mark.setAttribute("aria-pressed", row && state.marked.has(row.dataset.id) ? "true" : "false");
    }
  }

  // --- decisions ----------------------------------------------------------------------------
  function feedback(text, bad) {
    const el = panel().querySelector(".ap-feedback") || panel();
    if (el.classList && el.classList.contains("ap-feedback")) {
      el.textContent = text;
      el.classList.toggle("ap-bad", !!bad);
    }
  }

  function post(url, data) {
    const body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "approvals.js" },
      body: body,
    }).then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); });
  }

  function decide(action) {
    const detail = panel().querySelector(".ap-detail");
    if (!detail || detail.dataset.canDecide !== "1") return;
    const reasonBox = detail.querySelector(".ap-reason-input");
    const reason = reasonBox ? reasonBox.value.trim() : "";
    const needsReason = action === "reject" || action === "request_info" || (action === "approve" && detail.dataset.reasonRequired === "1");
    if (needsReason && !reason) {
      state.pendingAction = action;
      if (reasonBox) { reasonBox.focus(); reasonBox.placeholder = REASON_PROMPTS[action] || REASON_PROMPTS.approve; }
      feedback(gettext("Type the reason, then press Enter."));
      return;
    }
    const form = detail.querySelector("form.ap-actions");
    const data = { action: action, reason: reason };
    if (action === "delegate" && form) {
      data.to_user = form.querySelector("[name=to_user]").value;
      data.until = form.querySelector("[name=until]").value;
    }
    feedback(gettext("Sending…"));
    post(detail.dataset.decideUrl, data).then(function (result) {
      feedback(result.json.message, !result.ok);
      if (!result.ok) return;
      state.pendingAction = null;
      const current = document.getElementById("approval-" + detail.dataset.id);
      const all = rows();
      const next = current ? all[all.indexOf(current) + 1] || all[all.indexOf(current) - 1] : null;
      if (current) current.remove();
      if (next) select(next); else { state.selectedId = null; panel().innerHTML = '<p class="empty">' + result.json.message + ". Nothing else waits on you.</p>"; }
      refetch();
    });
  }

  function bindForms(root) {
    root.querySelectorAll("form.ap-actions").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!app) return; // the request page posts the form normally
        event.preventDefault();
        const button = event.submitter;
        decide(button ? button.value : "approve");
      });
      const box = form.querySelector(".ap-reason-input");
      if (box) box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && state.pendingAction) { event.preventDefault(); decide(state.pendingAction); }
        if (event.key === "Escape") { state.pendingAction = null; box.blur(); feedback(""); }
      });
    });
  }

  function bulkApprove() {
    const ids = Array.from(state.marked);
    if (!ids.length) { feedback(gettext("Mark low-risk requests with x first.")); return; }
    const body = new URLSearchParams();
    ids.forEach(function (id) { body.append("ids", id); });
    fetch(app.dataset.bulkUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf, "X-Requested-With": "approvals.js" }, body: body })
      .then(function (response) { return response.json(); })
      .then(function (result) {
        state.marked.clear();
        panel().innerHTML = '<p class="ap-bulk-result">Approved ' + result.approved.length + (result.refused.length ? "; refused " + result.refused.map(function (r) { return "#" + r.id + " (" + r.reason + ")"; }).join(", ") : "") + "</p>";
        refetch();
      });
  }

  // --- live updates ---------------------------------------------------------------------------
  function refetch() {
    clearTimeout(state.refetchTimer);
    state.refetchTimer = setTimeout(function () {
      const current = list();
      fetch(current.dataset.liveSnapshot, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          const template = document.createElement("template");
          template.innerHTML = html.trim();
          const fresh = template.content.firstElementChild;
          const known = new Set(rows().map(function (r) { return r.dataset.id; }));
          list().replaceWith(fresh);
          const added = rows().filter(function (r) { return !known.has(r.dataset.id); });
          added.forEach(function (r) { r.classList.add("live-flash"); setTimeout(function () { r.classList.remove("live-flash"); }, 1300); });
          announceNew(added);
          reapplySelection();
          showFirstWhenNothingSelected();
          tick();
        })
        .catch(function () { /* the next event or resync tries again */ });
    }, 250);
  }

  // A request that starts waiting on this user is said once (a decided one leaving the list is not).
  function announceNew(added) {
    if (!added.length || !window.ControlTowerAnnounce) return;
    const words = app.dataset;
    const title = added[0].querySelector(".ap-row__title");
    window.ControlTowerAnnounce(added.length === 1
      ? (words.announceOne || gettext("New request waiting on you:")) + " " + (title ? title.textContent.trim() : "")
      : added.length + " " + (words.announceMany || gettext("new requests waiting on you")));
  }

  document.addEventListener("live:event", function (event) {
    if (event.detail && event.detail.event === "approval.changed") refetch();
  });
  new MutationObserver(reapplySelection).observe(app.querySelector(".ap-list-wrap"), { childList: true });

  // --- keyboard and pointer -----------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    // Single-character keys are the user's to turn off (WCAG 2.1.4); the arrows always move.
    if (key.length === 1 && document.body.dataset.shortcuts === "off") return;
    if (key === "j" || key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (key === "k" || key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (key === "a") { event.preventDefault(); decide("approve"); }
    else if (key === "r") { event.preventDefault(); decide("reject"); }
    else if (key === "i") { event.preventDefault(); decide("request_info"); }
    else if (key === "x") toggleMark();
    else if (key === "b") { event.preventDefault(); bulkApprove(); }
  });

  // x and b by touch: the buttons above the list do the same.
  function toggleMark() {
    const row = state.selectedId && document.getElementById("approval-" + state.selectedId);
    if (row && row.dataset.lowRisk === "1") {
      if (state.marked.has(row.dataset.id)) state.marked.delete(row.dataset.id); else state.marked.add(row.dataset.id);
      reapplySelection();
    } else if (row) feedback(gettext("Only requests the policy marks low-risk can be approved in bulk."), true);
  }
  const markButton = document.getElementById("ap-mark");
  const bulkButton = document.getElementById("ap-bulk");
  if (markButton) markButton.addEventListener("click", toggleMark);
  if (bulkButton) bulkButton.addEventListener("click", bulkApprove);

  app.addEventListener("click", function (event) {
    const link = event.target.closest(".ap-row__link");
    if (!link || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    select(link.closest(".ap-row"));
    // On a phone the request opens under the list: take the user to it.
    if (window.matchMedia("(max-width: 820px)").matches) panel().scrollIntoView({ block: "start" });
  });

  // The pane beside a list is never blank: with nothing chosen yet, it shows the first (most
  // urgent) request, without taking the keyboard focus.
  function showFirstWhenNothingSelected() {
    if (state.selectedId || panel().querySelector(".ap-detail, .ap-bulk-result")) return;
    const first = rows()[0];
    if (first) select(first, false);
  }

  bindForms(document);
  tick();
  showFirstWhenNothingSelected();
})();
