/* My week, edited in place (templates/couples/sections/timing.html, #my-week-form).
 *
 * Without this file the grid is a form of 35 submit buttons (name = the cell,
 * value = what a tap sets) and each tap is a plain POST and a redirect. With it:
 * - the table becomes an ARIA grid with one tab stop (roving tabindex): arrow
 *   keys move, Home/End go to the ends of a day, Ctrl+Home/End to the ends of
 *   the week; Space/Enter (the button's own click) changes the value;
 * - a tap shows the next level at once and saves that one cell with a small
 *   POST (HX-Request: 204). Posts go one after another, in the order tapped, so
 *   quick taps arrive in order and the last one wins;
 * - a polite status local to the grid says what was saved once nothing is waiting,
 *   or, when a save is refused, why (and the part is fetched again: the truth);
 * - a frame arriving over the socket (this person's own, or from their other
 *   device) replaces the part: a tap not yet confirmed is kept on the new
 *   grid, the status keeps its words, and focus stays on the cell it was on.
 *   (Not hx-preserve for the status: htmx 2.0.11 drops a preserved element
 *   when a swap lands on a target that an earlier swap already replaced, as
 *   two refetches after a reconnect do.)
 * The level words mirror couples/domain/overlap.py (LEVELS, LEVEL_SHORT, CYCLE);
 * tests/test_timing_cell.py checks that they agree. CSP-safe: no eval, no inline.
 */
