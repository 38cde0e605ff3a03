// The outbox screen: every record of this user on this tablet, its state and what can be done.
import { config, el, flash, formatDateTime, t } from "./i18n.js";
import * as store from "./store.js";
import { clearSent, discard, isLoginNeeded, resubmit, STATUS, syncNow } from "./outbox.js";
import { initShell } from "./register.js";

const list = document.querySelector("[data-outbox]");
const BADGE = { waiting: "warn", sending: "", sent: "ok", refused: "bad" };

function editLink(record) {
  const page = record.kind === "inspection" ? config.pages.assignments : config.pages.classes;
  return `${page}#edit=${encodeURIComponent(record.uuid)}`;
}

// A sent record links to itself on the server: the inspection, or the class of the roll call.
function serverLink(record) {
  if (record.status !== STATUS.SENT) return "";
  const records = config.records || {};
  if (record.kind === "inspection") {
    const id = (record.response && record.response.id) || (record.target && record.target.inspection);
    return id && records.inspection ? records.inspection.replace("{id}", encodeURIComponent(id)) : "";
  }
  const klass = record.target && record.target.class;
  return klass && records.class ? records.class.replace("{id}", encodeURIComponent(klass)) : "";
}

let names = new Map(); // enrollment id → full name, from the kept classes bundle

async function loadNames() {
  const bundle = await store.loadBundle("classes");
  names = new Map();
  for (const klass of (bundle && bundle.data.classes) || []) {
    for (const person of klass.roster) names.set(String(person.enrollment), person.full_name);
  }
}

// What the server holds, readable: a roll call as names and marks; anything else as its fields.
function describeCurrent(record, current) {
  if (!current) return null;
  let body;
  if (record.kind === "attendance" && Array.isArray(current.marks)) {
    body = el("ul", { class: "list" }, ...current.marks.map((m) => el("li", {},
      `${names.get(String(m.enrollment)) || "#" + m.enrollment}: ${t("attendance." + m.status)} (${m.minutes}′)`)));
  } else {
    body = el("dl", { class: "facts" }, ...Object.entries(current)
      .filter(([, value]) => value === null || typeof value !== "object")
      .flatMap(([key, value]) => [el("dt", {}, key), el("dd", {}, value === null ? "—" : String(value))]));
  }
  return el("details", { open: true }, el("summary", {}, t("outbox.server_copy")), body);
}

function actions(record) {
  const buttons = [];
  if (record.status === STATUS.REFUSED) {
    const conflict = record.error && (record.error.status === 409 || record.error.status === 412);
    if (record.error && record.error.status === 412 && record.error.current && record.error.current.version !== undefined) {
      buttons.push(el("button", {
        type: "button", class: "primary",
        onclick: () => resubmit(record.uuid, { baseVersion: record.error.current.version }),
      }, t("outbox.resend_over")));
    }
    if (record.error && record.error.status === 409 && record.kind === "attendance") {
      // Same UUID, other content: the server keeps the first; this roll call may still go as a new one.
      buttons.push(el("button", {
        type: "button", onclick: () => resubmit(record.uuid, { newIdentity: true }),
      }, t("outbox.resend_new")));
    }
    if (!conflict || record.kind === "inspection") {
      buttons.push(el("a", { class: "button primary", href: editLink(record) }, t("outbox.fix")));
    }
    buttons.push(el("button", { type: "button", onclick: () => resubmit(record.uuid, {}) }, t("outbox.resend")));
  }
  const onServer = serverLink(record);
  if (onServer) buttons.push(el("a", { class: "button", href: onServer, dataset: { serverLink: "" } }, t("outbox.open")));
  if (record.status !== STATUS.SENDING) {
    buttons.push(el("button", {
      type: "button", class: record.status === STATUS.SENT ? "" : "danger",
      onclick: async () => {
        if (record.status !== STATUS.SENT && !window.confirm(t("outbox.discard_confirm"))) return;
        await discard(record.uuid);
      },
    }, t("outbox.discard")));
  }
  return buttons.length ? el("div", { class: "actions" }, buttons) : null;
}

function item(record) {
  const error = record.error;
  const progress = record.progress;
  return el("li", { class: "card outbox-item", dataset: { uuid: record.uuid, status: record.status, kind: record.kind } },
    el("div", { class: "heading" },
      el("strong", {}, `${t("outbox.kind." + record.kind)}: ${record.title}`),
      el("span", { class: `badge ${BADGE[record.status] || ""}`, dataset: { statusLabel: record.status } },
        t("status." + record.status))),
    record.subtitle ? el("p", { class: "muted" }, record.subtitle) : null,
    el("p", { class: "muted" },
      `${t("outbox.created")} ${formatDateTime(record.createdAt)}`,
      record.sentAt ? ` · ${t("outbox.sent_at")} ${formatDateTime(record.sentAt)}` : "",
      (record.photos || []).length ? ` · ${t("outbox.photos")}: ${record.photos.length}` : ""),
    progress ? el("p", { class: "muted" }, `${t("outbox.uploading")} ${Math.round((100 * progress.sent) / (progress.size || 1))}%`) : null,
    error ? el("div", { class: record.status === STATUS.REFUSED ? "error refusal" : "muted", role: record.status === STATUS.REFUSED ? "alert" : null },
      el("p", { class: "reason" }, error.detail),
      describeCurrent(record, error.current)) : null,
    actions(record));
}

async function render() {
  const records = await store.listOutbox();
  list.replaceChildren(...(records.length ? records.reverse().map(item) : [el("li", { class: "muted" }, t("outbox.empty"))]));
}

document.querySelector("[data-send-now]").addEventListener("click", async () => {
  flash("");
  await syncNow();
  if (isLoginNeeded()) flash(t("login_again"), "warn");
});
document.querySelector("[data-clear-sent]").addEventListener("click", () => clearSent());

store.onChange((change) => { if (change.type === "outbox") render(); });
initShell();
loadNames().then(render);
