/*
 * live.js — the browser half of the live spine.
 *
 * Connects to /ws/live/, subscribes to the groups named in <body data-live-groups>, swaps in the
 * partials the server pushes (same templates as the first page load), and keeps a freshness badge
 * honest: "live" while messages arrive, "updated N s ago" when they slow down, red "stale" when
 * nothing came for data-live-stale-after-s seconds. Each group's messages are numbered; a gap or a
 * reconnect makes the page refetch its snapshots so it never shows a half-updated state.
 *
 * State messages (a tile, a row: `state_key` set) may be conflated by the server when this page is
 * behind: it then sends only the newest, stamped `after: <the seq it sent before>`, vouching that
 * nothing between was needed. Such a jump is no gap and costs no refetch; a jump without `after`
 * still is one. A snapshot older than what an element already shows is not swapped in.
 */
(function () {
  "use strict";
  const V = window.ControlTowerVocabulary; // words (gettext), durations, times at a site

  const body = document.body;
  const groups = (body.dataset.liveGroups || "").split(/\s+/).filter(Boolean);
  if (!groups.length || !("WebSocket" in window)) return;

  const heartbeatS = Number(body.dataset.liveHeartbeatS || 5);
  const staleAfterS = Number(body.dataset.liveStaleAfterS || 30);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + (body.dataset.liveUrl || "/ws/live/");

  const state = {
    socket: null,
    connected: false,
    attempts: 0,
    lastMessageAt: null, // when the feed last confirmed anything (ms)
    seqs: {}, // group -> last sequence number applied
    shownSeqs: {}, // element id -> sequence number of the message (or snapshot) it shows
    resyncs: 0,
    pendingSnapshots: 0, // snapshot fetches in flight
    badge: "connecting",
  };
  window.ControlTowerLive = state; // read by browser tests and by curious operators

  // --- announcements for screen readers ------------------------------------------------------
  // One polite live region per page, said once per thing that matters (a new request waiting, a
  // change of state of the case on screen, the feed going stale or coming back): the panels and
  // the ticking badge are not live regions, so a tick or a refetch is never read out.
  const announcer = document.createElement("div");
  announcer.id = "live-announcer";
  announcer.className = "sr-only";
  announcer.setAttribute("role", "status");
  announcer.setAttribute("aria-live", "polite");
  body.appendChild(announcer);
  state.announced = []; // read by browser tests
  window.ControlTowerAnnounce = function (text) {
    if (!text) return;
    state.announced.push(text);
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 100); // the same words twice are read twice
  };

  // --- connection, with exponential backoff and jitter ---------------------------------------
  function connect() {
    const socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = function () {
      state.connected = true;
      state.attempts = 0;
      socket.send(JSON.stringify({ action: "subscribe", groups: groups }));
    };
    socket.onmessage = function (event) {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      handle(message);
    };
    socket.onclose = function () {
      state.connected = false;
      state.attempts += 1;
      const delay = Math.min(30000, 500 * Math.pow(2, state.attempts - 1));
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      renderBadge();
    };
  }

  function handle(message) {
    if (message.type === "subscribed") {
      // After every (re)subscription the page may have missed messages: take the server's
      // counter as the baseline and refetch the snapshots.
      state.seqs[message.group] = message.seq;
      confirmFresh();
      resync(message.group);
    } else if (message.type === "event") {
      const last = state.seqs[message.group];
      if (last !== undefined && message.seq <= last) return; // duplicate or old
      state.seqs[message.group] = message.seq;
      confirmFresh();
      // The message before this one: the server names it when it conflated those in between.
      const previous = typeof message.after === "number" ? message.after : message.seq - 1;
      if (last !== undefined && last < previous) {
        resync(message.group); // a gap: something was lost, the snapshot is the truth
        return;
      }
      if (message.target) state.shownSeqs[message.target] = message.seq;
      apply(message);
    } else if (message.type === "refused") {
      console.warn("live: subscription refused", message.group, message.error);
    }
  }

  // --- applying updates ---------------------------------------------------------------------
  function swap(element, html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const replacement = template.content.firstElementChild;
    if (!replacement) return;
    element.replaceWith(replacement);
    replacement.classList.add("live-flash");
    setTimeout(function () { replacement.classList.remove("live-flash"); }, 1300);
  }

  function apply(message) {
    const element = message.target ? document.getElementById(message.target) : null;
    // A page may refuse a message's markup ("live:accept", cancelled): a row that does not match
    // its filters is never inserted, and leaves when it stops matching.
    const accepted = document.dispatchEvent(new CustomEvent("live:accept", { detail: message, cancelable: true }));
    if (message.remove || !accepted) {
      if (element) element.remove();
    } else if (message.html && message.lang && message.lang !== document.documentElement.lang) {
      // Rendered in another language for the whole group: this page's own words come from its snapshot.
      if (element && element.dataset.liveSnapshot) refetch(element, message.group);
      else resync(message.group);
    } else if (message.html && element) {
      swap(element, message.html);
    } else if (message.html && message.container) {
      const container = document.getElementById(message.container);
      if (container) {
        container.insertAdjacentHTML(container.dataset.liveInsert === "end" ? "beforeend" : "afterbegin", message.html.trim());
        const added = document.getElementById(message.target);
        if (added) {
          added.classList.add("live-flash");
          setTimeout(function () { added.classList.remove("live-flash"); }, 1300);
        }
      }
    }
    document.dispatchEvent(new CustomEvent("live:event", { detail: message }));
  }

  function resync(group) {
    state.resyncs += 1;
    document.querySelectorAll('[data-live-group="' + group + '"][data-live-snapshot]').forEach(function (element) {
      refetch(element, group);
    });
    document.dispatchEvent(new CustomEvent("live:resync", { detail: { group: group } }));
  }

  // One element's snapshot, in the page's language, unless a newer live message got there first.
  function refetch(element, group) {
    state.pendingSnapshots += 1;
    fetch(element.dataset.liveSnapshot, { credentials: "same-origin", headers: { "X-Requested-With": "live.js" } })
      .then(function (response) {
        if (!response.ok) throw new Error("snapshot " + response.status);
        const seq = Number(response.headers.get("X-Live-Seq"));
        if (!Number.isNaN(seq) && seq > (state.seqs[group] || 0)) state.seqs[group] = seq;
        return response.text().then(function (html) { return { html: html, seq: seq }; });
      })
      .then(function (snapshot) {
        // A live message applied while the snapshot was on its way is newer: keep it.
        if (!Number.isNaN(snapshot.seq) && (state.shownSeqs[element.id] || 0) > snapshot.seq) return;
        if (!Number.isNaN(snapshot.seq)) state.shownSeqs[element.id] = snapshot.seq;
        const current = document.getElementById(element.id) || element;
        swap(current, snapshot.html);
      })
      .catch(function (error) { console.warn("live: resync failed", group, error); })
      .finally(function () { state.pendingSnapshots -= 1; });
  }

  // --- freshness badge ---------------------------------------------------------------------
  function confirmFresh() {
    state.lastMessageAt = Date.now();
    renderBadge();
  }

  function clock(ms) {
    // The site's zone on a wall, the reader's own elsewhere: named either way.
    const zone = document.body.dataset.siteTimezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
    return V.siteTime(ms, zone);
  }

  function renderBadge() {
    const badge = document.getElementById("live-badge");
    if (!badge) return;
    const ageS = state.lastMessageAt === null ? null : Math.round((Date.now() - state.lastMessageAt) / 1000);
    let kind, icon, text;
    if (ageS === null) {
      kind = state.connected ? "connecting" : "stale";
      icon = state.connected ? "◌" : "✖";
      text = state.connected ? gettext("connecting…") : gettext("stale — no connection");
    } else if (ageS > staleAfterS) {
      kind = "stale"; icon = "✖"; text = interpolate(gettext("stale — no data since %(time)s"), { time: clock(state.lastMessageAt) }, true);
    } else if (ageS > 2 * heartbeatS || !state.connected) {
      kind = "aging"; icon = "◐"; text = state.connected ? interpolate(gettext("updated %(ago)s"), { ago: V.agoWords(ageS) }, true) : interpolate(gettext("updated %(ago)s, reconnecting"), { ago: V.agoWords(ageS) }, true);
    } else {
      kind = "live"; icon = "●"; text = gettext("live");
    }
    // Said when the feed goes stale or recovers; not "updated 5 s ago, 6 s ago..." every second.
    if (kind !== state.badge && (kind === "stale" || (kind === "live" && state.badge === "stale"))) {
      window.ControlTowerAnnounce((badge.dataset.announcePrefix || "Live updates:") + " " + text);
    }
    state.badge = kind;
    badge.className = "badge badge--" + kind;
    badge.dataset.state = kind;
    badge.querySelector(".badge__icon").textContent = icon;
    badge.querySelector(".badge__text").textContent = text;
  }

  // <time data-relative-time datetime="..."> reads "4 s ago", kept current between updates.
  function renderRelativeTimes() {
    document.querySelectorAll("time[data-relative-time]").forEach(function (element) {
      const seconds = (Date.now() - Date.parse(element.getAttribute("datetime"))) / 1000;
      element.textContent = V.agoWords(seconds);
    });
  }

  // An open socket that hears nothing (Redis restarted and forgot our groups, a proxy holding a dead
  // connection) is closed so it reconnects and subscribes again.
  function reviveSilentSocket() {
    const silentS = state.lastMessageAt === null ? 0 : (Date.now() - state.lastMessageAt) / 1000;
    if (state.connected && state.socket && silentS > staleAfterS) {
      state.lastRevive = Date.now();
      state.socket.close();
    }
  }

  setInterval(function () {
    renderBadge();
    renderRelativeTimes();
    if (!state.lastRevive || Date.now() - state.lastRevive > staleAfterS * 1000) reviveSilentSocket();
  }, 1000);
  renderRelativeTimes();
  connect();
})();
