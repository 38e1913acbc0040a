// API tokens screen: the copy button next to the one-time secret.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) return;
      var done = function () {
        var note = document.querySelector('[data-copied-for="' + field.id + '"]');
        if (note) note.hidden = false;
      };
      field.select();
      // The selected field copied within the click first: the asynchronous clipboard API can wait
      // without end (a page without focus), and the person would see no tick.
      if (document.execCommand("copy")) {
        done();
      } else if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done);
      }
    });
  });
})();
