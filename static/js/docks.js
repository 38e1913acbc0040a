/*
 * docks.js — the dock timeline and the clerk view in the browser.
 *
 * Places the server-rendered blocks from their data-left/data-width percentages (CSP: no inline
 * styles in the markup), refetches the board or the clerk list when a "dock.changed" live event
 * arrives (the same partial as the first load), and lets a supervisor drag an appointment to
 * another time or door, or drag its right edge to resize it. The form in the side panel does the
 * same without a mouse.
 */
(function () {
  "use strict";

  const SNAP_MS = 5 * 60 * 1000;
  const state = { refetches: 0, moves: 0, drag: null, refetchTimer: null };
  window.ControlTowerDocks = state; // read by browser tests

  function place(root) {
    root.querySelectorAll(".tl[data-hours]").forEach(function (el) { el.style.setProperty("--hours", el.dataset.hours); });
    if (root.matches && root.matches(".tl[data-hours]")) root.style.setProperty("--hours", root.dataset.hours);
    root.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.left = el.dataset.left + "%";
      if (el.dataset.width !== undefined) el.style.width = Math.max(Number(el.dataset.width), 0.35) + "%";
    });
  }
  place(document);
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) { if (node.nodeType === 1) place(node); });
    });
  }).observe(document.body, { childList: true, subtree: true });

  const siteSelect = document.getElementById("docks-site-select");
  if (siteSelect) siteSelect.addEventListener("change", function () { window.location.href = siteSelect.value; });

  // --- live: refetch the board or the clerk list after any change at this site -------------
  function refetch() {
    ["docks-board", "clerk-list"].forEach(function (id) {
      const element = document.getElementById(id);
      if (!element || !element.dataset.liveSnapshot) return;
      fetch(element.dataset.liveSnapshot, { credentials: "same-origin", headers: { "X-Requested-With": "docks.js" } })
        .then(function (response) { if (!response.ok) throw new Error("board " + response.status); return response.text(); })
        .then(function (html) {
          const template = document.createElement("template");
          template.innerHTML = html.trim();
          const replacement = template.content.firstElementChild;
          const current = document.getElementById(id);
          if (replacement && current) { current.replaceWith(replacement); state.refetches += 1; }
        })
        .catch(function (error) { console.warn("docks: refetch failed", error); });
    });
  }
  document.addEventListener("live:event", function (event) {
    const message = event.detail || {};
    if (!String(message.event || "").startsWith("dock.")) return;
    if (state.drag) return; // never move the board under a drag; the next event or resync repairs it
    clearTimeout(state.refetchTimer);
    state.refetchTimer = setTimeout(refetch, 150);
  });

  // --- drag to move, drag the right edge to resize (supervisors) ---------------------------
  function board() { return document.querySelector("#docks-board .tl"); }
  function csrf() { const input = document.querySelector("#docks-csrf input[name=csrfmiddlewaretoken]"); return input ? input.value : ""; }
  function snap(ms) { return Math.round(ms / SNAP_MS) * SNAP_MS; }

  document.addEventListener("pointerdown", function (event) {
    const block = event.target.closest(".tl-appt:not(.tl-proposal)"); // a proposal is accepted, not dragged
    const tl = board();
    if (!block || !tl || tl.dataset.canPlan !== "1" || event.button !== 0) return;
    const track = block.parentElement.getBoundingClientRect();
    const rect = block.getBoundingClientRect();
    state.drag = {
      block: block,
      x0: event.clientX,
      resize: event.clientX > rect.right - 10,
      msPerPx: (Date.parse(tl.dataset.end) - Date.parse(tl.dataset.start)) / track.width,
      start: Date.parse(block.dataset.start),
      end: Date.parse(block.dataset.end),
      moved: false,
      left: Number(block.dataset.left),
      width: Number(block.dataset.width),
      pctPerPx: 100 / track.width,
    };
    block.setPointerCapture(event.pointerId);
  });

  document.addEventListener("pointermove", function (event) {
    const drag = state.drag;
    if (!drag) return;
    const dx = event.clientX - drag.x0;
    if (Math.abs(dx) > 4) drag.moved = true;
    if (!drag.moved) return;
    if (drag.resize) drag.block.style.width = Math.max(drag.width + dx * drag.pctPerPx, 0.35) + "%";
    else drag.block.style.left = drag.left + dx * drag.pctPerPx + "%";
    drag.block.classList.add("is-dragging");
  });

  document.addEventListener("pointerup", function (event) {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    drag.block.classList.remove("is-dragging");
    if (!drag.moved) return; // a click: the link opens the panel
    event.preventDefault();
    drag.block.addEventListener("click", function (e) { e.preventDefault(); }, { once: true });
    const deltaMs = snap((event.clientX - drag.x0) * drag.msPerPx);
    const start = drag.resize ? drag.start : drag.start + deltaMs;
    const end = drag.end + deltaMs;
    let door = drag.block.closest(".tl-track").dataset.door;
    if (!drag.resize) {
      drag.block.style.pointerEvents = "none";
      const under = document.elementFromPoint(event.clientX, event.clientY);
      drag.block.style.pointerEvents = "";
      const track = under && under.closest(".tl-track[data-door]");
      if (track) door = track.dataset.door;
    }
    send(drag.block, door, new Date(start).toISOString(), new Date(end).toISOString());
  });

  function send(block, door, start, end) {
    const body = new FormData();
    body.append("door", door);
    body.append("planned_start", start);
    body.append("planned_end", end);
    fetch(board().dataset.moveUrl.replace("/0/", "/" + block.dataset.id + "/"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "docks.js" },
    })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
      .then(function (result) {
        state.moves += 1;
        const note = document.getElementById("docks-note");
        if (note) { note.textContent = result.data.message; note.hidden = false; note.className = result.ok ? "flash" : "flash flash--error"; }
        refetch(); // a refused move snaps back; an accepted one shows where it landed
      });
  }
})();
