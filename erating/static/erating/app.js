// Behaviour of the back office and portal pages, kept out of the templates so a strict
// Content-Security-Policy (no inline scripts or handlers) holds.
(function () {
  "use strict";

  // <form data-confirm="Question?">: ask before submitting (destructive actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // <form data-reload-on="field">: choosing another value of that select reloads the page with it
  // in the query (the form then lists what belongs to it, e.g. one premise's counters). The
  // [data-nojs] button does the same without JavaScript, so it is hidden when this runs.
  document.querySelectorAll("form[data-reload-on]").forEach(function (form) {
    var field = form.elements[form.dataset.reloadOn];
    if (!field) return;
    form.querySelectorAll("[data-nojs]").forEach(function (el) { el.hidden = true; });
    field.addEventListener("change", function () {
      var query = new URLSearchParams(window.location.search);
      query.set(form.dataset.reloadOn, field.value);
      window.location.search = query.toString();
    });
  });

  // The back-office menu folds on phones (CSS decides by width; this only wires the button).
  var nav = document.querySelector(".sidenav");
  var toggle = nav && nav.querySelector(".sidenav-toggle");
  if (toggle) {
    nav.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = !nav.classList.contains("open");
      nav.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // A table wider than its box on a phone says that it scrolls (besides the edge shadow).
  var cue = document.body.dataset.scrollCue;
  function markWideTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      var box = table.closest(".table-wrap") || table;
      // On phones the table itself scrolls (display: block); elsewhere its wrapper does.
      var wide = table.scrollWidth > table.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1;
      // What scrolls must take keyboard focus, or a keyboard user cannot reach its hidden columns.
      if (wide && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      var note = box.previousElementSibling;
      var has = note && note.classList.contains("scroll-cue");
      if (wide && !has && cue) {
        note = document.createElement("p");
        note.className = "scroll-cue";
        note.textContent = cue;
        box.parentNode.insertBefore(note, box);
      } else if (!wide && has) {
        note.remove();
      }
    });
  }
  markWideTables();
  window.addEventListener("resize", markWideTables);
  document.addEventListener("htmx:afterSettle", markWideTables);
})();
