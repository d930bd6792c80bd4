/* My answers (/alternatives/): with JavaScript an answer saves by itself, once.
 *
 * The rule (deterministic, no timers):
 * - a choice made with a pointer (a tap or a click on yes / maybe / no / not
 *   answered) is a decision: it saves at once;
 * - with the keyboard the arrow keys only move through the choices; the answer
 *   saves when focus leaves that activity's group (Tab, Shift+Tab, a click
 *   elsewhere) or on Enter, and only if it differs from what is saved. So
 *   arrowing from "yes" past "maybe" to "no" is one save, of "no";
 * - leaving the page (it goes to the background) saves what is still unsaved.
 * A save is the form's own htmx request ("commit-answer" in its hx-trigger);
 * the row comes back from the server with the saved answer checked. Without
 * JavaScript each row keeps its Save button (<noscript>) and posts plainly.
 * CSP-safe: no inline script, no eval.
 */
(function () {
  "use strict";

  var list = document.querySelector("#my-answers .answer-list");
  if (!list || !window.htmx) { return; }

  var hint = document.getElementById("answers-autosave-hint");
  if (hint) { hint.hidden = false; }

  // The form whose radios the pointer went down on, until the change it causes.
  var pointerForm = null;

  function formOf(element) {
    return element && element.closest ? element.closest("#my-answers .answer-row form") : null;
  }

  function unsaved(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=radio]"), function (radio) {
      return radio.checked !== radio.defaultChecked;
    });
  }

  function commit(form) {
    if (form && form.isConnected && unsaved(form)) { htmx.trigger(form, "commit-answer"); }
  }

  // Listen on the document: rows are swapped in and out, the document stays.
  document.addEventListener("pointerdown", function (event) { pointerForm = formOf(event.target); }, true);
  document.addEventListener("keydown", function (event) {
    pointerForm = null;
    var form = formOf(event.target);
    if (form && event.key === "Enter") {
      event.preventDefault();  // no implicit submit on top of the commit
      commit(form);
    }
  }, true);

  document.addEventListener("change", function (event) {
    var form = formOf(event.target);
    if (form && form === pointerForm) { commit(form); }
    pointerForm = null;
  });

  document.addEventListener("focusout", function (event) {
    var form = formOf(event.target);
    if (!form || form.contains(event.relatedTarget)) { return; }  // still in the group
    commit(form);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("#my-answers .answer-row form"), commit);
  });
})();
