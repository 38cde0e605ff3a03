// The outbox: every record made on the tablet waits here until the server has it.
//
// A record gets its client UUID once, when it is made (crypto.randomUUID()), and keeps it through
// every retry, so the server creates it once (same UUID + same content → the first answer again).
// One tab sends at a time (Web Locks); the others see the states change through store.js.
//
// States: waiting → sending → sent | refused (the server's reason is kept; the user may fix and resend).
// Network failures, 5xx and an ended session leave the record waiting for the next round.
import { t } from "./i18n.js";
import * as store from "./store.js";
import { senders, LoginNeeded, ServerRefused, Unreachable } from "./api.js";

export const STATUS = { WAITING: "waiting", SENDING: "sending", SENT: "sent", REFUSED: "refused" };
const LOCK_NAME = "congvu-outbox-sender";
const RETRY_EVERY_MS = 30_000;

let loginNeeded = false;
export const isLoginNeeded = () => loginNeeded;

// Make a record. `payload` is what the server receives (without client_uuid: added at send time).
export async function enqueue({ kind, title, subtitle = "", payload, photos = [], target = {}, baseVersion = null, uuid = null }) {
  const now = new Date().toISOString();
  const record = {
    uuid: uuid || crypto.randomUUID(),
    user: store.user,
    kind, title, subtitle, payload, photos, target, baseVersion,
    status: STATUS.WAITING,
    createdAt: now,
    attempts: 0,
    error: null,
    response: null,
    progress: null,
  };
  await store.saveRecord(record);
  queueMicrotask(() => syncSoon());
  return record;
}

// Replace a refused record's content after the user fixed it. The UUID stays: the server refused
// it, so it holds nothing under it. `newIdentity` (after a conflict) makes it a new record.
export async function resubmit(uuid, { payload, photos, title, subtitle, baseVersion, newIdentity = false }) {
  const old = await store.getRecord(uuid);
  if (!old) return null;
  const record = {
    ...old,
    payload: payload ?? old.payload,
    photos: photos ?? old.photos,
    title: title ?? old.title,
    subtitle: subtitle ?? old.subtitle,
    baseVersion: baseVersion === undefined ? old.baseVersion : baseVersion,
    status: STATUS.WAITING,
    error: null,
    progress: null,
  };
  if (newIdentity) {
    await store.deleteRecord(uuid);
    record.uuid = crypto.randomUUID();
    record.createdAt = new Date().toISOString();
  }
  await store.saveRecord(record);
  syncSoon();
  return record;
}

export async function discard(uuid) {
  await store.deleteRecord(uuid);
  await store.dropUnusedPhotos();
}

export async function clearSent() {
  for (const record of await store.listOutbox()) {
    if (record.status === STATUS.SENT) await store.deleteRecord(record.uuid);
  }
  await store.dropUnusedPhotos();
}

export async function counts() {
  const result = { waiting: 0, sending: 0, sent: 0, refused: 0 };
  for (const record of await store.listOutbox()) result[record.status] = (result[record.status] || 0) + 1;
  return result;
}

function withLock(fn) {
  if (navigator.locks && navigator.locks.request) {
    // ifAvailable: if another tab is sending, this one simply does not.
    return navigator.locks.request(LOCK_NAME, { ifAvailable: true }, (lock) => (lock ? fn() : false));
  }
  return fn(); // no Web Locks: the server's UUID check still makes a double send harmless
}

// Send every waiting record, oldest first. Returns true if this tab did the sending.
export function syncNow() {
  return withLock(async () => {
    const records = await store.listOutbox();
    for (const record of records) {
      // A record still "sending" was left by a tab that closed mid-way (we hold the only lock): resume it.
      if (record.status !== STATUS.WAITING && record.status !== STATUS.SENDING) continue;
      const goOn = await sendOne(record.uuid);
      if (!goOn) break;
    }
    return true;
  });
}

async function sendOne(uuid) {
  const record = await store.updateRecord(uuid, (r) =>
    (r.status === STATUS.WAITING || r.status === STATUS.SENDING)
      ? { ...r, status: STATUS.SENDING, attempts: (r.attempts || 0) + 1, lastAttemptAt: new Date().toISOString() }
      : null);
  if (!record) return true;
  const send = senders[record.kind];
  try {
    const onProgress = (progress) => store.updateRecord(uuid, (r) => ({ ...r, progress }));
    const response = await send(record, onProgress);
    loginNeeded = false;
    await store.updateRecord(uuid, (r) => ({
      ...r, status: STATUS.SENT, sentAt: new Date().toISOString(), response, error: null, progress: null,
    }));
    await store.dropUnusedPhotos();
    return true;
  } catch (error) {
    if (error instanceof ServerRefused) {
      await store.updateRecord(uuid, (r) => ({ ...r, status: STATUS.REFUSED, error: error.info, progress: null }));
      return true; // the next record may well go through
    }
    const info = error instanceof LoginNeeded
      ? { status: error.status, detail: t("login_again"), loginNeeded: true }
      : { status: error.status || 0, detail: (error instanceof Unreachable && error.detail) || t("outbox.network_error") };
    loginNeeded = error instanceof LoginNeeded;
    await store.updateRecord(uuid, (r) => ({ ...r, status: STATUS.WAITING, error: info, progress: null }));
    store.announce({ type: "round-stopped", loginNeeded });
    return false; // no network or no session: stop this round, retry later
  }
}

let soon = null;
export function syncSoon(delay = 300) {
  if (soon) return;
  soon = setTimeout(() => { soon = null; if (navigator.onLine !== false) syncNow(); }, delay);
}

// Send when the network returns, when the page is shown again, and every 30 s.
export function startAutoSync() {
  window.addEventListener("online", () => syncSoon(100));
  document.addEventListener("visibilitychange", () => { if (!document.hidden) syncSoon(); });
  setInterval(() => { if (!document.hidden) syncSoon(0); }, RETRY_EVERY_MS);
  syncSoon(500);
}

