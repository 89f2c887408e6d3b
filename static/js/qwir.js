// Qwir's small behaviours: rail buttons, the poster reveal, aria-busy and the live announcements.
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.remove("no-js");

  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // Previous/next buttons scroll their rail by most of its visible width.
  function scrollRail(button) {
    var rail = document.getElementById(button.getAttribute("aria-controls"));
    if (!rail) return;
    var step = Number(button.getAttribute("data-rail-step")) || 1;
    rail.scrollBy({
      left: step * Math.max(rail.clientWidth * 0.85, 120),
      behavior: reducedMotion.matches ? "auto" : "smooth"
    });
  }

  // Discreet mode keeps posters blurred until the member asks to see them.
  function togglePosters(button) {
    var revealed = document.body.classList.toggle("posters-revealed");
    button.setAttribute("aria-pressed", revealed ? "true" : "false");
    button.textContent = revealed ? "Hide posters" : "Show posters";
  }

  // Quick exit, as on domestic-violence support sites: blank the page at once, then replace this
  // history entry with a neutral site, so Back does not return here. Escape twice does the same.
  var ESCAPE_WINDOW_MS = 1000;
  var lastEscape = 0;

  function quickExit() {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    root.classList.add("exiting");
    try { sessionStorage.clear(); } catch (ignored) { /* storage may be disabled */ }
    window.location.replace(link.href);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape <= ESCAPE_WINDOW_MS) {
      quickExit();
    }
    lastEscape = now;
  });

  // "Forget everything" also forgets what this tab remembers (revealed posters and titles).
  document.addEventListener("submit", function (event) {
    if (event.target.closest("[data-forget-everything]")) {
      try { sessionStorage.clear(); } catch (ignored) { /* storage may be disabled */ }
    }
  });

  // A page restored from the back/forward cache must not stay blank.
  window.addEventListener("pageshow", function () {
    root.classList.remove("exiting");
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-quick-exit]")) {
      event.preventDefault();
      quickExit();
      return;
    }
    var railButton = event.target.closest("[data-rail-step]");
    if (railButton) {
      scrollRail(railButton);
      return;
    }
    var reveal = event.target.closest("#reveal-posters");
    if (reveal) togglePosters(reveal);
  });

  // One polite live region says what arrived; messages landing together are read as one.
  var pending = [];
  var flushTimer = null;

  function announce(message) {
    var region = document.getElementById("live-status");
    if (!region || !message) return;
    pending.push(message);
    clearTimeout(flushTimer);
    flushTimer = setTimeout(function () {
      region.textContent = pending.join(" ");
      pending = [];
    }, 400);
  }

  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (element && element.getAttribute && element.hasAttribute("data-announce")) {
      announce(element.getAttribute("data-announce"));
      element.removeAttribute("data-announce");
    }
  });

  // The region being refreshed says it is busy until its answer is in place.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) target.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target && target.isConnected) target.removeAttribute("aria-busy");
  });
})();
