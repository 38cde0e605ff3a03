// "My assignments": the inspector's open assignments kept on the tablet, and the checklist form
// that works with no network. Answers are saved as they are typed (drafts); photos are kept as
// Blobs in IndexedDB until the outbox has sent them.
import { config, el, flash, formatDate, formatDateTime, t } from "./i18n.js";
import * as store from "./store.js";
import { fetchBundle } from "./api.js";
import { enqueue, resubmit, STATUS } from "./outbox.js";
import { initShell } from "./register.js";

const lang = document.documentElement.lang === "en" ? "en" : "vi";
const listView = document.querySelector('[data-view="list"]');
const formView = document.querySelector('[data-view="form"]');
const list = listView.querySelector("[data-list]");
const keptAt = listView.querySelector("[data-kept-at]");
const form = formView.querySelector("[data-form]");
const NA = "na";
const NA_ALLOWED = new Set(["yes_no_na", "scale_0_4", "percent", "number", "integer"]);
const NUMERIC = new Set(["scale_0_4", "percent", "number", "integer"]);
const urls = new Set(); // object URLs of shown photos, revoked on every render

const local = (obj, field) => (lang === "en" && obj[`${field}_en`]) || obj[`${field}_vi`] || obj[field] || "";
const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10); // Asia/Ho_Chi_Minh

let entries = [];

async function loadEntries(refresh) {
  if (refresh && navigator.onLine !== false) {
    try {
      await fetchBundle("assignments");
      flash("", null, "load");
    } catch (error) {
      flash(t("load_failed"), "warn", "load");
    }
  }
  const bundle = await store.loadBundle("assignments");
  entries = bundle ? bundle.data : [];
  keptAt.textContent = bundle ? `${t("kept_at")} ${formatDateTime(bundle.fetchedAt)}` : t("nothing_kept");
  return entries;
}

function findEntry(assignmentId) {
  return entries.find((e) => String(e.assignment.id) === String(assignmentId));
}

async function pendingByAssignment() {
  const result = new Map();
  for (const record of await store.listOutbox()) {
    if (record.kind === "inspection" && record.status !== STATUS.REFUSED) result.set(String(record.payload.assignment), record);
  }
  return result;
}

// ------------------------------------------------------------------------------------ the list
async function renderList() {
  const pending = await pendingByAssignment();
  if (!entries.length) {
    list.replaceChildren(el("p", { class: "muted" }, t("insp.none")));
    return;
  }
  list.replaceChildren(...entries.map((entry) => {
    const a = entry.assignment, v = entry.template_version, last = entry.last_result;
    const inOutbox = pending.get(String(a.id));
    return el("article", { class: "card assignment", dataset: { assignment: a.id } },
      el("div", { class: "heading" },
        el("h2", {}, local(v, "name")),
        inOutbox ? el("span", { class: "badge ok" }, `${t("insp.in_outbox")} · ${t("status." + inOutbox.status)}`) : null),
      el("dl", { class: "facts" },
        el("dt", {}, t("insp.unit")), el("dd", {}, entry.unit.name),
        el("dt", {}, t("insp.due")), el("dd", {}, formatDate(a.due_date)),
        el("dt", {}, t("insp.template")), el("dd", {}, `${v.template} v${v.number} · ${a.plan}`),
        el("dt", {}, t("insp.last_result")),
        el("dd", {}, last ? `${formatDate(last.inspected_on)} · ${last.total_percent ?? "—"}%${last.band ? " · " + last.band : ""}` : "—"),
        el("dt", {}, t("insp.open_actions")), el("dd", {}, String(entry.open_actions.length))),
      el("div", { class: "actions" },
        el("a", { class: "button primary", href: `#a=${a.id}` }, t("insp.open"))));
  }));
}

// ------------------------------------------------------------------------------------ the form
function isFailing(item, value) {
  if (value === "" || value === NA || !(item.failing_answers || []).length) return false;
  for (const raw of item.failing_answers) {
    const token = String(raw).trim();
    const match = token.match(/^(<=|>=|<|>|=)\s*(-?\d+(?:[.,]\d+)?)$/);
    if (match && NUMERIC.has(item.answer_type)) {
      const current = Number(value), number = Number(match[2].replace(",", "."));
      if ({ "<": current < number, "<=": current <= number, ">": current > number, ">=": current >= number, "=": current === number }[match[1]]) return true;
    } else if (NUMERIC.has(item.answer_type) && !Number.isNaN(Number(token.replace(",", ".")))) {
      if (Number(value) === Number(token.replace(",", "."))) return true;
    } else if (item.answer_type === "select_multi" && String(value).split(" ").includes(token)) {
      return true;
    } else if (token.toLowerCase() === String(value).toLowerCase()) {
      return true;
    }
  }
  return false;
}

