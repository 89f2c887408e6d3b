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
