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

/* Long pages (main[data-sections]: the person page, the PPE, the O2R beneficiary file), on a
   phone: a list of the page's sections at the top ("Sur cette page"), and each section behind its
   heading, a button that opens it (aria-expanded); one section is open at a time. The section
   holding the address's #anchor or a form error opens first, otherwise the first one. Without
   script, or on a wider screen, every section stays open. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 48rem)");

  function units(main) {
    var list = [], loose = null;
    Array.prototype.forEach.call(main.children, function (el) {
      var first = el.firstElementChild;
      if (el.tagName === "SECTION" && first && first.tagName === "H2") {
        loose = null;
        list.push({ heading: first, parent: el, nodes: Array.prototype.slice.call(el.children, 1) });
      } else if (el.tagName === "H2") {
        loose = { heading: el, parent: main, nodes: [] };
        list.push(loose);
      } else if (loose) {
        loose.nodes.push(el);
      }
    });
    // a heading holding a link or a form stays as it is (a button may not hold them)
    return list.filter(function (u) { return !u.heading.querySelector("a, button, input, select, textarea"); });
  }

  function open(list, chosen) {
    list.forEach(function (u) {
      var on = u === chosen;
      u.button.setAttribute("aria-expanded", on ? "true" : "false");
      u.body.hidden = !on;
    });
  }

  function enhance(main) {
    var list = units(main);
    if (list.length < 2) return;
    list.forEach(function (u, n) {
      var body = document.createElement("div");
      body.className = "section-body";
      body.id = "section-" + (n + 1);
      u.heading.after(body);
      u.nodes.forEach(function (node) { body.appendChild(node); });
      if (!u.heading.id) u.heading.id = "section-title-" + (n + 1);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "section-toggle";
      button.setAttribute("aria-controls", body.id);
      while (u.heading.firstChild) button.appendChild(u.heading.firstChild);
      u.heading.appendChild(button);
      u.body = body;
      u.button = button;
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-expanded") === "true") {
          button.setAttribute("aria-expanded", "false");
          body.hidden = true;
        } else {
          open(list, u);
        }
      });
    });
    var nav = document.createElement("nav");
    nav.className = "page-summary";
    nav.setAttribute("aria-label", main.dataset.sections || "Sur cette page");
    var ul = document.createElement("ul");
    list.forEach(function (u) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + u.heading.id;
      a.textContent = u.button.textContent.trim().replace(/\s+/g, " ");
      a.addEventListener("click", function () { open(list, u); });
      li.appendChild(a);
      ul.appendChild(li);
    });
    nav.appendChild(ul);
    (list[0].parent === main ? list[0].heading : list[0].parent).before(nav);
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var first = list.find(function (u) {
      return (target && (u.heading === target || u.body.contains(target))) ||
        u.body.querySelector(".errorlist, [aria-invalid='true']");
    });
    open(list, first || list[0]);
    narrow.addEventListener("change", function () {
      if (!narrow.matches) list.forEach(function (u) { u.button.setAttribute("aria-expanded", "true"); u.body.hidden = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!narrow.matches) return;
    document.querySelectorAll("main[data-sections]").forEach(enhance);
  });
})();
