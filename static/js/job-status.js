// Follows a job running in the background (an export, a scorecard publication): polls the JSON status
// URL of [data-status-url] while it carries data-polling, and updates its [data-field] parts: the
// status badge, the text, the error, an optional <progress>, and the result link (the download, the
// published scorecards), shown and focused when the job is done. No inline script (strict CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !box.hasAttribute("data-polling")) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var delay = 1000;

  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }

  function show(state) {
    var badge = field("status_label");
    badge.textContent = state.status_label;
    badge.classList.toggle("ok", state.status === "done");
    badge.classList.toggle("bad", state.status === "failed");
    field("text").textContent = state.text;
    if (bar && state.percent !== undefined) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    var error = field("error");
    error.textContent = state.error || "";
    error.hidden = !state.error;
    var result = state.download_url || state.publication_url;
    if (result) {
      var link = field("result");
      link.href = result;
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