function choice(name, value, label, current) {
  return el("label", {}, el("input", { type: "radio", name, value, checked: current === value }), label);
}

function box(name, value, label, picked) {
  return el("label", {}, el("input", { type: "checkbox", name, value, checked: picked.includes(value) }), label);
}

// dd/mm/yyyy on screen (core/widgets.py DateInput and static/js/date-input.js); the server takes both.
const DATE_PATTERN = "\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{2}-\\d{2}";
const shownDate = (value) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : value);

function answerInput(item, answer) {
  const name = `value:${item.code}`;
  const value = answer.value ?? "";
  const labelId = `q-${item.code}`;
  switch (item.answer_type) {
    case "yes_no_na":
      return el("fieldset", { class: "choices", "aria-labelledby": labelId },
        choice(name, "yes", t("insp.yes"), value), choice(name, "no", t("insp.no"), value), choice(name, NA, t("insp.na"), value));
    case "scale_0_4":
      return el("fieldset", { class: "choices", "aria-labelledby": labelId },
        ...["0", "1", "2", "3", "4"].map((n) => choice(name, n, n, value)), choice(name, NA, t("insp.na"), value));
    case "select_one":
      return el("fieldset", { class: "choices", "aria-labelledby": labelId },
        ...(item.choices || []).map((c) => choice(name, c.name, local(c, "label") || c.name, value)));
    case "select_multi": {
      const picked = String(value).split(" ").filter(Boolean);
      return el("fieldset", { class: "choices", "aria-labelledby": labelId },
        ...(item.choices || []).map((c) => box(name, c.name, local(c, "label") || c.name, picked)));
    }
    case "note":
      return null; // guidance: read, not answered
    case "percent":
    case "number":
      return el("input", { type: "text", inputmode: "decimal", name, value, "aria-labelledby": labelId,
                           ...(item.answer_type === "percent" ? { placeholder: "0–100" } : {}) });
    case "integer":
      return el("input", { type: "text", inputmode: "numeric", name, value, "aria-labelledby": labelId, pattern: "-?\\d+" });
    case "date":
      return el("input", { type: "text", name, value: shownDate(value), "aria-labelledby": labelId, placeholder: "dd/mm/yyyy",
                           inputmode: "numeric", pattern: DATE_PATTERN, maxlength: "10", autocomplete: "off", "data-date-input": "" });
    case "text":
      return el("textarea", { name, rows: "2", "aria-labelledby": labelId }, value);
    default:
      return null; // photo items are answered with photos only
  }
}

async function photoStrip(code, shas) {
  const figures = [];
  for (const sha of shas) {
    const photo = await store.getPhoto(sha);
    if (!photo) continue;
    const src = URL.createObjectURL(photo.blob);
    urls.add(src);
    figures.push(el("figure", { dataset: { sha } },
      el("img", { src, alt: `${t("insp.photos")} ${code}` }),
      el("button", { type: "button", dataset: { removePhoto: sha, item: code } }, t("insp.remove_photo"))));
  }
  return figures;
}

