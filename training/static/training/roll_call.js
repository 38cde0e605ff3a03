// Roll call: "everyone present", then tap the exceptions. Minutes follow the status (full session when present,
// 0 when absent) and stay editable. Without this script the page is a plain form with the same fields.
(function () {
  "use strict";
  var form = document.querySelector("form.roll-call");
  if (!form) { return; }
  var planned = parseInt(form.getAttribute("data-planned"), 10) || 0;
  var allButton = form.querySelector("[data-all-present]");
  var summary = form.querySelector("[data-summary]");
  var labels = {};
  form.querySelectorAll(".roll-choice").forEach(function (label) {
    var input = label.querySelector("input");
    labels[input.value] = label.textContent.trim();
  });

  function rowOf(el) { return el.closest("[data-row]"); }
  function setMinutes(row, status) {
    var minutes = row.querySelector("input[type=number]");
    if (status === "excused" || status === "unexcused") { minutes.value = 0; }
    else if (status === "present" || minutes.value === "0" || minutes.value === "") { minutes.value = planned; }
    minutes.disabled = false;
  }
  function mark(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    row.setAttribute("data-status", checked ? checked.value : "");
  }
  function refresh() {
    var counts = {};
    form.querySelectorAll("[data-row]").forEach(function (row) {
      mark(row);
      var s = row.getAttribute("data-status");
      counts[s] = (counts[s] || 0) + 1;
    });
    summary.textContent = Object.keys(counts).filter(function (k) { return k; }).map(function (k) {
      return labels[k] + ": " + counts[k];
    }).join(" · ");
  }
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") {
      setMinutes(rowOf(event.target), event.target.value);
      refresh();
    }
  });
  allButton.hidden = false;
  allButton.addEventListener("click", function () {
    form.querySelectorAll("[data-row]").forEach(function (row) {
      var present = row.querySelector("input[type=radio][value=present]");
      present.checked = true;
      setMinutes(row, "present");
    });
    refresh();
  });
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  refresh();
})();
