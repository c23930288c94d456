// FAQ search: filters the accordion as you type (without JavaScript the same box is a GET form the
// server answers). Matching ignores case and accents; a match inside a
// closed answer opens it, and the live region tells screen readers how many questions match.
(function () {
  "use strict";
  var box = document.querySelector(".faq-search");
  var input = document.getElementById("faq-q");
  var count = document.getElementById("faq-count");
  var items = Array.prototype.slice.call(document.querySelectorAll(".faq-item"));
  if (!box || !input || !items.length) { return; }
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var texts = items.map(function (item) { return fold(item.textContent); });
  var timer = null;
  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
      if (words.length && match && fold(item.querySelector(".faq-a").textContent).indexOf(words[0]) !== -1) {
        item.open = true;
      }
    });
    if (!words.length) { count.textContent = ""; return; }
    count.textContent = shown === 0 ? count.dataset.none
      : shown === 1 ? count.dataset.one : count.dataset.many.replace("{n}", String(shown));
  }
  // Live filtering only when the page holds every question (not a server-filtered result).
  if (items.length !== Number(count.dataset.total)) { return; }
  box.dataset.live = "1";
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; apply(); }
    if (event.key === "Enter" && box.dataset.live === "1") {
      event.preventDefault();
      var first = items.filter(function (item) { return !item.hidden; })[0];
      if (first) { first.open = true; first.querySelector("summary").focus(); }
    }
  });
}());
