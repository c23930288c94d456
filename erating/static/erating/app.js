/* Behaviour shared by every page, kept out of the templates so the Content-Security-Policy can
   forbid inline scripts and event handlers. */
(function () {
  "use strict";
  // <form data-confirm="Question?">: ask before submitting; Cancel keeps the page as it is.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
})();