(function () {
  "use strict";
  // The words in the page's language (static/js/text.js); English without it.
  function T(key, values, fallback) { return window.cgText ? window.cgText(key, values, fallback) : fallback; }


  var FORM = "my-week-form";
  var CYCLE = { u: "s", s: "r", r: "-", "-": "u" };
  var LABEL = { u: T("level_u", null, "usually open"), s: T("level_s", null, "sometimes"), r: T("level_r", null, "rarely"), "-": T("level_-", null, "not said") };
  var SHORT = { u: T("short_u", null, "Usually"), s: T("short_s", null, "Some\u00adtimes"), r: T("short_r", null, "Rarely"), "-": "\u2013" };
  var CSS = { u: "u", s: "s", r: "r", "-": "none" };

  var pending = {};    // cell name -> the level last tapped, not yet confirmed
  var waiting = 0;     // posts sent or queued, not yet answered
  var failed = "";     // why the last refused save was refused (until the next batch)
  var queue = Promise.resolve();
  var tabStop = null;  // id of the cell that holds the grid's one tab stop
  var refocus = null;  // id of the focused cell while a swap replaces it

  function form() { return document.getElementById(FORM); }
  function cells(root) {
    return Array.prototype.slice.call((root || document).querySelectorAll("#" + FORM + " button[data-level]"));
  }
  function isCell(element) {
    return element && element.matches && element.matches("#" + FORM + " button[data-level]");
  }

  function span(className, text, hidden) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    if (hidden) { element.setAttribute("aria-hidden", "true"); }
    return element;
  }

  // The same content the template writes: the name "Monday, morning: sometimes",
  // the short word shown (hidden from the name: it may break with a soft hyphen).
  function show(button, level) {
    button.dataset.level = level;
    button.value = CYCLE[level];
    button.className = "wk wk-" + CSS[level];
    button.replaceChildren(
      span("visually-hidden", button.dataset.where + ": "),
      span("wk-word", SHORT[level], true),
      span("visually-hidden", LABEL[level])
    );
  }

  function say(text, isError) {
    var status = document.getElementById("my-week-status");
    if (!status) { return; }
    status.classList.toggle("is-error", !!isError);
    status.textContent = text;
  }

  // One tab stop for the whole grid; the table is a grid only once the keys work.
  function enhance() {
    var current = form();
    if (!current) { return; }
    var table = current.querySelector("table");
    table.setAttribute("role", "grid");
    var all = cells(current);
    if (!all.length) { return; }
    if (!tabStop || !document.getElementById(tabStop)) { tabStop = all[0].id; }
    all.forEach(function (button) {
      button.tabIndex = button.id === tabStop ? 0 : -1;
    });
  }

  function moveTo(button) {
    if (!button) { return; }
    tabStop = button.id;
    cells().forEach(function (other) { other.tabIndex = other === button ? 0 : -1; });
    button.focus();
  }

  function messageOf(text) {
    var holder = document.createElement("template");
    holder.innerHTML = text;
    var words = (holder.content.textContent || "").replace(/\s+/g, " ").trim();
    return words || T("try_again", null, "Please try again.");
  }

  function post(action, token, name, level) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append(name, level);
    return fetch(action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true" }
    }).then(function (response) {
      if (response.status === 204) { return; }
      var redirect = response.headers.get("HX-Redirect");
      if (response.status === 401 && redirect) {
        window.location.href = redirect;  // signed out: to the login page
        throw new Error(T("signed_out", null, "You are signed out. Sign in again, then try once more."));
      }
      return response.text().then(function (text) { throw new Error(messageOf(text)); });
    }, function () {
      throw new Error(T("connection_dropped", null, "The connection dropped. Tap the time again to try once more."));
    });
  }

  function refetchPart() {
    var live = document.getElementById("live");
    if (live && window.htmx && live.dataset.partsUrl) {
      htmx.ajax("GET", live.dataset.partsUrl.replace("__part__", "timing"), { target: "#timing", swap: "outerHTML" });
    }
  }

  function tap(button) {
    var current = form();
    var name = button.name;
    var before = button.dataset.level;
    var level = CYCLE[before];
    show(button, level);
    pending[name] = level;
    if (waiting === 0) { failed = ""; }
    waiting++;
    var action = current.action;
    var token = current.querySelector("input[name=csrfmiddlewaretoken]").value;
    queue = queue.then(function () {
      return post(action, token, name, level);
    }).then(function () {
      return "";
    }, function (error) {
      return error.message;
    }).then(function (problem) {
      waiting--;
      if (pending[name] === level) { delete pending[name]; }
      if (problem) {
        failed = problem;
        var shown = document.getElementById(button.id);
        if (shown && !(name in pending)) { show(shown, before); }
        refetchPart();
      }
      if (failed) {
        say(T("not_saved", { problem: failed }, "Not saved: " + failed), true);
      } else if (waiting === 0) {
        say(T("saved_cell", { where: button.dataset.where, level: LABEL[level] }, "Saved: " + button.dataset.where + ", " + LABEL[level] + "."), false);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#" + FORM + " button[data-level]");
    if (!button) { return; }
    event.preventDefault();  // no form submission: this one cell is posted instead
    tabStop = button.id;
    enhance();
    tap(button);
  });

  document.addEventListener("keydown", function (event) {
    if (!isCell(event.target)) { return; }
    var cell = event.target.closest("td");
    var row = cell.parentElement;
    var rows = Array.prototype.slice.call(row.parentElement.children);
    var r = rows.indexOf(row);
    var columns = Array.prototype.slice.call(row.querySelectorAll("td"));
    var c = columns.indexOf(cell);
    var target = null;
    function at(rowIndex, columnIndex) {
      var found = rows[rowIndex] && rows[rowIndex].querySelectorAll("td")[columnIndex];
      return found ? found.querySelector("button") : null;
    }
    switch (event.key) {
      case "ArrowRight": target = at(r, c + 1); break;
      case "ArrowLeft": target = at(r, c - 1); break;
      case "ArrowDown": target = at(r + 1, c); break;
      case "ArrowUp": target = at(r - 1, c); break;
      case "Home": target = event.ctrlKey ? at(0, 0) : at(r, 0); break;
      case "End": target = event.ctrlKey ? at(rows.length - 1, columns.length - 1) : at(r, columns.length - 1); break;
      default: return;
    }
    event.preventDefault();  // the page does not scroll under the grid
    moveTo(target);
  });

  document.addEventListener("focusin", function (event) {
    if (isCell(event.target)) { tabStop = event.target.id; }
  });

  // A swap is about to replace the part (a socket frame, a refetch): remember
  // the focused cell, and keep the taps not yet confirmed on the new grid.
  function beforeSwap(fragment) {
    var active = document.activeElement;
    refocus = isCell(active) ? active.id : null;
    if (fragment) {
      cells(fragment).forEach(function (button) {
        if (button.name in pending) { show(button, pending[button.name]); }
      });
      // The status arrives already saying what it said: a live region inserted
      // with its words is not read out again (set after the swap, it would be).
      var status = document.getElementById("my-week-status");
      var incoming = fragment.querySelector && fragment.querySelector("#my-week-status");
      if (status && incoming) {
        incoming.textContent = status.textContent;
        incoming.className = status.className;
      }
    }
  }

  function afterSwap() {
    cells().forEach(function (button) {
      if (button.name in pending && button.dataset.level !== pending[button.name]) {
        show(button, pending[button.name]);
      }
    });
    enhance();
    if (refocus) {
      var active = document.activeElement;
      var target = document.getElementById(refocus);
      if (target && (!active || active === document.body || !active.isConnected)) {
        target.focus({ preventScroll: true });
      }
    }
    refocus = null;
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) { beforeSwap(event.detail.fragment); });
  document.addEventListener("htmx:beforeSwap", function () { beforeSwap(null); });
  document.addEventListener("htmx:oobAfterSwap", afterSwap);
  document.addEventListener("htmx:afterSwap", afterSwap);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
