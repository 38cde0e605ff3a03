// A small promise wrapper over IndexedDB. Stores:
//   bundles  {key: "<user>:assignments" | "<user>:classes", user, kind, data, fetchedAt}
//   drafts   {key: "<user>:<kind>:<id>", user, ...}      work in progress, saved as it is typed
//   outbox   {uuid, user, kind, status, payload, photos, ...}   see outbox.js
//   blobs    {sha256, blob, type, name, size, user}      photos, kept until their record is sent
const DB_NAME = "congvu-offline";
const DB_VERSION = 1;
let opening = null;

export function openDB() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("bundles")) db.createObjectStore("bundles", { keyPath: "key" });
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts", { keyPath: "key" });
        if (!db.objectStoreNames.contains("outbox")) {
          const outbox = db.createObjectStore("outbox", { keyPath: "uuid" });
          outbox.createIndex("user", "user");
        }
        if (!db.objectStoreNames.contains("blobs")) db.createObjectStore("blobs", { keyPath: "sha256" });
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB upgrade blocked by another tab"));
    });
  }
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Run fn(stores) in one transaction; resolves with fn's result once the transaction committed.
export async function transaction(storeNames, mode, fn) {
  const db = await openDB();
  const names = Array.isArray(storeNames) ? storeNames : [storeNames];
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    Promise.resolve(fn(stores, done)).then((value) => { result = value; }, (error) => {
      try { tx.abort(); } catch (ignored) { /* already finished */ }
      reject(error);
    });
  });
}

export const get = (store, key) => transaction(store, "readonly", (s) => done(s[store].get(key)));
export const put = (store, value) => transaction(store, "readwrite", (s) => done(s[store].put(value)));
export const remove = (store, key) => transaction(store, "readwrite", (s) => done(s[store].delete(key)));
export const getAll = (store) => transaction(store, "readonly", (s) => done(s[store].getAll()));
export const getAllBy = (store, index, value) =>
  transaction(store, "readonly", (s) => done(s[store].index(index).getAll(value)));
export { done };
