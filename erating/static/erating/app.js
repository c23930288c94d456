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
})();
