// "Listen": reads a piece of the page aloud with the browser's own speech synthesis (nothing is sent anywhere),
// in the language of what it reads (the nearest `lang`, usually <html lang>), with pause, resume, stop and a speed remembered on this device.
// Each control is templates/_listen.html: `data-listen-for` names the elements to read (ids), or
// `data-listen-text` holds the words (with neither, it reads the element it sits in); the labels it shows come translated from the template.
(function () {
  "use strict";
  var RATE_KEY = "carryover.listen.rate";
  var synth = window.speechSynthesis;
  var active = null; // the control reading now: one at a time, as a person listens to one thing at a time

  function supported() {
    return !!(synth && window.SpeechSynthesisUtterance);
  }

  function savedRate() {
    try { return window.localStorage.getItem(RATE_KEY) || "1"; } catch (e) { return "1"; }
  }

  function saveRate(value) {
    try { window.localStorage.setItem(RATE_KEY, value); } catch (e) { /* private mode: this page only */ }
  }

  var BLOCKS = /^(P|DIV|LI|DT|DD|H[1-6]|LABEL|LEGEND|SECTION|BR|TR|SUMMARY|ASIDE|UL|OL|DL|FIELDSET|BLOCKQUOTE)$/;
  var SKIP = "[data-listen], script, style, template, button, select, input[type=hidden], [aria-hidden=true]";

  // The words a person sees in an element, with what they typed into its boxes (a safety plan being written),
  // one line per block so the voice pauses between a heading and its text.
  function textOf(element) {
    var parts = [];
    (function walk(node) {
      if (node.nodeType === 3) { parts.push(node.nodeValue); return; }
      if (node.nodeType !== 1 || node.hidden || node.matches(SKIP)) return;
      if (node.matches("textarea, input")) {
        if (!node.matches("[type=checkbox], [type=radio]")) parts.push("\n" + node.value + "\n");
        return;
      }
      if (node.tagName === "DETAILS" && !node.open) {  // closed: only its summary is on screen
        var summary = node.querySelector("summary");
        if (summary) walk(summary);
        return;
      }
      var block = BLOCKS.test(node.tagName);
      if (block) parts.push("\n");
      node.childNodes.forEach(walk);
      if (block) parts.push("\n");
    })(element);
    return parts.join("");
  }

  function wordsFor(box) {
    if (box.dataset.listenText) return box.dataset.listenText;
    if (!box.dataset.listenFor) return textOf(box.parentElement);
    return box.dataset.listenFor.split(/\s+/).map(function (id) {
      var element = document.getElementById(id);
      return element ? textOf(element) : "";
    }).join("\n");
  }

  // Sentence by sentence: a long utterance is cut off after about 15 seconds by some browsers, and a new speed
  // takes effect from the next sentence.
  function sentences(text) {
    return text.replace(/([.!?…])\s+/g, "$1\n").split(/\n+/).map(function (s) { return s.replace(/\s+/g, " ").trim(); })
      .filter(function (s) { return /[\p{L}\p{N}]/u.test(s); });
  }

  // The language of what a control reads: a built-in not yet translated (the PCL-5 for a Spanish reader) is marked
  // lang="en" around its questions, and an English voice must read it.
  function languageFor(box) {
    var first = box.dataset.listenFor ? document.getElementById(box.dataset.listenFor.split(/\s+/)[0]) : null;
    var marked = (first || box).closest("[lang]") || document.documentElement;
    return marked.lang || "en";
  }

  function voiceFor(lang) {
    var voices = synth.getVoices ? synth.getVoices() : [];
    var wanted = lang.toLowerCase().replace("_", "-");
    var exact = voices.filter(function (v) { return v.lang.toLowerCase().replace("_", "-") === wanted; });
    if (exact.length) return exact[0];
    var base = wanted.split("-")[0];
    return voices.filter(function (v) { return v.lang.toLowerCase().split(/[-_]/)[0] === base; })[0] || null;
  }

  function setup(box) {
    var button = box.querySelector("[data-listen-play]");
    var stop = box.querySelector("[data-listen-stop]");
    var speed = box.querySelector("[data-listen-rate]");
    var speedBox = speed.closest("[data-listen-speed]");
    var status = box.querySelector("[data-listen-status]");
    var queue = [], state = "idle", run = 0, lang = "en";

    function show(next) {
      state = next;
      var word = { idle: "listen", reading: "pause", paused: "resume" }[next];
      button.textContent = box.dataset["label" + word.charAt(0).toUpperCase() + word.slice(1)];
      button.setAttribute("aria-label", box.dataset["name" + word.charAt(0).toUpperCase() + word.slice(1)]);
      stop.hidden = next === "idle";
      speedBox.hidden = next === "idle";
      status.textContent = next === "reading" ? box.dataset.statusReading
        : next === "paused" ? box.dataset.statusPaused : "";
    }

    function speakNext(mine) {
      if (mine !== run) return;
      if (!queue.length) { finish(); return; }
      var utterance = new window.SpeechSynthesisUtterance(queue.shift());
      utterance.lang = lang;
      var voice = voiceFor(lang);
      if (voice) utterance.voice = voice;
      utterance.rate = parseFloat(speed.value) || 1;
      utterance.onend = function () { speakNext(mine); };
      utterance.onerror = function (event) {
        if (event.error !== "interrupted" && event.error !== "canceled") finish();
      };
      synth.speak(utterance);
    }

    function finish() {
      run += 1;
      queue = [];
      if (active === finish) active = null;
      show("idle");
    }

    function start() {
      if (active && active !== finish) active();
      synth.cancel();
      run += 1;
      active = finish;
      queue = sentences(wordsFor(box));
      lang = languageFor(box);
      show("reading");
      speakNext(run);
    }

    button.addEventListener("click", function () {
      if (state === "idle") start();
      else if (state === "reading") { synth.pause(); show("paused"); }
      else { synth.resume(); show("reading"); }
    });
    stop.addEventListener("click", function () {
      finish();
      synth.cancel();
      button.focus();
    });
    speed.value = savedRate();
    if (!speed.value) speed.value = "1";
    speed.addEventListener("change", function () {
      saveRate(speed.value);
      document.querySelectorAll("[data-listen-rate]").forEach(function (other) { other.value = speed.value; });
    });
    show("idle");
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!supported()) return;
    document.querySelectorAll("[data-listen]").forEach(setup);
  });
  // Leaving the page stops the voice: it would otherwise go on reading a page no longer on screen.
  window.addEventListener("pagehide", function () { if (supported()) synth.cancel(); });
})();
