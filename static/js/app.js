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
  // Phones show each row as a card of "label: value" lines: every cell without its own data-label
  // takes the text of its column heading (templates may set data-label themselves).
  function labelCells() {
    document.querySelectorAll("table.table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead tr:last-child th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) {
        return;
      }
      table.classList.add("stackable");
      keepTableRoles(table);
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && heads[col]) {
            cell.setAttribute("data-label", heads[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    });
  }
  // The cards' CSS (display: block / flex) makes browsers drop a table's semantics from the accessibility
  // tree, so screen readers (and tests finding a row header or a cell by role) would lose rows and
  // columns: the native roles are stated explicitly. Harmless where the table is shown as a table.
  function keepTableRoles(table) {
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.querySelectorAll("tr"), function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.children, function (cell) {
        if (cell.hasAttribute("role")) {
          return;
        }
        if (cell.tagName === "TD") {
          cell.setAttribute("role", "cell");
        } else if (cell.tagName === "TH") {
          var inHead = cell.parentNode.parentNode.tagName === "THEAD" || cell.getAttribute("scope") === "col";
          cell.setAttribute("role", inHead ? "columnheader" : "rowheader");
        }
      });
    });
  }
  // The compact menu button (phones): shows and hides the navigation.
  function menuButton() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    button.hidden = false;
    document.documentElement.classList.add("has-menu-button");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  }
  function ready() {
    wrapTables();
    labelCells();
    menuButton();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // Selects with data-autosubmit submit their form on change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });
})();
