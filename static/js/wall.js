/*
 * wall.js — what a TV needs beyond live.js: a ticking clock in the site's zone, a reload when a new version is
 * deployed (the pulse carries the server's version), and board rotation. Nothing needs a mouse.
 */
(function () {
  "use strict";
  const body = document.body;
  const clock = document.getElementById("wall-clock");
  const V = window.ControlTowerVocabulary;

  // The site's time, its zone named: the same helper as every other time at a site.
  function tick() { if (clock) clock.textContent = V.siteTime(new Date(), body.dataset.siteTimezone, { seconds: true }); }
  setInterval(tick, 1000);
  tick();

  document.addEventListener("live:event", function (event) {
    const message = event.detail;
    if (message.event !== "pulse") return;
    // A new deployment: reload to get its pages and scripts.
    const version = message.data && message.data.version;
    if (version && body.dataset.appVersion && version !== body.dataset.appVersion) location.reload();
    // The pulse carries the Odoo link status ("synced 4 s ago"); show it in the top bar.
    const holder = document.getElementById("wall-odoo-" + message.data.site);
    if (holder && message.html) {
      const parsed = document.createElement("template");
      parsed.innerHTML = message.html;
      const link = parsed.content.querySelector(".odoo-link");
      if (!link) return;
      if (!message.lang || message.lang === document.documentElement.lang) holder.replaceChildren(link);
      else if (!holder.querySelector("." + link.classList[1])) refreshOdooLink(holder, message.data.site);
    }
  });

  // The pulse was rendered in another language: when the link's state changes (its class says so in
  // any language), take the words from this site's pulse snapshot, in the page's language.
  function refreshOdooLink(holder, site) {
    fetch("/live/sites/" + encodeURIComponent(site) + "/pulse/", { credentials: "same-origin", headers: { "X-Requested-With": "wall.js" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        const parsed = document.createElement("template");
        parsed.innerHTML = html;
        const link = parsed.content.querySelector(".odoo-link");
        if (link) holder.replaceChildren(link);
      })
      .catch(function () { /* the next pulse tries again */ });
  }

  if (body.dataset.nextBoard && Number(body.dataset.rotateAfterS) > 0) {
    setTimeout(function () { location.assign(body.dataset.nextBoard); }, Number(body.dataset.rotateAfterS) * 1000);
  }
})();
