// XLSForm `relevant` on the filling screen: items whose condition is false are hidden and disabled
// (so they are not sent). The server parsed each expression into the tree in data-relevant and
// applies the same rule when saving (it is the source of truth); this only evaluates the tree.
(function () {
  "use strict";
  var form = document.querySelector("form.fill");
  if (!form) { return; }
  var items = Array.prototype.slice.call(form.querySelectorAll("fieldset.item"));
  if (!items.some(function (item) { return item.hasAttribute("data-relevant"); })) { return; }
  var trees = new Map();
  items.forEach(function (item) {
    var raw = item.getAttribute("data-relevant");
    if (raw) {
      try { trees.set(item, JSON.parse(raw)); } catch (e) { /* shown: the server decides */ }
    }
  });

  function valueOf(item) {
    var code = item.getAttribute("data-code");
    var boxes = item.querySelectorAll('input[type=checkbox][name="a-' + code + '"]:checked');
    if (boxes.length) { return Array.prototype.map.call(boxes, function (b) { return b.value; }).join(" "); }
    var checked = item.querySelector('input[name="a-' + code + '"]:checked');
    if (checked) { return checked.value; }
    var field = item.querySelector('input[name="a-' + code + '"]:not([type=radio]):not([type=checkbox]), textarea[name="a-' + code + '"]');
    return field ? field.value.trim() : "";
  }

  function number(text) {
    var t = String(text).replace(",", ".");
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  }

  function operand(node, values) {
    if (Object.prototype.hasOwnProperty.call(node, "ref")) { return values[node.ref] || ""; }
    return String(node.lit);
  }

  function evaluate(node, values) {
    if (!node) { return true; }
    if (node.or) { return node.or.some(function (n) { return evaluate(n, values); }); }
    if (node.and) { return node.and.every(function (n) { return evaluate(n, values); }); }
    if (node.not) { return !evaluate(node.not, values); }
    if (node.selected) {
      return String(values[node.selected[0]] || "").split(/\s+/).indexOf(String(node.selected[1])) !== -1;
    }
    var op = node.cmp[0], a = operand(node.cmp[1], values), b = operand(node.cmp[2], values);
    var na = a !== "" && b !== "" ? number(a) : null, nb = a !== "" && b !== "" ? number(b) : null;
    if (op === "=" || op === "!=") {
      var same = na !== null && nb !== null ? na === nb : a === b;
      return op === "=" ? same : !same;
    }
    if (na === null || nb === null) { return false; }
    return { "<": na < nb, "<=": na <= nb, ">": na > nb, ">=": na >= nb }[op];
  }

  function apply() {
    var values = {};
    items.forEach(function (item) {
      var shown = evaluate(trees.get(item), values);
      item.hidden = !shown;
      item.disabled = !shown;
      values[item.getAttribute("data-code")] = shown ? valueOf(item) : "";
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  apply();
})();
