// What the tablet keeps, per user: bundles from the server, drafts, outbox records and photos.
// Every change is announced to this tab and the others (BroadcastChannel) so screens stay current.
import { config } from "./i18n.js";
import { done, get, getAll, getAllBy, put, remove, transaction } from "./idb.js";

const user = config.user;
const channel = "BroadcastChannel" in self ? new BroadcastChannel("congvu-offline") : null;
const listeners = new Set();

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announce(what) {
  for (const listener of listeners) listener(what);
  if (channel) channel.postMessage(what);
}

if (channel) {
  channel.onmessage = (event) => { for (const listener of listeners) listener(event.data); };
}

// --- bundles: the server's answers to my-assignments / my-classes, kept whole ---
export async function saveBundle(kind, data) {
  const record = { key: `${user}:${kind}`, user, kind, data, fetchedAt: new Date().toISOString() };
  await put("bundles", record);
  announce({ type: "bundle", kind });
  return record;
}

export function loadBundle(kind) {
  return get("bundles", `${user}:${kind}`);
}

// --- drafts: work in progress, saved at every change ---
export function loadDraft(kind, id) {
  return get("drafts", `${user}:${kind}:${id}`);
}

export function saveDraft(kind, id, value) {
  return put("drafts", { ...value, key: `${user}:${kind}:${id}`, user, kind, id: String(id), savedAt: new Date().toISOString() });
}

export function deleteDraft(kind, id) {
  return remove("drafts", `${user}:${kind}:${id}`);
}

// --- photos ---
export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function keepPhoto(file) {
  const sha256 = await sha256Hex(file);
  const record = { sha256, blob: file, type: file.type || "application/octet-stream", name: file.name || `${sha256}.jpg`,
                   size: file.size, user, keptAt: new Date().toISOString() };
  await put("blobs", record);
  return record;
}

export const getPhoto = (sha256) => get("blobs", sha256);
export const updatePhoto = (record) => put("blobs", record);

// Drop photos that no draft and no unsent outbox record still needs.
export async function dropUnusedPhotos() {
  await transaction(["blobs", "drafts", "outbox"], "readwrite", async (s) => {
    const needed = new Set();
    for (const draft of await done(s.drafts.getAll())) {
      for (const answer of Object.values(draft.answers || {})) for (const sha of answer.photos || []) needed.add(sha);
    }
    for (const record of await done(s.outbox.getAll())) {
      if (record.status !== "sent") for (const sha of record.photos || []) needed.add(sha);
    }
    for (const key of await done(s.blobs.getAllKeys())) {
      if (!needed.has(key)) s.blobs.delete(key);
    }
  });
}

// --- outbox records ---
export async function listOutbox() {
  const records = await getAllBy("outbox", "user", user);
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export const getRecord = (uuid) => get("outbox", uuid);

export async function saveRecord(record) {
  record.updatedAt = new Date().toISOString();
  await put("outbox", record);
  announce({ type: "outbox", uuid: record.uuid, status: record.status });
  return record;
}

// Change a record inside one transaction (read, change, write), so two tabs never interleave.
export async function updateRecord(uuid, change) {
  const updated = await transaction("outbox", "readwrite", async (s) => {
    const record = await done(s.outbox.get(uuid));
    if (!record) return null;
    const next = change(record);
    if (!next) return null;
    next.updatedAt = new Date().toISOString();
    await done(s.outbox.put(next));
    return next;
  });
  if (updated) announce({ type: "outbox", uuid, status: updated.status });
  return updated;
}

export async function deleteRecord(uuid) {
  await remove("outbox", uuid);
  announce({ type: "outbox", uuid, status: null });
}

export { getAll, user };
