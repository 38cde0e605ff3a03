// Unit pickers (input[data-unit-picker]): the text box takes a unit's code, name or id and works
// without this script. This adds a list of suggestions from the units API as the person types
// (ARIA combobox + listbox: arrows move, Enter picks, Escape closes). The API matches names without
// diacritics, which a browser's own <datalist> filtering would hide again, hence a listbox.
(function () {
  "use strict";
  var DELAY_MS = 250;
  var MIN_CHARS = 2;
  var PAGE_SIZE = 20;

  function attach(input) {
    if (input.hasAttribute("data-unit-picker-ready")) {
      return;
    }
    input.setAttribute("data-unit-picker-ready", "");
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "unit-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.classList.add("unit-picker");
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var timer = null;
    var asked = "";
    var active = -1;
    var controller = null;

    function options() {
      return list.querySelectorAll("[role=option]");
    }
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = options();
      if (!items.length) {
        return;
      }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function pick(item) {
      input.value = item.getAttribute("data-value");
      close();
      input.focus();
    }
    function show(units) {
      list.replaceChildren();
      units.forEach(function (unit, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-value", unit.code);
        var name = document.createElement("span");
        name.textContent = unit.name;
        var code = document.createElement("span");
        code.className = "muted";
        code.textContent = unit.code;
        item.append(name, " ", code);
        list.appendChild(item);
      });
      active = -1;
      list.hidden = units.length === 0;
      input.setAttribute("aria-expanded", units.length ? "true" : "false");
    }
    function suggest(text) {
      asked = text;
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var query = new URLSearchParams({ q: text, page_size: String(PAGE_SIZE) });
      fetch(input.getAttribute("data-unit-picker") + "?" + query, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === text) {
            show(data.results || []);
          }
        })
        .catch(function () {}); // offline or aborted: the plain text box still works
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < MIN_CHARS) {
        asked = "";
        close();
        return;
      }
      if (text !== asked) {
        timer = window.setTimeout(suggest, DELAY_MS, text);
      }
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(options()[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150); // after a click on a suggestion
    });
    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the box
    });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) {
        pick(item);
      }
    });
  }

  function init() {
    document.querySelectorAll("input[data-unit-picker]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
