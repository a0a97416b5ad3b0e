/* Ancrage: the little the pages need beyond htmx; every page works without it.

   - A table wider than a phone's screen scrolls inside itself (ancrage.css); it is then made
     reachable with the keyboard, so that it can be scrolled without a mouse (WCAG 2.1.1).
   - What a save says: the page's live region (#live-messages, role=status) announces it; the
     focus goes to it after a page load that carries a message, or to the item a link names
     (#rdv-12), and after an htmx save that put a message in it (kernel/flow.py).
   - An appointment's end: one hour after its start, proposed as soon as the start is typed
     (an end field names its start with data-ends-after), unless the end was typed. */
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

  function focusSaved() {
    var target = null;
    if (window.location.hash.length > 1) {
      target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      if (target && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    }
    var live = document.getElementById("live-messages");
    if (!target && live && live.querySelector("li")) target = live;
    if (target) target.focus({ preventScroll: false });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function oneHourLater(value) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!match) return "";
    var d = new Date(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
    d.setHours(d.getHours() + 1);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function endsAfterStart(root) {
    (root || document).querySelectorAll("input[data-ends-after]").forEach(function (end) {
      var start = document.getElementById(end.getAttribute("data-ends-after"));
      if (!start || end.dataset.bound) return;
      end.dataset.bound = "1";
      var proposed = "";
      end.addEventListener("input", function () { proposed = ""; });
      start.addEventListener("change", function () {
        if (end.value === "" || end.value === proposed) {
          proposed = oneHourLater(start.value);
          end.value = proposed;
        }
      });
    });
  }

  // A list filter (input[data-filters=id]): typing keeps the fields of that group whose label
  // holds the text, accents and case aside, and opens the groups that keep one.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function listFilters(root) {
    (root || document).querySelectorAll("input[data-filters]").forEach(function (input) {
      var box = document.getElementById(input.getAttribute("data-filters"));
      if (!box || input.dataset.bound) return;
      input.dataset.bound = "1";
      input.closest("[hidden]") && input.closest("[hidden]").removeAttribute("hidden");
      input.addEventListener("input", function () {
        var wanted = fold(input.value.trim());
        box.querySelectorAll("details").forEach(function (group) {
          var kept = 0;
          group.querySelectorAll(".field").forEach(function (field) {
            var label = field.querySelector("label");
            var keep = !wanted || (label && fold(label.textContent).indexOf(wanted) !== -1);
            field.hidden = !keep;
            if (keep) kept += 1;
          });
          group.hidden = kept === 0;
          if (wanted && kept) group.open = true;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    listFilters(document);
    focusableScrollers(document);
    endsAfterStart(document);
    focusSaved();
  });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  var announced = null;  // the live region an htmx answer just wrote into
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var live = event.detail && event.detail.target;
    if (live && live.id === "live-messages" && live.querySelector("li")) announced = live;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    focusableScrollers(event.target);
    endsAfterStart(event.target);
    if (announced) {
      announced.focus();
      announced = null;
    }
  });
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
