// People pickers (textarea[data-people-picker]): the box takes one person per line (a staff code or a
// name, diacritics optional) and works without this script; the server resolves it and names what it
// cannot. This turns it into chips plus a type-ahead fed by the address in data-people-picker (?q=):
// ARIA combobox + listbox, arrows move, Enter picks (or keeps the typed text as an entry), Backspace in
// an empty box removes the last chip, Escape closes. The textarea stays the form's value (hidden).
(function () {
  "use strict";
  var DELAY_MS = 250;
  var MIN_CHARS = 2;

  function attach(area) {
    if (area.hasAttribute("data-people-picker-ready")) {
      return;
    }
    area.setAttribute("data-people-picker-ready", "");
    var multiple = area.hasAttribute("data-multiple");
    var box = document.createElement("div");
    box.className = "people-picker";
    var chips = document.createElement("ul");
    chips.className = "people-chips";
    chips.setAttribute("aria-live", "polite");
    var input = document.createElement("input");
    input.type = "text";
    input.id = area.id + "-search";
    input.className = "people-search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = area.getAttribute("placeholder") || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.id = area.id + "-suggestions";
    list.className = "unit-picker-list people-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    box.append(chips, input, list);
    area.insertAdjacentElement("afterend", box);
    area.hidden = true;
    var label = document.querySelector("label[for='" + area.id + "']");
    if (label) {
      label.setAttribute("for", input.id);
      input.setAttribute("aria-describedby", area.getAttribute("aria-describedby") || "");
    }

    var entries = []; // {value, label}
    var timer = null;
    var asked = "";
    var active = -1;
    var controller = null;

    function sync() {
      area.value = entries
        .map(function (e) {
          return e.value;
        })
        .join("\n");
      chips.replaceChildren();
      entries.forEach(function (entry, i) {
        var chip = document.createElement("li");
        chip.className = "people-chip";
        var text = document.createElement("span");
        text.textContent = entry.label;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "people-chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (area.getAttribute("data-remove-label") || "Remove") + " " + entry.label);
        remove.addEventListener("click", function () {
          entries.splice(i, 1);
          sync();
          input.focus();
        });
        chip.append(text, remove);
        chips.appendChild(chip);
      });
    }
    function add(value, text) {
      value = value.trim();
      if (!value) {
        return;
      }
      var known = entries.some(function (e) {
        return e.value.toLowerCase() === value.toLowerCase();
      });
      if (!known) {
        if (!multiple) {
          entries = [];
        }
        entries.push({ value: value, label: text || value });
      }
      sync();
    }
    area.value
      .split(/[\n,;]+/)
      .map(function (t) {
        return t.trim();
      })
      .filter(Boolean)
      .forEach(function (t) {
        add(t, t);
      });

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
      add(item.getAttribute("data-value"), item.getAttribute("data-label"));
      input.value = "";
      asked = "";
      close();
      input.focus();
    }
    function line(className, text) {
      var span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      return span;
    }
    function show(people) {
      list.replaceChildren();
      people.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-value", person.staff_code);
        item.setAttribute("data-label", person.full_name + " (" + person.staff_code + ")");
        var facts = [person.staff_code, person.unit_name];
        if (person.rank_name || person.rank_code) {
          facts.push(person.rank_name || person.rank_code);
        }
        item.append(line("people-name", person.full_name), line("muted people-facts", facts.join(" · ")));
        if (person.status_label) {
          var badge = line("badge people-status " + (person.badge || ""), person.periods + "/" + person.required_periods + " tiết · " + person.status_label);
          item.appendChild(badge);
        }
        list.appendChild(item);
      });
      active = -1;
      list.hidden = people.length === 0;
      input.setAttribute("aria-expanded", people.length ? "true" : "false");
    }
    function suggest(text) {
      asked = text;
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var url = new URL(area.getAttribute("data-people-picker"), window.location.href);
      url.searchParams.set("q", text); // the address may carry the form's own filters (within, perm, account)
      url.searchParams.set("page_size", "20");
      fetch(url.toString(), {
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
        .catch(function () {}); // offline or aborted: typed entries are still resolved by the server
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
      if (event.key === "Enter") {
        event.preventDefault(); // Enter picks; it never submits the form half-typed
        if (!list.hidden && active >= 0) {
          pick(options()[active]);
        } else if (input.value.trim()) {
          add(input.value, input.value.trim());
          input.value = "";
          close();
        }
        return;
      }
      if (event.key === "Backspace" && !input.value && entries.length) {
        entries.pop();
        sync();
        return;
      }
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150); // after a tap on a suggestion
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
    if (area.form) {
      area.form.addEventListener("submit", function () {
        if (input.value.trim()) {
          add(input.value, input.value.trim()); // typed but not picked: the server resolves it
          input.value = "";
        }
      });
    }
  }

  function init() {
    document.querySelectorAll("textarea[data-people-picker]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
