// Notifications on this device (templates/couples/notifications.html): subscribe
// this browser with the server's VAPID key, and tell the server; or turn it off.
// Without JavaScript, or without Push support, the text says so and nothing else.
(function () {
  "use strict";
  // The words in the page's language (static/js/text.js); English without it.
  function T(key, values, fallback) { return window.cgText ? window.cgText(key, values, fallback) : fallback; }

  var box = document.querySelector("[data-push]");
  if (!box) return;
  var state = box.querySelector("[data-push-state]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) { state.textContent = text; }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }
  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    });
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(T("push_unsupported", null, "This browser cannot show notifications from a web app."));
    return;
  }
  var ready = navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  });
  ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    show(Boolean(subscription));
    say(subscription ? T("push_on", null, "Notifications are on for this device.") : T("push_off", null, "Notifications are off for this device."));
  });

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error(T("push_not_allowed", null, "This browser is not allowed to show notifications; you can allow it in its site settings."));
      return ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) });
    }).then(function (subscription) {
      return post(box.dataset.add, subscription.toJSON()).then(function (response) {
        if (response.ok) return response;
        return response.json().then(function (data) {
          subscription.unsubscribe();
          throw new Error(data.error || T("push_not_saved", null, "The server could not save this device."));
        });
      });
    }).then(function () {
      show(true);
      say(T("push_on", null, "Notifications are on for this device."));
    }).catch(function (error) {
      say(error && error.message ? error.message : T("push_on_failed", null, "Notifications could not be turned on."));
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () { return post(box.dataset.forget, { endpoint: endpoint }); });
    }).then(function () {
      show(false);
      say(T("push_off", null, "Notifications are off for this device."));
    }).catch(function () {
      say(T("push_off_failed", null, "Notifications could not be turned off; please try again."));
    }).then(function () { off.disabled = false; });
  });
})();
