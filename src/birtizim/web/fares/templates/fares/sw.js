{% load static %}/* The inspector page's service worker: keeps the app shell so the page opens without signal.
 * The page itself is fetched from the network when there is one (and kept), else from the cache;
 * the shell's static files come from the cache. Entries and state always go to the network: a
 * failure is for the page to see, and its queue keeps the entry. */
"use strict";
var CACHE = "birtizim-fares-{{ version }}";
var PAGE = "{% url 'fares:inspector' %}";
var FILES = [{% for f in files %}"{% static f %}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll([PAGE].concat(FILES)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("birtizim-fares-") === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(PAGE, copy); });
        }
        return response;
      }).catch(function () { return caches.match(PAGE); })
    );
  } else if (FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});
