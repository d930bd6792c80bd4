/* Live sync for the dashboard (see realtime/consumers.py).
 *
 * The htmx ws extension (hx-ext="ws" ws-connect on #live) keeps the socket and
 * swaps every pushed part by id. This file adds what the extension does not:
 * - a page that shows the couple's things under its own ids (the therapy
 *   session page) names in data-refetch-on the pushed parts that mean "this
 *   changed": its own blocks ([data-live-block]) are then fetched again over
 *   HTTP, each for this person's own eyes (a block being typed in, or showing
 *   something shown only once [data-live-keep], waits);
 * - reconnect back-off capped at a few seconds, and a retry after closes the
 *   extension gives up on (1000/1001: server restart), but never after 4xxx
 *   (signed out: reconnecting could not succeed; 4429: a newer socket of the
 *   same person took this one's place, so the page stays paused);
 * - convergence: each push carries the couple's sequence number (#live-seq);
 *   a gap, a hello showing a newer number, or any reconnect refetches the
 *   dashboard's parts over HTTP (GET /parts/space/), where the truth is;
 * - a visible "live updates are paused" note while the socket is down;
 * - a push never wipes what the person is typing: a part holding a form with
 *   unsaved input keeps it; the part is refetched once nothing in it is unsaved;
 * - a pushed part this page does not show (e.g. "my-answers", pushed to all of
 *   a person's devices) is dropped quietly (the "live-parts" extension on #live);
 * - the partner's presence mark survives a refetch of the whole body (an HTTP
 *   render cannot know who is here; the socket said so).
 * CSP-safe: no eval, no inline script; saves stay ordinary HTTP POSTs.
 */