async function itemBlock(item, answer) {
  const labelId = `q-${item.code}`;
  const shas = answer.photos || [];
  const input = answerInput(item, answer);
  return el("div", { class: "checklist-item", dataset: { item: item.code, type: item.answer_type } },
    el("p", { class: "question", id: labelId },
      `${item.code}. ${local(item, "text")}`, item.required && item.answer_type !== "note" && !item.relevant ? " *" : "",
      item.critical ? el("span", { class: "badge critical" }, " ", t("insp.critical")) : null),
    item.legal_basis ? el("p", { class: "muted basis" }, item.legal_basis) : null,
    item.hint ? el("p", { class: item.answer_type === "note" ? "guidance" : "hint" }, item.hint) : null,
    item.constraint && item.constraint_message ? el("p", { class: "muted hint", dataset: { constraint: item.code } }, item.constraint_message) : null,
    input,
    el("label", { class: "field" }, el("span", {}, t("insp.note")),
      el("textarea", { name: `note:${item.code}`, rows: "1" }, answer.note || "")),
    el("div", { class: "photos", dataset: { photos: item.code } },
      ...(await photoStrip(item.code, shas)),
      el("label", { class: "button file-button" }, t("insp.add_photo"),
        el("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, dataset: { photoFor: item.code } }))));
}

// The state of the form, read from the DOM (the only source of truth while it is open).
function readForm(entry) {
  const state = { answers: {}, summary: form.elements.summary.value, inspected_on: form.elements.inspected_on.value };
  for (const section of entry.template_version.sections) {
    for (const item of section.items) {
      const field = form.elements[`value:${item.code}`];
      let value = "";
      if (item.answer_type === "select_multi") {
        value = [...form.querySelectorAll(`input[type=checkbox][name="value:${CSS.escape(item.code)}"]:checked`)].map((b) => b.value).join(" ");
      } else if (field instanceof RadioNodeList) value = field.value || "";
      else if (field) value = field.value.trim();
      const photos = [...form.querySelectorAll(`[data-photos="${CSS.escape(item.code)}"] figure`)].map((f) => f.dataset.sha);
      state.answers[item.code] = { value, note: form.elements[`note:${item.code}`].value.trim(), photos };
    }
  }
  return state;
}

function draftFromServer(entry) {
  const answers = {};
  for (const a of (entry.inspection && entry.inspection.answers) || []) {
    answers[a.item] = { value: a.value, note: a.note, photos: [] };
  }
  return { answers, summary: "", inspected_on: today() };
}

function payloadFrom(entry, state) {
  const answers = [];
  const photos = [];
  for (const section of entry.template_version.sections) {
    for (const item of section.items) {
      const a = state.answers[item.code];
      if (!a || (a.value === "" && !a.note && !a.photos.length)) continue;
      answers.push({ item: item.code, value: a.value, note: a.note, evidence: a.photos });
      photos.push(...a.photos);
    }
  }
  const payload = { assignment: entry.assignment.id, inspected_on: state.inspected_on || today(), summary: state.summary,
                    submit: true, answers };
  return { payload, photos: [...new Set(photos)] };
}

// Answers that do not fit their type, said before the record goes to the outbox. Ranges and
// constraints are the server's: a record it refuses comes back from the outbox to be fixed.
function badAnswer(item, value) {
  if (value === "" || (value === NA && NA_ALLOWED.has(item.answer_type))) return null;
  const number = Number(value.replace(",", "."));
  if (item.answer_type === "integer" && !/^-?\d+$/.test(value)) return t("insp.bad_integer");
  if ((item.answer_type === "number" || item.answer_type === "percent") && (value.trim() === "" || Number.isNaN(number))) return t("insp.bad_number");
  if (item.answer_type === "date" && !new RegExp(`^(?:${DATE_PATTERN})$`).test(value)) return t("insp.bad_date");
  if (item.answer_type === "select_one" || item.answer_type === "select_multi") {
    const names = new Set((item.choices || []).map((c) => String(c.name)));
    if (value.split(" ").some((v) => !names.has(v))) return t("insp.bad_choice");
  }
  return null;
}

function missingAnswers(entry, state) {
  const missing = [];
  for (const section of entry.template_version.sections) {
    for (const item of section.items) {
      const a = state.answers[item.code] || { value: "", note: "", photos: [] };
      const bad = badAnswer(item, a.value);
      if (bad) { missing.bad = true; missing.push(`${item.code}. ${local(item, "text")}: ${bad}`); continue; }
      const answered = a.value !== "" || (item.answer_type === "photo" && a.photos.length);
      if (item.required && item.answer_type !== "note" && !item.relevant && !answered) { missing.push(`${item.code}. ${local(item, "text")}`); continue; }
      if (isFailing(item, a.value)) {
        if (item.note_required_on_failure && !a.note) missing.push(`${item.code}: ${t("insp.note")}`);
        if (item.photo_required_on_failure && !a.photos.length) missing.push(`${item.code}: ${t("insp.photos")}`);
      }
    }
  }
  return missing;
}

let current = null; // {entry, editing: outbox uuid or null}

async function renderForm(entry, state, editing) {
  for (const src of urls) URL.revokeObjectURL(src);
  urls.clear();
  current = { entry, editing };
  const v = entry.template_version;
  const sections = [];
  for (const section of v.sections) {
    const blocks = [];
    for (const item of section.items) blocks.push(await itemBlock(item, state.answers[item.code] || {}));
    sections.push(el("fieldset", { class: "checklist-section" }, el("legend", {}, local(section, "title")), ...blocks));
  }
  const actions = entry.open_actions.length
    ? el("ul", { class: "list" }, ...entry.open_actions.map((c) => el("li", {},
        `${c.item}: ${c.description} · ${t("insp.due")} ${formatDate(c.due_date)}`, c.overdue ? el("span", { class: "badge bad" }, " !") : null)))
    : el("p", { class: "muted" }, t("insp.no_open_actions"));
  form.replaceChildren(...[
    el("h1", {}, local(v, "name")),
    el("p", { class: "muted" }, `${entry.unit.name} · ${t("insp.due")} ${formatDate(entry.assignment.due_date)} · ${v.template} v${v.number}`),
    entry.inspection && entry.inspection.review_comment ? el("div", { class: "error" }, entry.inspection.review_comment) : null,
    el("details", {}, el("summary", {}, `${t("insp.open_actions")} (${entry.open_actions.length})`), actions),
    el("p", { class: "muted" }, t("insp.draft_kept")),
    el("label", { class: "field" }, el("span", {}, t("insp.date")),
      el("input", { type: "date", name: "inspected_on", value: state.inspected_on || today() })),
    ...sections,
    el("label", { class: "field" }, el("span", {}, t("insp.general_note")), el("textarea", { name: "summary", rows: "3" }, state.summary || "")),
    el("div", { class: "error", hidden: true, dataset: { errors: "" }, role: "alert" }),
    el("div", { class: "actions sticky-actions" }, el("button", { type: "submit", class: "primary" }, t("insp.submit"))),
  ].filter(Boolean));
}

// A fix of a refused record keeps its own draft, so its new photos are kept too until resent.
const draftId = () => (current.editing ? `edit-${current.editing}` : current.entry.assignment.id);

let draftSaves = 0;

async function saveDraftNow() {
  if (!current) return;
  await store.saveDraft("inspection", draftId(), readForm(current.entry));
  form.dataset.draftSaves = String(++draftSaves); // what was typed is on the tablet now
}

form.addEventListener("input", () => saveDraftNow());
form.addEventListener("change", async (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !current) return saveDraftNow();
  const code = input.dataset.photoFor;
  const strip = form.querySelector(`[data-photos="${CSS.escape(code)}"]`);
  for (const file of input.files) {
    if (file.size > config.upload_max_bytes) { flash(`${t("insp.photo_too_large")} (${file.name})`, "bad"); continue; }
    const photo = await store.keepPhoto(file);
    if (strip.querySelector(`figure[data-sha="${photo.sha256}"]`)) continue;
    const [figure] = await photoStrip(code, [photo.sha256]);
    strip.insertBefore(figure, strip.lastElementChild);
  }
  input.value = "";
  await saveDraftNow();
});
form.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-remove-photo]");
  if (!button) return;
  button.closest("figure").remove();
  await saveDraftNow();
  await store.dropUnusedPhotos();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!current) return;
  const { entry, editing } = current;
  const state = readForm(entry);
  const missing = missingAnswers(entry, state);
  const box = form.querySelector("[data-errors]");
  if (missing.length) {
    box.replaceChildren(el("p", {}, t(missing.bad ? "insp.fix_first" : "insp.missing")), el("ul", { class: "errors" }, ...missing.map((m) => el("li", {}, m))));
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
    return;
  }
  box.hidden = true;
  const { payload, photos } = payloadFrom(entry, state);
  const title = `${local(entry.template_version, "name")} – ${entry.unit.name}`;
  const subtitle = `${t("insp.due")} ${formatDate(entry.assignment.due_date)}`;
  // An inspection the server already holds (draft or returned) is edited, naming its version.
  const existing = entry.inspection;
  const target = existing ? { inspection: existing.id } : {};
  const baseVersion = existing ? existing.version : null;
  if (editing) await resubmit(editing, { payload, photos, title, subtitle });
  else await enqueue({ kind: "inspection", title, subtitle, payload, photos, target, baseVersion });
  await store.deleteDraft("inspection", draftId());
  current = null;
  location.hash = "";
  flash(t("insp.submitted"));
});

