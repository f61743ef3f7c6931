// Idle sign-out warning, and the browser's time zone as a default. Nothing else runs here.
(function () {
  "use strict";

  function setupIdleWarning() {
    var body = document.body;
    var idle = parseInt(body.dataset.idleSeconds || "0", 10);
    if (!idle) return;
    var warnBefore = parseInt(body.dataset.idleWarningSeconds || "120", 10);
    var box = document.getElementById("idle-warning");
    var warnTimer, outTimer;

    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(outTimer);
      box.hidden = true;
      warnTimer = setTimeout(function () {
        box.hidden = false;
        document.getElementById("idle-stay").focus();
      }, Math.max(idle - warnBefore, 1) * 1000);
      // Reloading after the limit lets the server sign out and show why, instead of leaving a stale page.
      outTimer = setTimeout(function () { window.location.reload(); }, (idle + 2) * 1000);
    }

    document.getElementById("idle-stay").addEventListener("click", function () {
      var token = document.querySelector('meta[name="csrf-token"]').content;
      fetch(body.dataset.pingUrl, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" })
        .then(function (response) { if (response.ok) schedule(); else window.location.reload(); });
    });
    document.body.addEventListener("htmx:afterRequest", schedule);
    schedule();
  }

  function guessTimeZone() {
    document.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
      if (select.dataset.userChosen) return;
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
      } catch (e) { /* keep the server's default */ }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupIdleWarning();
    guessTimeZone();
  });
})();
