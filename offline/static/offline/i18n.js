// Strings and settings the server put in the page (translated there; the scripts hold no text).
const root = document.getElementById("offline-app");
const strings = new Map();
for (const item of document.querySelectorAll("#offline-strings [data-key]")) {
  strings.set(item.dataset.key, item.textContent);
}

export const config = JSON.parse(root.dataset.config);

export function t(key, fallback) {
  return strings.has(key) ? strings.get(key) : (fallback !== undefined ? fallback : key);
}

const parts = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  timeZone: "Asia/Ho_Chi_Minh",
});

// dd/mm/yyyy hh:mm, Asia/Ho_Chi_Minh, whatever the page language.
export function formatDateTime(value) {
  if (!value) return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const p = Object.fromEntries(parts.formatToParts(date).map((part) => [part.type, part.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export function formatDate(value) {
  if (!value) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-");
    return `${d}/${m}/${y}`;
  }
  return formatDateTime(value).slice(0, 10);
}

// Build DOM without innerHTML: el("p", {class: "muted"}, "text", child, ...).
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// One message line at the top. `flash("", null, key)` clears it only if it still shows that key's
// message, so a late background refresh never wipes what the user was just told.
export function flash(message, kind, key = "") {
  const box = document.querySelector("[data-flash]");
  if (!box) return;
  if (!message && key && box.dataset.key !== key) return;
  box.textContent = message;
  box.dataset.key = key;
  box.className = "flash" + (kind ? " " + kind : "");
  box.hidden = !message;
}
