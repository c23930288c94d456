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
})();
