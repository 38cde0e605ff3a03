// "My classes": the trainer's classes kept on the tablet (roster, sessions, marks) and the roll call
// that works with no network. The roll call names the attendance version it started from (If-Match).
import { el, flash, formatDate, formatDateTime, t } from "./i18n.js";
import * as store from "./store.js";
import { fetchBundle } from "./api.js";
import { enqueue, resubmit, STATUS } from "./outbox.js";
import { initShell } from "./register.js";

const STATUSES = ["present", "late", "left_early", "excused", "unexcused"];
const ABSENT = new Set(["excused", "unexcused"]);
const listView = document.querySelector('[data-view="list"]');
const formView = document.querySelector('[data-view="form"]');
const list = listView.querySelector("[data-list]");
const keptAt = listView.querySelector("[data-kept-at]");
const form = formView.querySelector("[data-form]");
const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10); // Asia/Ho_Chi_Minh
const hhmm = (time) => (time || "").slice(0, 5);

let classes = [];

async function loadClasses(refresh) {
  if (refresh && navigator.onLine !== false) {
    try {
      await fetchBundle("classes");
      flash("", null, "load");
    } catch (error) {
      flash(t("load_failed"), "warn", "load");
    }
  }
  const bundle = await store.loadBundle("classes");
  classes = bundle ? (bundle.data.classes || []) : [];
  keptAt.textContent = bundle ? `${t("kept_at")} ${formatDateTime(bundle.fetchedAt)}` : t("nothing_kept");
}

function findSession(sessionId) {
  for (const klass of classes) {
    const session = klass.sessions.find((s) => String(s.id) === String(sessionId));
    if (session) return { klass, session };
  }
  return null;
}

async function recordsBySession() {
  const result = new Map();
  for (const record of await store.listOutbox()) {
    if (record.kind !== "attendance") continue;
    const key = String(record.target.session);
    if (!result.has(key)) result.set(key, []);
    result.get(key).push(record);
  }
  return result;
}

// ------------------------------------------------------------------------------------ the list
async function renderList() {
  const bySession = await recordsBySession();
  if (!classes.length) {
    list.replaceChildren(el("p", { class: "muted" }, t("class.none")));
    return;
  }
  list.replaceChildren(...classes.map((klass) => el("article", { class: "card", dataset: { class: klass.id } },
    el("h2", {}, `${klass.course_title} (${klass.code})`),
    el("p", { class: "muted" }, [klass.unit_name, klass.venue].filter(Boolean).join(" · "),
      ` · ${t("class.roster")}: ${klass.roster.length}`),
    el("table", { class: "table" },
      el("thead", {}, el("tr", {}, el("th", {}, t("class.sessions")), el("th", {}, ""), el("th", {}, t("class.status")), el("th", {}, ""))),
      el("tbody", {}, ...klass.sessions.map((session) => {
        const pending = (bySession.get(String(session.id)) || []).filter((r) => r.status !== STATUS.SENT).pop();
        return el("tr", { dataset: { session: session.id } },
          el("td", {}, `${formatDate(session.date)} ${hhmm(session.start_time)}–${hhmm(session.end_time)}`),
          el("td", {}, session.topic || ""),
          el("td", {}, pending ? el("span", { class: "badge warn" }, t("status." + pending.status))
            : `${session.marks.length}/${klass.roster.length}`),
          el("td", {}, session.date <= today()
            ? el("a", { class: "button", href: `#s=${session.id}` }, t("class.take")) : ""));
      }))))));
}

// ------------------------------------------------------------------------------------ the roll call
let current = null; // {klass, session, editing}

function statusSelect(enrollment, value) {
  return el("select", { name: `status:${enrollment}`, "aria-label": t("class.status") },
    el("option", { value: "" }, "—"),
    ...STATUSES.map((s) => el("option", { value: s, selected: s === value }, t("attendance." + s))));
}

function renderForm(klass, session, marks, editing) {
  current = { klass, session, editing };
  const byEnrollment = new Map(marks.map((m) => [String(m.enrollment), m]));
  form.replaceChildren(
    el("h1", {}, `${t("class.take")}: ${klass.course_title}`),
    el("p", { class: "muted" }, `${klass.code} · ${formatDate(session.date)} ${hhmm(session.start_time)}–${hhmm(session.end_time)}`,
      session.topic ? ` · ${session.topic}` : ""),
    el("div", { class: "actions" }, el("button", { type: "button", dataset: { allPresent: "" } }, t("class.all_present"))),
    el("table", { class: "table roster" },
      el("thead", {}, el("tr", {}, el("th", {}, t("class.roster")), el("th", {}, t("class.status")), el("th", {}, t("class.minutes")))),
      el("tbody", {}, ...klass.roster.map((person) => {
        const mark = byEnrollment.get(String(person.enrollment)) || {};
        return el("tr", { dataset: { enrollment: person.enrollment } },
          el("td", {}, el("strong", {}, person.full_name), el("br"), el("span", { class: "muted" }, `${person.staff_code} · ${person.unit_name}`)),
          el("td", {}, statusSelect(person.enrollment, mark.status || "")),
          el("td", {}, el("input", { type: "number", min: "0", max: String(session.planned_minutes), inputmode: "numeric",
                                     name: `minutes:${person.enrollment}`, value: mark.minutes ?? "", "aria-label": t("class.minutes") })));
      }))),
    el("div", { class: "error", hidden: true, dataset: { errors: "" }, role: "alert" }),
    el("div", { class: "actions sticky-actions" }, el("button", { type: "submit", class: "primary" }, t("class.submit"))));
}

