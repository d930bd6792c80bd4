/* The person's own time zone, from the browser (accounts/timezones.py).
 *
 * - At signup: the hidden field marked data-detect-time-zone gets the browser's
 *   IANA zone name (Intl), so days, parts of day and "today" are the person's own
 *   from the first page. Without JavaScript the field stays empty and the server's
 *   zone is used; the profile page changes it.
 * - On the profile page: when the zone chosen there is not this device's, a short
 *   note names the device's zone with a button that picks it in the list (nothing
 *   is saved until the person saves).
 * CSP-safe: a static file, no inline script, no eval.
 */
(function () {
  "use strict";

  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!zone) { return; }

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  function detect() {
    var hidden = document.querySelectorAll("input[data-detect-time-zone]");
    for (var i = 0; i < hidden.length; i++) {
      if (!hidden[i].value) { hidden[i].value = zone; }
    }
  }

  function offerDeviceZone() {
    var select = document.querySelector("select[data-device-time-zone-select]");
    var note = document.getElementById("device-time-zone");
    if (!select || !note || note.hasAttribute("data-ready")) { return; }
    note.setAttribute("data-ready", "");
    var option = null;
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].value === zone) { option = select.options[j]; }
    }
    if (!option) { return; }  // a zone this server does not offer: say nothing
    var name = note.querySelector("[data-device-time-zone-name]");
    var use = note.querySelector("button");

    function update() {
      note.hidden = select.value === zone;
    }
    name.textContent = option.textContent;
    use.addEventListener("click", function () {
      select.value = zone;
      update();
      select.focus();
    });
    select.addEventListener("change", update);
    update();
  }

  ready(function () {
    detect();
    offerDeviceZone();
    // The profile form comes back by htmx when it has an error: offer again.
    document.body.addEventListener("htmx:afterSettle", offerDeviceZone);
  });
})();
