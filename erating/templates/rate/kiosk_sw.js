/* eRating kiosk service worker (served from {{ request.path }} so its scope covers the kiosk).
 * The shell is precached and answered from the cache first (refreshed in the background), so
 * the kiosk starts with the network down; the configuration is fetched network-first with the
 * cached copy as fallback. Ratings never pass through here: the page queues them in IndexedDB. */
"use strict";
const VERSION = "{{ version|escapejs }}";
const CACHE = "erating-kiosk-" + VERSION;
const SHELL = {{ shell|safe }};
const START = {{ start|safe }};
const CONFIG = "/api/v1/kiosk/config";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("erating-kiosk-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function refresh(request, key) {
  return fetch(request).then((response) => {
    if (response.ok) caches.open(CACHE).then((cache) => cache.put(key || request, response.clone()));
    return response;
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname === CONFIG) {
    event.respondWith(refresh(request, CONFIG).catch(() => caches.match(CONFIG).then((hit) => hit || Response.error())));
    return;
  }
  const key = request.mode === "navigate" && url.pathname === START ? START : (SHELL.includes(url.pathname) ? url.pathname : null);
  if (!key) return;
  event.respondWith(caches.match(key).then((hit) => {
    const fresh = refresh(new Request(key), key);
    if (hit) { fresh.catch(() => null); return hit; }
    return fresh;
  }));
});