(function () {
  "use strict";
  // The words in the page's language (static/js/text.js); English without it.
  function T(key, values, fallback) { return window.cgText ? window.cgText(key, values, fallback) : fallback; }


  var MAX_DELAY_MS = 4000;
  var live = document.getElementById("live");
  if (!live || !window.htmx) { return; }

  // Keep only the pushed elements this page has a place for: htmx would log an
  // error for each one it cannot find (a part of another page of this person).
  var refetchOn = (live.dataset.refetchOn || "").split(" ").filter(Boolean);
  var hinted = false;  // the last push carried a part named in data-refetch-on

  htmx.defineExtension("live-parts", {
    transformResponse: function (text) {
      var template = document.createElement("template");
      template.innerHTML = text;
      hinted = hinted || Array.prototype.some.call(template.content.children, function (element) {
        return refetchOn.indexOf(element.id) >= 0;
      });
      var kept = Array.prototype.filter.call(template.content.children, function (element) {
        return element.id && document.getElementById(element.id);
      });
      if (kept.length === template.content.children.length) { return text; }
      return kept.map(function (element) { return element.outerHTML; }).join("\n");
    }
  });

  var partnerHere = false;  // what the socket last said about the partner

  htmx.config.wsReconnectDelay = function (retryCount) {
    var ceiling = Math.min(MAX_DELAY_MS, 500 * Math.pow(2, retryCount));
    return ceiling / 2 + Math.random() * ceiling / 2;
  };

  var opened = false;
  var seqBefore = null;
  var retries = 0;

  function seqNow() {
    var marker = document.getElementById("live-seq");
    if (!marker || marker.dataset.seq === "") { return null; }
    return parseInt(marker.dataset.seq, 10);
  }

  function paused(on) {
    var note = document.getElementById("live-paused");
    if (note) { note.hidden = !on; }
  }

  // What a refetch replaces: the dashboard's body, or the page's own (the check-in's).
  var refetchTarget = live.dataset.refetchTarget || "#space";

  function refetch() {
    if (refetchOn.length) {
      refreshBlock("live-seq");
      refreshBlocks();
      return;
    }
    htmx.ajax("GET", live.dataset.refetchUrl, { target: refetchTarget, swap: "outerHTML" });
  }

  // The blocks of a page with data-refetch-on, fetched again from the page's own URL.
  var heldBlocks = {};  // block id -> it changed while the person was typing in it

  function refreshBlock(id) {
    // Its own source: requests from one source queue, and only the last queued is kept.
    htmx.ajax("GET", live.dataset.refetchUrl, {
      source: "#" + id, target: "#" + id, select: "#" + id, swap: "outerHTML"
    });
  }

  function keeps(block) {
    return unsaved(block) || block.querySelector("[data-live-keep]") !== null;
  }

  function refreshBlocks() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-live-block]"), function (block) {
      if (!block.id) { return; }
      if (keeps(block)) { heldBlocks[block.id] = true; return; }
      delete heldBlocks[block.id];
      refreshBlock(block.id);
    });
  }

  live.addEventListener("htmx:wsOpen", function () {
    paused(false);
    if (opened) { refetch(); }  // whatever happened while we were away
    opened = true;
  });

  live.addEventListener("htmx:wsClose", function (event) {
    paused(true);
    var code = event.detail.event.code;
    var handled = [1006, 1011, 1012, 1013].indexOf(code) >= 0;
    var wrapper = event.detail.socketWrapper;
    if (handled || !wrapper) { return; }
    if (code === 4429) {
      // A newer socket of this person took this one's place (too many devices or
      // tabs open at once): stay paused. Reconnecting would only push out another
      // of their pages, and that one this one, in a loop; a reload is the choice.
      var note = document.getElementById("live-paused");
      if (note) {
        note.textContent = T("live_paused_elsewhere", null, "Live updates are paused here: this dashboard is open on " +
          "many other devices or tabs. Reload the page to make this one live again. " +
          "What you save is kept.");
      }
      return;
    }
    var delay = htmx.config.wsReconnectDelay(retries++);
    if (code >= 4000 && code < 5000) {
      // The socket's session ended. Ask over HTTP: signed out, htmx follows the
      // HX-Redirect to the login page; still signed in (the session was renewed,
      // e.g. after a password change here), the page catches up and reconnects.
      if (retries > 3) { return; }
      setTimeout(function () {
        htmx.ajax("GET", live.dataset.refetchUrl, { target: refetchTarget, swap: "outerHTML" })
          .then(function () { if (!leaving) { wrapper.reconnect(); } });
      }, delay);
      return;
    }
    setTimeout(function () { wrapper.reconnect(); }, delay);
  });

  // Set when the server says this person is signed out (401 + HX-Redirect to
  // the login page, where htmx is taking the page): a socket opened now could
  // only be refused.
  var leaving = false;
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 401 && xhr.getResponseHeader("HX-Redirect")) { leaving = true; }
  });

  var held = {};  // part id -> a push arrived while the person was typing in it

  function unsaved(element) {
    var fields = element.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden" || field.type === "submit") { continue; }
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) { return true; }
      } else if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j++) {
          if (field.options[j].selected !== field.options[j].defaultSelected) { return true; }
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id && target.id !== "live-seq" && target.id !== "space" && target.id !== "checkin-body" && unsaved(target)) {
      event.detail.shouldSwap = false;
      held[target.id] = true;
    }
  });

  function releaseHeld() {
    Object.keys(heldBlocks).forEach(function (id) {
      var block = document.getElementById(id);
      if (block && keeps(block)) { return; }
      delete heldBlocks[id];
      if (block) { refreshBlock(id); }
    });
    Object.keys(held).forEach(function (id) {
      var target = document.getElementById(id);
      if (target && unsaved(target)) { return; }
      delete held[id];
      if (target) {
        htmx.ajax("GET", live.dataset.partsUrl.replace("__part__", id), { target: "#" + id, swap: "outerHTML" });
      }
    });
  }

  document.addEventListener("focusout", function () { setTimeout(releaseHeld, 0); });
  document.addEventListener("htmx:afterSwap", function (event) {
    // The person's own save swapped the part in fresh: nothing is held any more.
    if (event.detail.target && event.detail.target.id) {
      delete held[event.detail.target.id];
      delete heldBlocks[event.detail.target.id];
    }
    // A body rendered over HTTP shows the partner as away: restore what the socket said.
    if (event.target && event.target.id === "space") {
      var mark = document.getElementById("partner-presence");
      if (mark) { mark.hidden = !partnerHere; } else { partnerHere = false; }
    }
  });

  // An ask ends quietly at the end of its window: when one on the page has
  // ended, the part is fetched again (nothing is said about it).
  setInterval(function () {
    var ended = Array.prototype.some.call(document.querySelectorAll("#moment [data-ends-at]"), function (element) {
      return Date.parse(element.dataset.endsAt) <= Date.now();
    });
    if (ended && !held.moment) {
      htmx.ajax("GET", live.dataset.partsUrl.replace("__part__", "moment"), { target: "#moment", swap: "outerHTML" });
    }
  }, 30000);

  live.addEventListener("htmx:wsBeforeMessage", function () {
    seqBefore = seqNow();
  });

  live.addEventListener("htmx:wsAfterMessage", function (event) {
    var hint = hinted;
    hinted = false;
    var mark = document.getElementById("partner-presence");
    if (mark && event.detail.message.indexOf('id="partner-presence"') >= 0) {
      partnerHere = !mark.hidden;
    }
    var marker = document.getElementById("live-seq");
    var seq = seqNow();
    if (!marker) { if (hint) { refreshBlocks(); } return; }
    var kind = marker.dataset.kind;
    if (kind === "hello") { retries = 0; }  // only a valid session gets a hello
    if (seq === null || seqBefore === null) { if (hint) { refreshBlocks(); } return; }
    var missed = kind === "hello" ? seq !== seqBefore : seq > seqBefore + 1;
    if (seq < seqBefore) {
      marker.dataset.seq = String(seqBefore);  // a late push never moves us back
    }
    if (missed) { refetch(); } else if (hint) { refreshBlocks(); }
  });
})();
