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
