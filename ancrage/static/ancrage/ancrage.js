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

/* The header's menu, on a phone: the "Menu" button shows and hides it (aria-expanded), Escape
   closes it and gives the focus back to the button. Without script the menu stays open. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 48rem)");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("header.site .nav-toggle");
    if (!button) return;
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    button.hidden = false;
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches) {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  });
})();
