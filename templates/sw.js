{% load i18n %}// Common Ground's service worker (served at /sw.js by couples/views/notifications.py).
// It shows notifications and opens the right part of the dashboard on a tap. It
// keeps ONLY static files and the static offline page: never a page, fragment or
// answer with anyone's data in it, because phones are shared and lost.
"use strict";
var CACHE = "cg-static-{{ version }}";
var PRECACHE = {{ precache|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var OFFLINE = {{ offline|safe }};
var ICON = {{ icon|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    // Static files: from the cache when there, else the network (not stored: only the precache list is kept).
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    // Pages always come from the network; with no network, the static offline page.
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  var title = data.title || "Common Ground";
  var options = {
    body: data.body || "{% filter escapejs %}{% translate "Something new from your partner" %}{% endfilter %}",
    tag: data.tag || "common-ground",
    icon: ICON,
    // Only a path of this site (not "//elsewhere"): a tap never leaves the app.
    data: { url: typeof data.url === "string" && /^\/(?!\/)/.test(data.url) ? data.url : "/" }
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      var client = windows[i];
      if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
        return client.navigate(target).then(function (opened) {
          return (opened || client).focus ? (opened || client).focus().catch(function () { return opened || client; }) : opened;
        });
      }
    }
    return self.clients.openWindow(target);
  }));
});
