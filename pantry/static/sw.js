/* Pantry's service worker. A label's scan page opened once opens again without signal
   (network first, this phone's copy when there is no network), with the files it needs;
   and where the browser has Background Sync, the outbox is sent even after the tab closed.
   Served by /sw.js, which puts PANTRY = {assets, script, version} in front of this file.
   Only scan pages and static files are kept: never a POST, a coordinator's page, a sign-up
   or anything else that is private. */
"use strict";

importScripts(PANTRY.script); // the outbox itself (Outbox), shared with the pages

const ASSETS = "pantry-assets-" + PANTRY.version;
const PAGES = "pantry-pages";
const PAGES_KEPT = 30;
const SCAN_PAGE = /^\/t\/[0-9A-Z]{4,20}$/; // a label's code; never /t/token or /t/<code>/log

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PANTRY.assets)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("pantry-assets-") && name !== ASSETS) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SCAN_PAGE.test(url.pathname)) event.respondWith(networkFirst(request));
  else if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) event.respondWith(cacheFirst(request));
});

// A page that opened before this worker took over asks for its own copy to be kept.
self.addEventListener("message", (event) => {
  const url = event.data && event.data.keep;
  if (typeof url === "string" && isScanPage(url)) event.waitUntil(keepPage(new Request(url)).catch(() => {}));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== Outbox.SYNC_TAG) return;
  event.waitUntil((async () => {
    const outcome = await Outbox.flush();
    const windows = await self.clients.matchAll({ type: "window" });
    for (const client of windows) client.postMessage({ outbox: outcome.results });
    if (outcome.left) throw new Error("the outbox waits"); // the browser tries again later
  })());
});

function isScanPage(url) {
  const parsed = new URL(url, self.location.href);
  return parsed.origin === self.location.origin && SCAN_PAGE.test(parsed.pathname);
}

async function networkFirst(request) {
  try {
    return await keepPage(request);
  } catch (error) {
    const kept = await caches.match(request.url, { cacheName: PAGES, ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

async function keepPage(request) {
  const response = await fetch(request);
  const type = response.headers.get("Content-Type") || "";
  if (response.status === 200 && response.type === "basic" && type.startsWith("text/html")) {
    const cache = await caches.open(PAGES);
    await cache.put(request.url, response.clone());
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - PAGES_KEPT))) await cache.delete(old);
  }
  return response;
}

// A versioned file never changes. Offline, a page kept from before a new version asks for
// the old one, which is gone: the current version of the same file serves it.
async function cacheFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(ASSETS).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const current = await caches.match(request, { cacheName: ASSETS, ignoreSearch: true });
    if (current) return current;
    throw error;
  }
}

// Web push: a site's news, shown as a notification; a tap opens its page.
self.addEventListener("push", (event) => {
  let note = {};
  try { note = event.data ? event.data.json() : {}; } catch (error) { note = {}; }
  event.waitUntil(self.registration.showNotification(note.title || "Pantry", { data: note.url || "/", tag: note.id }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data || "/"));
});
