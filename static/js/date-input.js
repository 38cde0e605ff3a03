// One date input everywhere (core/widgets.py DateInput, data-date-input): dd/mm/yyyy typed on a
// numeric keyboard; the slashes appear as one types, and a finished date is checked for the calendar.
(function () {
  "use strict";
  function format(digits) {
    var out = digits.slice(0, 2);
    if (digits.length > 2) {
      out += "/" + digits.slice(2, 4);
    }
    if (digits.length > 4) {
      out += "/" + digits.slice(4, 8);
    }
    return out;
  }
  function valid(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (!m) {
      return /^\d{4}-\d{2}-\d{2}$/.test(text);
    }
    var d = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    return d.getFullYear() === Number(m[3]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[1]);
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-date-input]")) {
      return;
    }
    if (event.inputType && event.inputType.indexOf("delete") === 0) {
      return;
    }
    var value = input.value;
    if (!/^[\d/]*$/.test(value) || input.selectionEnd !== value.length) {
      return; // an ISO date, or an edit in the middle: leave the caret where it is
    }
    // Reformat only what this script could have written: slashes at the 3rd and 6th places. A date
    // typed with its own slashes ("5/4/2026") stays as typed.
    for (var i = 0; i < value.length; i++) {
      if (value.charAt(i) === "/" && i !== 2 && i !== 5) {
        return;
      }
    }
    var digits = value.replace(/\D/g, "");
    var formatted = format(digits);
    if (value.charAt(value.length - 1) === "/" && (digits.length === 2 || digits.length === 4)) {
      formatted += "/";
    }
    input.value = formatted;
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-date-input]")) {
      return;
    }
    var text = input.value.trim();
    input.setCustomValidity(text === "" || valid(text) ? "" : input.getAttribute("data-date-error") || "dd/mm/yyyy");
  });
})();
