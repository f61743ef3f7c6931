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
      // Already signed out (the server counts activity to the minute), the ping is redirected to sign in: not
      // followed here, so the reload shows the sign-in page with the reason.
      fetch(body.dataset.pingUrl, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin",
                                    redirect: "manual" })
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

// Drawing canvas and in-browser voice recording for worksheet answers (progressive: the form still works without).
(function () {
  "use strict";

  function setupDrawing(box) {
    var canvas = box.querySelector("canvas");
    var output = document.getElementById(box.dataset.drawingFor);
    var ctx = canvas.getContext("2d");
    var drawing = false, dirty = false;
    ctx.lineWidth = 4; ctx.lineCap = "round"; ctx.strokeStyle = "#1d2a33";
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * canvas.width / rect.width, (event.clientY - rect.top) * canvas.height / rect.height];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true; var p = point(event); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return; var p = point(event); ctx.lineTo(p[0], p[1]); ctx.stroke(); dirty = true;
    });
    function finish() { if (drawing && dirty) output.value = canvas.toDataURL("image/png"); drawing = false; }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    box.querySelector("[data-clear]").addEventListener("click", function () {
      ctx.fillRect(0, 0, canvas.width, canvas.height); output.value = ""; dirty = false;
    });
  }

  function setupRecorder(box) {
    if (!window.MediaRecorder || !navigator.mediaDevices) return;
    var input = document.getElementById(box.dataset.recorderFor);
    var button = box.querySelector("[data-record]");
    var status = box.querySelector("[data-status]");
    var recorder = null, chunks = [];
    box.hidden = false;
    button.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") { recorder.stop(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (e) { chunks.push(e.data); });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          var blob = new Blob(chunks, { type: recorder.mimeType });
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], "recording.webm", { type: recorder.mimeType }));
          input.files = transfer.files;
          button.textContent = button.dataset.again || "Record again";
          status.textContent = button.dataset.recorded || "Recorded. It will be saved when you press Next or Save.";
        });
        recorder.start();
        button.textContent = button.dataset.stop || "Stop";
        status.textContent = button.dataset.recording || "Recording…";
      }).catch(function () {
        status.textContent = button.dataset.noMicrophone || "The microphone isn't available; you can choose a file instead.";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-drawing-for]").forEach(setupDrawing);
    document.querySelectorAll("[data-recorder-for]").forEach(setupRecorder);
  });
})();

// Autosave status: say so when a save could not reach the server (offline, server busy); the words stay on the
// page and in the form, and the next keystroke or a press of Next tries again.
(function () {
  "use strict";
  function status(text) {
    var box = document.getElementById("saved");
    if (box) box.textContent = text;
  }
  document.addEventListener("htmx:sendError", function () {
    status("Not saved yet — no connection. Keep going: we'll save when you're back online.");
  });
  document.addEventListener("htmx:responseError", function () {
    status("Not saved yet — we'll try again as you type.");
  });
  window.addEventListener("online", function () {
    var form = document.querySelector("form[data-autosave]");
    if (form && window.htmx) window.htmx.trigger(form, "change");
  });
})();

// On the step-by-step forms: focus the step's heading after Next or Back (not the top of the page, eight Tab stops
// away), and count characters near a text answer's limit (`data-limit`) so nothing is cut or refused by surprise.
(function () {
  "use strict";
  function counter(input) {
    var limit = parseInt(input.dataset.limit || "0", 10);
    if (!limit) return;
    var note = document.createElement("p");
    note.className = "help counter";
    note.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", note);
    function update() {
      var length = input.value.length;
      if (length > limit) note.textContent = (length - limit).toLocaleString() + " characters too many: the most is " + limit.toLocaleString() + ".";
      else if (length >= limit * 0.8) note.textContent = (limit - length).toLocaleString() + " characters left.";
      else note.textContent = "";
      note.classList.toggle("error", length > limit);
    }
    input.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var heading = document.querySelector("[data-focus-on-load]");
    if (heading) heading.focus();
    document.querySelectorAll("[data-limit]").forEach(counter);
  });
})();

// Copy buttons (`data-copy-from` names the field): shown only where the browser can copy.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy-from]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copyFrom);
      var status = document.querySelector("[data-copy-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) status.textContent = button.dataset.copied || "Copied. Paste it into your calendar app.";
        }, function () {
          field.select();
          if (status) status.textContent = button.dataset.copyFailed || "Couldn't copy: the address is selected, so you can copy it yourself.";
        });
      });
    });
  });
})();

// A link that takes a moment (the PDF download, about 2 s): say so while it is prepared (`data-busy`).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-busy]");
    if (!link || link.getAttribute("aria-busy") === "true") return;
    var label = link.textContent;
    link.textContent = link.dataset.busy;
    link.setAttribute("aria-busy", "true");
    // A download leaves the page where it is: give the label back once it has had time to arrive.
    setTimeout(function () { link.textContent = label; link.removeAttribute("aria-busy"); }, 6000);
  });
})();
