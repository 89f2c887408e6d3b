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

  // Discreet mode keeps posters blurred, and titles that name an identity masked, until the member
  // reveals them. What was revealed is remembered in this tab's session storage only.
  var discreet = document.body.classList.contains("discreet");
  var REVEALED_KEY = "qwir-revealed";
  var POSTERS_KEY = "qwir-posters-shown";

  function stored(key) {
    try { return sessionStorage.getItem(key); } catch (ignored) { return null; }
  }

  // The trailer facade: nothing loads from the video host until the member presses play.
  function playTrailer(link) {
    var frame = document.createElement("iframe");
    frame.src = link.getAttribute("data-trailer-src");
    frame.title = link.getAttribute("data-trailer-title");
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "trailer__player";
    var holder = link.parentNode;
    holder.replaceChildren(frame);
    frame.focus();
  }

  function store(key, value) {
    try { sessionStorage.setItem(key, value); } catch (ignored) { /* storage may be disabled */ }
  }

  function revealedKeys() {
    try { return JSON.parse(stored(REVEALED_KEY) || "[]"); } catch (ignored) { return []; }
  }

  function showPosters(button, shown) {
    document.body.classList.toggle("posters-revealed", shown);
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    button.textContent = shown ? button.getAttribute("data-hide-label") : button.getAttribute("data-show-label");
  }

  function togglePosters(button) {
    var shown = !document.body.classList.contains("posters-revealed");
    showPosters(button, shown);
    store(POSTERS_KEY, shown ? "1" : "");
  }

  function templateText(element, selector) {
    var template = element.querySelector(selector);
    return template ? template.content.textContent : null;
  }

  // Unmask one title everywhere in `scope`: its posters, their alt text and the masked names.
  function revealIn(scope, key) {
    scope.querySelectorAll('[data-reveal-key="' + key + '"]').forEach(function (poster) {
      poster.classList.add("is-revealed");
      var alt = templateText(poster, "template[data-alt]");
      var image = poster.querySelector("img");
      if (alt && image) image.alt = alt;
    });
    scope.querySelectorAll('[data-masked-title="' + key + '"]').forEach(function (name) {
      var text = templateText(name, "template");
      if (text !== null) name.textContent = text;
      name.removeAttribute("data-masked-title");
      name.classList.remove("masked-title");
    });
    scope.querySelectorAll('[data-reveal="' + key + '"]').forEach(function (button) {
      button.remove();
    });
  }

  function applyReveals(scope) {
    if (!discreet) return;
    revealedKeys().forEach(function (key) { revealIn(scope, key); });
  }

  function reveal(button) {
    var key = button.getAttribute("data-reveal");
    var keys = revealedKeys();
    if (keys.indexOf(key) < 0) keys.push(key);
    store(REVEALED_KEY, JSON.stringify(keys));
    // The button goes away: keep the keyboard on the title it revealed.
    var link = button.parentElement.querySelector("a") || document.getElementById("main");
    revealIn(document, key);
    if (link) link.focus();
  }

  if (discreet) {
    // No history entries while discreet: htmx replaces the current one instead of pushing, and
    // keeps no copy of past pages in session storage.
    document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
      event.detail.history.type = "replace";
    });
    if (window.htmx) htmx.config.historyCacheSize = 0;
    try { sessionStorage.removeItem("htmx-history-cache"); } catch (ignored) { /* disabled */ }
    var postersButton = document.getElementById("reveal-posters");
    if (postersButton && stored(POSTERS_KEY) === "1") showPosters(postersButton, true);
    applyReveals(document);
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

  // A change that alters the whole page (discreet mode on or off) reloads it in place, so the
  // history gains no entry.
  document.addEventListener("qwir:reload", function (event) {
    window.location.replace(event.detail.value);
  });

  // A page restored from the back/forward cache must not stay blank.
  window.addEventListener("pageshow", function () {
    root.classList.remove("exiting");
  });

  // Share: the system share sheet where there is one, else copy the link and say so.
  function share(link) {
    var url = link.href;
    if (navigator.share) {
      navigator.share({ title: link.getAttribute("data-share-title"), text: link.getAttribute("data-share-text"), url: url })
        .catch(function () { /* the member closed the share sheet */ });
      return true;
    }
    if (!navigator.clipboard || !window.isSecureContext) return false;
    navigator.clipboard.writeText(url).then(function () {
      var copied = link.getAttribute("data-share-copied");
      var status = link.parentNode.querySelector(".share__status");
      if (status) status.textContent = copied;
      announce(copied);
    }, function () { window.location.href = url; });
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-quick-exit]")) {
      event.preventDefault();
      quickExit();
      return;
    }
    var shareLink = event.target.closest("[data-share]");
    if (shareLink && share(shareLink)) {
      event.preventDefault();
      return;
    }
    var railButton = event.target.closest("[data-rail-step]");
    if (railButton) {
      scrollRail(railButton);
      return;
    }
    var trailer = event.target.closest("[data-trailer-src]");
    if (trailer) {
      event.preventDefault();
      playTrailer(trailer);
      return;
    }
    var postersButton = event.target.closest("#reveal-posters");
    if (postersButton) {
      togglePosters(postersButton);
      return;
    }
    var revealButton = event.target.closest("[data-reveal]");
    if (revealButton) reveal(revealButton);
  });

  // A rail whose titles all fit has nothing to scroll to: its arrows are hidden.
  function fitRailControls(scope) {
    var rails = (scope.querySelectorAll ? scope : document).querySelectorAll(".shelf .rail");
    Array.prototype.forEach.call(rails, function (rail) {
      var shelf = rail.closest(".shelf");
      var controls = shelf && shelf.querySelector(".shelf__controls");
      if (controls) controls.hidden = rail.scrollWidth <= rail.clientWidth + 1;
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { fitRailControls(document); }, 150);
  });
  window.addEventListener("load", function () { fitRailControls(document); });

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

  // "Load more" moves focus to the first title it brought, so keyboard users carry on from there.
  document.addEventListener("htmx:afterSettle", function () {
    var first = document.querySelector("[data-focus-on-load]");
    if (first) {
      first.removeAttribute("data-focus-on-load");
      first.focus();
    }
    fitRailControls(document);
  });

  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (element && element.querySelectorAll) applyReveals(element);
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
