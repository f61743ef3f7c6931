// The installed app with no signal: registers the service worker for a signed-in person, asks it to keep Today's
// activities, the safety plan and the crisis lines; on an activity's form with no connection, keeps the answers on
// this phone (offline-store.js, encrypted) and moves between the kept steps; sends them when the connection returns.
// Every word shown comes from the page (#offline's data attributes), so it is translated with the page.
(function () {
  "use strict";
  var box, owner, store, told = false, unsent = 0;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function say(text, items) {
    box.querySelector("[data-text]").textContent = text;
    var list = box.querySelector("[data-list]");
    list.textContent = "";
    (items || []).forEach(function (item) { list.appendChild(item); });
    box.hidden = !text;
  }

  function item(text, href, discardUrl) {
    var li = document.createElement("li");
    if (href) {
      var link = document.createElement("a");
      link.href = href; link.textContent = text;
      li.appendChild(link);
    } else {
      li.textContent = text;
    }
    if (discardUrl) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "link"; button.textContent = " " + box.dataset.discard;
      button.addEventListener("click", function () { store.remove(discardUrl).then(showState); });
      li.appendChild(button);
    }
    return li;
  }

  // What was typed, to read (and copy) when the server could not take it: only the words, never lost.
  function typed(url) {
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = box.dataset.show;
    details.appendChild(summary);
    store.load(url, owner).then(function (kept) {
      Object.keys(kept ? kept.values : {}).forEach(function (name) {
        var words = kept.values[name].join(", ");
        if (!words || /-present$/.test(name)) return;
        var p = document.createElement("p");
        p.textContent = words;
        details.appendChild(p);
      });
    });
    return details;
  }

  // On Today, beside each activity whose answers wait on this phone, say so (the page itself may be a kept copy).
  function markActivities(records) {
    records.forEach(function (record) {
      var page = record.url.replace(/offline\/$/, "");
      document.querySelectorAll('a[href="' + page + '"]').forEach(function (link) {
        if (link.parentNode.querySelector("[data-kept-here]")) return;
        var note = document.createElement("span");
        note.className = "small muted";
        note.setAttribute("data-kept-here", "");
        note.textContent = box.dataset.keptHere;
        link.insertAdjacentElement("afterend", note);
      });
    });
  }

  // What the phone holds for this person: answers waiting for a connection, and ones the server could not take.
  function showState() {
    return store.waiting(owner).then(function (records) {
      unsent = records.length;
      markActivities(records);
      var held = records.filter(function (r) { return r.state === "held"; });
      var items = held.map(function (r) {
        var li = item(r.message, r.url.replace(/offline\/$/, ""), r.url);
        li.appendChild(typed(r.url));
        return li;
      });
      if (records.length > held.length) say(navigator.onLine ? box.dataset.sending : box.dataset.saved, items);
      else if (held.length) say(box.dataset.waiting, items);
      else if (!navigator.onLine) say(box.dataset.offline);
      else if (!told) say("");  // what the server said about sent answers stays until the next page
    });
  }

  // What the server said about answers sent from here or by the worker: its words, and the crisis screen at once
  // when an answer called for it; on the activity's own page, the server's copy replaces the phone's.
  function showNotices() {
    return store.notices().then(function (notices) {
      if (!notices.length) return;
      var crisis = notices.filter(function (n) { return n.status === "crisis"; })[0];
      if (crisis) { window.location.assign(crisis.next); return; }
      var here = notices.filter(function (n) { return n.url.replace(/offline\/$/, "") === window.location.pathname; })[0];
      if (here && here.status === "sent") { window.location.assign(here.next); return; }
      if (here) { window.location.reload(); return; }
      told = true;
      say(notices[0].message, notices.slice(1).map(function (n) { return item(n.message, n.next); }));
    });
  }

  function forgetPages() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("carryover-pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }

  // Back online: is this still the same person's session? Signed out meanwhile (idle, or the account closed) or
  // someone else signed in: the kept pages go (and another person's answers), and the page shows what is true now.
  function sameSession() {
    return fetch(box.dataset.worker, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      var now = response.headers.get("X-Carryover-Owner") || "";
      if (now === owner) return true;
      return forgetPages().then(function () { return now ? store.claim(now) : null; })
        .then(function () { window.location.reload(); return false; });
    }).catch(function () { return true; });  // no answer: still offline, nothing learnt
  }

  // On the online event, and on opening a page while answers wait: the session is checked first.
  function sync(event) {
    if (!navigator.onLine) return showState();
    return showState().then(function () { return event || unsent ? sameSession() : true; }).then(function (same) {
      if (!same) return null;
      return store.sendAll(owner, csrf(), box.dataset.gone).then(showNotices).then(showState);
    });
  }

  function formValues(form) {
    var values = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || !/^[foa]-/.test(name) || /-drawing$/.test(name)) return;
      (values[name] = values[name] || []).push(value);
    });
    // An unticked group says so (`-present`): it was shown, and nothing is chosen.
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (input) {
      if (!values[input.name] && values[input.name + "-present"]) values[input.name] = [];
    });
    return values;
  }

  function fill(form, values) {
    Object.keys(values).forEach(function (name) {
      var inputs = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      inputs.forEach(function (input, index) {
        if (input.type === "checkbox" || input.type === "radio") input.checked = values[name].indexOf(input.value) >= 0;
        else if (input.type !== "file" && input.type !== "hidden") input.value = values[name][index] || "";
      });
    });
  }

  // Where Next, Back or "part of it" lead with no server to ask: the kept steps in order, "what got in the way"
  // only after "did part of it" or "didn't get to it".
  function nextStep(form, go, values) {
    var steps = form.dataset.offlineSteps.split(",");
    var outcome = (values["o-outcome"] || [])[0];
    if (outcome === "done") steps = steps.filter(function (s) { return s !== "barriers"; });
    if (go === "part") return "outcome";
    var at = steps.indexOf(form.dataset.offlineStep);
    return steps[Math.max(0, Math.min(steps.length - 1, at + (go === "back" ? -1 : 1)))];
  }

  // A risk answer typed with no signal (the rules ride on the fields, as the server reads them): nobody can be told
  // yet, so the crisis lines kept on this phone come first at once, as the autosave brings them online. The
  // answers are kept; they are sent, and the care team alerted, the moment the phone is back online.
  function riskMet(form) {
    return Array.prototype.some.call(form.querySelectorAll("[data-risk-at-least]"), function (field) {
      var atLeast = parseFloat(field.dataset.riskAtLeast);
      var answers = field.dataset.riskAnswers.split(" ").filter(Boolean);
      return Array.prototype.some.call(field.querySelectorAll("input, select"), function (input) {
        if (!input.name || input.type === "hidden" || input.value === "") return false;
        if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return false;
        return answers.length ? answers.indexOf(input.value) >= 0 : parseFloat(input.value) >= atLeast;
      });
    });
  }

  function setupForm(form) {
    var url = form.dataset.offlineUrl;
    var bases = formValues(form);  // what the page showed: the server's answers as far as this phone knows
    var pending = null;
    store.load(url, owner).then(function (kept) { if (kept) { fill(form, kept.values); } });

    function keepNow(finish) {
      clearTimeout(pending);
      var values = formValues(form);
      return store.keep(url, owner, csrf(), values, bases, finish).then(function (kept) {
        if ("serviceWorker" in navigator && window.SyncManager) {
          navigator.serviceWorker.ready.then(function (r) { return r.sync.register("carryover-send"); })
            .catch(function () { /* sent on the next open or online event instead */ });
        }
        return showState().then(function () { return kept; });
      });
    }
    form.addEventListener("input", function () {
      if (navigator.onLine) return;
      clearTimeout(pending);
      if (riskMet(form)) {
        keepNow(false).then(function () { window.location.assign(box.dataset.help); });
        return;
      }
      pending = setTimeout(function () { keepNow(false); }, 400);
    });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var go = event.submitter ? event.submitter.value : "next";
      keepNow(go === "finish").then(function (values) {
        if (go === "finish") { window.location.assign(box.dataset.today); return; }
        var step = nextStep(form, go, values);
        window.location.assign(window.location.pathname + "?step=" + step);
      });
    });
  }

  function setupWorker() {
    if (!("serviceWorker" in navigator)) return;
    var keep = document.getElementById("offline-urls");
    navigator.serviceWorker.register(box.dataset.worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (keep && registration.active && navigator.onLine) {
        registration.active.postMessage({ type: "keep", owner: owner, urls: JSON.parse(keep.textContent) });
      }
    }).catch(function () { /* no offline copies in this browser: everything still works online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "sent") showNotices().then(showState);
    });
  }

  // Signing out wipes this phone's copy (Clear-Site-Data): answers not sent yet would go with it, so ask first.
  function guardSignOut() {
    document.querySelectorAll('form[action="' + box.dataset.signOut + '"]').forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (unsent && !window.confirm(box.dataset.signOutWarning)) event.preventDefault();
      });
    });
  }

  // The autosave could not reach the server: on a form the phone keeps, what was typed is safe here.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-offline-url]") : null;
    var saved = document.getElementById("saved");
    if (form && saved && box) setTimeout(function () { saved.textContent = box.dataset.saved; }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("offline");
    store = window.CarryoverStore;
    if (!box || !store || !window.indexedDB || !window.crypto || !window.crypto.subtle) return;
    owner = box.dataset.owner;
    if (!owner) {
      forgetPages();  // nobody signed in here (signed out, or the session ended): no page of anyone's stays
      return;
    }
    guardSignOut();
    store.claim(owner).then(function (someoneElse) {
      if (someoneElse && window.caches) {  // the last person's copies of pages go with their answers
        caches.keys().then(function (names) { names.forEach(function (name) { caches.delete(name); }); });
      }
      setupWorker();
      var form = document.querySelector("form[data-offline-url]");
      if (form) setupForm(form);
      return sync();
    });
    window.addEventListener("online", sync);
    window.addEventListener("offline", showState);
  });
})();
