/* Ancrage: the little the pages need beyond htmx. A table wider than a phone's screen scrolls
   inside itself (ancrage.css); it is then made reachable with the keyboard, so that it can be
   scrolled without a mouse (WCAG 2.1.1). Runs on load, on resize and after each htmx swap. */
(function () {
  "use strict";
  function focusableScrollers(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        if (!table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusableScrollers(event.target); });
})();
