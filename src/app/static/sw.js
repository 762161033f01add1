// Keeps the app's own files so it opens without a network. The API is never cached: a child's
// ideas and answers are always read fresh, and ideas made offline wait in the page's storage.
const CACHE = "tongsheng-app-1";
const SHELL = ["/app/", "/app/app.js", "/app/app.css", "/app/icon.svg", "/app/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const shell = event.request.method === "GET" && (SHELL.includes(url.pathname) || url.pathname.startsWith("/topics/"));
  if (!shell) return;
  // Network first, so a new version arrives at once; the cache when offline.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      })
      .catch(() => caches.match(event.request))
  );
});
