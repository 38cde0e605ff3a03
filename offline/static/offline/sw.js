/* CongVu service worker, served at /sw.js by offline.views.service_worker, which puts
   self.CONGVU_SHELL = {version, assets, pages, fallback, api} on the first line.
   - App shell (static files): cache first, from a cache named after the version; a new version
     refreshes it and drops the old one.
   - Offline pages: network first, then the last copy kept (then the outbox page).
   - API GETs of the offline pages: network first, then the last answer kept for the same user.
   - Anything else, and every POST/PUT/PATCH/DELETE/HEAD: straight to the network, never cached. */
"use strict";

const SHELL = self.CONGVU_SHELL;
const SHELL_CACHE = "congvu-shell-" + SHELL.version;
const PAGE_CACHE = "congvu-pages";
const API_CACHE = "congvu-api";
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll([...SHELL.assets, SHELL.unavailable]))
      .then(() => self.skipWaiting())
  );
});

// Any other page of the app opened without network: the "no network" page, with links to what works
// offline, instead of the browser's error page.
async function pageOrUnavailable(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await caches.match(SHELL.unavailable, { cacheName: SHELL_CACHE });
    return kept || Response.error();
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("congvu-shell-") && name !== SHELL_CACHE)
        .map((name) => caches.delete(name))
    )).then(() => self.clients.claim())
  );
});

function isPage(url) {
  return SHELL.pages.includes(url.pathname);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}

// Keep a page only if the server answered it itself (not a redirect to the login page).
function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

async function cachePage(request) {
  const response = await fetch(request, { credentials: "same-origin", cache: "no-store" });
  if (keepable(response)) {
    const cache = await caches.open(PAGE_CACHE);
    await cache.put(new URL(response.url).pathname, response.clone());
  }
  return response;
}

// Network first; the kept copy only if the network fails or is slower than NETWORK_TIMEOUT_MS.
// With nothing kept, the network answer is awaited however long it takes.
async function networkFirst(network, cached) {
  if (!cached) return network;
  try {
    return await withTimeout(network, NETWORK_TIMEOUT_MS);
  } catch (error) {
    return cached;
  }
}

async function pageNetworkFirst(request) {
  const url = new URL(request.url);
  const cache = await caches.open(PAGE_CACHE);
  const cached = (await cache.match(url.pathname)) || (await cache.match(SHELL.fallback));
  try {
    return await networkFirst(cachePage(request), cached);
  } catch (error) {
    return Response.error();
  }
}

// API answers are kept per user (the pages send X-CongVu-User), so a shared tablet never shows
// one person's kept data to another.
function apiCacheKey(request) {
  const user = request.headers.get("X-CongVu-User");
  if (!user) return null;
  const url = new URL(request.url);
  url.searchParams.set("__congvu_user", user);
  return url.toString();
}

async function apiNetworkFirst(request, key) {
  const cache = await caches.open(API_CACHE);
  const kept = await cache.match(key);
  const network = fetch(request).then(async (response) => {
    if (response.ok) await cache.put(key, response.clone());
    return response;
  });
  let cached = null;
  if (kept) {
    const headers = new Headers(kept.headers);
    headers.set("X-CongVu-From-Cache", "1");
    cached = new Response(await kept.blob(), { status: kept.status, headers });
  }
  return networkFirst(network, cached);
}

async function shellCacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POST/PUT/PATCH/DELETE/HEAD: never cached
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isPage(url)) {
    event.respondWith(pageNetworkFirst(request));
  } else if (request.mode === "navigate" && !url.pathname.startsWith("/admin/")) {
    event.respondWith(pageOrUnavailable(request));
  } else if (url.pathname.startsWith(SHELL.api) && apiCacheKey(request)) {
    // Only the offline pages' reads (they name the user); other screens' API calls are left alone.
    event.respondWith(apiNetworkFirst(request, apiCacheKey(request)));
  } else if (SHELL.assets.includes(url.pathname)) {
    event.respondWith(shellCacheFirst(request));
  }
});

// A page asks to keep every offline page now (they need the login, so install cannot fetch them).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-pages") {
    const wanted = (data.pages || SHELL.pages).filter((path) => SHELL.pages.includes(path));
    // Another person used this tablet before: drop their kept pages and answers first.
    const forget = data.newUser ? Promise.all([caches.delete(PAGE_CACHE), caches.delete(API_CACHE)]) : Promise.resolve();
    event.waitUntil(forget
      .then(() => Promise.all(wanted.map((path) => cachePage(new Request(path)).catch(() => null))))
      .then(() => event.source && event.source.postMessage({ type: "pages-kept", version: SHELL.version })));
  }
});
