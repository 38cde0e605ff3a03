// Follows a scorecard publication running in the background: polls its status URL, updates the status
// and the message, and shows the link to the published scorecards when done. No inline script (CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-publish-status-url]");
  if (!box || !box.hasAttribute("data-polling")) { return; }
  var url = box.getAttribute("data-publish-status-url");
  var delay = 1000;

  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }

  function show(state) {
    var badge = field("status_label");
    badge.textContent = state.status_label;
    badge.classList.toggle("ok", state.status === "done");
    badge.classList.toggle("bad", state.status === "failed");
    field("text").textContent = state.text;
    var error = field("error");
    error.textContent = state.error || "";
    error.hidden = !state.error;
    if (state.publication_url) {
      var link = field("publication");
      link.href = state.publication_url;
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
