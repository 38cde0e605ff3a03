// CongVu shared behaviour. No inline scripts anywhere: pages opt in with data- attributes.
(function () {
  "use strict";
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Wide tables scroll inside their own keyboard-reachable region, never the page.
  function wrapTables() {
    document.querySelectorAll("table.table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-wrap")) {
        return;
      }
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = table.querySelector("caption");
      var heading = caption ? caption.textContent : (document.querySelector("h1") || {}).textContent;
      if (heading) {
        wrap.setAttribute("aria-label", heading.trim());
      }
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wrapTables);
  } else {
    wrapTables();
  }
  // Selects with data-autosubmit submit their form on change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });
})();
