// Filling screen: live progress, and a hint on missing required items (the server enforces them).
(function () {
  "use strict";
  var form = document.getElementById("fill-form");
  if (!form) { return; }
  var bar = document.getElementById("fill-progress");
  var text = document.getElementById("fill-progress-text");
  var items = Array.prototype.slice.call(form.querySelectorAll("fieldset.item"));

  function answered(item) {
    var code = item.getAttribute("data-code");
    var checked = item.querySelector('input[name="a-' + code + '"]:checked');
    if (checked) { return true; }
    var field = item.querySelector('input[name="a-' + code + '"]:not([type=radio]), textarea[name="a-' + code + '"]');
    if (field && field.value.trim() !== "") { return true; }
    var photo = item.querySelector('input[name="photo-' + code + '"]');
    if (photo && photo.files && photo.files.length) { return true; }
    return !!item.querySelector('input[name="keep-' + code + '"]:checked');
  }

  function shown(item) { return !item.hidden; }  // relevance.js hides items whose condition is false

  function update() {
    var visible = items.filter(shown);
    var done = visible.filter(answered).length;
    bar.max = visible.length;
    bar.value = done;
    var template = text.getAttribute("data-template");
    text.textContent = template.replace("{done}", done).replace("{total}", visible.length);
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    items.forEach(function (item) { item.classList.remove("missing"); });
    if (!submitter || submitter.value !== "submit") { return; }
    var missing = items.filter(function (item) {
      return shown(item) && item.getAttribute("data-required") === "1" && !answered(item);
    });
    missing.forEach(function (item) { item.classList.add("missing"); });
    if (missing.length) {
      event.preventDefault();
      missing[0].scrollIntoView({ behavior: "smooth", block: "center" });
      var first = missing[0].querySelector("input, textarea");
      if (first) { first.focus({ preventScroll: true }); }
    }
  });
  update();
})();
