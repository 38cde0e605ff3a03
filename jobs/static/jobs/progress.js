// Follows a background export: polls its status URL and updates the progress bar, the row count
// and the download button. No inline script (strict CSP); data comes from data-* attributes.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !box.hasAttribute("data-polling")) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var delay = 1000;

  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }

  function show(state) {
    field("status_label").textContent = state.status_label;
    field("text").textContent = state.text;
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    var badge = field("status_label");
    badge.classList.toggle("ok", state.status === "done");
    badge.classList.toggle("bad", state.status === "failed");
    if (state.error) { field("error").textContent = state.error; field("error").hidden = false; }
    if (state.download_url) {
      var link = field("download");
      link.href = state.download_url;
      link.hidden = false;
      link.focus();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (state) {
        show(state);
        if (!state.finished) {
          delay = Math.min(delay + 500, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, delay);
})();
