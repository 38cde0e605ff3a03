// Talking to the server: the two bundles (kept whole in IndexedDB) and one sender per outbox kind.
// Every request is same-origin with the session cookie and the CSRF token; the pages name the user
// (X-CongVu-User) so the service worker keeps API answers per user.
import { config, t } from "./i18n.js";
import * as store from "./store.js";

const CHUNK_BYTES = 512 * 1024;

export class Unreachable extends Error {
  constructor(status = 0, detail = "") { super("unreachable"); this.status = status; this.detail = detail; }
}
export class LoginNeeded extends Error {
  constructor(status) { super("login needed"); this.status = status; }
}
// The server answered and said no: keep its reason (and its copy, for conflicts) for the user.
export class ServerRefused extends Error {
  constructor(info) { super(info.detail || "refused"); this.info = info; }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function url(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]));
}

async function request(method, target, { json, body, headers = {} } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    redirect: "manual",
    headers: { "Accept": "application/json", "X-CongVu-User": config.user, ...headers },
  };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(target, init);
  } catch (error) {
    throw new Unreachable(0);
  }
  if (response.type === "opaqueredirect") throw new LoginNeeded(302);
  return response;
}

async function bodyOf(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) return null;
  try { return await response.json(); } catch (error) { return null; }
}

// Flatten DRF's error body into lines a person can read ("field: message").
export function describeErrors(body) {
  if (!body || typeof body !== "object") return [];
  if (typeof body.detail === "string" && !body.fields) return [body.detail];
  const lines = [];
  const walk = (value, path) => {
    if (value === null || value === undefined) return;
    if (typeof value === "string") lines.push(path ? `${path}: ${value}` : value);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, typeof v === "object" && v !== null ? `${path}[${i + 1}]` : path));
    else if (typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        if (key === "current" || key === "code") continue;
        walk(v, key === "detail" || key === "non_field_errors" ? path : (path ? `${path}.${key}` : key));
      }
    }
  };
  walk(body, "");
  return lines;
}

// Is the session still alive? A 401/403 from the API may mean "log in again" or "not allowed".
async function sessionAlive() {
  try {
    const probe = await fetch(config.pages.outbox, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
    return !(probe.type === "opaqueredirect" || probe.status === 302);
  } catch (error) {
    return true;
  }
}

// Turn a non-2xx answer into the right exception.
async function refuse(response) {
  const body = await bodyOf(response);
  const status = response.status;
  if (status === 401) throw new LoginNeeded(status);
  if (status === 403 && (!(await sessionAlive()) || /csrf/i.test((body && body.detail) || ""))) {
    throw new LoginNeeded(status);
  }
  if (status === 408 || status === 429 || status >= 500) throw new Unreachable(status);
  const lines = describeErrors(body);
  let detail = lines.join("\n");
  if (!detail) {
    detail = status === 404 ? t("outbox.gone") : status === 413 ? t("outbox.too_large")
      : (status === 409 || status === 412) ? t("outbox.conflict") : `HTTP ${status}`;
  }
  throw new ServerRefused({
    status, code: (body && body.code) || "", detail, lines,
    current: body && body.current !== undefined ? body.current : null,
  });
}

// --- bundles ---
export async function fetchBundle(kind) {
  const endpoint = config.api[kind];
  if (!endpoint) throw new Unreachable(404, "endpoint missing");
  const data = [];
  let next = endpoint;
  while (next) { // follow pagination if the endpoint pages
    const response = await request("GET", next);
    if (!response.ok) await refuse(response);
    // The worker answered from its cache: nothing new, keep what IndexedDB holds (and its date).
    if (response.headers.get("X-CongVu-From-Cache")) throw new Unreachable(0, "cached");
    const body = await response.json();
    if (Array.isArray(body)) { data.push(...body); next = null; }
    else if (body && Array.isArray(body.results)) { data.push(...body.results); next = body.next; }
    else { return store.saveBundle(kind, body); }
  }
  return store.saveBundle(kind, data);
}

// --- photos: resumable upload, deduplicated by hash ---
async function uploadedOffset(target) {
  const response = await request("HEAD", target);
  if (response.status === 404) return 0;
  if (!response.ok) await refuse(response);
  return parseInt(response.headers.get("Upload-Offset") || "0", 10) || 0;
}

export async function uploadPhoto(sha256, onProgress) {
  const photo = await store.getPhoto(sha256);
  if (!photo) {
    throw new ServerRefused({ status: 0, code: "photo_missing", detail: t("outbox.photos") + ": " + sha256.slice(0, 12), lines: [] });
  }
  if (photo.uploaded) return photo;
  const target = url(config.api.upload, { sha256 });
  const size = photo.blob.size;
  let offset = await uploadedOffset(target);
  while (offset < size) {
    const end = Math.min(offset + CHUNK_BYTES, size);
    const response = await request("PUT", target, {
      body: photo.blob.slice(offset, end),
      headers: { "Content-Type": "application/octet-stream", "Content-Range": `bytes ${offset}-${end - 1}/${size}` },
    });
    if (response.status === 409 || response.status === 416) {
      // The server holds a different offset (another tab, a lost answer): ask and carry on from there.
      offset = await uploadedOffset(target);
      continue;
    }
    if (!response.ok && response.status !== 308) await refuse(response);
    const told = parseInt(response.headers.get("Upload-Offset") || "", 10);
    offset = Number.isFinite(told) ? told : end;
    if (onProgress) await onProgress({ sha256, sent: Math.min(offset, size), size });
  }
  photo.uploaded = true;
  await store.updatePhoto(photo);
  return photo;
}

// --- senders, one per outbox kind: resolve with the server's answer or throw one of the errors ---
async function sendInspection(record, onProgress) {
  for (const sha256 of record.photos || []) await uploadPhoto(sha256, onProgress);
  const json = { ...record.payload, client_uuid: record.uuid };
  let response;
  if (record.target && record.target.inspection) {
    // The server already holds this inspection (a draft, or returned to the inspector): edit it,
    // naming the version the tablet saw; someone else's change in between is a 412, shown to the user.
    response = await request("PUT", url(config.api.inspection, { id: record.target.inspection }), {
      json, headers: { "If-Match": `"${record.baseVersion}"` },
    });
  } else {
    response = await request("POST", config.api.inspections, { json });
  }
  if (!response.ok) await refuse(response);
  return bodyOf(response);
}

async function sendAttendance(record) {
  const headers = {};
  if (record.baseVersion !== null && record.baseVersion !== undefined) headers["If-Match"] = `"${record.baseVersion}"`;
  const target = url(config.api.attendance, { session: record.target.session });
  const response = await request(config.api.attendance_method || "PUT", target, {
    json: { ...record.payload, client_uuid: record.uuid }, headers,
  });
  if (!response.ok) await refuse(response);
  return bodyOf(response);
}

export const senders = { inspection: sendInspection, attendance: sendAttendance };