function readMarks() {
  const { klass } = current;
  return klass.roster.map((person) => ({
    enrollment: person.enrollment,
    status: form.elements[`status:${person.enrollment}`].value,
    minutes: form.elements[`minutes:${person.enrollment}`].value === "" ? null : Number(form.elements[`minutes:${person.enrollment}`].value),
  }));
}

const draftId = () => (current.editing ? `edit-${current.editing}` : current.session.id);

async function saveDraftNow() {
  if (!current) return;
  await store.saveDraft("attendance", draftId(), { marks: readMarks() });
}

function defaultMinutes(status) {
  return status === "" ? "" : (ABSENT.has(status) ? 0 : current.session.planned_minutes);
}

form.addEventListener("change", async (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.name.startsWith("status:")) {
    const enrollment = select.name.slice("status:".length);
    form.elements[`minutes:${enrollment}`].value = defaultMinutes(select.value);
  }
  await saveDraftNow();
});
form.addEventListener("input", () => saveDraftNow());
form.addEventListener("click", async (event) => {
  if (!event.target.closest("[data-all-present]")) return;
  for (const person of current.klass.roster) {
    const select = form.elements[`status:${person.enrollment}`];
    if (!select.value) {
      select.value = "present";
      form.elements[`minutes:${person.enrollment}`].value = defaultMinutes("present");
    }
  }
  await saveDraftNow();
});

// The version this roll call is based on: the bundle's, or the answer to the last one sent from here.
async function baseVersionFor(session) {
  let version = session.attendance_version;
  const records = (await recordsBySession()).get(String(session.id)) || [];
  for (const record of records) {
    if (record.status === STATUS.SENT && record.response && record.response.version > version) version = record.response.version;
  }
  return version;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!current) return;
  const { klass, session, editing } = current;
  const marks = readMarks();
  const box = form.querySelector("[data-errors]");
  if (marks.some((m) => !m.status)) {
    box.textContent = t("class.unmarked");
    box.hidden = false;
    return;
  }
  box.hidden = true;
  const payload = { marks: marks.map((m) => ({ ...m, minutes: m.minutes ?? defaultMinutes(m.status) })), reason: "" };
  const title = `${klass.course_title} (${klass.code})`;
  const subtitle = `${formatDate(session.date)} ${hhmm(session.start_time)}–${hhmm(session.end_time)}`;
  if (editing) {
    await resubmit(editing, { payload, title, subtitle });
  } else {
    // A roll call of the same session still waiting is replaced (it has not reached the server).
    const waiting = ((await recordsBySession()).get(String(session.id)) || []).find((r) => r.status === STATUS.WAITING);
    if (waiting) await resubmit(waiting.uuid, { payload, title, subtitle });
    else await enqueue({ kind: "attendance", title, subtitle, payload, target: { session: session.id, class: klass.id },
                         baseVersion: await baseVersionFor(session) });
  }
  await store.deleteDraft("attendance", draftId());
  current = null;
  location.hash = "";
  flash(t("class.submitted"));
});

// ------------------------------------------------------------------------------------ routing
async function route() {
  const hash = new URLSearchParams(location.hash.slice(1));
  let found = null, marks = null, editing = null;
  if (hash.has("edit")) {
    const record = await store.getRecord(hash.get("edit"));
    found = record && findSession(record.target.session);
    if (found) {
      editing = record.uuid;
      const draft = await store.loadDraft("attendance", `edit-${record.uuid}`);
      marks = draft ? draft.marks : record.payload.marks;
    }
  } else if (hash.has("s")) {
    found = findSession(hash.get("s"));
    if (found) {
      const draft = await store.loadDraft("attendance", found.session.id);
      marks = draft ? draft.marks : found.session.marks;
    }
  }
  if (found) {
    renderForm(found.klass, found.session, marks, editing);
    listView.hidden = true;
    formView.hidden = false;
    window.scrollTo(0, 0);
    return;
  }
  current = null;
  formView.hidden = true;
  listView.hidden = false;
  await renderList();
}

formView.querySelector("[data-back]").addEventListener("click", (event) => { event.preventDefault(); location.hash = ""; });
listView.querySelector("[data-refresh]").addEventListener("click", async () => { await loadClasses(true); await route(); });
window.addEventListener("hashchange", route);
store.onChange((change) => {
  if (!listView.hidden && (change.type === "outbox" || change.type === "bundle")) {
    if (change.type === "bundle") loadClasses(false).then(renderList); else renderList();
  }
});

initShell();
// First what the tablet keeps, then (online) a fresh copy; a form asked for in the address opens once its data is there.
loadClasses(false).then(route).then(() => loadClasses(true)).then(() => (formView.hidden ? route() : null));
