// Makes the app installable and able to show notifications: registers the
// service worker (/sw.js), which caches only static files (templates/sw.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
}
