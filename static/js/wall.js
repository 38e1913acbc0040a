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
      if (link) holder.replaceChildren(link);
    }
  });

  if (body.dataset.nextBoard && Number(body.dataset.rotateAfterS) > 0) {
    setTimeout(function () { location.assign(body.dataset.nextBoard); }, Number(body.dataset.rotateAfterS) * 1000);
  }
})();
