/* QR page: show follow-up reasons only after a low score; stop double submits. */
(function () {
  var form = document.getElementById("rate");
  if (!form) return;
  var reasons = document.getElementById("reasons"), max = +form.getAttribute("data-max");
  var hint = document.getElementById("reasons-hint");
  if (hint) hint.hidden = true;
  function update() {
    var chosen = form.querySelector("input[name=score]:checked");
    if (reasons) reasons.hidden = !(chosen && +chosen.value <= max);
  }
  form.addEventListener("change", update);
  update();
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
