/* CongVu service worker, served at /sw.js by offline.views.service_worker, which puts
   self.CONGVU_SHELL = {version, assets, pages, fallback, api} on the first line.
   - App shell (static files): cache first, from a cache named after the version; a new version
     refreshes it and drops the old one.
   - Offline pages: network first, then the last copy kept (then the outbox page).
   - API GETs: network first, then the last answer kept for the same user.
   - Anything else, and every POST/PUT/PATCH/DELETE/HEAD: straight to the network, never cached. */
"use strict";

const SHELL = self.CONGVU_SHELL;
const SHELL_CACHE = "congvu-shell-" + SHELL.version;
const PAGE_CACHE = "congvu-pages";
const API_CACHE = "congvu-api";
const NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL.assets)).then(() => self.skipWaiting())
  );
});

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

async function pageNetworkFirst(request) {
  const url = new URL(request.url);
  try {
    return await withTimeout(cachePage(request), NETWORK_TIMEOUT_MS);
  } catch (error) {
    const cache = await caches.open(PAGE_CACHE);
    return (await cache.match(url.pathname)) || (await cache.match(SHELL.fallback)) || Response.error();
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

async function apiNetworkFirst(request) {
  const key = apiCacheKey(request);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (key && response.ok) {
      const cache = await caches.open(API_CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    if (key) {
      const cached = await (await caches.open(API_CACHE)).match(key);
      if (cached) {
        const headers = new Headers(cached.headers);
        headers.set("X-CongVu-From-Cache", "1");
        return new Response(await cached.blob(), { status: cached.status, headers });
      }
    }
    throw error;
  }
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
  } else if (url.pathname.startsWith(SHELL.api)) {
    event.respondWith(apiNetworkFirst(request));
  } else if (SHELL.assets.includes(url.pathname)) {
    event.respondWith(shellCacheFirst(request));
  }
});

// A page asks to keep every offline page now (they need the login, so install cannot fetch them).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-pages") {
    const wanted = (data.pages || SHELL.pages).filter((path) => SHELL.pages.includes(path));
    event.waitUntil(Promise.all(wanted.map((path) => cachePage(new Request(path)).catch(() => null)))
      .then(() => event.source && event.source.postMessage({ type: "pages-kept", version: SHELL.version })));
  } else if (data.type === "forget-user-data") {
    event.waitUntil(caches.delete(API_CACHE).then(() => caches.delete(PAGE_CACHE)));
  }
});