// ------------------------------------------------------------------------------------ routing
async function route() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.has("a") || hash.has("edit")) {
    let entry, state, editing = null;
    if (hash.has("edit")) {
      const record = await store.getRecord(hash.get("edit"));
      entry = record && findEntry(record.payload.assignment);
      if (entry) {
        editing = record.uuid;
        state = await store.loadDraft("inspection", `edit-${record.uuid}`);
        if (!state) {
          state = { answers: {}, summary: record.payload.summary, inspected_on: record.payload.inspected_on };
          for (const a of record.payload.answers) state.answers[a.item] = { value: a.value, note: a.note, photos: a.evidence || [] };
        }
      }
    } else {
      entry = findEntry(hash.get("a"));
      if (entry) state = (await store.loadDraft("inspection", entry.assignment.id)) || draftFromServer(entry);
    }
    if (entry) {
      await renderForm(entry, state, editing);
      listView.hidden = true;
      formView.hidden = false;
      window.scrollTo(0, 0);
      return;
    }
  }
  current = null;
  formView.hidden = true;
  listView.hidden = false;
  await renderList();
}

formView.querySelector("[data-back]").addEventListener("click", (event) => { event.preventDefault(); location.hash = ""; });
listView.querySelector("[data-refresh]").addEventListener("click", async () => {
  await loadEntries(true);
  await route();
});
window.addEventListener("hashchange", route);
store.onChange((change) => {
  if ((change.type === "outbox" || change.type === "bundle") && !listView.hidden) {
    if (change.type === "bundle") loadEntries(false).then(renderList); else renderList();
  }
});

initShell();
// First what the tablet keeps, then (online) a fresh copy; a form asked for in the address opens once its data is there.
loadEntries(false).then(route).then(() => loadEntries(true)).then(() => (formView.hidden ? route() : null));
